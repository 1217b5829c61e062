"""GB 3838-2002 classes item by item, sections, annual means and the several-sections status."""
import pytest

from app.environment.measured import parse_measured
from app.environment.water import (
    EVALUATED, BodyKind, Exceedance, Item, SectionResult, WaterClass, annual_section, evaluate_section,
    item_class, mean_of_sections, summarise_sections, unit_of,
)

W = WaterClass
RIVER, LAKE = BodyKind.RIVER, BodyKind.LAKE


def m(text):
    return parse_measured(text)


def test_classes_are_printed_in_roman_numerals():
    assert [c.label for c in WaterClass] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"]


def test_the_table_has_24_items_and_21_are_evaluated():
    assert len(Item) == 24
    assert len(EVALUATED) == 21
    assert Item.TEMPERATURE not in EVALUATED and Item.TN not in EVALUATED
    assert Item.FECAL_COLIFORM not in EVALUATED


@pytest.mark.parametrize("item, value, expected", [
    (Item.CODMN, "2", W.I), (Item.CODMN, "2.1", W.II), (Item.CODMN, "6", W.III), (Item.CODMN, "15.1", W.WORSE_V),
    (Item.COD, "15", W.I), (Item.COD, "15.1", W.III), (Item.COD, "20", W.III), (Item.COD, "30", W.IV),
    (Item.COD, "40", W.V), (Item.COD, "40.1", W.WORSE_V),
    (Item.BOD5, "3", W.I), (Item.BOD5, "3.5", W.III), (Item.BOD5, "10.5", W.WORSE_V),
    (Item.NH3N, "0.15", W.I), (Item.NH3N, "0.16", W.II), (Item.NH3N, "1.0", W.III), (Item.NH3N, "1.5", W.IV),
    (Item.NH3N, "2.0", W.V), (Item.NH3N, "2.01", W.WORSE_V),
    (Item.F, "1.0", W.I), (Item.F, "1.2", W.IV), (Item.F, "1.6", W.WORSE_V),
    (Item.CU, "0.01", W.I), (Item.CU, "0.02", W.II), (Item.CU, "1.1", W.WORSE_V),
    (Item.ZN, "0.05", W.I), (Item.ZN, "1.5", W.IV),
    (Item.SE, "0.015", W.IV), (Item.AS, "0.06", W.IV),
    (Item.HG, "0.00005", W.I), (Item.HG, "0.00006", W.III), (Item.HG, "0.0002", W.IV), (Item.HG, "0.002", W.WORSE_V),
    (Item.CD, "0.001", W.I), (Item.CD, "0.003", W.II), (Item.CD, "0.008", W.V),
    (Item.CR6, "0.06", W.V), (Item.PB, "0.02", W.III), (Item.PB, "0.08", W.V),
    (Item.CN, "0.005", W.I), (Item.CN, "0.1", W.III), (Item.CN, "0.3", W.WORSE_V),
    (Item.PHENOL, "0.002", W.I), (Item.PHENOL, "0.004", W.III), (Item.PHENOL, "0.05", W.V),
    (Item.PETROLEUM, "0.05", W.I), (Item.PETROLEUM, "0.3", W.IV), (Item.PETROLEUM, "1.1", W.WORSE_V),
    (Item.LAS, "0.2", W.I), (Item.LAS, "0.25", W.IV), (Item.S2, "0.05", W.I), (Item.S2, "0.3", W.IV),
    (Item.FECAL_COLIFORM, "200", W.I), (Item.FECAL_COLIFORM, "2000", W.II), (Item.FECAL_COLIFORM, "50000", W.WORSE_V),
])
def test_item_classes(item, value, expected):
    assert item_class(item, m(value), RIVER) is expected


@pytest.mark.parametrize("value, expected", [
    ("8", W.I), ("7.5", W.I), ("7.4", W.II), ("6", W.II), ("5", W.III), ("4.9", W.IV), ("3", W.IV), ("2", W.V),
    ("1.9", W.WORSE_V),
])
def test_dissolved_oxygen_is_a_lower_limit(value, expected):
    assert item_class(Item.DO, m(value), RIVER) is expected


@pytest.mark.parametrize("value, expected", [
    ("6", W.I), ("7.2", W.I), ("9", W.I), ("5.9", W.WORSE_V), ("9.1", W.WORSE_V),
])
def test_ph_inside_6_to_9_is_class_i_and_outside_worse_than_v(value, expected):
    assert item_class(Item.PH, m(value), RIVER) is expected


def test_below_detection_meets_class_i():
    assert item_class(Item.NH3N, m("0.025L"), RIVER) is W.I
    assert item_class(Item.HG, m("0.0001L"), RIVER) is W.I  # even a limit above the class Ⅰ value
    assert item_class(Item.TP, m("0.01L"), LAKE) is W.I


def test_dissolved_oxygen_below_detection_is_worse_than_v():
    assert item_class(Item.DO, m("0.2L"), RIVER) is W.WORSE_V


def test_ph_cannot_be_below_detection():
    with pytest.raises(ValueError):
        item_class(Item.PH, m("1L"), RIVER)


@pytest.mark.parametrize("value, river, lake", [
    ("0.01", W.I, W.I), ("0.02", W.I, W.II), ("0.03", W.II, W.III), ("0.05", W.II, W.III),
    ("0.08", W.II, W.IV), ("0.15", W.III, W.V), ("0.25", W.IV, W.WORSE_V), ("0.5", W.WORSE_V, W.WORSE_V),
])
def test_total_phosphorus_is_stricter_in_lakes(value, river, lake):
    assert item_class(Item.TP, m(value), RIVER) is river
    assert item_class(Item.TP, m(value), LAKE) is lake


def test_unclassed_items():
    assert item_class(Item.TEMPERATURE, m("25"), RIVER) is None
    assert item_class(Item.TN, m("1.2"), RIVER) is None  # nitrogen is classed in lakes and reservoirs only
    assert item_class(Item.TN, m("1.2"), LAKE) is W.IV
    assert unit_of(Item.TEMPERATURE) == "℃" and unit_of(Item.PH) == "" and unit_of(Item.FECAL_COLIFORM) == "个/L"
    assert unit_of(Item.COD) == "mg/L"


SAMPLE = {Item.PH: m("7.6"), Item.DO: m("4"), Item.CODMN: m("5"), Item.COD: m("24"), Item.BOD5: m("3.2"),
          Item.NH3N: m("1.8"), Item.TP: m("0.15"), Item.TN: m("5"), Item.FECAL_COLIFORM: m("90000"),
          Item.TEMPERATURE: m("18"), Item.CN: m("0.004L")}


def test_a_section_hand_computed():
    result = evaluate_section(SAMPLE, RIVER)
    # NH3N 1.8 is Ⅴ, COD 24 and DO 4 are Ⅳ, the rest Ⅲ or better; TN and fecal coliform do not count.
    # 超标倍数: NH3N (1.8 − 1.0)/1.0 = 0.8; COD (24 − 20)/20 = 0.2; DO none.
    assert result == SectionResult(
        water_class=W.V,
        exceeding=(Exceedance(Item.NH3N, 0.8, W.V), Exceedance(Item.COD, 0.2, W.IV), Exceedance(Item.DO, None, W.IV)),
        limiting=(Item.NH3N,), status="moderate")
    assert result.meets(W.V) and not result.meets(W.IV)


def test_exceedance_multiples_are_exact():
    # TP 0.3 in a river: (0.3 − 0.2)/0.2 = 0.5; binary floats give 0.49999999999999994.
    assert (0.3 - 0.2) / 0.2 != 0.5
    assert evaluate_section({Item.TP: m("0.3")}, RIVER).exceeding == (Exceedance(Item.TP, 0.5, W.IV),)
    # Petroleum 1.25: (1.25 − 0.05)/0.05 = 24.
    assert evaluate_section({Item.PETROLEUM: m("1.25")}, RIVER).exceeding[0].multiple == 24


def test_worse_than_v_and_ph():
    result = evaluate_section({Item.NH3N: m("2.5"), Item.PH: m("9.5"), Item.COD: m("12")}, RIVER)
    # NH3N (2.5 − 1)/1 = 1.5; pH has no multiple.
    assert result.water_class is W.WORSE_V and result.status == "heavy"
    assert result.exceeding == (Exceedance(Item.NH3N, 1.5, W.WORSE_V), Exceedance(Item.PH, None, W.WORSE_V))
    assert result.limiting == (Item.PH, Item.NH3N)


def test_the_same_water_in_a_lake_is_judged_on_the_lake_limits():
    values = {Item.TP: m("0.08"), Item.COD: m("14")}
    assert evaluate_section(values, RIVER).water_class is W.II
    lake = evaluate_section(values, LAKE)
    # Lake TP Ⅲ limit 0.05: (0.08 − 0.05)/0.05 = 0.6.
    assert lake.water_class is W.IV and lake.exceeding == (Exceedance(Item.TP, 0.6, W.IV),)


def test_lake_nitrogen_counts_only_when_asked():
    values = {Item.TP: m("0.02"), Item.TN: m("2.5")}
    assert evaluate_section(values, LAKE).water_class is W.II
    with_tn = evaluate_section(values, LAKE, include_tn=True)
    assert with_tn.water_class is W.WORSE_V and with_tn.limiting == (Item.TN,)
    assert with_tn.exceeding == (Exceedance(Item.TN, 1.5, W.WORSE_V),)
    with pytest.raises(ValueError):
        evaluate_section(values, RIVER, include_tn=True)


@pytest.mark.parametrize("water_class, status", [
    (W.I, "excellent"), (W.II, "excellent"), (W.III, "good"), (W.IV, "light"), (W.V, "moderate"),
    (W.WORSE_V, "heavy"),
])
def test_section_status(water_class, status):
    values = {Item.NH3N: m(["0.1", "0.3", "0.8", "1.2", "1.8", "3"][water_class - 1])}
    result = evaluate_section(values, RIVER)
    assert result.water_class is water_class and result.status == status


def test_limiting_items_are_those_at_the_class():
    result = evaluate_section({Item.NH3N: m("0.3"), Item.COD: m("15"), Item.CODMN: m("3")}, RIVER)
    assert result.water_class is W.II and result.limiting == (Item.CODMN, Item.NH3N)
    assert evaluate_section({Item.NH3N: m("0.1")}, RIVER).limiting == ()


def test_a_section_without_evaluated_items_has_no_class():
    result = evaluate_section({Item.TEMPERATURE: m("20")}, RIVER)
    assert result.water_class is None and result.status == "no_data" and not result.meets(W.V)


def test_annual_class_uses_annual_means():
    months = [{Item.NH3N: m(v)} for v in ("0.5", "1.0", "1.5")]
    # (0.5 + 1.0 + 1.5)/3 = 1.0 → Ⅲ, though one month was Ⅳ.
    assert annual_section(months, RIVER).water_class is W.III


def test_annual_means_are_exact():
    # (0.1 + 0.2 + 0.3)/3 = 0.2 → Ⅲ; binary floats give 0.20000000000000004 → Ⅳ.
    assert (0.1 + 0.2 + 0.3) / 3 > 0.2
    assert annual_section([{Item.TP: m(v)} for v in ("0.1", "0.2", "0.3")], RIVER).water_class is W.III


def test_annual_means_count_below_detection_as_half_the_limit():
    # (0.01 + 0.01 + 0.5)/3 = 0.1733 → Ⅱ.
    months = [{Item.NH3N: m("0.02L")}, {Item.NH3N: m("0.02L")}, {Item.NH3N: m("0.5")}]
    assert annual_section(months, RIVER).water_class is W.II
    # All below detection: still below detection, class Ⅰ.
    assert annual_section([{Item.NH3N: m("0.02L")}] * 12, RIVER).water_class is W.I


def test_annual_means_skip_months_without_the_item():
    months = [{Item.COD: m("30"), Item.NH3N: m("0.1")}, {Item.NH3N: m("0.1")}]
    assert annual_section(months, RIVER).water_class is W.IV  # COD mean over the one month: 30


def test_fewer_than_five_sections_are_averaged_and_classed_as_one():
    sections = [{Item.COD: m("18")}, {Item.COD: m("24")}]
    assert mean_of_sections(sections, RIVER).water_class is W.IV  # (18 + 24)/2 = 21
    assert not summarise_sections([W.III, W.IV]).share_rule_applies
    assert summarise_sections([W.III] * 5).share_rule_applies


def _classes(good, worse_v, n=20):
    return [W.II] * good + [W.WORSE_V] * worse_v + [W.IV] * (n - good - worse_v)


@pytest.mark.parametrize("good, worse_v, status", [
    (20, 0, "excellent"),
    (18, 0, "excellent"),  # 90 %
    (17, 0, "good"),  # 85 %
    (15, 0, "good"),  # 75 %
    (14, 0, "light"),  # 70 %, 劣Ⅴ 0 %
    (14, 3, "light"),  # 劣Ⅴ 15 %
    (14, 4, "moderate"),  # 劣Ⅴ 20 %
    (14, 6, "moderate"),  # 劣Ⅴ 30 %
    (11, 7, "moderate"),  # 55 %, 劣Ⅴ 35 %
    (11, 8, "heavy"),  # 55 %, 劣Ⅴ 40 %
    (12, 8, "heavy"),  # the gap: 60 % and 40 %, neither < 60 % nor 劣Ⅴ < 40 %: called 重度污染
    (0, 20, "heavy"),
])
def test_several_sections_status_at_every_threshold(good, worse_v, status):
    summary = summarise_sections(_classes(good, worse_v))
    assert summary.status == status
    assert summary.share_good == good * 5 and summary.share_worse_v == worse_v * 5
    assert summary.n == 20


def test_shares_are_exact_at_90_percent():
    summary = summarise_sections([W.I] * 9 + [W.V])
    assert summary.share_good == 90 and summary.status == "excellent"
    assert summary.by_class == {W.I: 9, W.II: 0, W.III: 0, W.IV: 0, W.V: 1, W.WORSE_V: 0}


def test_no_sections_no_summary():
    assert summarise_sections([]) is None
