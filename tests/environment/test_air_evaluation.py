"""HJ 663-2013: percentiles, period statistics, good-day ratio, composite index, validity, rounding, city days."""
import datetime

import pytest

from app.environment.air_evaluation import (
    GRADE2_ANNUAL, DayRecord, annual_data_valid, city_day, composite_index, evaluate_period, percentile,
    publish_index, publish_ratio, publish_value, round_half_even,
)
from app.environment.aqi import Pollutant, daily_aqi

P = Pollutant
CLEAN = {P.SO2: 12.0, P.NO2: 30.0, P.PM10: 70.0, P.CO: 1.2, P.PM25: 35.0}


def _record(day, aqi=50, o3=160.0, **means):
    return DayRecord(day=day, means={**CLEAN, **{P(k): v for k, v in means.items()}}, o3_8h_max=o3, aqi=aqi)


def test_percentile_hand_example():
    values = [50, 10, 40, 20, 30]  # sorted: 10 20 30 40 50, n = 5
    # p = 90: k = 1 + 4·0.90 = 4.6, s = 4: X4 + (X5 − X4)·0.6 = 40 + 10·0.6 = 46
    assert percentile(values, 90) == 46
    # p = 95: k = 1 + 4·0.95 = 4.8: 40 + 10·0.8 = 48
    assert percentile(values, 95) == 48
    # p = 50: k = 3: X3 = 30
    assert percentile(values, 50) == 30
    assert percentile(values, 100) == 50 and percentile(values, 0) == 10
    assert percentile([7], 95) == 7


def test_percentile_of_a_year():
    # n = 365, p = 90: k = 1 + 364·0.9 = 328.6 → X328 + 0.6·(X329 − X328) = 328 + 0.6 = 328.6 for X_i = i.
    assert percentile(list(range(1, 366)), 90) == pytest.approx(328.6)


def test_percentile_refuses_no_values_and_a_p_outside_0_100():
    with pytest.raises(ValueError):
        percentile([], 90)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_composite_index_hand_example():
    # 12/60 + 30/40 + 70/70 + 1.2/4 + 160/160 + 35/35 = 0.2 + 0.75 + 1 + 0.3 + 1 + 1 = 4.25
    assert composite_index({**CLEAN, P.O3: 160.0}) == 4.25
    assert composite_index(CLEAN) is None
    assert composite_index({**CLEAN, P.O3: 160.0, P.CO: None}) is None
    assert GRADE2_ANNUAL == {P.SO2: 60, P.NO2: 40, P.PM10: 70, P.CO: 4, P.O3: 160, P.PM25: 35}


def test_a_month_evaluated():
    start = datetime.date(2025, 4, 1)
    aqis = [30, 60, 90, 100, 101, 160, 250, 320, None, 45]
    days = [_record(start + datetime.timedelta(days=i), aqi=a, pm25=float(10 * (i + 1)), co=0.1 * (i + 1),
                    o3=float(100 + i)) for i, a in enumerate(aqis)]
    result = evaluate_period(days)
    # 9 days with an AQI; ≤ 100 (100 included): 30, 60, 90, 100, 45 → 5 good days, 5/9 = 55.56 %.
    assert result.valid_days == 9
    assert result.good_days == 5
    assert result.good_ratio == pytest.approx(500 / 9)
    assert publish_ratio(result.good_ratio) == "55.6"
    assert result.days_by_level == {1: 2, 2: 3, 3: 1, 4: 1, 5: 1, 6: 1}
    # PM2.5: mean of 10 … 100 = 55. CO: 95th percentile of 0.1 … 1.0: k = 1 + 9·0.95 = 9.55 → 0.9 + 0.055.
    # O3: 90th percentile of 100 … 109: k = 1 + 9·0.9 = 9.1 → 108 + 0.1 = 108.1.
    assert result.means[P.PM25] == 55
    assert result.means[P.CO] == pytest.approx(0.955)
    assert result.means[P.O3] == pytest.approx(108.1)
    assert result.means[P.SO2] == 12
    # 12/60 + 30/40 + 70/70 + 0.955/4 + 108.1/160 + 55/35
    assert result.composite_index == pytest.approx(0.2 + 0.75 + 1 + 0.955 / 4 + 108.1 / 160 + 55 / 35)
    assert result.meets_grade2 is False  # PM2.5 55 > 35
    assert result.annual_valid is False


def test_good_ratio_without_any_aqi_is_none():
    result = evaluate_period([_record(datetime.date(2025, 1, 1), aqi=None)])
    assert result.valid_days == 0 and result.good_ratio is None


def test_grade2_is_judged_on_the_published_value():
    day = datetime.date(2025, 1, 1)
    assert evaluate_period([_record(day, pm25=35.4)]).meets_grade2 is True  # published 35
    assert evaluate_period([_record(day, pm25=35.5)]).meets_grade2 is False  # published 36 (5 → even 6)
    assert evaluate_period([_record(day, co=4.04)]).meets_grade2 is True  # published 4.0
    assert evaluate_period([_record(day, o3=None)]).meets_grade2 is None


def _year_dates(year, per_month):
    return [datetime.date(year, m, d) for m, count in per_month.items() for d in range(1, count + 1)]


def test_annual_validity_needs_324_days():
    base = {m: 27 for m in range(1, 13)} | {2: 25}  # 11·27 + 25 = 322
    assert not annual_data_valid(_year_dates(2025, base | {1: 28}))  # 323
    assert annual_data_valid(_year_dates(2025, base | {1: 29}))  # 324


def test_annual_validity_needs_25_days_in_february_and_27_in_other_months():
    full = {m: 28 for m in range(1, 13)}  # 11·28 + Feb ≥ 324 in every case below
    assert not annual_data_valid(_year_dates(2025, full | {2: 24}))
    assert annual_data_valid(_year_dates(2025, full | {2: 25}))
    assert not annual_data_valid(_year_dates(2025, full | {7: 26}))
    assert annual_data_valid(_year_dates(2025, full | {7: 27}))


def test_annual_validity_needs_one_year():
    dates = _year_dates(2025, {m: 28 for m in range(1, 13)})
    assert not annual_data_valid(dates + [datetime.date(2026, 1, 1)])


def test_a_full_year_is_annually_valid_item_by_item():
    start = datetime.date(2024, 1, 1)
    days = [_record(start + datetime.timedelta(days=i)) for i in range(366)]
    assert evaluate_period(days).annual_valid is True
    assert evaluate_period(days).meets_grade2 is True
    # CO missing on the first five days of February leaves 24 there: the year is no longer valid.
    gap = [d if not (d.day.month == 2 and d.day.day <= 5) else _record(d.day, co=None) for d in days]
    assert evaluate_period(gap).annual_valid is False


@pytest.mark.parametrize("pollutant, value, published", [
    (P.PM25, 35.5, "36"), (P.PM25, 34.5, "34"), (P.PM25, 34.51, "35"), (P.PM25, 34.49, "34"),
    (P.SO2, 8.0, "8"), (P.CO, 1.25, "1.2"), (P.CO, 1.35, "1.4"), (P.CO, 1.251, "1.3"), (P.CO, 0.96, "1.0"),
])
def test_concentrations_are_published_with_gb_t_8170_rounding(pollutant, value, published):
    assert publish_value(pollutant, value) == published


def test_ratios_and_indexes_are_published_with_one_and_two_decimals():
    assert publish_ratio(86.25) == "86.2" and publish_ratio(86.35) == "86.4" and publish_ratio(100) == "100.0"
    assert publish_index(4.125) == "4.12" and publish_index(4.135) == "4.14" and publish_index(4) == "4.00"
    assert str(round_half_even(2.5, 0)) == "2"


def test_a_city_day_is_the_mean_of_its_stations_then_the_aqi_of_those_means():
    day = datetime.date(2025, 3, 1)
    one = DayRecord(day=day, means={**CLEAN, P.PM25: 50.0}, o3_8h_max=100.0, aqi=69)
    two = DayRecord(day=day, means={**CLEAN, P.PM25: 100.0, P.SO2: None}, o3_8h_max=None, aqi=None)
    city = city_day([one, two])
    # PM2.5 (50 + 100) / 2 = 75 → IAQI 100; SO2 only from station one; O3 8h only from station one.
    assert city.means[P.PM25] == 75 and city.means[P.SO2] == 12 and city.o3_8h_max == 100
    assert city.aqi == 100 == daily_aqi(city.means, 100, None).aqi
    # Not the mean of station AQIs: station two has none, and (69 + anything) / 2 is not how HJ 663 counts.
    assert city.day == day


def test_a_city_day_averages_the_one_hour_ozone_too():
    day = datetime.date(2025, 7, 1)
    stations = [DayRecord(day=day, means=CLEAN, o3_8h_max=120.0, aqi=None, o3_1h_max=o3) for o3 in (200.0, 220.0)]
    city = city_day(stations)
    # O3 1h (200 + 220)/2 = 210 → 100 + 50/100·10 = 105; PM10 70 → 60; 8h 120 → 67. AQI 105.
    assert city.o3_1h_max == 210 and city.aqi == 105


def test_a_city_day_needs_stations_of_one_day():
    with pytest.raises(ValueError):
        city_day([])
    with pytest.raises(ValueError):
        city_day([_record(datetime.date(2025, 1, 1)), _record(datetime.date(2025, 1, 2))])
