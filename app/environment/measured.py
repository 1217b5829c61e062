"""Reported monitoring values: a number, or a detection limit followed by L when below detection."""
from __future__ import annotations

import decimal
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import reduce

# A plain non-negative decimal, optionally in exponent form as laboratories print large counts (2.4E+04).
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN = re.compile(rf"(-?)({_NUMBER})")
_BELOW = re.compile(rf"(-?)({_NUMBER})\s*L")
# Anything that looks like an attempt at "below detection" but is not the `0.01L` form.
_DETECTION_HINT = re.compile(r"[L<>]|ND|N\.D|未检出|检出限", re.IGNORECASE)


# Sums of reported decimals, exactly. With the largest precision and exponent range libmpdec allows, adding two
# Decimals never rounds (the Inexact trap would raise if it did), and the addition runs in C: about ten times
# cheaper than the same sum in Fractions, for the same exact value.
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                         traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow, decimal.Underflow])
_ZERO = Decimal(0)
_HALF = Decimal("0.5")


def reported(value: float) -> Decimal:
    """The decimal a float was written as, exactly (0.1 is 1/10, not its binary neighbour); the Decimal twin of
    Fraction(repr(value)). Raises ValueError for NaN and infinities."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return Decimal(repr(number))


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of Decimals (never rounded)."""
    return reduce(_EXACT.add, values, _ZERO)


def exact_add(a: Decimal, b: Decimal) -> Decimal:
    """a + b, exactly."""
    return _EXACT.add(a, b)


def exact_difference(a: Decimal, b: Decimal) -> Decimal:
    """a − b, exactly."""
    return _EXACT.subtract(a, b)


def to_float(total: Decimal, count: int = 1) -> float:
    """total ÷ count rounded once to the nearest float: the float float(Fraction(total) / count) gives, bit for
    bit, since both divide the same two integers and Python's int division is correctly rounded."""
    numerator, denominator = total.as_integer_ratio()
    return numerator / (denominator * count)


def exact_mean(values: Sequence[float]) -> float:
    """The arithmetic mean of the decimals the values were written as, computed exactly and rounded once:
    float(sum(Fraction(repr(v))) / n) bit for bit, at a tenth of its cost."""
    if not values:
        raise ValueError("mean of no values")
    numbers = list(map(float, values))
    if not all(map(math.isfinite, numbers)):
        raise ValueError(f"not a finite number among {values!r}")
    return to_float(exact_sum(map(Decimal, map(repr, numbers))), len(numbers))


class MeasuredError(ValueError):
    """A reported value that cannot be read; `reason` is a machine-readable key the caller translates."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


@dataclass(frozen=True)
class Measured:
    """One reported value; when below_detection, value is the detection limit."""

    value: float
    below_detection: bool
    text: str

    @property
    def evaluated(self) -> float:
        """The number to use in means: the value, or half the detection limit when below detection."""
        # 地表水 practice (《地表水环境质量评价办法（试行）》 and the monitoring technical specifications): a result
        # below the detection limit takes part in statistics such as annual means as half the detection limit.
        # For the class of a single sample it is not a number at all: it meets class Ⅰ for that item.
        return self.value / 2 if self.below_detection else self.value

    @property
    def exact(self) -> Fraction:
        """The evaluated value as an exact fraction of the reported decimal (0.1 is 1/10, not a binary float)."""
        exact = Fraction(repr(self.value))
        return exact / 2 if self.below_detection else exact

    @property
    def decimal(self) -> Decimal:
        """The evaluated value as the exact Decimal of the reported decimal (half of it when below detection)."""
        value = reported(self.value)
        return _EXACT.multiply(value, _HALF) if self.below_detection else value


def parse_measured(text: str) -> Measured:
    """Read "12", "12.5", "0.01L" (L or l, full-width characters allowed); raise MeasuredError otherwise."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise MeasuredError("empty", text)
    below = _BELOW.fullmatch(cleaned.upper()) if cleaned[-1] in "Ll" else None
    plain = _PLAIN.fullmatch(cleaned)
    match = below or plain
    if match is None:
        reason = "bad_detection_form" if _DETECTION_HINT.search(cleaned) else "not_a_number"
        raise MeasuredError(reason, text)
    sign, number = match.group(1), match.group(2)
    if sign:
        raise MeasuredError("negative", text)
    value = float(number)
    if not math.isfinite(value):
        raise MeasuredError("not_a_number", text)
    if below is not None:
        return Measured(value=value, below_detection=True, text=f"{number}L")
    return Measured(value=value, below_detection=False, text=number)
