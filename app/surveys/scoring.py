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
- City-wide with post-stratification: district rates weighted by district population (only districts with
  answers), variance Σ W² · SE² (each district's SE taken before its interval was cut to the scale);
  otherwise the plain mean over all respondents.
- The optional weighted score is the mean over respondents of the mean option weight of their valid answers.
"""
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Z95 = 1.959964
SCORE_DIGITS = 4


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


def respondent_rate(counts: Iterable[str | None]) -> float | None:
    """A respondent's rate from how their answers count ("positive", "negative", "excluded"/None)."""
    counts = list(counts)
    positive, negative = counts.count("positive"), counts.count("negative")
    if positive + negative == 0:
        return None
    return positive / (positive + negative)


def respondent_weighted_score(weights: Iterable[float | None]) -> float | None:
    """The mean weight of a respondent's answers that carry a weight (excluded answers carry none)."""
    values = [w for w in weights if w is not None]
    return sum(values) / len(values) if values else None


def score_key(measure: str, score: float) -> str:
    return f"{measure}:{score:.{SCORE_DIGITS}f}"


def parse_score_key(key: str) -> tuple[str, float]:
    measure, _, score = key.rpartition(":")
    return measure, float(score)


def wilson(positive: int, n: int) -> Estimate:
    """The Wilson score interval for a proportion."""
    p = positive / n
    denominator = 1 + Z95 ** 2 / n
    centre = (p + Z95 ** 2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / denominator
    # The interval always holds p; min/max keep rounding (p = 0 or 1) from leaving it just outside.
    return Estimate(p, n, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def estimate(histogram: Mapping[float, int], *, lowest: float = 0.0, highest: float = 1.0) -> Estimate | None:
    """The mean of respondents' scores from a histogram {score: respondents}, with its 95% interval."""
    histogram = {score: count for score, count in histogram.items() if count > 0}
    n = sum(histogram.values())
    if n == 0:
        return None
    if set(histogram) <= {0.0, 1.0} and (lowest, highest) == (0.0, 1.0):
        return wilson(histogram.get(1.0, 0), n)
    mean = sum(score * count for score, count in histogram.items()) / n
    if n == 1:
        return Estimate(mean, n, lowest, highest, se=(highest - lowest) / 2 / Z95)
    se = math.sqrt(sum(count * (score - mean) ** 2 for score, count in histogram.items()) / (n - 1) / n)
    return Estimate(mean, n, max(lowest, mean - Z95 * se), min(highest, mean + Z95 * se), se=se)


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
