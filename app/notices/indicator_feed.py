"""The information-disclosure rate (生态环境信息公开率) supplied to the indicator system as a computed value.

Recorded for a year only once that year has ended: a computed value is recorded as approved, and a rate of a
year still running (the months not yet due left out) is not the year's rate. Each monthly publication counts
for the month it is for (app.notices.catalogue.monthly).
"""
from datetime import date
from decimal import Decimal

from app.db_types import utcnow
from app.i18n import local_today
from app.indicators import cache
from app.indicators.providers import register_provider
from app.indicators.services import ComputedResult
from app.notices import catalogue, queries
from app.notices.models import DisclosureItem
from app.workdays.models import overrides

PROVIDER_KEY = "notices.disclosure_rate"
METHOD = ("主动公开目录中截止日期在{year}年内（或已提前公开）的应公开事项{due}项，按时公开{on_time}项；"
          "公开率 = 按时公开数 ÷ 应公开数。按月事项以每月规定日期为限，按事件事项以生成日期起若干个工作日为限"
          "（节假日按工作日历）；逾期公开和未公开均不计为按时。{scope}")


def computed_result(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """The rate for a year: the city counts every bureau's items, a district those of its own bureaus."""
    if not period.isdigit():
        return None
    year = int(period)
    today = today or local_today()
    if today <= date(year, 12, 31):
        return None  # the year has not ended: its rate is not final, so it is not recorded as approved
    items = queries.disclosure_items(session, place=None if place.is_city else place)
    statuses = queries.catalogue_status(session, items, utcnow(), date(year, 12, 31),
                                        overrides=overrides(session))
    occurrences = [o for status in statuses for o in status.occurrences if o.due.year == year]
    on_time, due = catalogue.disclosure_rate(occurrences)
    if due == 0:
        return None
    scope = "范围：全市各责任单位。" if place.is_city else f"范围：{place.name_zh_hans}所属单位。"
    return ComputedResult(value=(Decimal(on_time * 100) / Decimal(due)).quantize(Decimal("0.01")), method=METHOD.format(
        year=year, due=due, on_time=on_time, scope=scope), sample_size=due)


def reports_at(session, place) -> bool:
    """The city always has a rate; a district only when one of its own bureaus has catalogue items."""
    return place.is_city or bool(queries.disclosure_items(session, place=place))


def register() -> None:
    register_provider(PROVIDER_KEY, computed_result, reports_at=reports_at)
    cache.watch(DisclosureItem)
