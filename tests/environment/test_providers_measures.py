"""Indicator 8's changes on the previous year computed from the section data, hand-computed on small data, and
indicators 7 and 8 computed measure by measure and judged against the province's targets (issue 16)."""
from datetime import date
from decimal import Decimal

import pytest

from app.environment import providers
from app.extensions import db
from app.indicators import cache, queries, services
from app.indicators import providers as indicator_providers
from app.indicators.catalogue_import import import_catalogue
from app.indicators.rules import Status
from tests import factories
from tests.environment import factories as env
from tests.environment.test_providers_indicators import AFTER, sample, world  # noqa: F401 (world is a fixture)

TASK = "完成上级规定的考核任务; 保持稳定或持续改善"


@pytest.fixture
def sections(world):  # noqa: F811 (the imported fixture)
    """Three sections by their NH3-N (one sample a year, so the annual mean is the sample): 2024 Ⅱ, 劣Ⅴ, Ⅳ;
    2025 Ⅱ, Ⅴ, Ⅲ."""
    b = world["bureau"]
    a = env.section(db.session, place=world["east"], bureau=b)
    b_ = env.section(db.session, place=world["east"], bureau=b)
    c = env.section(db.session, place=world["west"], bureau=b, target_class=4)
    for section, before, now in ((a, "0.4", "0.4"), (b_, "2.4", "1.8"), (c, "1.1", "0.9")):
        sample(section, period="2024-06", nh3n=before, codmn="3.0")
        sample(section, period="2025-06", nh3n=now, codmn="3.0")
    return world


def test_the_share_of_good_sections_rises_by_its_change_in_percentage_points(sections):
    # City: 1 of 3 good in 2024, 2 of 3 in 2025: 66.67 − 33.33 = 33.33 points.
    city = providers.sections_good_increase(db.session, sections["city"], "2025", today=AFTER)
    assert city.value == Decimal("33.33") and city.sample_size == 3
    assert "66.67% − 33.33% = 33.33个百分点" in city.method and "上年3个中1个" in city.method
    east = providers.sections_good_increase(db.session, sections["east"], "2025", today=AFTER)
    assert east.value == Decimal("0.00") and east.sample_size == 2  # 1 of 2 both years


def test_the_share_worse_than_v_falls_by_its_change_in_percentage_points(sections):
    city = providers.sections_worse_v_decrease(db.session, sections["city"], "2025", today=AFTER)
    assert city.value == Decimal("33.33") and "33.33% − 0.00% = 33.33个百分点" in city.method
    east = providers.sections_worse_v_decrease(db.session, sections["east"], "2025", today=AFTER)
    assert east.value == Decimal("50.00")
    west = providers.sections_worse_v_decrease(db.session, sections["west"], "2025", today=AFTER)
    assert west.value == Decimal("0.00")


def test_a_change_needs_both_years_and_the_year_ended(sections):
    assert providers.sections_good_increase(db.session, sections["city"], "2024", today=AFTER) is None  # no 2023
    assert providers.sections_worse_v_decrease(db.session, sections["city"], "2025", today=date(2025, 12, 31)) is None
    assert providers.sections_good_increase(db.session, sections["empty"], "2025", today=AFTER) is None


def test_the_changes_on_the_previous_year_are_registered_as_such(app):
    for key in (providers.PM25_DECREASE, providers.SECTIONS_GOOD_INCREASE, providers.SECTIONS_WORSE_V_DECREASE):
        assert indicator_providers.is_yearly_change(key)
    for key in (providers.GOOD_AIR_DAYS, providers.SECTIONS_GOOD, providers.SECTIONS_WORSE_V,
                providers.DRINKING_SOURCES):
        assert not indicator_providers.is_yearly_change(key)


def test_a_new_site_changes_where_the_indicators_apply_and_moves_the_cache_generation(world):  # noqa: F811
    db.session.commit()
    before = cache.generation(db.session)
    env.station(db.session, place=world["east"], bureau=world["bureau"])
    db.session.commit()
    assert cache.generation(db.session) > before


def test_indicator_8_is_computed_measure_by_measure_and_judged_against_the_provinces_target(client, sections):
    session = db.session
    staff = factories.staff_set(session)
    catalogue = import_catalogue(session, None, code="t8", name_zh_hans="测试", first_year=2019, last_year=None, rows=[
        {"domain": "生态安全", "task": "(二)质量", "code": "8", "unit": "%", "target": TASK, "scope": "市县",
         "lead_bureau": staff["bureaus"]["home"].code,
         "name_zh_hans": "水环境质量(水质达到或优于Ⅲ类比例提高幅度; 劣Ⅴ类水体比例下降幅度; 黑臭水体消除比例)",
         "name_en": "Water quality (Class I-III share; worse-than-V share; black-odorous water elimination)",
         "provider": f"{providers.SECTIONS_GOOD_INCREASE}; {providers.SECTIONS_WORSE_V_DECREASE}; "}]).catalogue
    session.commit()
    [indicator] = queries.catalogue_indicators(session, catalogue)
    good, worse, black = indicator.measures
    # Only once the year has ended: the providers take today's date, and 2025 has ended.
    assert indicator_providers.refresh_computed_values(session, catalogue, "2025") == 6  # city, east, west × 2
    for measure, figure in ((good, "30"), (worse, "0")):
        value = services.save_draft(session, staff["bureau_editor"], measure.assigned_target, sections["city"],
                                    "2025", services.ValueInput(numeric_value=Decimal(figure), source="省厅考核目标"),
                                    today=date(2026, 3, 1))
        services.submit_value(session, staff["bureau_editor"], value)
        services.approve_value(session, staff["reviewer"], value)
    for year, number in (("2024", "60"), ("2025", "70")):
        factories.approved_value(session, black, sections["city"], period=year, numeric_value=Decimal(number),
                                 task_completed=True)
    session.commit()
    places = [sections["city"], sections["east"], sections["west"], sections["empty"]]
    result = queries.compliance(session, catalogue, "2025", places)
    city = result.status(indicator, sections["city"])
    assert [e.status for _m, e in city.measures] == [Status.MET, Status.MET, Status.MET] and city.status == Status.MET
    empty = result.status(indicator, sections["empty"])  # no section: only 黑臭水体 applies, not yet entered
    assert [e.status for _m, e in empty.measures] == [Status.NOT_APPLICABLE, Status.NOT_APPLICABLE, Status.PENDING]
    body = client.get("/indicators/8?period=2025&lang=en").get_data(as_text=True)
    row = body.split(f"{sections['city'].name_en}</th>")[1].split("</tr>")[0]
    assert "this year&#39;s share of sections whose annual class is Ⅰ–Ⅲ minus the previous year&#39;s" in row
    assert "sample size 3" in row and "Target set by the higher authority: at least 30\u00a0%, reached" in row
    assert "environment.sections" not in body
