"""The fast exact arithmetic (Decimal sums in C, floats sorted, running sums for the 8-hour windows) gives the
very floats the Fraction arithmetic gave, bit for bit, on many generated values: hourly values as reported,
unrounded means, mixed magnitudes, and values whose mean lies exactly on a rounding boundary of publication.

The references below are the former implementations, kept here word for word."""
import math
import random
from datetime import date
from fractions import Fraction

import pytest

from app.environment import air_evaluation, aqi, water
from app.environment.air_evaluation import percentile, publish_decimal
from app.environment.aqi import Pollutant, daily_means, o3_8h_sliding
from app.environment.measured import Measured, exact_mean, parse_measured

SEED = 20261207


def exact(value: float) -> Fraction:
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(repr(float(value)))


def reference_mean(values) -> float:
    return float(sum((exact(v) for v in values), Fraction(0)) / len(values))


def reference_percentile(values, p) -> float:
    ordered = sorted(exact(v) for v in values)
    k = 1 + (len(ordered) - 1) * exact(p) / 100
    s = math.floor(k)
    if s >= len(ordered):
        return float(ordered[-1])
    low, high = ordered[s - 1], ordered[s]
    return float(low + (high - low) * (k - s))


def reference_sliding(o3_hours, previous_day_tail=None):
    tail = list(previous_day_tail or ())
    series = [None] * (7 - len(tail)) + tail + list(o3_hours)
    windows = []
    for end in range(7, len(series)):
        valid = [v for v in series[end - 7:end + 1] if v is not None]
        windows.append(reference_mean(valid) if len(valid) >= 6 else None)
    return tuple(windows)


def reference_annual_mean(samples) -> float:
    return float(sum((s.exact for s in samples), Fraction(0)) / len(samples))


def same(a, b) -> bool:
    """Equal bit for bit (None with None)."""
    if a is None or b is None:
        return a is b
    return a.hex() == b.hex()


def reported(rng: random.Random, low: float, high: float, places: int) -> float:
    """A value as a centre reports it: rounded to `places` decimals and read back from its text."""
    return float(f"{rng.uniform(low, high):.{places}f}")


def value_sets(rng: random.Random, rounds: int = 800):
    """(label, values) of many shapes: 4 × rounds sets, 2 × rounds ties."""
    for _ in range(rounds):
        n = rng.choice([1, 2, 3, 20, 23, 24, 31]) if rng.random() < 0.95 else 365
        yield "reported μg/m³", [reported(rng, 0, 500, 0) for _ in range(n)]
        yield "reported CO", [reported(rng, 0.1, 5, rng.choice([1, 2, 3])) for _ in range(n)]
        yield "unrounded means", [rng.uniform(0, 300) for _ in range(n)]
        yield "mixed magnitudes", [rng.choice([rng.uniform(0, 1e-6), rng.uniform(0, 1e6), reported(rng, 0, 9, 4)])
                                   for _ in range(n)]
    for _ in range(rounds):
        yield "mean on a rounding boundary", tie(rng, places=0)
        yield "CO mean on a rounding boundary", tie(rng, places=1)


def tie(rng: random.Random, places: int) -> list[float]:
    """Values (one decimal more than `places`) whose exact mean ends in 5 at the next decimal: a tie that GB/T
    8170 rounds to even, which a float sum off by one unit in the last place would push either way."""
    n = rng.choice([2, 4, 8, 20, 24, 30])
    step = Fraction(1, 10 ** (places + 1))
    target = (Fraction(rng.randint(1, 200 * 10 ** places)) + Fraction(1, 2)) / 10 ** places
    values = [Fraction(rng.randint(0, int(2 * target / step))) * step for _ in range(n - 1)]
    last = target * n - sum(values, Fraction(0))
    if last < 0:
        values, last = [target] * (n - 1), target
    return [float(v) for v in values] + [float(last)]


def test_the_mean_is_the_exact_mean_bit_for_bit():
    rng = random.Random(SEED)
    checked = ties = 0
    for label, values in value_sets(rng):
        fast, slow = exact_mean(values), reference_mean(values)
        assert same(fast, slow), (label, values)
        if "boundary" in label:
            places = 1 if label.startswith("CO") else 0
            assert exact(slow) * 10 ** (places + 1) % 10 == 5  # the case is really a tie
            assert publish_decimal(Pollutant.CO if places else Pollutant.PM25, fast) == \
                publish_decimal(Pollutant.CO if places else Pollutant.PM25, slow)
            ties += 1
        checked += 1
    assert checked == 4800 and ties == 1600


def test_a_city_day_is_the_same_as_with_fractions():
    rng = random.Random(SEED + 1)
    for _ in range(300):
        stations = [air_evaluation.DayRecord(
            day=date(2025, 1, 1), means={p: None if rng.random() < 0.1 else rng.uniform(0, 200)
                                         for p in Pollutant if p is not Pollutant.O3},
            o3_8h_max=rng.uniform(0, 200), aqi=None, o3_1h_max=rng.uniform(0, 250)) for _s in range(rng.randint(1, 12))]
        city = air_evaluation.city_day(stations)
        for p, value in city.means.items():
            present = [s.means[p] for s in stations if s.means[p] is not None]
            assert same(value, reference_mean(present) if present else None)
        assert same(city.o3_8h_max, reference_mean([s.o3_8h_max for s in stations]))


def test_percentiles_are_the_exact_percentiles_bit_for_bit():
    rng = random.Random(SEED + 2)
    for _label, values in value_sets(rng, rounds=300):
        for p in (0, 50, 90, 95, 100, 33.3):
            assert same(percentile(values, p), reference_percentile(values, p)), (values, p)


def test_a_percentile_between_two_values_on_a_rounding_boundary():
    # k = 1 + 19·0.95 = 19.05: X_19 + 0.05·(X_20 − X_19) = 1.2 + 0.05·1.0 = 1.25 exactly, a tie at one decimal
    # that rounds to even (1.2); binary floats make 1.2500000000000002 of it.
    values = [0.1] * 18 + [1.2, 2.2]
    assert percentile(values, 95) == reference_percentile(values, 95) == 1.25
    assert str(publish_decimal(Pollutant.CO, percentile(values, 95))) == "1.2"


def test_sliding_8_hour_means_are_the_exact_means_bit_for_bit():
    rng = random.Random(SEED + 3)
    for _ in range(1500):
        places = rng.choice([0, 0, 1, None])
        hours = [None if rng.random() < 0.15 else
                 (rng.uniform(0, 300) if places is None else reported(rng, 0, 300, places)) for _ in range(24)]
        tail = None if rng.random() < 0.3 else [None if rng.random() < 0.2 else reported(rng, 0, 300, 0)
                                                 for _ in range(rng.randint(0, 7))]
        fast, slow = o3_8h_sliding(hours, tail), reference_sliding(hours, tail)
        assert len(fast) == len(slow) == 24
        assert all(same(a, b) for a, b in zip(fast, slow)), (hours, tail)


def test_a_station_day_is_the_same_as_with_fractions():
    rng = random.Random(SEED + 4)
    for _ in range(500):
        rows = [{p: None if rng.random() < 0.1 else reported(rng, 0, 5 if p is Pollutant.CO else 400,
                                                              2 if p is Pollutant.CO else 0)
                 for p in Pollutant} for _h in range(24)]
        day = daily_means(rows)
        for p in (Pollutant.SO2, Pollutant.NO2, Pollutant.PM10, Pollutant.CO, Pollutant.PM25):
            valid = [row[p] for row in rows if row[p] is not None]
            assert same(day.means[p], reference_mean(valid) if len(valid) >= aqi.MIN_HOURS_PER_DAY else None)
        windows = [w for w in reference_sliding([row[Pollutant.O3] for row in rows])[7:] if w is not None]
        assert same(day.o3_8h_max, max(windows) if len(windows) >= aqi.MIN_8H_MEANS_PER_DAY else None)


def test_annual_water_means_are_the_same_as_with_fractions():
    rng = random.Random(SEED + 5)
    for _ in range(2000):
        texts = [f"{rng.uniform(0, 2):.3f}", "0.01L", "0.0003L", f"{rng.uniform(5, 9):.2f}",
                 f"{rng.uniform(0, 40000):.0f}"]
        samples = [parse_measured(rng.choice(texts)) for _ in range(rng.randint(1, 12))]
        mean = water.annual_mean(samples)
        if all(s.below_detection for s in samples):
            assert mean.below_detection
        else:
            assert same(mean.value, reference_annual_mean(samples)), samples


def test_a_below_detection_value_counts_as_exactly_half_its_limit():
    # 0.0003L counts as 0.00015; with 0.0002 the mean is 0.000175 exactly.
    mean = water.annual_mean([parse_measured("0.0003L"), parse_measured("0.0002")])
    assert mean.value == 0.000175 and not mean.below_detection
    assert Measured(value=0.0003, below_detection=True, text="0.0003L").decimal == Fraction(3, 20000)


def test_values_that_are_not_finite_are_still_refused():
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            exact_mean([1.0, bad])
        with pytest.raises(ValueError):
            percentile([1.0, bad], 90)
        with pytest.raises(ValueError):
            o3_8h_sliding([bad] + [1.0] * 23)
    with pytest.raises(ValueError):
        exact_mean([])


def test_sums_far_apart_in_magnitude_stay_exact():
    values = [1e300, 5e-324, -1e300, 3.0]
    assert same(exact_mean(values), reference_mean(values))
