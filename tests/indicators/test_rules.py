"""Target rules: every official target form parses, and values are judged met, not met or pending."""
import csv
from dataclasses import FrozenInstanceError, replace
from decimal import Decimal
from pathlib import Path

import pytest

from app.indicators.rules import (
    Evaluation,
    Rule,
    Status,
    TargetSyntaxError,
    evaluate,
    parse_target,
    parse_targets,
    sub_indicator_names,
)

# A copy of shared/domain/indicators-2019-reconstructed.csv: tests never read outside the repository.
CSV_PATH = Path(__file__).parent / "data" / "indicators-2019-reconstructed.csv"
FOREST = "山区>=60; 丘陵地区>=40; 平原地区>=18; 干旱半干旱地区>=35; 青藏高原地区>=70"
CITY = {"level": "city", "terrain": "plain", "region": "east", "moisture": "humid", "size": "large",
        "plateau": False}
COUNTY = {**CITY, "level": "county", "size": None}


def judge(expr, value, place=None, **kwargs):
    return parse_target(expr).evaluate(value, place=CITY if place is None else place, **kwargs)


def csv_rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the official table ---------------------------------------------------------------------------------

def test_the_reconstructed_table_has_38_rows():
    assert len(csv_rows()) == 38


@pytest.mark.parametrize("row", csv_rows(), ids=lambda row: f"row{row['no']}")
def test_every_target_in_the_official_table_parses(row):
    sub_count = max(1, len(sub_indicator_names(row["name_zh"])))
    rules = parse_targets(row["target_expr"], sub_count)
    assert len(rules) == sub_count
    assert all(isinstance(rule, Rule) for rule in rules)


@pytest.mark.parametrize("row", csv_rows(), ids=lambda row: f"row{row['no']}")
def test_every_described_rule_reads_back_to_the_same_rule(row):
    sub_count = max(1, len(sub_indicator_names(row["name_zh"])))
    for rule in parse_targets(row["target_expr"], sub_count):
        assert parse_target(rule.describe()) == rule


@pytest.mark.parametrize(("no", "kinds"), [
    ("1", ["qualitative"]),
    ("3", ["comparison"]),
    ("6", ["variants"]),
    ("7", ["all_of", "all_of"]),
    ("8", ["all_of"] * 3),
    ("10", ["all_of"]),
    ("11", ["variants"]),
    ("12", ["comparison", "qualitative", "trend"]),
    ("13", ["assigned_task", "assigned_task"]),
    ("17", ["qualitative", "qualitative"]),
    ("20", ["all_of"]),
    ("23", ["comparison"] * 3),
    ("30", ["assigned_task"]),
    ("32", ["variants"]),
    ("34", ["comparison", "comparison", "trend"]),
])
def test_official_rows_parse_into_the_expected_kinds(no, kinds):
    row = next(row for row in csv_rows() if row["no"] == no)
    sub_count = max(1, len(sub_indicator_names(row["name_zh"])))
    assert [rule.kind for rule in parse_targets(row["target_expr"], sub_count)] == kinds


@pytest.mark.parametrize(("name", "subs"), [
    ("河长制", []),
    ("近岸海域水质优良(一、二类)比例", []),
    ("环境空气质量(优良天数比例; PM2.5浓度下降幅度)", ["优良天数比例", "PM2.5浓度下降幅度"]),
    ("农业废弃物综合利用率（秸秆综合利用率；畜禽粪污综合利用率；农膜回收利用率）",
     ["秸秆综合利用率", "畜禽粪污综合利用率", "农膜回收利用率"]),
])
def test_sub_indicators_are_read_from_the_trailing_parentheses_of_the_name(name, subs):
    assert sub_indicator_names(name) == subs


# --- numeric comparisons --------------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "value", "status", "gap"), [
    (">=20", 20, Status.MET, 0),
    (">=20", 25, Status.MET, -5),
    (">=20", 19.5, Status.NOT_MET, 0.5),
    ("≥20", 19, Status.NOT_MET, 1),
    ("＞＝20", 20, Status.MET, 0),
    (">= 4.5%", Decimal("4.5"), Status.MET, 0),
    ("<=25", 25, Status.MET, 0),
    ("<=25", 24, Status.MET, -1),
    ("≤25", 26.5, Status.NOT_MET, 1.5),
    (">5", 5, Status.NOT_MET, 0),
    (">5", 5.1, Status.MET, -0.1),
    ("<5", 5, Status.NOT_MET, 0),
    ("<5", 4, Status.MET, -1),
    ("=5", 5, Status.MET, 0),
    ("=5", 4, Status.NOT_MET, 1),
    ("=5", 6, Status.NOT_MET, 1),
    ("100", 100, Status.MET, 0),
    ("100", 99.5, Status.NOT_MET, 0.5),
    ("１００％", 100.0, Status.MET, 0),
    ("-1", -0.5, Status.MET, -0.5),
])
def test_comparison_is_met_at_and_beyond_the_threshold(expr, value, status, gap):
    result = judge(expr, value)
    assert result.status is status
    assert result.gap == pytest.approx(gap)


@pytest.mark.parametrize(("expr", "value", "status", "gap"), [
    ("10~20", 10, Status.MET, 0),
    ("10~20", 20, Status.MET, 0),
    ("10~20", 15, Status.MET, -5),
    ("10~20", 12, Status.MET, -2),
    ("10~20", 9, Status.NOT_MET, 1),
    ("10~20", 21.5, Status.NOT_MET, 1.5),
    ("10-20", 21, Status.NOT_MET, 1),
    ("10～20", 10, Status.MET, 0),
    ("0.5 - 1.5", 1.5, Status.MET, 0),
])
def test_range_includes_both_bounds_and_reports_the_distance_outside(expr, value, status, gap):
    result = judge(expr, value)
    assert result.status is status
    assert result.gap == pytest.approx(gap)


@pytest.mark.parametrize(("expr", "described"), [
    (">=20", ">= 20"),
    ("≥ 20", ">= 20"),
    ("100", ">= 100"),
    ("≤25", "<= 25"),
    ("=4.50", "= 4.5"),
    ("10-20", "10 ~ 20"),
    ("市>=95; 县>=85", "市: >= 95; 县: >= 85"),
    ("≥55且不降低", ">= 55 且 不降低"),
    ("完成上级规定的考核任务；保持稳定或持续改善", "完成上级规定的考核任务 且 保持稳定或持续改善"),
    ("面积不减少,性质不改变,功能不降低", "面积不减少，性质不改变，功能不降低"),
])
def test_describe_gives_the_canonical_text(expr, described):
    rule = parse_target(expr)
    assert rule.describe() == described == str(rule)
    assert parse_target(described) == rule


def test_a_bare_number_means_the_value_must_reach_it():
    assert parse_target("100") == parse_target(">=100")


def test_float_values_are_judged_in_decimal_without_binary_noise():
    result = judge("<=0.3", 0.1 + 0.2)
    assert result.status is Status.NOT_MET
    assert result.gap == pytest.approx(4e-17, abs=1e-16)
    assert judge(">=0.3", 0.3).gap == 0


# --- wrong or missing values ----------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "value", "reason"), [
    (">=20", "25", "value of wrong type: expected number"),
    (">=20", True, "value of wrong type: expected number"),
    (">=20", [25], "value of wrong type: expected number"),
    ("10~20", "15", "value of wrong type: expected number"),
    (">=20", float("nan"), "value is not a finite number"),
    (">=20", float("inf"), "value is not a finite number"),
    (">=20", None, "no value reported"),
    ("建立", 1, "value of wrong type: expected text"),
    ("建立", True, "value of wrong type: expected text"),
    ("建立", "", "no state reported"),
    ("建立", "   ", "no state reported"),
    ("建立", None, "no state reported"),
    ("完成上级规定的考核任务", "yes", "value of wrong type: expected bool"),
    ("完成上级规定的考核任务", 1, "value of wrong type: expected bool"),
    ("完成上级规定的考核任务", None, "awaiting confirmation by the assessing body"),
    ("不降低", "55", "value of wrong type: expected number"),
    ("不降低", None, "no value reported"),
])
def test_a_missing_or_wrongly_typed_value_is_pending_with_a_reason(expr, value, reason):
    assert judge(expr, value, previous=50) == Evaluation(Status.PENDING, None, reason)


def test_the_module_evaluate_reports_a_missing_value_as_pending():
    assert evaluate(parse_target(">=20"), None, place=CITY) == Evaluation(Status.PENDING, None,
                                                                          "no value reported")


@pytest.mark.parametrize("expr", [">=20", FOREST, "建立", "完成上级管控目标", "不降低", ">=55且不降低"])
@pytest.mark.parametrize("value", [None, 99, "建立", True])
def test_an_indicator_not_applicable_to_the_place_is_never_judged(expr, value):
    result = evaluate(parse_target(expr), value, place=CITY, previous=1, applicable=False)
    assert result.status is Status.NOT_APPLICABLE
    assert result.gap is None


def test_the_module_evaluate_passes_previous_and_direction_to_the_rule():
    rule = parse_target("保持稳定或持续改善")
    assert evaluate(rule, 9, place=CITY, previous=10, higher_is_better=False).status is Status.MET
    assert evaluate(rule, 9, place=CITY, previous=10).status is Status.NOT_MET


# --- place variants -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("place", "threshold"), [
    ({"terrain": "mountain", "moisture": "humid", "plateau": False}, 60),
    ({"terrain": "hilly", "moisture": "semi_humid", "plateau": False}, 40),
    ({"terrain": "plain", "moisture": "humid", "plateau": False}, 18),
    ({"terrain": "mountain", "moisture": "arid", "plateau": False}, 35),
    ({"terrain": "plain", "moisture": "arid"}, 35),
    ({"terrain": "mountain", "moisture": "humid", "plateau": True}, 70),
    ({"terrain": "mountain", "moisture": "arid", "plateau": True}, 70),
])
def test_forest_cover_target_depends_on_terrain(place, threshold):
    assert judge(FOREST, threshold, place).status is Status.MET
    short = judge(FOREST, threshold - 1, place)
    assert short.status is Status.NOT_MET
    assert short.gap == 1


def test_arid_and_plateau_variants_win_over_terrain():
    rule = parse_target(FOREST)
    assert rule.for_place({"terrain": "mountain", "moisture": "arid"}).label == "干旱半干旱地区"
    assert rule.for_place({"terrain": "mountain", "moisture": "arid", "plateau": True}).label == "青藏高原地区"


@pytest.mark.parametrize("place", [{}, {"terrain": None}, {"moisture": "humid"}, {"plateau": False}])
def test_a_place_without_a_matching_variant_is_pending(place):
    assert judge(FOREST, 90, place) == Evaluation(Status.PENDING, None, "no target variant for this place")


@pytest.mark.parametrize(("place", "value", "status", "gap"), [
    (CITY, 95, Status.MET, 0),
    (CITY, 90, Status.NOT_MET, 5),
    (COUNTY, 85, Status.MET, 0),
    (COUNTY, 90, Status.MET, -5),
    (COUNTY, 84, Status.NOT_MET, 1),
    ({}, 99, Status.PENDING, None),
])
def test_sewage_treatment_target_depends_on_city_or_county(place, value, status, gap):
    result = judge("市>=95; 县>=85", value, place)
    assert (result.status, result.gap) == (status, gap)


@pytest.mark.parametrize(("size", "threshold"), [("mega", 70), ("large", 60), ("medium_small", 50)])
def test_public_transport_target_depends_on_city_size(size, threshold):
    expr = "超、特大城市>=70; 大城市>=60; 中小城市>=50"
    place = {**CITY, "size": size}
    assert judge(expr, threshold, place).status is Status.MET
    assert judge(expr, threshold - 0.5, place).status is Status.NOT_MET


def test_a_county_without_a_city_size_has_no_public_transport_target():
    result = judge("超、特大城市>=70; 大城市>=60; 中小城市>=50", 80, COUNTY)
    assert result.reason == "no target variant for this place"


@pytest.mark.parametrize(("place", "value", "status"), [
    (CITY, 100, Status.MET),
    (CITY, 98, Status.NOT_MET),
    (CITY, "开展", Status.PENDING),
    (COUNTY, "开展", Status.MET),
    (COUNTY, "有效开展", Status.MET),
    (COUNTY, "未开展", Status.NOT_MET),
    (COUNTY, 100, Status.PENDING),
])
def test_plan_eia_mixes_a_numeric_city_target_with_a_qualitative_county_target(place, value, status):
    assert judge("市:100; 县:开展", value, place).status is status


@pytest.mark.parametrize(("region", "threshold"), [("east", 50), ("central", 70), ("west", 80)])
def test_water_use_target_depends_on_region(region, threshold):
    expr = "东部<=50；中部地区<=70；西部：≤80"
    place = {**CITY, "region": region}
    assert judge(expr, threshold, place).gap == 0
    assert judge(expr, threshold + 1, place).status is Status.NOT_MET


@pytest.mark.parametrize(("moisture", "threshold"), [("humid", 60), ("semi_humid", 55), ("arid", 45)])
def test_ecological_status_index_target_depends_on_moisture(moisture, threshold):
    expr = "湿润地区≥60; 半湿润地区≥55; 干旱半干旱地区≥45"
    place = {**CITY, "moisture": moisture}
    assert judge(expr, threshold, place).status is Status.MET
    assert judge(expr, threshold - 1, place).status is Status.NOT_MET


def test_a_variant_reason_names_the_chosen_place_label():
    assert judge(FOREST, 50, {"terrain": "hilly"}).reason.startswith("丘陵地区: 50 against >= 40")


def test_a_variant_may_hold_a_compound_target():
    rule = parse_target("市>=55且不降低; 县>=50")
    assert judge("市>=55且不降低; 县>=50", 56, CITY, previous=57).status is Status.NOT_MET
    assert rule.evaluate(51, place=COUNTY).status is Status.MET


# --- qualitative states ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "reported", "status"), [
    ("制定实施", "制定实施", Status.MET),
    ("制定实施", "制定", Status.NOT_MET),
    ("制定", "制定实施", Status.MET),
    ("有效开展", "有效开展", Status.MET),
    ("有效开展", "开展", Status.NOT_MET),
    ("开展", "有效开展", Status.MET),
    ("全面实施", "全面实施", Status.MET),
    ("全面实施", "实施", Status.NOT_MET),
    ("实施", "全面实施", Status.MET),
    ("实施", " 实施 ", Status.MET),
    ("实施", "开展", Status.NOT_MET),
    ("开展", "实施", Status.NOT_MET),
    ("建立", "建立", Status.MET),
    ("建立", "未建立", Status.NOT_MET),
    ("不明显", "不明显", Status.MET),
    ("不明显", "明显", Status.NOT_MET),
    ("面积不减少，性质不改变，功能不降低", "面积不减少，性质不改变，功能不降低", Status.MET),
    ("面积不减少，性质不改变，功能不降低", "面积不减少, 性质不改变, 功能不降低", Status.MET),
    ("面积不减少，性质不改变，功能不降低", "面积减少", Status.NOT_MET),
])
def test_a_qualitative_state_is_met_by_the_same_or_a_stronger_state(target, reported, status):
    result = judge(target, reported)
    assert result.status is status
    assert result.gap is None


# --- tasks assigned by the higher level -----------------------------------------------------------------

@pytest.mark.parametrize("expr", ["完成上级规定的考核任务", "完成上级规定的目标任务", "完成上级管控目标"])
@pytest.mark.parametrize(("value", "status"), [(True, Status.MET), (False, Status.NOT_MET)])
def test_an_assigned_task_is_judged_by_the_assessing_bodys_confirmation(expr, value, status):
    rule = parse_target(expr)
    assert rule.kind == "assigned_task"
    assert rule.evaluate(value, place=CITY).status is status


# --- trends ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "value", "previous", "higher_is_better", "status", "gap"), [
    ("不降低", 55, 55, True, Status.MET, 0),
    ("不降低", 56, 55, True, Status.MET, -1),
    ("不降低", 54, 55, True, Status.NOT_MET, 1),
    ("不降低", 54, 55, False, Status.NOT_MET, 1),
    ("逐步下降", 9, 10, True, Status.MET, -1),
    ("逐步下降", 10, 10, True, Status.NOT_MET, 0),
    ("逐步下降", 11, 10, False, Status.NOT_MET, 1),
    ("保持稳定或持续改善", 10, 10, True, Status.MET, 0),
    ("保持稳定或持续改善", 11, 10, True, Status.MET, -1),
    ("保持稳定或持续改善", 9, 10, True, Status.NOT_MET, 1),
    ("保持稳定或持续改善", 10, 10, False, Status.MET, 0),
    ("保持稳定或持续改善", 9, 10, False, Status.MET, -1),
    ("保持稳定或持续改善", 11, 10, False, Status.NOT_MET, 1),
    ("保持稳定或持续改善", Decimal("0.52"), 0.5, False, Status.NOT_MET, 0.02),
])
def test_a_trend_is_judged_against_the_previous_period(expr, value, previous, higher_is_better, status,
                                                       gap):
    result = judge(expr, value, previous=previous, higher_is_better=higher_is_better)
    assert result.status is status
    assert result.gap == pytest.approx(gap)


@pytest.mark.parametrize(("value", "higher_is_better", "status"), [
    (9.5, True, Status.MET),
    (9.4, True, Status.NOT_MET),
    (10.5, False, Status.MET),
    (10.6, False, Status.NOT_MET),
])
def test_stable_means_within_the_tolerance(value, higher_is_better, status):
    rule = replace(parse_target("保持稳定或持续改善"), tolerance=Decimal("0.5"))
    assert rule.evaluate(value, place=CITY, previous=10, higher_is_better=higher_is_better).status is status


@pytest.mark.parametrize("expr", ["不降低", "逐步下降", "保持稳定或持续改善"])
@pytest.mark.parametrize(("previous", "reason"), [
    (None, "no previous value to compare with"),
    ("10", "previous value of wrong type: expected number"),
])
def test_a_trend_without_a_usable_previous_value_is_pending(expr, previous, reason):
    assert judge(expr, 10, previous=previous) == Evaluation(Status.PENDING, None, reason)


# --- compound targets -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "previous", "status", "gap"), [
    (56, 55, Status.MET, -1),
    (55, 55, Status.MET, 0),
    (54, 53, Status.NOT_MET, 1),
    (56, 57, Status.NOT_MET, 1),  # the failing part's gap (fell by 1), never the met part's margin
    (56, None, Status.PENDING, -1),
    (54, None, Status.NOT_MET, 1),
])
def test_ecological_status_index_must_reach_55_and_not_fall(value, previous, status, gap):
    result = judge("≥55且不降低", value, previous=previous)
    assert (result.status, result.gap) == (status, gap)


@pytest.mark.parametrize(("value", "previous", "higher_is_better", "status"), [
    ((True, 0.5), 0.6, False, Status.MET),
    ((True, 0.7), 0.6, False, Status.NOT_MET),
    ((False, 0.5), 0.6, False, Status.NOT_MET),
    ((False, 0.5), None, False, Status.NOT_MET),
    ((True, 0.5), None, False, Status.PENDING),
    ((None, 0.5), 0.6, False, Status.PENDING),
    ([True, 80], 78, True, Status.MET),
    ((True,), 0.6, False, Status.PENDING),
    (True, 0.6, False, Status.PENDING),
])
def test_an_assigned_task_with_a_trend_needs_both(value, previous, higher_is_better, status):
    result = judge("完成上级规定的目标任务; 保持稳定或持续改善", value, previous=previous,
                   higher_is_better=higher_is_better)
    assert result.status is status


def test_a_compound_gap_comes_from_its_first_numeric_part():
    result = judge("完成上级规定的考核任务; 保持稳定或持续改善", (True, 8), previous=10)
    assert (result.status, result.gap) == (Status.NOT_MET, 2)


# --- sub-indicators -------------------------------------------------------------------------------------

def test_each_sub_indicator_gets_its_own_target():
    straw, manure, film = parse_targets(">=90; >=75; >=80", 3)
    assert [straw.describe(), manure.describe(), film.describe()] == [">= 90", ">= 75", ">= 80"]


def test_biodiversity_sub_indicators_mix_a_comparison_a_state_and_a_trend():
    species, invasion, endemic = parse_targets(">=95; 不明显; 不降低", 3)
    assert species.evaluate(95, place=CITY).status is Status.MET
    assert invasion.evaluate("不明显", place=CITY).status is Status.MET
    assert endemic.evaluate(7, place=CITY, previous=8).status is Status.NOT_MET


@pytest.mark.parametrize(("expr", "sub_count", "kind"), [
    ("完成上级规定的考核任务; 保持稳定或持续改善", 2, "all_of"),
    ("完成上级规定的考核任务; 保持稳定或持续改善", 3, "all_of"),
    (FOREST, 2, "variants"),
    ("市>=95; 县>=85", 2, "variants"),
    ("实施", 2, "qualitative"),
    (">=55且不降低", 1, "all_of"),
])
def test_a_single_target_applies_to_every_sub_indicator(expr, sub_count, kind):
    rules = parse_targets(expr, sub_count)
    assert len(rules) == sub_count
    assert {rule.kind for rule in rules} == {kind}
    assert all(rule == rules[0] for rule in rules)


@pytest.mark.parametrize(("expr", "sub_count"), [(">=90; >=75", 3), (">=90; >=75; >=80", 2),
                                                 (">=95; 不明显; 不降低", 1)])
def test_a_target_count_that_does_not_match_the_sub_indicators_is_rejected(expr, sub_count):
    with pytest.raises(TargetSyntaxError, match="sub-indicators"):
        parse_targets(expr, sub_count)


def test_parse_target_refuses_several_separate_targets():
    with pytest.raises(TargetSyntaxError, match="parse_targets"):
        parse_target(">=90; >=75; >=80")


def test_sub_count_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        parse_targets(">=90", 0)


def test_trailing_separators_are_ignored():
    assert parse_targets(">=90; >=75；", 2) == parse_targets(">=90; >=75", 2)


# --- syntax errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "message"), [
    ("", "empty"),
    ("  ;  ", "empty"),
    (">=", "cannot read target"),
    (">=abc", "cannot read target"),
    ("=>60", "cannot read target"),
    ("60 70", "cannot read target"),
    ("大约60", "cannot read target"),
    ("编制实施", "cannot read target"),
    ("保持稳定(±-2)", "cannot read target"),
    ("20~10", "runs backwards"),
    ("市>=95; >=85", "mixes place variants"),
    ("市:", "no target after its label"),
    ("丘陵地带>=40", "cannot read target"),
    ("且不降低", "must join two targets"),
    (">=55且", "must join two targets"),
    (60, "must be text"),
    (None, "must be text"),
])
def test_unreadable_target_text_raises_a_clear_syntax_error(expr, message):
    with pytest.raises(TargetSyntaxError, match=message):
        parse_target(expr)


def test_a_syntax_error_is_a_value_error():
    assert issubclass(TargetSyntaxError, ValueError)


# --- the objects themselves -----------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "kind"), [
    (">=20", "comparison"), ("10~20", "comparison"), (FOREST, "variants"), ("建立", "qualitative"),
    ("完成上级管控目标", "assigned_task"), ("逐步下降", "trend"), (">=55且不降低", "all_of"),
])
def test_each_rule_reports_its_kind(expr, kind):
    assert parse_target(expr).kind == kind


def test_rules_and_evaluations_are_immutable():
    rule = parse_target(">=20")
    with pytest.raises(FrozenInstanceError):
        rule.threshold = Decimal(10)
    with pytest.raises(FrozenInstanceError):
        rule.evaluate(30, place=CITY).status = Status.NOT_MET


def test_status_values_are_the_stored_strings():
    assert [str(status) for status in Status] == ["met", "not_met", "pending", "not_applicable"]
