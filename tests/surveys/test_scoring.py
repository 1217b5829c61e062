"""Scoring, against numbers worked out by hand from the formulas in the module docstring."""
import math

import pytest

from decimal import Decimal
from fractions import Fraction

from app.surveys.scoring import (Z95, Estimate, estimate, parse_rate_key, parse_score_key, rate_key,
                                 respondent_counts, respondent_rate, respondent_weighted_score, score_key,
                                 standard_error, stratified, stratum_weights, wilson)

Z2 = 3.841458881  # Z95² = 1.959964²


def approx(value):
    return pytest.approx(value, abs=1e-4)


# --- a respondent's rate and weighted score ------------------------------------------------------------

def test_respondent_rate_is_the_share_of_positive_valid_answers():
    # 2 positive, 1 negative → 2 / 3
    assert respondent_rate(["positive", "negative", "positive"]) == pytest.approx(2 / 3)


def test_respondent_rate_leaves_excluded_and_missing_answers_out_of_the_base():
    # 不清楚 and an unanswered question leave a base of 1 positive + 1 negative → 1 / 2
    assert respondent_rate(["positive", "excluded", None, "negative"]) == 0.5


def test_respondent_rate_of_a_single_answer_is_zero_or_one():
    assert respondent_rate(["positive"]) == 1.0
    assert respondent_rate(["negative"]) == 0.0


def test_respondent_rate_is_none_without_a_valid_answer():
    assert respondent_rate(["excluded", None]) is None
    assert respondent_rate([]) is None


def test_respondent_rate_accepts_any_iterable():
    assert respondent_rate(c for c in ["positive", "negative"]) == 0.5


def test_weighted_score_is_the_mean_weight_of_the_answers_that_carry_one():
    # (100 + 33.33) / 2 = 66.665; the 不清楚 answer carries no weight
    assert respondent_weighted_score([100.0, None, 33.33]) == pytest.approx(66.665)


def test_weighted_score_is_none_when_no_answer_carries_a_weight():
    assert respondent_weighted_score([None, None]) is None
    assert respondent_weighted_score([]) is None


def test_weighted_score_of_zero_weights_is_zero_not_none():
    assert respondent_weighted_score([0.0, 0.0]) == 0.0


# --- tally keys ----------------------------------------------------------------------------------------

def test_rate_key_keeps_the_two_integers_unreduced():
    """Issue 14 item 7: tallies store exact numerators, never a rate rounded to 4 places; 2/2 and 3/3 stay
    apart so "took part in every activity" can still be told from the tallies."""
    assert rate_key("satisfaction", 2, 3) == "satisfaction:2/3"
    assert rate_key("participation", 2, 2) == "participation:2/2"
    assert parse_rate_key("participation:2/2") == ("participation", 2, 2)
    assert parse_rate_key("participation:3/3") == ("participation", 3, 3)


def test_parse_rate_key_refuses_scores_and_old_rounded_keys():
    assert parse_rate_key("satisfaction:0.6667") is None
    assert parse_rate_key("satisfaction_score:16667/2") == ("satisfaction_score", 16667, 2)  # read as a pair
    assert parse_rate_key("satisfaction:1") is None


def test_score_key_is_an_exact_fraction():
    assert score_key("satisfaction_score", Fraction(16667, 200)) == "satisfaction_score:16667/200"
    assert score_key("satisfaction_score", Fraction(100)) == "satisfaction_score:100"


@pytest.mark.parametrize("measure, score", [("satisfaction", Fraction(0)), ("participation", Fraction(1, 2)),
                                            ("satisfaction_score", Fraction(100)), ("satisfaction", Fraction(2, 3))])
def test_score_key_round_trips_exactly(measure, score):
    assert parse_score_key(score_key(measure, score)) == (measure, score)


def test_parse_score_key_reads_rate_keys_and_old_rounded_keys():
    assert parse_score_key("participation:2/3") == ("participation", Fraction(2, 3))
    assert parse_score_key("a:b:0.2500") == ("a:b", Fraction(1, 4))


def test_respondent_counts_are_yes_and_valid_answers():
    assert respondent_counts(["positive", "excluded", "negative", "positive", None]) == (2, 3)
    assert respondent_counts(["excluded"]) is None


def test_weighted_score_is_exact_for_two_decimal_weights():
    # (66.67 + 66.67 + 33.33) / 3 = 166.67 / 3 exactly, not a float near it
    assert respondent_weighted_score([Decimal("66.67"), Decimal("66.67"), Decimal("33.33")]) == Fraction(16667, 300)


def test_the_interval_is_computed_from_exact_rates_not_rates_rounded_to_four_places():
    """Issue 14 item 7 (assessor's review): rounding each respondent's rate to 4 places moved published bounds
    in the 4th decimal. Practice (facts §2.1, provincial statistics bureaus' CATI surveys): state the method,
    n and the margin of error — so the published figures must be those of the stated method, exactly.

    100 respondents at 1/3, 500 at 2/3, 10 at 1 (three-question rates): exact mean = (100/3 + 1000/3 + 10) / 610
    = 1130 / 1830 = 0.6174863; rounded to 4 places first, the mean is 376.68 / 610 = 0.6175082 — 2.2e-5
    higher, and so are both bounds."""
    exact = {Fraction(1, 3): 100, Fraction(2, 3): 500, Fraction(1): 10}
    rounded = {0.3333: 100, 0.6667: 500, 1.0: 10}
    mean = Fraction(1130, 1830)
    variance = (100 * (Fraction(1, 3) - mean) ** 2 + 500 * (Fraction(2, 3) - mean) ** 2
                + 10 * (1 - mean) ** 2) / 609 / 610
    half = Z95 * math.sqrt(variance)
    result = estimate(exact)
    assert result.value == float(mean)
    assert result.low == pytest.approx(float(mean) - half, abs=1e-12)
    assert result.high == pytest.approx(float(mean) + half, abs=1e-12)
    old = estimate(rounded)
    assert old.value - result.value == pytest.approx(2.186e-5, abs=1e-8)
    assert old.low - result.low > 1e-5 and old.high - result.high > 1e-5


def test_weights_are_population_share_over_sample_share():
    """Issue 14 item 7: weight by adult population — weight = the district's share of the adult population ÷
    its share of the sample; a district without respondents or without people is left out. The population
    is the adults because the official surveys sample residents aged 18 and over (provincial statistics
    bureaus' 公众生态环境满意度 CATI surveys with district quotas, e.g. Shaanxi:
    https://www.stats.gov.cn/fw/dftjxmgl/dftjdczd/shx/202402/t20240208_1947600.html)."""
    weights = stratum_weights({"east": (240_000, 20), "west": (80_000, 20), "empty": (50_000, 0), "unknown": (0, 5)})
    assert set(weights) == {"east", "west"}
    assert weights["east"].population_share == Fraction(3, 4) and weights["east"].sample_share == Fraction(1, 2)
    assert weights["east"].weight == Fraction(3, 2) and weights["west"].weight == Fraction(1, 2)


def test_the_weighted_mean_with_those_weights_is_the_post_stratified_mean():
    """Respondent weights (population share ÷ sample share) give Σ W · district mean, which `stratified` computes."""
    east, west = [Fraction(1)] * 15 + [Fraction(0)] * 5, [Fraction(1)] * 10 + [Fraction(0)] * 10
    weights = stratum_weights({"east": (240_000, 20), "west": (80_000, 20)})
    weighted = (sum(weights["east"].weight * r for r in east) + sum(weights["west"].weight * r for r in west)) / (
        weights["east"].weight * 20 + weights["west"].weight * 20)
    result = stratified([(240_000, estimate({1: 15, 0: 5})), (80_000, estimate({1: 10, 0: 10}))])
    assert weighted == Fraction(3, 4) * Fraction(3, 4) + Fraction(1, 4) * Fraction(1, 2)
    assert result.value == pytest.approx(float(weighted))


# --- Wilson interval -----------------------------------------------------------------------------------

def test_wilson_interval_of_80_out_of_100():
    # p = 0.8, z²/n = 0.0384146, denominator = 1.0384146
    # centre = (0.8 + 0.0192073) / 1.0384146 = 0.7889020
    # half   = 1.959964 · √(0.8·0.2/100 + 3.841459/40000) / 1.0384146
    #        = 1.959964 · √0.0016960365 / 1.0384146 = 1.959964 · 0.0411830 / 1.0384146 = 0.0777311
    # → 0.7111709 … 0.8666331
    result = wilson(80, 100)
    assert result.value == 0.8 and result.n == 100
    assert result.low == approx(0.7111709)
    assert result.high == approx(0.8666331)
    assert result.margin == approx(0.0777311)


def test_wilson_interval_is_not_symmetric_around_the_proportion():
    result = wilson(80, 100)
    assert 0.8 - result.low > result.high - 0.8  # pulled towards 1/2


def test_wilson_interval_of_none_out_of_n_starts_at_zero_and_has_width():
    # p = 0: centre = half = (z²/2n) / (1 + z²/n), so low = 0 and high = z² / (n + z²) = 3.841459 / 13.841459
    result = wilson(0, 10)
    assert result.value == 0.0
    assert result.low == 0.0
    assert result.high == approx(0.2775328)
    assert result.margin > 0


def test_wilson_interval_of_n_out_of_n_ends_at_one_and_has_width():
    # p = 1: low = n / (n + z²) = 10 / 13.841459, high = 1
    result = wilson(10, 10)
    assert result.value == 1.0
    assert result.low == approx(0.7224672)
    assert result.high == pytest.approx(1.0)
    assert 0.0 <= result.low < result.high <= 1.0


@pytest.mark.parametrize("positive, n", [(0, 1), (1, 1), (0, 1000), (1000, 1000), (1, 2), (499, 1000)])
def test_wilson_interval_stays_inside_zero_to_one(positive, n):
    result = wilson(positive, n)
    assert 0.0 <= result.low <= result.value <= result.high <= 1.0
    assert result.high - result.low > 0


def test_wilson_interval_narrows_as_the_sample_grows():
    assert wilson(800, 1000).margin < wilson(80, 100).margin < wilson(8, 10).margin


def test_margin_is_half_the_width_of_the_interval():
    assert Estimate(0.5, 10, 0.25, 0.65).margin == pytest.approx(0.2)


# --- estimate from a histogram -------------------------------------------------------------------------

def test_estimate_of_a_binary_histogram_is_the_wilson_interval():
    # one satisfaction question: every respondent scores 0 or 1 → 80 of 100 satisfied
    assert estimate({1.0: 80, 0.0: 20}) == wilson(80, 100)


def test_estimate_of_a_binary_histogram_with_only_ones_is_wilson_too():
    # 3 of 3: low = 3 / (3 + 3.841459) = 0.4385030
    result = estimate({1.0: 3})
    assert result == wilson(3, 3)
    assert result.low == approx(0.4385030) and result.high == pytest.approx(1.0)


def test_estimate_of_a_non_binary_histogram_is_mean_plus_minus_z_standard_errors():
    # scores 0.5, 0.5, 1, 1, 0 → n = 5, mean = 3 / 5 = 0.6
    # squared deviations: 2·0.01 + 2·0.16 + 0.36 = 0.70; sample variance s² = 0.70 / 4 = 0.175
    # SE = √(0.175 / 5) = √0.035 = 0.1870829; half = 1.959964 · 0.1870829 = 0.3666757
    # → 0.2333243 … 0.9666757
    result = estimate({0.5: 2, 1.0: 2, 0.0: 1})
    assert result.value == pytest.approx(0.6) and result.n == 5
    assert result.low == approx(0.2333243)
    assert result.high == approx(0.9666757)
    assert result.margin == approx(0.3666757)
    assert standard_error(result) == approx(0.1870829)


def test_estimate_ignores_scores_nobody_has():
    assert estimate({1.0: 3, 0.0: 0, 0.5: 0}) == wilson(3, 3)


def test_estimate_of_an_empty_histogram_is_none():
    assert estimate({}) is None
    assert estimate({0.5: 0, 1.0: 0}) is None


def test_estimate_of_a_single_non_binary_respondent_spans_the_whole_scale():
    # one answer says nothing about the spread: the interval is the whole scale, never zero width
    result = estimate({0.5: 1})
    assert (result.value, result.n, result.low, result.high) == (0.5, 1, 0.0, 1.0)
    result = estimate({75.0: 1}, lowest=0.0, highest=100.0)
    assert (result.value, result.low, result.high) == (75.0, 0.0, 100.0)


def test_estimate_of_a_single_binary_respondent_is_a_wide_wilson_interval():
    result = estimate({1.0: 1})
    assert result == wilson(1, 1)
    assert result.low == approx(1 / (1 + Z2))  # n / (n + z²) = 0.2065...


def test_estimate_clamps_the_interval_to_the_scale():
    # scores 1, 1, 1, 0.5 → mean 0.875; squared deviations 3·0.015625 + 0.140625 = 0.1875
    # s² = 0.1875 / 3 = 0.0625; SE = √(0.0625 / 4) = 0.125; half = 0.2449955
    # → 0.6300045 … 1.1199955, cut to 1
    result = estimate({1.0: 3, 0.5: 1})
    assert result.value == pytest.approx(0.875)
    assert result.low == approx(0.6300045)
    assert result.high == 1.0
    assert standard_error(result) == approx(0.125)  # the SE is kept although the interval was cut


def test_estimate_of_a_weighted_score_uses_its_own_bounds():
    # scores 100 and 50 → mean 75; s² = (25² + 25²) / 1 = 1250; SE = √(1250 / 2) = 25
    # half = 1.959964 · 25 = 48.9991 → 26.0009 … 123.9991, cut to 100
    result = estimate({100.0: 1, 50.0: 1}, lowest=0.0, highest=100.0)
    assert result.value == 75.0
    assert result.low == approx(26.0009)
    assert result.high == 100.0


def test_estimate_on_a_0_to_100_scale_never_takes_the_wilson_path():
    # scores 0 and 1 on a 0–100 scale are ordinary values: mean 0.5, s² = 0.5, SE = 0.5, half = 0.979982
    result = estimate({0.0: 1, 1.0: 1}, lowest=0.0, highest=100.0)
    assert result.low == 0.0 and result.high == approx(1.479982)


def test_estimate_where_everyone_has_the_same_score_has_zero_width():
    # a property of the normal approximation: a sample without spread has SE 0
    result = estimate({0.5: 4})
    assert (result.low, result.high) == (0.5, 0.5)


# --- post-stratification -------------------------------------------------------------------------------

def normal(value, n, se):
    return Estimate(value, n, value - Z95 * se, value + Z95 * se)


def test_stratified_weights_strata_by_population():
    # A: 300 000 people, 0.8 ± SE 0.04 (n 100); B: 100 000 people, 0.6 ± SE 0.05 (n 50)
    # shares 0.75 / 0.25 → mean = 0.75·0.8 + 0.25·0.6 = 0.75
    # variance = (0.75·0.04)² + (0.25·0.05)² = 0.0009 + 0.00015625 = 0.00105625 → SE = 0.0325
    # half = 1.959964 · 0.0325 = 0.0636988 → 0.6863012 … 0.8136988
    result = stratified([(300_000, normal(0.8, 100, 0.04)), (100_000, normal(0.6, 50, 0.05))])
    assert result.value == pytest.approx(0.75)
    assert result.n == 150
    assert result.low == approx(0.6863012)
    assert result.high == approx(0.8136988)
    assert standard_error(result) == approx(0.0325)


def test_stratified_drops_empty_strata_and_zero_weights():
    expected = stratified([(300_000, normal(0.8, 100, 0.04)), (100_000, normal(0.6, 50, 0.05))])
    result = stratified([(300_000, normal(0.8, 100, 0.04)), (500_000, None), (0, normal(0.1, 999, 0.2)),
                         (100_000, normal(0.6, 50, 0.05))])
    assert result == expected


def test_stratified_with_all_strata_empty_is_none():
    assert stratified([(300_000, None), (100_000, None)]) is None
    assert stratified([(0, normal(0.5, 10, 0.1))]) is None
    assert stratified([]) is None


def test_stratified_with_one_stratum_is_that_stratum():
    stratum = normal(0.7, 40, 0.05)
    result = stratified([(123, stratum)])
    assert result.value == pytest.approx(0.7) and result.n == 40
    assert (result.low, result.high) == (approx(stratum.low), approx(stratum.high))


def test_stratified_uses_the_standard_error_of_a_stratum_whose_interval_was_cut():
    # The stratum 0.875 has SE 0.125 although its interval was cut at 1 (see above): alone, the
    # post-stratified interval is 0.875 − 0.2449955 = 0.6300045 … 1, exactly the stratum's own.
    stratum = estimate({1.0: 3, 0.5: 1})
    result = stratified([(1, stratum)])
    assert result.low == approx(stratum.low) and result.high == 1.0


def test_stratified_uses_half_the_wilson_width_as_the_standard_error_of_a_binary_stratum():
    # wilson(80, 100): half 0.0777311 → SE 0.0777311 / 1.959964 = 0.0396595
    # with an equal-weight stratum of SE 0.0396595 too: SE = √(2 · (0.5 · 0.0396595)²) = 0.0280436
    binary = wilson(80, 100)
    result = stratified([(1, binary), (1, normal(0.6, 100, 0.0396595))])
    assert result.value == pytest.approx(0.7)
    assert standard_error(result) == approx(0.0280436)
    assert result.margin == approx(Z95 * 0.0280436)


def test_stratified_clamps_to_the_scale():
    # 0.95 with SE 0.05 → 0.95 + 0.098 > 1 → cut to 1
    result = stratified([(1, normal(0.95, 30, 0.05))])
    assert result.high == 1.0 and result.low == approx(0.95 - Z95 * 0.05)
    scores = stratified([(1, Estimate(98.0, 5, 90.0, 106.0))], lowest=0.0, highest=100.0)
    assert scores.high == 100.0


def test_stratified_mean_lies_between_the_strata():
    result = stratified([(2, normal(0.9, 10, 0.05)), (3, normal(0.5, 10, 0.05)), (5, normal(0.7, 10, 0.05))])
    # 0.2·0.9 + 0.3·0.5 + 0.5·0.7 = 0.18 + 0.15 + 0.35 = 0.68
    assert result.value == pytest.approx(0.68)
    assert math.isclose(standard_error(result), 0.05 * math.sqrt(0.04 + 0.09 + 0.25), rel_tol=1e-9)
