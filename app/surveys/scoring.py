"""Scoring: each respondent's score per measure, and estimates with 95% confidence intervals. Pure code.

The method, stated on every results page:
- A respondent's *rate* for a measure is the share of their valid answers to the questions marked with that
  measure that count as yes (满意 + 比较满意; 参与过); answers that are excluded (不清楚, 说不清) or missing
  are left out. With one marked question this is simply satisfied / not satisfied.
- The survey's rate is the mean of the respondents' rates (respondents with no valid answer are left out),
  so every respondent weighs the same however many questions they answered.
- 95% interval: Wilson score interval when every respondent's rate is 0 or 1 (one question), otherwise the
  normal approximation for a mean (with a single respondent, whose answers say nothing about the spread, the
  whole scale). Margin of error = half the interval's width.
- City-wide, weighted by adult population (post-stratification): a respondent's weight is their district's
  share of the adult (18+) population divided by its share of the sample (only districts with answers), so
  the weighted mean is Σ W · district rate with W the population share; variance Σ W² · SE² (each
  district's SE taken before its interval was cut to the scale). Unweighted — the plain mean over all
  respondents — when the survey is not weighted or a district with answers has no adult population.
  The unweighted figure is always shown beside the weighted one.
- District figures are descriptive: with about 50 respondents a district's margin is 4–8 percentage points,
  too wide to judge a district against the 80% target.
- The optional weighted score is the mean over respondents of the mean option weight of their valid answers.

Everything is computed from exact numbers: a respondent's rate is kept as the integers "yes answers / valid
answers" (tally key "satisfaction:2/3"), a weighted score as an exact fraction, and means and variances are
summed as fractions; only the square root of the variance is a float. Rounding a respondent's rate first
(as earlier versions stored it, to 4 places) moves published bounds in the 4th decimal.
"""
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Z95 = 1.959964


@dataclass(frozen=True)
class Estimate:
    value: float
    n: int
    low: float
    high: float
    # The standard error of the normal approximation, kept because cutting the interval to the scale
    # (e.g. at 100%) shrinks the half width; None for Wilson intervals, whose half width stands for it.
    se: float | None = None

    @property
    def margin(self) -> float:
        return (self.high - self.low) / 2


def respondent_counts(counts: Iterable[str | None]) -> tuple[int, int] | None:
    """A respondent's (yes answers, valid answers) from how their answers count ("positive", "negative",
    "excluded"/None); None without a valid answer."""
    counts = list(counts)
    positive, negative = counts.count("positive"), counts.count("negative")
    if positive + negative == 0:
        return None
    return positive, positive + negative


def respondent_rate(counts: Iterable[str | None]) -> Fraction | None:
    """A respondent's rate, exactly, from how their answers count."""
    pair = respondent_counts(counts)
    return Fraction(*pair) if pair else None


def respondent_weighted_score(weights: Iterable[Decimal | float | None]) -> Fraction | None:
    """The mean weight of a respondent's answers that carry a weight (excluded answers carry none), exactly."""
    values = [Fraction(w) if isinstance(w, (Decimal, int)) else Fraction(str(w)) for w in weights if w is not None]
    return sum(values, Fraction(0)) / len(values) if values else None


def rate_key(measure: str, positive: int, valid: int) -> str:
    """The tally key of a respondent's rate: the two integers, unreduced (2/2 and 3/3 stay apart)."""
    return f"{measure}:{positive}/{valid}"


def score_key(measure: str, score: Fraction) -> str:
    """The tally key of an exact score (a fraction in lowest terms, "1" or "16667/200")."""
    return f"{measure}:{Fraction(score)}"


def parse_score_key(key: str) -> tuple[str, Fraction]:
    """(measure, exact score) of a tally key; also reads the 4-decimal keys of earlier versions."""
    measure, _, score = key.rpartition(":")
    return measure, Fraction(score)


def parse_rate_key(key: str) -> tuple[str, int, int] | None:
    """(measure, yes answers, valid answers) of a rate key; None for a score or an old rounded key."""
    measure, _, score = key.rpartition(":")
    positive, slash, valid = score.partition("/")
    if not slash or not positive.isdigit() or not valid.isdigit():
        return None
    return measure, int(positive), int(valid)


def wilson(positive: int, n: int) -> Estimate:
    """The Wilson score interval for a proportion."""
    p = positive / n
    denominator = 1 + Z95 ** 2 / n
    centre = (p + Z95 ** 2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / denominator
    # The interval always holds p; min/max keep rounding (p = 0 or 1) from leaving it just outside.
    return Estimate(p, n, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def estimate(histogram: Mapping[Fraction | float, int], *, lowest: float = 0.0,
             highest: float = 1.0) -> Estimate | None:
    """The mean of respondents' scores from a histogram {score: respondents}, with its 95% interval.

    Scores are summed as exact fractions; the result is converted to float once, at the end."""
    exact: dict[Fraction, int] = {}
    for score, count in histogram.items():
        if count > 0:
            key = Fraction(score) if not isinstance(score, float) else Fraction(str(score))
            exact[key] = exact.get(key, 0) + count
    n = sum(exact.values())
    if n == 0:
        return None
    if set(exact) <= {0, 1} and (lowest, highest) == (0.0, 1.0):
        return wilson(exact.get(Fraction(1), 0), n)
    mean = sum((score * count for score, count in exact.items()), Fraction(0)) / n
    if n == 1:
        return Estimate(float(mean), n, lowest, highest, se=(highest - lowest) / 2 / Z95)
    variance = sum((count * (score - mean) ** 2 for score, count in exact.items()), Fraction(0)) / (n - 1) / n
    se = math.sqrt(variance)
    value = float(mean)
    return Estimate(value, n, max(lowest, value - Z95 * se), min(highest, value + Z95 * se), se=se)


@dataclass(frozen=True)
class StratumWeight:
    """A district's post-stratification weight: its share of the adult population over its share of the sample."""

    population: int
    respondents: int
    population_share: Fraction
    sample_share: Fraction

    @property
    def weight(self) -> Fraction:
        return self.population_share / self.sample_share


def stratum_weights(strata: Mapping[object, tuple[int, int]]) -> dict[object, StratumWeight]:
    """Weights from {stratum: (adult population, respondents)}; strata without respondents or people are left
    out, and the shares are taken among those left."""
    present = {key: (population, respondents) for key, (population, respondents) in strata.items()
               if population and population > 0 and respondents > 0}
    people = sum(population for population, _ in present.values())
    sample = sum(respondents for _, respondents in present.values())
    return {key: StratumWeight(population, respondents, Fraction(population, people), Fraction(respondents, sample))
            for key, (population, respondents) in present.items()}


def standard_error(result: Estimate) -> float:
    """The standard error behind an estimate's interval."""
    return result.se if result.se is not None else result.margin / Z95


def stratified(strata: Iterable[tuple[float, Estimate | None]], *, lowest: float = 0.0,
               highest: float = 1.0) -> Estimate | None:
    """Post-stratified estimate from (population weight, stratum estimate) pairs; empty strata are dropped."""
    present = [(weight, result) for weight, result in strata if result is not None and weight > 0]
    total = sum(weight for weight, _ in present)
    if not present or total <= 0:
        return None
    shares = [(weight / total, result) for weight, result in present]
    mean = sum(share * result.value for share, result in shares)
    se = math.sqrt(sum((share * standard_error(result)) ** 2 for share, result in shares))
    return Estimate(mean, sum(result.n for _, result in shares), max(lowest, mean - Z95 * se),
                    min(highest, mean + Z95 * se), se=se)
