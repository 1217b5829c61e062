"""Station-day statistics from hourly rows: GB 3095-2012 table 4 validity and the O3 8-hour windows."""
import pytest

from app.environment.aqi import Pollutant, daily_means, o3_8h_sliding

P = Pollutant


def _day(**columns):
    """24 hourly rows; each keyword is a pollutant key with a list of 24 values (None = missing)."""
    return [{P(key): values[h] for key, values in columns.items()} for h in range(24)]


def _missing(value, missing_rows):
    return [None if h in missing_rows else value for h in range(24)]


def test_a_24_hour_mean_needs_20_valid_hours():
    twenty = daily_means(_day(pm25=_missing(40.0, {0, 1, 2, 3})))
    assert twenty.means[P.PM25] == 40.0 and twenty.valid_hours[P.PM25] == 20
    nineteen = daily_means(_day(pm25=_missing(40.0, {0, 1, 2, 3, 4})))
    assert nineteen.means[P.PM25] is None and nineteen.valid_hours[P.PM25] == 19


def test_the_24_hour_mean_is_the_exact_mean_of_the_valid_hours():
    # 12 hours at 0.1 and 12 at 0.2 mg/m³ of CO: mean 0.15 exactly.
    day = daily_means(_day(co=[0.1] * 12 + [0.2] * 12))
    assert day.means[P.CO] == 0.15
    assert set(day.means) == {P.SO2, P.NO2, P.PM10, P.CO, P.PM25}  # no 24-hour O3 in GB 3095


def test_an_eight_hour_mean_needs_6_valid_hours():
    hours = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, None, None] + [0.0] * 16
    windows = o3_8h_sliding(hours)
    assert windows[7] == 35.0  # hours 0–7, 6 valid: (10 + … + 60) / 6 = 210 / 6
    hours[5] = None
    assert o3_8h_sliding(hours)[7] is None  # 5 valid


def test_the_windows_ending_before_8_use_the_previous_days_tail():
    today = [0.0] * 24
    assert o3_8h_sliding(today)[0] is None  # hour 0 alone: 1 valid hour
    # Window ending 01:00: the previous day's last 7 hours (100 each) and today's first (0): 700 / 8 = 87.5.
    assert o3_8h_sliding(today, [100.0] * 7)[0] == 87.5
    assert o3_8h_sliding(today, [100.0] * 7)[7] == 0.0  # the window ending 08:00 is today's hours only
    with pytest.raises(ValueError):
        o3_8h_sliding(today, [1.0] * 8)


def test_daily_max_8_hours_is_the_largest_window_ending_8_to_24():
    # Hour h holds 10·h: the window ending at (h+1):00 averages 10·(h−7 … h) = 10·h − 35; the largest is the
    # window ending 24:00 (h = 23): 195. The 1-hour maximum is hour 23: 230.
    day = daily_means(_day(o3=[10.0 * h for h in range(24)]))
    assert day.o3_8h_max == 195.0
    assert day.o3_1h_max == 230.0
    assert day.o3_8h[7] == 35.0 and len(day.o3_8h) == 24


def test_a_high_early_window_from_the_previous_day_does_not_enter_the_daily_max():
    tail = [{P.O3: 500.0}] * 7
    day = daily_means(_day(o3=[10.0] * 24), previous_day_tail=tail)
    assert day.o3_8h[0] == (3500 + 10) / 8
    assert day.o3_8h_max == 10.0


def test_daily_max_8_hours_needs_14_valid_windows():
    # Rows 19–23 missing: windows ending at rows 21, 22, 23 have 5, 4, 3 valid hours; row 20's has 6.
    # 17 − 3 = 14 valid windows: valid.
    fourteen = daily_means(_day(o3=_missing(80.0, set(range(19, 24)))))
    assert fourteen.o3_8h_max == 80.0
    # Rows 18–23 missing: windows ending at rows 20 … 23 are invalid, 13 remain: no daily maximum.
    thirteen = daily_means(_day(o3=_missing(80.0, set(range(18, 24)))))
    assert thirteen.o3_8h_max is None


def test_the_one_hour_ozone_maximum_needs_20_valid_hours():
    assert daily_means(_day(o3=_missing(50.0, {0, 1, 2, 3}))).o3_1h_max == 50.0
    assert daily_means(_day(o3=_missing(50.0, {0, 1, 2, 3, 4}))).o3_1h_max is None


def test_a_station_day_has_24_rows():
    with pytest.raises(ValueError):
        daily_means([{}] * 23)


def test_an_empty_day_has_nothing():
    day = daily_means([{}] * 24)
    assert all(v is None for v in day.means.values())
    assert day.o3_8h_max is None and day.o3_1h_max is None
    assert day.valid_hours == {p: 0 for p in Pollutant}
