"""Indicators 7, 8 and 25 computed from the monitoring data, checked against hand-computed values on small data."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.environment import providers
from app.environment.measured import parse_measured
from app.environment.models import AirPlacePeriod, DataOrigin, DataState, WaterSample, WaterValue
from app.extensions import db
from app.indicators import providers as indicator_providers
from app.indicators.models import DataSource, Indicator, IndicatorValue
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

AFTER = date(2026, 3, 1)  # 2025 has ended


@pytest.fixture
def world(app):
    session = db.session
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    east = factories.place(session, code="east", name_zh_hans="东区")
    west = factories.place(session, code="west", name_zh_hans="西区")
    empty = factories.place(session, code="empty", name_zh_hans="空区")
    bureau = factories.bureau(session)
    return {"session": session, "city": city, "east": east, "west": west, "empty": empty, "bureau": bureau}


def period_row(place, period, **values):
    defaults = dict(valid_days=0, good_days=0, days_by_level="0,0,0,0,0,0", provisional=False, annual_valid=True)
    row = AirPlacePeriod(place_id=place.id, period=period, **(defaults | values))
    db.session.add(row)
    db.session.flush()
    return row


def sample(section=None, source=None, period="2025-01", **values):
    row = WaterSample(section_id=section.id if section else None, source_id=source.id if source else None,
                      period=period, state=DataState.VALIDATED, origin=DataOrigin.IMPORT)
    for item, text in values.items():
        measured = parse_measured(text)
        row.values.append(WaterValue(item=item, reported=text, value=measured.value,
                                     below_detection=measured.below_detection))
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def air(world):
    env.station(db.session, place=world["east"], bureau=world["bureau"], control_level="national")
    env.station(db.session, place=world["west"], bureau=world["bureau"], control_level="municipal")
    period_row(world["city"], "2025", valid_days=360, good_days=300, good_ratio=300 * 100 / 360, pm25=36.6)
    period_row(world["city"], "2024", valid_days=366, good_days=290, good_ratio=290 * 100 / 366, pm25=40.4)
    period_row(world["west"], "2025", valid_days=200, good_days=150, good_ratio=75.0, pm25=30.0,
               annual_valid=False)
    return world


def test_good_air_days_is_the_years_ratio_with_its_count(air):
    result = providers.good_air_days(db.session, air["city"], "2025", today=AFTER)
    assert result.value == Decimal("83.33")
    assert result.sample_size == 360
    assert "300 ÷ 360 = 83.3%" in result.method
    assert "国控、省控点位1个" in result.method  # the municipal station does not count for the city
    assert "仅供参考" not in result.method and "示范数据" not in result.method


def test_a_year_short_of_valid_days_says_so(air):
    result = providers.good_air_days(db.session, air["west"], "2025", today=AFTER)
    assert result.value == Decimal("75.00") and result.sample_size == 200
    assert "西区境内点位1个" in result.method and "仅供参考" in result.method


def test_pm25_decrease_is_on_the_published_annual_means(air):
    # 40.4 → 40 and 36.6 → 37 as published: (40 − 37) ÷ 40 = 7.5 %.
    result = providers.pm25_decrease(db.session, air["city"], "2025", today=AFTER)
    assert result.value == Decimal("7.50")
    assert "（40 − 37）÷ 40" in result.method


def test_pm25_decrease_needs_the_previous_year(air):
    assert providers.pm25_decrease(db.session, air["west"], "2025", today=AFTER) is None


def test_air_values_wait_for_the_year_to_end_and_take_only_years(air):
    assert providers.good_air_days(db.session, air["city"], "2025", today=date(2025, 12, 31)) is None
    assert providers.good_air_days(db.session, air["city"], "2025-Q1", today=AFTER) is None
    assert providers.good_air_days(db.session, air["city"], "2023", today=AFTER) is None  # no data


def test_places_without_stations_are_not_applicable(air):
    _, reports_at = providers.PROVIDERS[providers.GOOD_AIR_DAYS]
    assert reports_at(db.session, air["city"]) and reports_at(db.session, air["east"])
    assert not reports_at(db.session, air["empty"])


@pytest.fixture
def sections(world):
    b = world["bureau"]
    good = env.section(db.session, place=world["east"], bureau=b, target_class=3)
    bad = env.section(db.session, place=world["east"], bureau=b, target_class=3)
    fair = env.section(db.session, place=world["west"], bureau=b, target_class=4)
    # Annual means of NH3-N: 0.5 (Ⅱ), 2.3 (劣Ⅴ), 1.1 (Ⅳ); petroleum below detection meets Ⅰ.
    for month, (a, b_, c) in enumerate([("0.4", "2.4", "0.9"), ("0.6", "2.2", "1.3")], start=1):
        sample(good, period=f"2025-{month:02d}", nh3n=a, codmn="3.0", petroleum="0.01L")
        sample(bad, period=f"2025-{month:02d}", nh3n=b_, codmn="3.0")
        sample(fair, period=f"2025-{month:02d}", nh3n=c, codmn="3.0")
    sample(good, period="2024-06", nh3n="0.3")
    return world


def test_share_of_sections_good_uses_their_annual_class(sections):
    city = providers.sections_good(db.session, sections["city"], "2025", today=AFTER)
    assert city.value == Decimal("33.33") and city.sample_size == 3
    assert "达到或优于Ⅲ类1个，比例 1 ÷ 3 = 33.3%" in city.method and "年均值" in city.method
    east = providers.sections_good(db.session, sections["east"], "2025", today=AFTER)
    assert east.value == Decimal("50.00") and east.sample_size == 2
    west = providers.sections_good(db.session, sections["west"], "2025", today=AFTER)
    assert west.value == Decimal("0.00")


def test_share_of_sections_worse_than_v(sections):
    city = providers.sections_worse_v(db.session, sections["city"], "2025", today=AFTER)
    assert city.value == Decimal("33.33") and "劣Ⅴ类1个" in city.method
    assert providers.sections_worse_v(db.session, sections["west"], "2025", today=AFTER).value == Decimal("0.00")


def test_sections_without_samples_in_the_year_give_no_value(sections):
    assert providers.sections_good(db.session, sections["city"], "2023", today=AFTER) is None
    assert providers.sections_good(db.session, sections["empty"], "2025", today=AFTER) is None
    _, reports_at = providers.PROVIDERS[providers.SECTIONS_GOOD]
    assert not reports_at(db.session, sections["empty"])


@pytest.fixture
def sources(world):
    b = world["bureau"]
    river = env.source(db.session, place=world["east"], bureau=b, kind="surface", name_zh_hans="河水源")
    well = env.source(db.session, place=world["west"], bureau=b, kind="ground", name_zh_hans="井水源")
    for quarter in range(1, 5):
        sample(source=river, period=f"2025Q{quarter}", nh3n="0.2", mn="0.05", phenol="0.0003L")
        sample(source=well, period=f"2025Q{quarter}", nh3n="0.1", mn="0.14" if quarter == 3 else "0.05")
    return world


def test_drinking_sources_count_only_if_every_sample_met(sources):
    result = providers.drinking_sources(db.session, sources["city"], "2025", today=AFTER)
    assert result.value == Decimal("50.00") and result.sample_size == 2
    assert "1 ÷ 2 = 50.0%" in result.method
    assert "井水源2025Q3超标项目：mn" in result.method
    east = providers.drinking_sources(db.session, sources["east"], "2025", today=AFTER)
    assert east.value == Decimal("100.00") and "未达标" not in east.method
    assert providers.drinking_sources(db.session, sources["city"], "2024", today=AFTER) is None


def test_refresh_records_indicator_25_as_an_approved_computed_value(sources):
    session = db.session
    catalogue = factories.catalogue(session)
    indicator = session.scalars(select(Indicator).where(Indicator.catalogue_id == catalogue.id,
                                                        Indicator.code == "2")).one()
    indicator.data_source, indicator.provider = DataSource.COMPUTED, providers.DRINKING_SOURCES
    session.flush()
    indicator_providers.refresh_computed_values(session, catalogue, "2025")
    values = {v.place.code: v for v in session.scalars(select(IndicatorValue).where(
        IndicatorValue.measure_id.in_([m.id for m in indicator.measures])))}
    # The city and the two districts with sources; the district without a source is not applicable.
    assert set(values) == {"city", "east", "west"}
    assert values["city"].numeric_value == Decimal("50.00") and values["city"].computed
    assert values["city"].sample_size == 2 and "优良比例" in values["city"].method
