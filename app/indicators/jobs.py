"""The nightly refresh of computed indicator values (surveys, the disclosure rate, environmental quality)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.db_types import utcnow
from app.indicators import providers
from app.indicators.queries import catalogue_for_year
from app.jobs.registry import job


@job("indicators.refresh_computed", title=_l("Computed indicator values"), cron="INDICATOR_REFRESH_CRON")
def refresh_computed(context, now: str | None = None) -> dict:
    """Ask every provider again for this year and last year (a year's values are due the next spring)."""
    moment = datetime.fromisoformat(now) if now else utcnow()
    year = moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).year
    recorded = {}
    for period in (year - 1, year):
        catalogue = catalogue_for_year(context.session, period)
        if catalogue is not None:
            recorded[str(period)] = providers.refresh_computed_values(context.session, catalogue, str(period))
    return {"values_recorded": recorded}
