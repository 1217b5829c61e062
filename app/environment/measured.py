"""Reported monitoring values: a number, or a detection limit followed by L when below detection."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

# A plain non-negative decimal, optionally in exponent form as laboratories print large counts (2.4E+04).
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN = re.compile(rf"(-?)({_NUMBER})")
_BELOW = re.compile(rf"(-?)({_NUMBER})\s*L")
# Anything that looks like an attempt at "below detection" but is not the `0.01L` form.
_DETECTION_HINT = re.compile(r"[L<>]|ND|N\.D|未检出|检出限", re.IGNORECASE)


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
