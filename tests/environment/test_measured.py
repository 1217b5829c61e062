"""Reading reported values: numbers, detection limits written with L, and every refused form."""
import pytest

from app.environment.measured import Measured, MeasuredError, parse_measured


@pytest.mark.parametrize("text, value, below, canonical", [
    ("12", 12.0, False, "12"),
    ("12.5", 12.5, False, "12.5"),
    ("0", 0.0, False, "0"),
    (".5", 0.5, False, ".5"),
    ("2.4E+04", 24000.0, False, "2.4E+04"),
    (" 0.025 ", 0.025, False, "0.025"),
    (" 0.01L", 0.01, True, "0.01L"),
    ("0.01l", 0.01, True, "0.01L"),
    ("0.01 L", 0.01, True, "0.01L"),
    ("１２", 12.0, False, "12"),  # full-width digits
    ("０．０１Ｌ", 0.01, True, "0.01L"),  # full-width digits, point and L
    ("0.05ｌ", 0.05, True, "0.05L"),  # full-width lower-case l
    ("\u30000.2L\u3000", 0.2, True, "0.2L"),  # ideographic spaces around
])
def test_valid_forms_are_read(text, value, below, canonical):
    assert parse_measured(text) == Measured(value=value, below_detection=below, text=canonical)


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("\u3000", "empty"),
    ("abc", "not_a_number"),
    ("1.2.3", "not_a_number"),
    ("1,200", "not_a_number"),
    ("nan", "not_a_number"),
    ("inf", "not_a_number"),
    ("1e999", "not_a_number"),
    ("+5", "not_a_number"),
    ("-1", "negative"),
    ("-0.01L", "negative"),
    ("－3", "negative"),  # full-width minus
    ("L0.01", "bad_detection_form"),
    ("0.01LL", "bad_detection_form"),
    ("L", "bad_detection_form"),
    ("ND", "bad_detection_form"),
    ("nd", "bad_detection_form"),
    ("<0.01", "bad_detection_form"),
    ("＜0.01", "bad_detection_form"),  # full-width less-than
    ("未检出", "bad_detection_form"),
])
def test_invalid_forms_are_refused_with_a_reason(text, reason):
    with pytest.raises(MeasuredError) as caught:
        parse_measured(text)
    assert caught.value.reason == reason
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)


def test_below_detection_counts_as_half_the_limit_in_means():
    assert parse_measured("0.01L").evaluated == 0.005
    assert parse_measured("0.02").evaluated == 0.02


def test_exact_value_is_the_reported_decimal():
    from fractions import Fraction
    assert parse_measured("0.1").exact == Fraction(1, 10)
    assert parse_measured("0.1L").exact == Fraction(1, 20)
