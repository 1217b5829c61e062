"""Drinking-water sources: surface against GB 3838 Ⅲ plus table 2, groundwater against GB/T 14848 Ⅲ, shares."""
import pytest

from app.environment.drinking import (
    Failure, SourceKind, SourceResult, by_sample_share, by_source_share, compliance_share, evaluate_source,
    items_for, limit_of, over_period, unit_of,
)
from app.environment.measured import parse_measured
from app.environment.water import BodyKind

SURFACE, GROUND = SourceKind.SURFACE, SourceKind.GROUND


def sample(**values):
    return {key: parse_measured(text) for key, text in values.items()}


GOOD_SURFACE = sample(ph="7.5", do="6.2", codmn="3.1", cod="12", bod5="2.1", nh3n="0.35", tp="0.08", cu="0.005L",
                      zn="0.05L", f="0.4", se="0.0004L", **{"as": "0.001"}, hg="0.00004L", cd="0.0001L",
                      cr6="0.004L", pb="0.001L", cn="0.004L", phenol="0.0003L", petroleum="0.01L", las="0.05L",
                      s2="0.005L", sulfate="45", chloride="30", nitrate="1.2", fe="0.12", mn="0.05",
                      tn="1.8", fecal_coliform="5400", temperature="21")


def test_the_judged_items():
    assert len(items_for(SURFACE)) == 21 + 5
    assert {"sulfate", "chloride", "nitrate", "fe", "mn"} <= set(items_for(SURFACE))
    assert not {"tn", "fecal_coliform", "temperature"} & set(items_for(SURFACE))
    assert len(items_for(GROUND)) == 29
    assert {"hardness", "tds", "nitrite", "na", "coliform_total", "bacteria_total", "iodide", "codmn"} <= set(
        items_for(GROUND))


def test_units():
    assert unit_of("coliform_total") == "MPN/100mL" and unit_of("bacteria_total") == "CFU/mL"
    assert unit_of("ph") == "" and unit_of("sulfate") == "mg/L" and unit_of("fecal_coliform") == "个/L"
    with pytest.raises(KeyError):
        unit_of("nonsense")


def test_a_clean_surface_sample_complies():
    # Nitrogen 1.8 and fecal coliform 5 400 are reported but not judged.
    assert evaluate_source(GOOD_SURFACE, SURFACE) == SourceResult(compliant=True, failing=())


def test_surface_failures_name_the_item_value_and_limit():
    values = {**GOOD_SURFACE, **sample(sulfate="260", fe="0.31", nh3n="1.1", do="4.9", ph="9.5")}
    result = evaluate_source(values, SURFACE)
    assert result.compliant is False
    assert result.failing == (
        Failure("ph", values["ph"], "6–9"), Failure("do", values["do"], "≥5"), Failure("nh3n", values["nh3n"], "≤1"),
        Failure("sulfate", values["sulfate"], "≤250"), Failure("fe", values["fe"], "≤0.3"))


def test_surface_limits_at_the_edge():
    assert evaluate_source({**GOOD_SURFACE, **sample(mn="0.1", nitrate="10", nh3n="1.0")}, SURFACE).compliant
    assert not evaluate_source({**GOOD_SURFACE, **sample(mn="0.11")}, SURFACE).compliant


def test_a_lake_source_uses_the_lake_phosphorus_limit():
    values = {**GOOD_SURFACE, **sample(tp="0.06")}
    assert evaluate_source(values, SURFACE).compliant is True
    lake = evaluate_source(values, SURFACE, body=BodyKind.LAKE)
    assert lake.compliant is False and lake.failing == (Failure("tp", values["tp"], "≤0.05"),)
    assert limit_of("tp", SURFACE, BodyKind.LAKE).text == "≤0.05"


def test_the_same_phosphorus_meets_a_river_and_fails_a_lake_or_reservoir():
    # TP 0.08 mg/L: class Ⅲ allows 0.2 on a river and 0.05 on a lake or reservoir (GB 3838-2002 table 1).
    values = {**GOOD_SURFACE, **sample(tp="0.08")}
    assert evaluate_source(values, SURFACE, BodyKind.RIVER) == SourceResult(compliant=True, failing=())
    assert evaluate_source(values, SURFACE, BodyKind.LAKE).failing == (Failure("tp", values["tp"], "≤0.05"),)
    assert [limit_of("tp", SURFACE, body).text for body in (BodyKind.RIVER, BodyKind.LAKE)] == ["≤0.2", "≤0.05"]
    # The water body does not touch groundwater sources.
    assert limit_of("nh3n", GROUND, BodyKind.LAKE) == limit_of("nh3n", GROUND, BodyKind.RIVER)


def test_total_nitrogen_only_for_lakes_and_reservoirs_and_only_when_asked():
    lake_sample = {**GOOD_SURFACE, **sample(tp="0.03", tn="1.8")}
    assert evaluate_source(lake_sample, SURFACE, BodyKind.LAKE).compliant is True  # reported, judged apart
    judged = evaluate_source(lake_sample, SURFACE, BodyKind.LAKE, include_tn=True)
    assert judged.failing == (Failure("tn", lake_sample["tn"], "≤1"),)
    assert evaluate_source({**lake_sample, **sample(tn="1.0")}, SURFACE, BodyKind.LAKE, include_tn=True).compliant
    with pytest.raises(KeyError):
        limit_of("tn", SURFACE, BodyKind.RIVER)
    with pytest.raises(ValueError):
        evaluate_source(lake_sample, SURFACE, BodyKind.RIVER, include_tn=True)
    with pytest.raises(ValueError):
        evaluate_source(lake_sample, GROUND, BodyKind.LAKE, include_tn=True)


def test_below_detection_meets_the_limit():
    assert evaluate_source(sample(cn="0.004L", hg="0.0001L"), SURFACE).compliant is True


def test_unknown_keys_are_refused_and_no_judged_item_gives_no_verdict():
    with pytest.raises(ValueError):
        evaluate_source(sample(nonsense="1"), SURFACE)
    assert evaluate_source(sample(temperature="20"), SURFACE) == SourceResult(compliant=None, failing=())


GOOD_GROUND = sample(ph="7.2", hardness="300", tds="600", sulfate="80", chloride="60", fe="0.1", mn="0.05",
                     cu="0.01", zn="0.05", al="0.05", phenol="0.001L", las="0.05L", codmn="1.2", nh3n="0.1",
                     s2="0.01L", na="50", coliform_total="2", bacteria_total="20", nitrite="0.01", nitrate="8",
                     cn="0.002L", f="0.5", iodide="0.02", hg="0.0001L", **{"as": "0.002"}, se="0.001",
                     cd="0.0005L", cr6="0.004L", pb="0.002")


def test_a_clean_ground_sample_complies():
    assert evaluate_source(GOOD_GROUND, GROUND).compliant is True


@pytest.mark.parametrize("key, passing, failing, limit", [
    ("ph", "6.5", "6.4", "6.5–8.5"), ("ph", "8.5", "8.6", "6.5–8.5"), ("hardness", "450", "451", "≤450"),
    ("tds", "1000", "1001", "≤1000"), ("codmn", "3.0", "3.1", "≤3"), ("nh3n", "0.5", "0.51", "≤0.5"),
    ("coliform_total", "3.0", "4", "≤3"), ("bacteria_total", "100", "101", "≤100"), ("nitrate", "20", "20.5", "≤20"),
    ("nitrite", "1.0", "1.1", "≤1"), ("na", "200", "201", "≤200"), ("iodide", "0.08", "0.09", "≤0.08"),
    ("as", "0.01", "0.011", "≤0.01"), ("pb", "0.01", "0.02", "≤0.01"), ("mn", "0.10", "0.11", "≤0.1"),
])
def test_ground_limits(key, passing, failing, limit):
    assert evaluate_source({**GOOD_GROUND, **sample(**{key: passing})}, GROUND).compliant is True
    result = evaluate_source({**GOOD_GROUND, **sample(**{key: failing})}, GROUND)
    assert result.compliant is False and [(f.key, f.limit) for f in result.failing] == [(key, limit)]


def test_surface_only_items_are_not_judged_at_a_ground_source():
    assert evaluate_source({**GOOD_GROUND, **sample(cod="50", do="1")}, GROUND).compliant is True


def test_the_same_nitrate_fails_a_surface_source_and_passes_a_ground_one():
    assert not evaluate_source(sample(nitrate="15"), SURFACE).compliant
    assert evaluate_source(sample(nitrate="15"), GROUND).compliant


OK, BAD, NONE = (SourceResult(True, ()), SourceResult(False, (Failure("fe", parse_measured("0.5"), "≤0.3"),)),
                 SourceResult(None, ()))


def test_a_source_meets_the_standard_over_the_year_only_if_every_quarter_did():
    assert over_period([OK, OK, OK, OK]).compliant is True
    assert over_period([OK, BAD, OK, OK]) == SourceResult(False, BAD.failing)
    assert over_period([OK, NONE]).compliant is True
    assert over_period([NONE]).compliant is None and over_period([]).compliant is None


def test_by_source_and_by_sample_shares():
    sources = [[OK, OK, OK, OK], [OK, BAD, OK, OK], [OK, OK, OK, OK]]
    assert by_source_share(sources) == pytest.approx(200 / 3)  # 2 of 3 sources: 66.7 %
    assert by_sample_share(sources) == pytest.approx(1100 / 12)  # 11 of 12 samples: 91.7 %
    assert by_source_share([[OK], [OK]]) == 100
    assert compliance_share([NONE]) is None and compliance_share([]) is None
    assert compliance_share([OK, NONE, BAD]) == 50


def test_ph_cannot_be_below_detection_at_a_source():
    with pytest.raises(ValueError):
        evaluate_source(sample(ph="1L"), GROUND)
