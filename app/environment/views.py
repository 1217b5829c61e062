"""Public air pages: today's air, a place's history by day, month and year, the district ranking, a station,
and the map of the monitoring sites. They read only the evaluated tables and each station's latest hours."""
from datetime import date

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.environment import aqi_texts, charts, queries
from app.environment.air_evaluation import publish_index, publish_ratio, publish_value
from app.environment.aqi import CATEGORIES, Pollutant
from app.environment.models import ControlLevel
from app.extensions import db
from app.org import outlines
from app.org.models import PlaceLevel
from app.org.queries import districts
from app.web.errors import render_error
from app.web.htmx import render

bp = Blueprint("environment", __name__, url_prefix="/environment")

HISTORY_VIEWS = ("day", "month", "year")
MAP_KINDS = {"": None, "air": _l("Air stations"), "water": _l("Water sections"),
             "sources": _l("Drinking-water sources")}
# GB 3095-2012 grade 2 annual limit of PM2.5 (μg/m³), marked on the PM2.5 charts.
PM25_ANNUAL_LIMIT = 35


@bp.context_processor
def air_wording():
    """The standard's texts and the publication rounding, for the air templates."""
    def concentration(pollutant: str, value: float | None) -> str:
        return "—" if value is None else publish_value(Pollutant(pollutant), value)

    return {"aqi_categories": CATEGORIES, "aqi_title": aqi_texts.category_title, "aqi_health": aqi_texts.health_effect,
            "aqi_advice": aqi_texts.advice, "pollutant_name": aqi_texts.pollutant_name,
            "concentration": concentration,
            "ratio_text": lambda value: "—" if value is None else publish_ratio(value),
            "index_text": lambda value: "—" if value is None else publish_index(value)}


def bad_parameter(message: str, back: str):
    """A 400 page saying which parameter was not understood, with a link back to the page's default."""
    return render_error(400, _("This address could not be understood"), message, back=back)


@bp.get("/")
def index():
    """Today's air: the city's latest day with its health advice, and every station's latest hour."""
    session = db.session
    city = queries.the_city(session)
    city_day = queries.latest_place_day(session, city.id) if city else None
    stations = queries.stations_now(session)
    city_stations = [s for s in stations if s.station.control_level.counts_for_city]
    other_stations = [s for s in stations if not s.station.control_level.counts_for_city]
    return render("environment/index.html", "environment/_now.html", city=city, city_day=city_day,
                  city_reading=queries.day_reading(city_day) if city_day else None,
                  city_stations=city_stations, other_stations=other_stations,
                  water_url=url_for("environment_water.index"),
                  bulletin_url=url_for("environment_bulletin.index"))


@bp.get("/air/history")
def history():
    """A place's air by day (a month), by month (a year) or by year (all years)."""
    session = db.session
    args = request.args
    back = url_for("environment.history")
    places = queries.air_places(session)
    code = args.get("place", "")
    place = (next((p for p in places if p.code == code), None) if code
             else next((p for p in places if p.level == PlaceLevel.CITY), None))
    if code and place is None:
        return bad_parameter(_("There is no city or district with the code “%(code)s”.", code=code), back)
    view = args.get("view", "day")
    if view not in HISTORY_VIEWS:
        return bad_parameter(_("The view must be one of: day, month, year."), back)
    context = {"places": places, "place": place, "view": view, "month": None, "year": None, "rows": [],
               "charts": [], "before": None, "after": None}
    if place is not None:
        if view == "day":
            month_text = args.get("month", "")
            if month_text and queries.parse_month(month_text) is None:
                return bad_parameter(_("The month must be written as year and month, for example 2025-03."), back)
            if not month_text:
                latest = queries.latest_place_day(session, place.id)
                month_text = latest.day.strftime("%Y-%m") if latest else ""
            if month_text:
                context.update(_day_view(session, place, month_text))
        elif view == "month":
            year_text = args.get("year", "")
            if year_text and queries.parse_year(year_text) is None:
                return bad_parameter(_("The year must be written with four digits, for example 2025."), back)
            if not year_text:
                latest_period = queries.latest_period(session, place.id, years=False)
                year_text = latest_period[:4] if latest_period else ""
            if year_text:
                context.update(_month_view(session, place, int(year_text)))
        else:
            context.update(_year_view(session, place))
    return render("environment/history.html", "environment/_history.html", **context)


def _day_chart(rows, year: int, month: int):
    first, last = queries.month_bounds(year, month)
    by_day = {row.day: row for row in rows}
    points = []
    for number in range(1, last.day + 1):
        row = by_day.get(date(year, month, number))
        reading = queries.day_reading(row) if row else None
        points.append((str(number), reading.aqi if reading else None,
                       reading.category.colour if reading and reading.category else None))
    return charts.bar_chart(points, reference=100)


def _day_view(session, place, month_text: str) -> dict:
    year, month = queries.parse_month(month_text) or (0, 0)
    rows = queries.place_month_days(session, place.id, year, month)
    before, after = queries.neighbour_months(session, place.id, year, month)
    return {"month": month_text, "rows": [(row, queries.day_reading(row)) for row in rows],
            "charts": [("aqi", _l("Daily AQI"), _day_chart(rows, year, month))] if rows else [],
            "before": before, "after": after}


def _period_charts(rows, label) -> list:
    ratio = charts.bar_chart([(label(row), row.good_ratio, None) for row in rows], top=100)
    pm25 = charts.bar_chart([(label(row), row.pm25, "#0b5c8a") for row in rows], reference=PM25_ANNUAL_LIMIT)
    return [("ratio", _l("Share of good days (%)"), ratio), ("pm25", _l("PM2.5 (μg/m³)"), pm25)]


def _month_view(session, place, year: int) -> dict:
    rows = queries.place_year_months(session, place.id, year)
    before, _after = queries.neighbour_periods(session, place.id, f"{year:04d}-01")
    _before, after = queries.neighbour_periods(session, place.id, f"{year:04d}-12")
    return {"year": year, "rows": rows, "charts": _period_charts(rows, lambda row: str(int(row.period[5:]))),
            "before": before[:4] if before else None, "after": after[:4] if after else None}


def _year_view(session, place) -> dict:
    rows = queries.place_years(session, place.id)
    return {"rows": rows, "charts": _period_charts(rows, lambda row: row.period)}


@bp.get("/air/ranking")
def ranking():
    """The districts of a month (?month=) or a year (?year=) ranked by 综合指数 and by 优良天数比例."""
    session = db.session
    args = request.args
    back = url_for("environment.ranking")
    month_text, year_text = args.get("month", ""), args.get("year", "")
    if month_text and year_text:
        return bad_parameter(_("Choose a month or a year, not both."), back)
    if month_text and queries.parse_month(month_text) is None:
        return bad_parameter(_("The month must be written as year and month, for example 2025-03."), back)
    if year_text and queries.parse_year(year_text) is None:
        return bad_parameter(_("The year must be written with four digits, for example 2025."), back)
    city = queries.the_city(session)
    yearly = bool(year_text)
    period = month_text or year_text or (queries.latest_period(session, city.id, years=False) if city else None)
    result = queries.ranking(session, period) if period else None
    before, after = queries.neighbour_periods(session, city.id, period) if city and period else (None, None)
    latest_year = queries.latest_period(session, city.id, years=True) if city else None
    latest_month = queries.latest_period(session, city.id, years=False) if city else None
    return render("environment/ranking.html", "environment/_ranking.html", period=period, yearly=yearly,
                  ranking=result, before=before, after=after, latest_year=latest_year, latest_month=latest_month,
                  month_value=month_text)


@bp.get("/air/stations/<code>")
def station(code: str):
    """A station: its latest 24 hours and 30 days, its control level and district."""
    session = db.session
    row = queries.station_by_code(session, code)
    if row is None:
        abort(404)
    hours = [(hour, queries.hour_reading(hour)) for hour in queries.station_hours(session, row.id)]
    days = [(day, queries.day_reading(day)) for day in queries.station_days(session, row.id)]
    hour_chart = charts.bar_chart([(f"{hour.observed_at:%H}", reading.aqi,
                                    reading.category.colour if reading.category else None)
                                   for hour, reading in hours], reference=100)
    day_chart = charts.bar_chart([(f"{day.day:%d}", reading.aqi, reading.category.colour if reading.category else None)
                                  for day, reading in days], reference=100)
    return render("environment/station.html", "environment/_station.html", station=row, hours=hours, days=days,
                  hour_chart=hour_chart, day_chart=day_chart, control_levels=ControlLevel)


@bp.get("/map")
def site_map():
    """The monitoring sites on the district outlines, and the same sites as a list (the list is the content)."""
    session = db.session
    kind = request.args.get("kind", "")
    if kind not in MAP_KINDS:
        return bad_parameter(_("The kind of site must be one of: air, water, sources."),
                             url_for("environment.site_map"))
    sites = queries.map_sites(session, air=kind in ("", "air"), water=kind in ("", "water"),
                              sources=kind in ("", "sources"))
    bounds = current_app.config["TIP_BOUNDS"]

    def located(rows, site=lambda row: row):
        return [(row, charts.map_point(site(row).latitude, site(row).longitude, bounds)) for row in rows]

    return render("environment/map.html", "environment/_map.html", kind=kind, kinds=MAP_KINDS,
                  stations=located(sites.stations, lambda now: now.station), sections=located(sites.sections),
                  sources=located(sites.sources), outlines=outlines.shapes(districts(session), bounds))
