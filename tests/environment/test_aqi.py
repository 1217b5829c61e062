"""HJ 633-2012: IAQI at and beside every breakpoint, exact rounding up, categories, hourly and daily AQI."""
import math

import pytest

from app.environment.aqi import (
    BREAKPOINTS, CATEGORIES, AqiResult, Pollutant, category_of, daily_aqi, hourly_aqi, iaqi,
)

P = Pollutant
STEPS = (0, 50, 100, 150, 200, 300, 400, 500)
# HJ 633-2012 table 1, typed again here from the standard so that a slip in the module shows.
TABLE = {
    (P.SO2, "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    (P.SO2, "1h"): (0, 150, 500, 650, 800),
    (P.NO2, "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    (P.NO2, "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    (P.PM10, "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    (P.CO, "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    (P.CO, "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    (P.O3, "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    (P.O3, "8h"): (0, 100, 160, 215, 265, 800),
    (P.PM25, "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
}
AT_BREAKPOINT = [(p, a, bp, STEPS[i]) for (p, a), bps in TABLE.items() for i, bp in enumerate(bps)]
# 0.01 above a breakpoint adds less than one IAQI on every segment (the steepest, CO 24 h 0–2, is 25 per unit),
# so the index rounds up to the breakpoint's IAQI + 1.
JUST_ABOVE = [(p, a, bp + 0.01, STEPS[i] + 1) for (p, a), bps in TABLE.items() for i, bp in enumerate(bps[:-1])]


def test_the_module_has_exactly_the_standards_table():
    assert {key: tuple(int(v) for v in values) for key, values in BREAKPOINTS.items()} == TABLE


@pytest.mark.parametrize("pollutant, averaging, concentration, expected", AT_BREAKPOINT)
def test_iaqi_at_each_breakpoint_is_the_breakpoints_index(pollutant, averaging, concentration, expected):
    assert iaqi(pollutant, concentration, averaging) == expected


@pytest.mark.parametrize("pollutant, averaging, concentration, expected", JUST_ABOVE)
def test_iaqi_just_above_a_breakpoint_rounds_up_to_the_next_integer(pollutant, averaging, concentration, expected):
    assert iaqi(pollutant, concentration, averaging) == expected


@pytest.mark.parametrize("pollutant, averaging, concentration", [
    (P.SO2, "24h", 2620.01), (P.SO2, "24h", 5000), (P.NO2, "24h", 941), (P.NO2, "1h", 3841),
    (P.PM10, "24h", 601), (P.CO, "24h", 60.1), (P.CO, "1h", 151), (P.O3, "1h", 1201), (P.PM25, "24h", 500.1),
    (P.PM25, "24h", 999),
])
def test_above_the_last_breakpoint_the_index_is_500(pollutant, averaging, concentration):
    assert iaqi(pollutant, concentration, averaging) == 500


def test_so2_one_hour_above_800_is_not_used():
    assert iaqi(P.SO2, 800, "1h") == 200
    assert iaqi(P.SO2, 800.1, "1h") is None


def test_o3_eight_hours_above_800_is_not_used():
    assert iaqi(P.O3, 800, "8h") == 300
    assert iaqi(P.O3, 800.1, "8h") is None


def test_rounding_up_is_exact():
    # PM2.5 on 35–75: IAQI = 50 + (100 − 50)/(75 − 35)·(C − 35) = 50 + 1.25·(C − 35).
    # C = 54:   50 + 1.25·19   = 73.75 → 74.
    assert iaqi(P.PM25, 54, "24h") == 74
    # C = 54.2: 50 + 1.25·19.2 = 74 exactly → stays 74.
    assert iaqi(P.PM25, 54.2, "24h") == 74
    # PM10 on 350–420: 200 + 100/70·(352.1 − 350) = 200 + 100/70·2.1 = 203 exactly; binary floats give
    # 203.00000000000003, which a float ceil would publish as 204.
    assert math.ceil(100 / 70 * (352.1 - 350) + 200) == 204
    assert iaqi(P.PM10, 352.1, "24h") == 203
    # CO 24 h on 2–4: 50 + 25·(2.4 − 2) = 60 exactly (floats give 60.00000000000001).
    assert iaqi(P.CO, 2.4, "24h") == 60
    # O3 8 h on 100–160: 50 + (50/60)·(130 − 100) = 75 exactly.
    assert iaqi(P.O3, 130, "8h") == 75


def test_zero_is_zero_and_bad_input_is_refused():
    assert iaqi(P.PM10, 0, "24h") == 0
    with pytest.raises(ValueError):
        iaqi(P.PM10, -1, "24h")
    with pytest.raises(ValueError):
        iaqi(P.PM10, 10, "1h")  # particulates have no 1-hour breakpoints
    with pytest.raises(ValueError):
        iaqi(P.O3, 10, "24h")
    with pytest.raises(ValueError):
        iaqi(P.NO2, float("nan"), "1h")


@pytest.mark.parametrize("aqi, level", [
    (0, 1), (50, 1), (51, 2), (100, 2), (101, 3), (150, 3), (151, 4), (200, 4), (201, 5), (300, 5), (301, 6),
    (500, 6),
])
def test_category_bounds(aqi, level):
    assert category_of(aqi).level == level


def test_negative_aqi_has_no_category():
    with pytest.raises(ValueError):
        category_of(-1)


def test_categories_have_the_appendix_a_colours_and_keys():
    rgb = [(0, 228, 0), (255, 255, 0), (255, 126, 0), (255, 0, 0), (153, 0, 76), (126, 0, 35)]
    assert [c.colour for c in CATEGORIES] == ["#%02x%02x%02x" % colour for colour in rgb]
    assert [c.key for c in CATEGORIES] == ["excellent", "good", "light", "moderate", "heavy", "severe"]
    assert [c.level for c in CATEGORIES] == [1, 2, 3, 4, 5, 6]


def _luminance(hex_colour):
    """WCAG 2 relative luminance."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("category", CATEGORIES, ids=lambda c: c.key)
def test_text_colour_has_aa_contrast_on_the_category_colour(category):
    assert _contrast(category.text_colour, category.colour) >= 4.5


def test_white_on_pure_red_would_fail_aa_so_red_takes_black():
    assert _contrast("#ffffff", "#ff0000") < 4.5
    assert CATEGORIES[3].text_colour == "#000000"


ALL_CLEAN = {P.SO2: 10, P.NO2: 45, P.PM10: 80, P.CO: 0.8, P.O3: 100, P.PM25: 60}


def test_hourly_aqi_hand_computed():
    # SO2 1h 10:   50/150·10      = 3.33  → 4
    # NO2 1h 45:   50/100·45      = 22.5  → 23
    # PM10 80 (24h breakpoints): 50 + 50/100·30 = 65
    # CO 1h 0.8:   50/5·0.8       = 8
    # O3 1h 100:   50/160·100     = 31.25 → 32
    # PM2.5 60 (24h breakpoints): 50 + 1.25·25 = 81.25 → 82
    result = hourly_aqi(ALL_CLEAN)
    assert result.iaqis == {P.SO2: 4, P.NO2: 23, P.PM10: 65, P.CO: 8, P.O3: 32, P.PM25: 82}
    assert result == AqiResult(aqi=82, iaqis=result.iaqis, primary=(P.PM25,), exceeding=(), o3_averaging="1h")
    assert result.category is not None and result.category.key == "good"


def test_hourly_aqi_uses_one_hour_breakpoints_for_gases():
    # NO2 150 µg/m³ is 75 on the 1-hour scale (50 + 50/100·50) but 135 on the 24-hour one.
    assert hourly_aqi({**ALL_CLEAN, P.NO2: 150, P.PM25: 10}).iaqis[P.NO2] == 75


def test_no_primary_pollutant_up_to_50():
    result = hourly_aqi({P.SO2: 10, P.NO2: 20, P.PM10: 20, P.CO: 0.5, P.O3: 60, P.PM25: 35})
    assert result.aqi == 50 and result.primary == () and result.category.key == "excellent"
    result = hourly_aqi({P.SO2: 10, P.NO2: 20, P.PM10: 20, P.CO: 0.5, P.O3: 60, P.PM25: 35.1})
    assert result.aqi == 51 and result.primary == (P.PM25,)


def test_tied_primary_pollutants_are_listed_in_the_standards_order():
    # NO2 1h 200 → 100, PM10 150 → 100, PM2.5 75 → 100: a tie at AQI 100, none exceeding (> 100 only).
    result = hourly_aqi({P.PM25: 75, P.PM10: 150, P.NO2: 200, P.SO2: 10, P.CO: 1, P.O3: 50})
    assert result.aqi == 100
    assert result.primary == (P.NO2, P.PM10, P.PM25)
    assert result.exceeding == ()
    assert list(result.iaqis) == list(Pollutant)


def test_exceeding_pollutants_are_all_above_100_in_order():
    # PM10 250 → 150, O3 1h 300 → 150, PM2.5 115 → 150 (tied primary); NO2 1h 300 → 100 + 50/500·100 = 110.
    result = hourly_aqi({P.O3: 300, P.PM25: 115, P.PM10: 250, P.NO2: 300, P.SO2: 5, P.CO: 1})
    assert result.aqi == 150
    assert result.primary == (P.PM10, P.O3, P.PM25)
    assert result.exceeding == (P.NO2, P.PM10, P.O3, P.PM25)


def test_hourly_aqi_with_items_missing_is_published_only_above_100():
    # PM2.5 120 on 115–150: 150 + 50/35·5 = 157.14 → 158 > 100: published although five items are missing.
    result = hourly_aqi({P.PM25: 120, P.SO2: None})
    assert result.aqi == 158 and result.primary == (P.PM25,) and result.exceeding == (P.PM25,)
    # PM2.5 60 → 82 ≤ 100 with the others missing: no AQI, though the IAQI is kept.
    result = hourly_aqi({P.PM25: 60})
    assert result.aqi is None and result.iaqis == {P.PM25: 82}
    assert result.primary == () and result.exceeding == () and result.category is None
    # Exactly 100 is not "more than 100".
    assert hourly_aqi({**ALL_CLEAN, P.PM25: 75, P.CO: None}).aqi is None
    assert hourly_aqi({**ALL_CLEAN, P.PM25: 75.1, P.CO: None}).aqi == 101


def test_hourly_aqi_of_nothing_is_none():
    assert hourly_aqi({}) == AqiResult(aqi=None, iaqis={}, primary=(), exceeding=())


def test_so2_above_800_in_the_hourly_report_uses_the_24_hour_value_or_counts_as_missing():
    # SO2 24h 200 on 150–475: 100 + 50/325·50 = 107.69 → 108.
    result = hourly_aqi({**ALL_CLEAN, P.SO2: 850}, so2_24h=200)
    assert result.iaqis[P.SO2] == 108 and result.aqi == 108 and result.primary == (P.SO2,)
    result = hourly_aqi({**ALL_CLEAN, P.SO2: 850})
    assert P.SO2 not in result.iaqis and result.aqi is None  # others give 82, not more than 100
    assert hourly_aqi({**ALL_CLEAN, P.SO2: 800}, so2_24h=200).iaqis[P.SO2] == 200  # the 1-hour value still counts


MEANS = {P.SO2: 10, P.NO2: 40, P.PM10: 100, P.CO: 1.0, P.PM25: 80}


def test_daily_aqi_hand_computed_with_both_ozone_maxima():
    # SO2 24h 10 → 10; NO2 24h 40 → 50; PM10 100 → 75; CO 24h 1.0 → 25;
    # PM2.5 80 on 75–115: 100 + 50/40·5 = 106.25 → 107.
    # O3 8h max 120 on 100–160: 50 + 50/60·20 = 66.67 → 67; O3 1h max 180 on 160–200: 50 + 50/40·20 = 75.
    # HJ 633 §5: both O3 maxima are daily indicators, so O3's IAQI is 75 (from the 1-hour maximum).
    result = daily_aqi(MEANS, o3_8h_max=120, o3_1h_max=180)
    assert result.iaqis == {P.SO2: 10, P.NO2: 50, P.PM10: 75, P.CO: 25, P.O3: 75, P.PM25: 107}
    assert result.o3_averaging == "1h"
    assert result.aqi == 107 and result.primary == (P.PM25,) and result.exceeding == (P.PM25,)
    assert result.category.key == "light"


def test_daily_aqi_names_the_eight_hour_ozone_when_it_is_the_larger():
    # O3 8h 200 on 160–215: 100 + 50/55·40 = 136.36 → 137; 1h 210 on 200–300: 105.
    result = daily_aqi(MEANS, o3_8h_max=200, o3_1h_max=210)
    assert result.iaqis[P.O3] == 137 and result.o3_averaging == "8h"
    assert result.primary == (P.O3,) and result.exceeding == (P.O3, P.PM25)


def test_daily_aqi_uses_the_one_hour_ozone_when_eight_hours_is_above_800():
    # O3 1h 900 on 800–1000: 300 + 100/200·100 = 350.
    result = daily_aqi(MEANS, o3_8h_max=850, o3_1h_max=900)
    assert result.iaqis[P.O3] == 350 and result.o3_averaging == "1h" and result.aqi == 350


def test_daily_aqi_ignores_a_24_hour_ozone_mean():
    assert daily_aqi({**MEANS, P.O3: 999}, o3_8h_max=120, o3_1h_max=None).iaqis[P.O3] == 67


def test_daily_aqi_with_items_missing():
    clean = {P.SO2: 10, P.NO2: 40, P.PM10: 100, P.CO: 1.0, P.PM25: 50}
    assert daily_aqi(clean, o3_8h_max=120, o3_1h_max=None).aqi == 75
    assert daily_aqi(clean, o3_8h_max=None, o3_1h_max=180).aqi is None  # no 8-hour O3: incomplete, ≤ 100
    assert daily_aqi({**clean, P.CO: None}, o3_8h_max=120, o3_1h_max=None).aqi is None
    assert daily_aqi({**clean, P.CO: None}, o3_8h_max=200, o3_1h_max=None).aqi == 137
