"""Fidelity to the official indicator table (issue 14): the plateau variant, the 实施 ladder, gaps of failing AND
rules, a stated tolerance for 保持稳定, trends judged 同比, and applicability from the place's attributes."""
from decimal import Decimal

import pytest

from app.indicators import queries
from app.indicators.judging import place_attributes
from app.indicators.periods import parse_period
from app.indicators.rules import Status, TargetSyntaxError, TrendRule, parse_target
from app.org import services as org_services
from app.org.models import PlaceLevel
from tests import factories

COVERAGE = "山区>=60; 丘陵地区>=40; 平原地区>=18; 干旱半干旱地区>=35; 青藏高原地区>=70"


def test_a_plateau_place_is_judged_by_the_plateau_variant(app, session):
    """2019 table (环生态〔2019〕76号) row 11, 林草覆盖率: 青藏高原地区 ≥70. The place carries the attribute, so a
    mountain place on the plateau at 65 % fails, where it would pass the mountain target of 60."""
    place = factories.place(session, code="plateau", terrain="mountain", plateau=True)
    rule = parse_target(COVERAGE)
    attributes = place_attributes(place)
    assert rule.for_place(attributes).label == "青藏高原地区"
    assert rule.evaluate(65, place=attributes).status is Status.NOT_MET
    place.plateau = False
    assert rule.evaluate(65, place=place_attributes(place)).status is Status.MET


def test_a_place_keeps_the_plateau_attribute_it_is_saved_with(app, session, staff):
    place = factories.place(session, code="qh", terrain="mountain")
    data = {"code": "qh", "name_zh_hans": "高原县", "kind": "county", "terrain": "mountain", "region": "west",
            "moisture": "arid", "plateau": True, "coastal": False}
    org_services.save_place(session, staff["admin"], place, data)
    assert place.plateau is True and place.audit_state()["plateau"] is True


@pytest.mark.parametrize(("target", "reported", "status"), [
    ("实施", "制定实施", Status.MET),
    ("实施", "全面实施", Status.MET),
    ("实施", "实施", Status.MET),
    ("制定", "制定实施", Status.MET),
    ("实施", "制定", Status.NOT_MET),
    ("全面实施", "制定实施", Status.NOT_MET),
    ("制定实施", "全面实施", Status.NOT_MET),
    ("开展", "有效开展", Status.MET),
])
def test_implemented_is_met_by_drawn_up_and_implemented_or_fully_implemented(target, reported, status):
    """2019 table row 33 (生活废弃物综合利用: 实施) against the states of rows 1 and 4 (制定实施, 全面实施): a stronger
    state includes 实施, as 制定实施 includes 制定."""
    assert parse_target(target).evaluate(reported, place={}).status is status


@pytest.mark.parametrize(("target", "value", "previous", "gap"), [
    ("≥55且不降低", 56, 57, 1),          # the index is above 55 but fell by 1: the gap is the fall
    ("≥55且不降低", 54, 57, 1),          # both parts fail: the first failing part's gap
    ("≥55且逐步下降", 56, 50, 6),
])
def test_a_failing_and_rule_never_shows_a_negative_gap(target, value, previous, gap):
    """2019 table row 10 (生态环境状况指数 ≥55 且不降低, as in the Hunan 2018 provincial table): a met part's margin
    (56 is 1 above 55) is not the distance still to go."""
    result = parse_target(target).evaluate(value, place={}, previous=previous)
    assert result.status is Status.NOT_MET and result.gap == pytest.approx(gap) and result.gap > 0


@pytest.mark.parametrize(("target", "value", "status"), [
    ("保持稳定(±2)", 58, Status.MET),
    ("保持稳定(±2)", 57.9, Status.NOT_MET),
    ("保持稳定（±2）", 58, Status.MET),          # full-width brackets as typed in Chinese tables
    ("保持稳定或持续改善(±0.5)", 59.5, Status.MET),
    ("保持稳定或持续改善(±0.5)", 59.4, Status.NOT_MET),
    ("保持稳定", 60, Status.MET),
    ("保持稳定", 59.9, Status.NOT_MET),          # no tolerance stated: none
    ("完成上级规定的考核任务; 保持稳定或持续改善(±1)", (True, 59), Status.MET),
])
def test_stable_takes_the_tolerance_the_catalogue_states(target, value, status):
    """2019 table rows 7, 8, 20 and 21 (…保持稳定或持续改善) and the 2024 table (森林覆盖率: 保持稳定或持续改善): what
    counts as stable is stated in the target text as 保持稳定(±x), in the measure's unit."""
    rule = parse_target(target)
    assert rule.evaluate(value, place={}, previous=60).status is status


def test_a_stated_tolerance_reads_back_from_its_canonical_text():
    rule = parse_target("保持稳定（±2）")
    assert rule == TrendRule("保持稳定", Decimal("2")) and rule.describe() == "保持稳定(±2)"
    assert parse_target(rule.describe()) == rule
    with pytest.raises(TargetSyntaxError):
        parse_target("保持稳定(±)")


@pytest.mark.parametrize(("period", "year_before"), [
    ("2025", "2024"), ("2025-Q3", "2024-Q3"), ("2025-Q1", "2024-Q1"), ("2025-07", "2024-07"), ("2025-01", "2024-01")])
def test_sub_annual_periods_are_compared_with_the_same_period_a_year_before(period, year_before):
    """Trend targets (不降低, 保持稳定或持续改善) of quarterly or monthly figures compare with the same period of the
    previous year (同比), as the official bulletins do (e.g. "同比上升3.3个百分点"), not with the quarter before."""
    assert str(parse_period(period).year_before()) == year_before


def test_a_quarter_is_judged_against_the_same_quarter_last_year(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    water = next(i for i in queries.catalogue_indicators(session, catalogue) if i.code == "4")  # lower is better
    factories.approved_value(session, water.measures[0], city, period="2024-Q3", numeric_value=Decimal("50"))
    factories.approved_value(session, water.measures[0], city, period="2025-Q2", numeric_value=Decimal("40"))
    factories.approved_value(session, water.measures[0], city, period="2025-Q3", numeric_value=Decimal("45"))
    session.commit()
    result = queries.compliance(session, catalogue, "2025-Q3", [city])
    # 45 is better than 50 a year before (met), though worse than 40 the quarter before.
    assert result.status(water, city).status is Status.MET


def test_coastal_indicators_apply_only_to_coastal_places(session, staff):
    """2019 table rows 9 (近岸海域水质优良比例), 13 (海岸生态修复) and 18 (自然岸线保有率) apply to coastal areas only
    (沿海地区): the place's coastal attribute decides, without any value typed."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly")
    seaside = factories.place(session, code="seaside", terrain="plain", coastal=True)
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    shoreline = next(i for i in queries.catalogue_indicators(session, catalogue) if i.code == "5")
    assert shoreline.relevance_attribute == "coastal"
    assert not shoreline.applies_to(city) and shoreline.applies_to(seaside)
    result = queries.compliance(session, catalogue, "2025", [city, seaside])
    assert result.status(shoreline, city).status is Status.NOT_APPLICABLE
    assert result.status(shoreline, seaside).status is Status.PENDING


def test_the_place_form_asks_for_the_plateau_and_saves_it(client, auth, csrf, session, staff):
    place = factories.place(session, code="qh", terrain="mountain", name_zh_hans="高原县")
    session.commit()
    auth.login("admin")
    url = f"/admin/places/{place.id}/edit"
    assert 'name="plateau"' in client.get(url).get_data(as_text=True)
    token = csrf.token(client, url)
    response = client.post(url, data={"csrf_token": token, "code": "qh", "name_zh_hans": "高原县", "kind": "county",
                                      "terrain": "mountain", "region": "west", "moisture": "arid", "plateau": "y",
                                      "active": "y"})
    assert response.status_code == 303
    session.refresh(place)
    assert place.plateau is True


def test_the_gap_report_explains_a_quarters_trend_against_the_same_quarter_last_year(session, staff):
    """The gap report's explanation uses the period the judging used (同比): 55 against 50 a year before is a gap
    of 5, whatever the quarter just before was (here 60, which would make it look met)."""
    from app.indicators import report

    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    water = next(i for i in queries.catalogue_indicators(session, catalogue) if i.code == "4")  # lower is better
    for period, number in (("2024-Q3", "50"), ("2025-Q2", "60"), ("2025-Q3", "55")):
        factories.approved_value(session, water.measures[0], city, period=period, numeric_value=Decimal(number))
    session.commit()
    result = queries.compliance(session, catalogue, "2025-Q3", [city])
    assert result.status(water, city).status is Status.NOT_MET
    [shortfall] = report.shortfalls_at(result, water, city)
    assert shortfall.gap == 5
