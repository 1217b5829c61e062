"""Environmental alerts: heavy air pollution days (AQI above 200, 重度污染 or worse) at the city or a district,
and surface-water sections below their target class; the current ones for the home page and an Atom feed of
the last 90 days."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Blueprint, Flask, Response, current_app, g, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from app.db_types import utcnow
from app.environment import water_queries
from app.environment.aqi import category_of
from app.environment.aqi_texts import category_title
from app.environment.models import AirPlaceDay, DataState, WaterSample, WaterSection
from app.extensions import db
from app.indicators import wording
from app.indicators.wording import Phrase
from app.i18n import current_locale, local_today
from app.notices import feeds
from app.web.urls import public_url

bp = Blueprint("environment_alerts", __name__, url_prefix="/environment")

HEAVY_AQI = 200  # HJ 633-2012: above 200 is level 5 (重度污染) or 6 (严重污染)
CURRENT_AIR_DAYS = 2  # today and yesterday
FEED_DAYS = 90
FEED_LIMIT = 500


@dataclass(frozen=True)
class Alert:
    """One alert: a heavy-pollution day of a place, or a section below its target in a month."""

    kind: str  # "air" or "water"
    key: str  # stable: air/<place code>/<day>, water/<section code>/<month>
    period: str  # the day (2025-03-01) or the month (2025-03)
    # Names in the reader's language, or in Simplified Chinese marked as untranslated (wording.Phrase).
    place: Phrase
    provisional: bool
    updated_at: datetime
    aqi: int | None = None
    section_code: str | None = None
    section: Phrase | None = None
    water: Phrase | None = None
    water_class: int | None = None
    target_class: int | None = None

    @property
    def category(self) -> str:
        """The AQI category's title (air alerts)."""
        return str(category_title(category_of(self.aqi))) if self.aqi is not None else ""

    @property
    def found_label(self) -> str:
        return water_queries.class_label(self.water_class)

    @property
    def found_html(self) -> Markup:
        return water_queries.class_html(self.water_class)

    @property
    def target_label(self) -> str:
        return water_queries.class_label(self.target_class)

    @property
    def title(self) -> str:
        """The alert in one sentence of plain text, in the reader's language (templates/environment/_alerts.html
        writes the same sentence with the untranslated names marked)."""
        if self.kind == "air":
            return _("%(place)s, %(day)s: AQI %(aqi)s, %(category)s",
                     place=str(self.place), day=self.period, aqi=self.aqi, category=self.category)
        return _("%(section)s (%(water)s, %(place)s) was class %(found)s in %(month)s, worse than its target "
                 "%(target)s", section=str(self.section), water=str(self.water), place=str(self.place),
                 month=self.period, found=self.found_label, target=self.target_label)

    @property
    def link(self) -> str | None:
        """Where the alert is explained (None when that page is not installed)."""
        if self.kind == "water":
            return url_for("environment_water.section", code=self.section_code, month=self.period)
        return _first_url(("environment.index", "environment_data.index"))


def _first_url(endpoints, **values) -> str | None:
    for endpoint in endpoints:
        try:
            return url_for(endpoint, **values)
        except BuildError:
            continue
    return None


def _air_alert(row: AirPlaceDay) -> Alert:
    return Alert(kind="air", key=f"air/{row.place.code}/{row.day.isoformat()}", period=row.day.isoformat(),
                 place=wording.stored(row.place), provisional=row.provisional, updated_at=row.updated_at, aqi=row.aqi)


def _water_alert(row: WaterSample) -> Alert:
    section = row.section
    assert section is not None
    return Alert(kind="water", key=f"water/{section.code}/{row.period}", period=row.period,
                 place=wording.stored(section.place),
                 provisional=row.state == DataState.PROVISIONAL, updated_at=row.updated_at,
                 section_code=section.code, section=wording.stored(section),
                 water=wording.stored(section, "water"), water_class=row.water_class,
                 target_class=section.target_class)


def _air_days(since: date):
    return (select(AirPlaceDay).options(joinedload(AirPlaceDay.place))
            .where(AirPlaceDay.day >= since, AirPlaceDay.aqi > HEAVY_AQI)
            .order_by(AirPlaceDay.day.desc(), AirPlaceDay.aqi.desc()))


def _failing_samples():
    return (select(WaterSample).join(WaterSample.section)
            .options(joinedload(WaterSample.section).joinedload(WaterSection.place))
            .where(WaterSample.section_id.is_not(None), WaterSample.meets_target.is_(False)))


def current_alerts(session, today: date | None = None) -> list[Alert]:
    """The alerts of now: heavy-pollution days of today and yesterday, and the sections below target in the
    newest month with samples. Two indexed queries, whatever the amount of data."""
    today = today or local_today()
    air = [_air_alert(row) for row in session.scalars(_air_days(today - timedelta(days=CURRENT_AIR_DAYS - 1)))]
    newest = (select(func.max(WaterSample.period)).where(WaterSample.section_id.is_not(None))
              .scalar_subquery())
    statement = _failing_samples().where(WaterSample.period == newest).order_by(WaterSection.sort_order,
                                                                               WaterSection.code)
    return air + [_water_alert(row) for row in session.scalars(statement)]


def recent_alerts(session, today: date | None = None, days: int = FEED_DAYS) -> list[Alert]:
    """Every alert of the last `days` days (water: the months they touch), newest first."""
    today = today or local_today()
    since = today - timedelta(days=days - 1)
    air = [_air_alert(row) for row in session.scalars(_air_days(since).limit(FEED_LIMIT))]
    statement = (_failing_samples().where(WaterSample.period >= water_queries.month_of(since),
                                          WaterSample.period <= water_queries.month_of(today))
                 .order_by(WaterSample.period.desc(), WaterSection.sort_order).limit(FEED_LIMIT))
    water = [_water_alert(row) for row in session.scalars(statement)]
    return sorted(air + water, key=lambda a: (a.period[:7], a.kind == "air", a.period), reverse=True)


def alerts_for_page() -> list[Alert]:
    """The current alerts, read once per request (the home page and the environment pages include them)."""
    if "environment_alerts" not in g:
        g.environment_alerts = current_alerts(db.session)
    return g.environment_alerts


@bp.get("/alerts.atom")
def feed():
    """An Atom feed of the alerts of the last 90 days."""
    city = current_app.config["CITY_NAME"]
    now = utcnow()
    site = current_app.config["SITE_NAMES"].get(current_locale()) or current_app.config["SITE_NAME"]
    entries = []
    for alert in recent_alerts(db.session):
        link = public_url("environment_water.section", code=alert.section_code, month=alert.period) \
            if alert.kind == "water" else public_url("environment_data.index")
        title = alert.title + (" " + _("(provisional)") if alert.provisional else "")
        entries.append({"id": feeds.stable_id(city, f"environment/alerts/{alert.key}"), "title": title,
                        "updated": alert.updated_at, "published": alert.updated_at, "link": link,
                        "summary": title, "category": alert.kind})
    body = feeds.atom_feed(
        feed_id=feeds.stable_id(city, "environment/alerts"), title=_("Environmental alerts") + f" · {site}",
        author=site, alternate=public_url("environment_data.index"), self_url=public_url(".feed"),
        updated=max((entry["updated"] for entry in entries), default=now), entries=entries,
        language=current_locale().replace("_", "-"))
    return Response(body, mimetype="application/atom+xml")


def init_app(app: Flask) -> None:
    """Register the feed and `environment_alerts()` for the templates that show the current alerts."""
    app.register_blueprint(bp)
    app.jinja_env.globals["environment_alerts"] = alerts_for_page
