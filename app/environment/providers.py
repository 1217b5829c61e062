"""Indicator values computed from the monitoring data (indicators 7, 8 and 25), registered with the indicator
system under the keys below; each reads the same figures as the yearly bulletin (bulletin.py).

A value is recorded (as approved) for a year only once the year has ended, as with the disclosure rate: a running
year's figure is not the year's figure. A place with no site of the kind is not applicable (`reports_at`); a
place with sites but no data in the year gets no value (awaiting assessment).

What each key reports, one number per key: a whole computed indicator names one key (25), an entered indicator
names one key per measure it has computed (IndicatorMeasure.provider, as the demo catalogue does for 7 and 8):
- environment.good_air_days — 优良天数比例 of the year (indicator 7, first measure);
- environment.pm25_decrease — PM2.5 annual mean's decrease on the previous year in percent (7, second measure);
- environment.sections_good — share of sections of class Ⅰ–Ⅲ by their annual class;
- environment.sections_worse_v — share of sections worse than Ⅴ;
- environment.sections_good_increase — the change of the Ⅰ–Ⅲ share on the previous year, in percentage points
  (8, first measure: 水质达到或优于Ⅲ类比例提高幅度);
- environment.sections_worse_v_decrease — the fall of the 劣Ⅴ share on the previous year, in percentage points
  (8, second measure: 劣Ⅴ类水体比例下降幅度);
- environment.drinking_sources — share of drinking-water sources meeting the standard in every sample (25).
The targets of 7 and 8 are "完成上级规定的考核任务; 保持稳定或持续改善": the figure the province set for each
measure, place and year is entered by staff (the measure's target companion), and the indicator system judges the
computed value against it and against the year before. The three changes on the previous year are registered as
such (`yearly_change`): "stable or better" means a change that is not negative. 8's third measure (黑臭水体消除比例)
has no monitoring source here and stays entered.
"""
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import exists, select

from app.environment import bulletin, water
from app.environment.air_evaluation import publish_decimal, publish_ratio
from app.environment.aqi import Pollutant
from app.environment.models import AirStation, DrinkingSource, WaterSection
from app.i18n import local_today
from app.indicators import cache
from app.indicators.providers import register_provider
from app.indicators.services import ComputedResult

GOOD_AIR_DAYS = "environment.good_air_days"
PM25_DECREASE = "environment.pm25_decrease"
SECTIONS_GOOD = "environment.sections_good"
SECTIONS_WORSE_V = "environment.sections_worse_v"
SECTIONS_GOOD_INCREASE = "environment.sections_good_increase"
SECTIONS_WORSE_V_DECREASE = "environment.sections_worse_v_decrease"
DRINKING_SOURCES = "environment.drinking_sources"

_SCOPE_AIR_CITY = "全市国控、省控点位{n}个的日均值之均值"
_SCOPE_AIR_DISTRICT = "{place}境内点位{n}个的日均值之均值"


def _year(period: str, today: date | None) -> int | None:
    """The year of a yearly period that has ended; None for other periods and a year still running."""
    if not period.isdigit():
        return None
    year = int(period)
    return year if (today or local_today()) > date(year, 12, 31) else None


def _demo(session, year: int) -> str:
    """The demo's marker (as on its entered values) when the year's data include demonstration data."""
    return "数据含示范数据（虚构）。" if bulletin.includes_demo(session, year) else ""


def _two(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _air_scope(air: bulletin.AirYear) -> str:
    if air.place.is_city:
        return _SCOPE_AIR_CITY.format(n=air.stations)
    return _SCOPE_AIR_DISTRICT.format(place=air.place.name_zh_hans, n=air.stations)


def _validity(air: bulletin.AirYear) -> str:
    assert air.row is not None
    if air.row.annual_valid:
        return ""
    return "有效监测天数未达到GB 3095-2012年评价要求（≥324天，每月≥27天、2月≥25天），结果仅供参考。"


def good_air_days(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 7, 优良天数比例: days with AQI ≤ 100 ÷ days with a valid AQI, from the evaluated year."""
    year = _year(period, today)
    if year is None:
        return None
    air = bulletin.air_year(session, place, year)
    if not air.has_data or air.row is None or air.row.good_ratio is None:
        return None
    method = (f"优良天数比例 = AQI≤100的天数 ÷ 有效监测天数（HJ 633-2012、HJ 663-2013）："
              f"{air.row.good_days} ÷ {air.row.valid_days} = {publish_ratio(air.row.good_ratio)}%。"
              f"{_air_scope(air)}。{_validity(air)}{_demo(session, year)}")
    return ComputedResult(value=_two(air.row.good_ratio), method=method, sample_size=air.row.valid_days)


def pm25_decrease(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 7, PM2.5 浓度下降幅度: (previous year − this year) ÷ previous year × 100, on published means."""
    year = _year(period, today)
    if year is None:
        return None
    air = bulletin.air_year(session, place, year)
    if air.row is None or air.previous is None or air.row.pm25 is None or not air.previous.pm25:
        return None
    now, before = publish_decimal(Pollutant.PM25, air.row.pm25), publish_decimal(Pollutant.PM25, air.previous.pm25)
    if before == 0:
        return None
    decrease = ((before - now) / before * 100).quantize(Decimal("0.01"))
    method = (f"PM2.5浓度下降幅度 = （上年年均浓度 − 本年年均浓度）÷ 上年年均浓度 × 100%："
              f"（{before} − {now}）÷ {before} = {decrease}%（μg/m³，年均浓度按HJ 663-2013修约）。"
              f"{_air_scope(air)}。{_validity(air)}{_demo(session, year)}")
    return ComputedResult(value=decrease, method=method, sample_size=air.row.valid_days)


_SECTIONS_METHOD = ("按断面年度水质类别统计：各断面当年逐月监测值取各项目年均值（未检出按检出限一半计），"
                    "按GB 3838-2002和《地表水环境质量评价办法（试行）》21项指标评价年度类别。"
                    "{scope}有监测数据的断面{n}个，")


def _sections(session, place, period: str, today: date | None) -> list | None:
    year = _year(period, today)
    if year is None:
        return None
    sections = [s for s in bulletin.section_years(session, year, place) if s.water_class is not None]
    return sections or None


def _scope(place) -> str:
    return "全市" if place.is_city else f"{place.name_zh_hans}境内"


def sections_good(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 8, share of sections of class Ⅰ–Ⅲ by their annual class."""
    sections = _sections(session, place, period, today)
    if sections is None:
        return None
    group = bulletin.water_group(place.name_zh_hans, sections)
    assert group.summary is not None
    good = sum(n for c, n in group.summary.by_class.items() if c <= 3)
    method = (_SECTIONS_METHOD.format(scope=_scope(place), n=group.n)
              + f"达到或优于Ⅲ类{good}个，比例 {good} ÷ {group.n} = {group.share_good}%。" + _demo(session, int(period)))
    return ComputedResult(value=_two(group.summary.share_good), method=method, sample_size=group.n)


def sections_worse_v(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 8, share of sections worse than class Ⅴ by their annual class."""
    sections = _sections(session, place, period, today)
    if sections is None:
        return None
    group = bulletin.water_group(place.name_zh_hans, sections)
    assert group.summary is not None
    worse = group.summary.by_class[water.WaterClass.WORSE_V]
    method = (_SECTIONS_METHOD.format(scope=_scope(place), n=group.n)
              + f"劣Ⅴ类{worse}个，比例 {worse} ÷ {group.n} = {group.share_worse_v}%。" + _demo(session, int(period)))
    return ComputedResult(value=_two(group.summary.share_worse_v), method=method, sample_size=group.n)


def _shares(session, place, year: int) -> tuple[int, Fraction, Fraction, int, int] | None:
    """(sections, Ⅰ–Ⅲ share, 劣Ⅴ share, Ⅰ–Ⅲ count, 劣Ⅴ count) of the sections with an annual class in a year."""
    sections = [s for s in bulletin.section_years(session, year, place) if s.water_class is not None]
    if not sections:
        return None
    n = len(sections)
    good = sum(1 for s in sections if s.water_class <= 3)
    worse = sum(1 for s in sections if s.water_class == water.WaterClass.WORSE_V)
    return n, Fraction(good * 100, n), Fraction(worse * 100, n), good, worse


def _points(value: Fraction) -> Decimal:
    """Percentage points to two decimals (half to even, as published figures are rounded)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _share_change(session, place, period: str, today: date | None, worse_v: bool) -> ComputedResult | None:
    year = _year(period, today)
    if year is None:
        return None
    now, before = _shares(session, place, year), _shares(session, place, year - 1)
    if now is None or before is None:
        return None
    n, good, worse, good_count, worse_count = now
    n0, good0, worse0, good_count0, worse_count0 = before
    if worse_v:
        change = _points(worse0 - worse)
        formula = (f"劣Ⅴ类水体比例下降幅度 = 上年劣Ⅴ类比例 − 本年劣Ⅴ类比例：{_points(worse0)}% − {_points(worse)}% = "
                   f"{change}个百分点（本年{n}个断面中劣Ⅴ类{worse_count}个，上年{n0}个中{worse_count0}个）。")
    else:
        change = _points(good - good0)
        formula = (f"水质达到或优于Ⅲ类比例提高幅度 = 本年比例 − 上年比例：{_points(good)}% − {_points(good0)}% = "
                   f"{change}个百分点（本年{n}个断面中达到或优于Ⅲ类{good_count}个，上年{n0}个中{good_count0}个）。")
    method = (_SECTIONS_METHOD.format(scope=_scope(place), n=n).rstrip("，") + "。" + formula
              + _demo(session, year))
    return ComputedResult(value=change, method=method, sample_size=n)


def sections_good_increase(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 8, 水质达到或优于Ⅲ类比例提高幅度: this year's share of class Ⅰ–Ⅲ sections minus last year's, in
    percentage points, each year over the sections with an annual class."""
    return _share_change(session, place, period, today, worse_v=False)


def sections_worse_v_decrease(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 8, 劣Ⅴ类水体比例下降幅度: last year's share of sections worse than Ⅴ minus this year's, in
    percentage points."""
    return _share_change(session, place, period, today, worse_v=True)


def drinking_sources(session, place, period: str, today: date | None = None) -> ComputedResult | None:
    """Indicator 25: the share of centralised drinking-water sources that met the standard in every sample."""
    year = _year(period, today)
    if year is None:
        return None
    sources = [s for s in bulletin.source_years(session, year, place) if s.result.compliant is not None]
    share = bulletin.sources_share(sources)
    if share is None:
        return None
    met = sum(1 for s in sources if s.result.compliant)
    failing = "；".join(f"{s.source.name_zh_hans}{'、'.join(s.failing_periods)}超标项目：{s.failing_keys}"
                       for s in sources if not s.result.compliant)
    method = (f"集中式饮用水水源地水质优良比例 = 全年每次监测均达标的水源地数 ÷ 有监测数据的水源地数：{_scope(place)}"
              f"{met} ÷ {len(sources)} = {publish_ratio(share)}%。地表水水源地按GB 3838-2002 Ⅲ类及表2补充项目，"
              f"地下水水源地按GB/T 14848-2017 Ⅲ类评价。" + (f"未达标：{failing}。" if failing else "")
              + _demo(session, year))
    return ComputedResult(value=_two(share), method=method, sample_size=len(sources))


def _has(model):
    def reports_at(session, place) -> bool:
        query = select(model.id).where(model.active.is_(True))
        if not place.is_city:
            query = query.where(model.place_id == place.id)
        return bool(session.scalar(select(exists(query))))
    return reports_at


PROVIDERS = {
    GOOD_AIR_DAYS: (good_air_days, _has(AirStation)),
    PM25_DECREASE: (pm25_decrease, _has(AirStation)),
    SECTIONS_GOOD: (sections_good, _has(WaterSection)),
    SECTIONS_WORSE_V: (sections_worse_v, _has(WaterSection)),
    SECTIONS_GOOD_INCREASE: (sections_good_increase, _has(WaterSection)),
    SECTIONS_WORSE_V_DECREASE: (sections_worse_v_decrease, _has(WaterSection)),
    DRINKING_SOURCES: (drinking_sources, _has(DrinkingSource)),
}
# Figures that are themselves a change on the previous year: "stable or better" is judged against no change.
YEARLY_CHANGES = frozenset({PM25_DECREASE, SECTIONS_GOOD_INCREASE, SECTIONS_WORSE_V_DECREASE})


def register() -> None:
    """Register every provider with the indicator system; adding, moving or deactivating a site changes where
    the indicators apply (reports_at), so it moves the indicator pages' cache generation too."""
    for key, (provider, reports_at) in PROVIDERS.items():
        register_provider(key, provider, reports_at=reports_at, yearly_change=key in YEARLY_CHANGES)
    cache.watch(AirStation, WaterSection, DrinkingSource)
