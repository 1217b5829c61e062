"""Indicator targets: parse the official target text into rules and judge reported values against them.

Pure logic (no Flask, no database, no I/O). Reading of the official forms:

- A bare number such as ``100`` means "must reach it" and is read as ``>= 100``; write ``=`` for equality.
- ``a~b`` / ``a-b`` is an inclusive range.
- Place variants (``山区>=60; 平原地区>=18``, ``市:100; 县:开展``) choose one target by the place's attributes;
  the most specific match wins: 青藏高原 > moisture and city size > terrain, region and 市/县.
- Qualitative states form small ladders where a stronger state implies a weaker one (``_IMPLIES``): 制定实施
  meets 制定 and 实施, 全面实施 meets 实施, 有效开展 meets 开展.
- "完成上级…" targets are judged with evidence: the value is a bool confirmed by the assessing body.
- Trends compare with the same period of the previous year; ``保持稳定`` / ``保持稳定或持续改善`` need the
  indicator's direction and take a tolerance written after them, ``保持稳定(±2)``: a value at most 2 (in the
  measure's unit) worse than the year before still counts as stable. Without one the tolerance is 0.
- ``A且B`` and ``完成上级…任务; 保持稳定或持续改善`` are AND rules. An AND rule takes one value for all its
  parts, or a tuple/list with one value per part (e.g. ``(True, 41.2)`` for task + trend).
- A measure computed by this site cannot confirm a "完成上级…" task by itself: ``set_targets()`` makes the task
  concrete with the figure the higher authority set for the place and year (entered by staff), so that the
  computed number is judged against it (``SetTargetRule``), and stays pending until that figure is entered.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, cast


class Status(StrEnum):
    """Outcome of judging one value against one target."""

    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Evaluation:
    """A status, the signed gap to the threshold (positive = short of it) and a short English reason."""

    status: Status
    gap: float | None
    reason: str


class TargetSyntaxError(ValueError):
    """Target text that cannot be read as a rule."""


class _Pending(Exception):
    """Internal signal: the value cannot be judged (missing or of the wrong type)."""


Place = Mapping[str, object]


@dataclass(frozen=True)
class _Context:
    """What a judgement needs besides the value: the place, the previous value, the direction."""

    place: Place
    previous: object
    higher_is_better: bool

# Half-width equivalents of the full-width and mathematical characters found in official tables.
_NORMALISE = str.maketrans(
    {"≥": ">=", "≧": ">=", "≤": "<=", "≦": "<=", "＞": ">", "＜": "<", "＝": "=", "～": "~",
     "：": ":", "；": ";", "％": "%", "，": ",", "（": "(", "）": ")", "．": ".", "　": " ",
     **{chr(0xFF10 + digit): str(digit) for digit in range(10)}}
)

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_COMPARISON = re.compile(rf"(?P<op>>=|<=|>|<|=)?\s*(?P<number>{_NUMBER})\s*%?")
_RANGE = re.compile(rf"(?P<low>{_NUMBER})\s*(?:~|-|–|—|至)\s*(?P<high>{_NUMBER})\s*%?")

# A reported state meets its own target and every weaker one it implies (制定实施 = 制定 + 实施).
_IMPLIES: dict[str, frozenset[str]] = {
    "制定实施": frozenset({"制定", "实施"}),
    "全面实施": frozenset({"实施"}),
    "有效开展": frozenset({"开展"}),
}
_STATES: tuple[str, ...] = ("制定", "制定实施", "开展", "有效开展", "实施", "全面实施", "建立", "不明显",
                            "面积不减少，性质不改变，功能不降低")
_TRENDS = ("不降低", "逐步下降", "保持稳定或持续改善", "保持稳定")
_STABLE_TRENDS = ("保持稳定或持续改善", "保持稳定")
_TOLERANCE = re.compile(rf"(?P<trend>{'|'.join(_STABLE_TRENDS)})\s*\(\s*±\s*(?P<tolerance>\d+(?:\.\d+)?)\s*\)")
_ASSIGNED_TASK_PREFIX = "完成上级"

# (label, place attribute, stored code); matched longest label first.
_PLACE_LABELS: tuple[tuple[str, str, object], ...] = tuple(sorted((
    ("超、特大城市", "size", "mega"), ("超大城市", "size", "mega"), ("特大城市", "size", "mega"),
    ("大城市", "size", "large"), ("中小城市", "size", "medium_small"),
    ("干旱半干旱地区", "moisture", "arid"), ("半湿润地区", "moisture", "semi_humid"),
    ("湿润地区", "moisture", "humid"), ("青藏高原地区", "plateau", True),
    ("山区", "terrain", "mountain"), ("丘陵地区", "terrain", "hilly"), ("丘陵", "terrain", "hilly"),
    ("平原地区", "terrain", "plain"), ("平原", "terrain", "plain"),
    ("东部地区", "region", "east"), ("东部", "region", "east"), ("中部地区", "region", "central"),
    ("中部", "region", "central"), ("西部地区", "region", "west"), ("西部", "region", "west"),
    ("市", "level", "city"), ("县", "level", "county"),
), key=lambda entry: -len(entry[0])))
_SPECIFICITY = {"plateau": 3, "moisture": 2, "size": 2, "terrain": 1, "region": 1, "level": 1}


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE).strip()


def _key(text: str) -> str:
    return re.sub(r"\s+", "", _normalise(text))


_STATE_BY_KEY = {_key(state): state for state in _STATES}
# The qualitative states a value may report, for forms.
STATES = _STATES


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _number(value: object, what: str = "value") -> Decimal:
    if value is None:
        raise _Pending(f"no {what} reported")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _Pending(f"{what} of wrong type: expected number")
    # repr() keeps the float's shortest decimal form (0.1 stays 0.1, not 0.1000000000000000055…).
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise _Pending(f"{what} is not a finite number")
    return number


def _verdict(met: bool, gap: Decimal | None, subject: str) -> Evaluation:
    status = Status.MET if met else Status.NOT_MET
    detail = "met" if met else "not met" if gap is None else f"not met (gap {_fmt(gap)})"
    return Evaluation(status, None if gap is None else float(gap), f"{subject}: {detail}")


class Rule(ABC):
    """A parsed target; each kind is a frozen dataclass."""

    kind: ClassVar[str]

    def evaluate(self, value: object, *, place: Place, previous: object = None,
                 higher_is_better: bool = True) -> Evaluation:
        """Judge a value for a place; missing or wrongly typed input gives PENDING."""
        return self._evaluate(value, _Context(place, previous, higher_is_better))

    def _evaluate(self, value: object, ctx: _Context) -> Evaluation:
        try:
            return self._judge(value, ctx)
        except _Pending as pending:
            return Evaluation(Status.PENDING, None, str(pending))

    @abstractmethod
    def _judge(self, value: object, ctx: _Context) -> Evaluation: ...

    @abstractmethod
    def describe(self) -> str:
        """Canonical text of the rule, for display; parse_target() reads it back to an equal rule."""

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class ComparisonRule(Rule):
    """A value compared with a threshold: >=, <=, >, < or =."""

    op: str
    threshold: Decimal
    kind: ClassVar[str] = "comparison"

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        number = _number(value)
        if self.op == "=":
            gap = abs(number - self.threshold)
            met = gap == 0
        else:
            gap = self.threshold - number if self.op.startswith(">") else number - self.threshold
            met = gap <= 0 if self.op.endswith("=") else gap < 0
        return _verdict(met, gap, f"{_fmt(number)} against {self.describe()}")

    def describe(self) -> str:
        return f"{self.op} {_fmt(self.threshold)}"


@dataclass(frozen=True)
class RangeRule(Rule):
    """A value inside an inclusive range low ~ high."""

    low: Decimal
    high: Decimal
    kind: ClassVar[str] = "comparison"

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        number = _number(value)
        # Negative inside the range: the distance to the nearer bound.
        gap = max(self.low - number, number - self.high)
        return _verdict(gap <= 0, gap, f"{_fmt(number)} against {self.describe()}")

    def describe(self) -> str:
        return f"{_fmt(self.low)} ~ {_fmt(self.high)}"


def _state_meets(reported: str, target: str) -> bool:
    return reported == target or target in _IMPLIES.get(reported, frozenset())


@dataclass(frozen=True)
class QualitativeRule(Rule):
    """A state to reach, such as 建立 or 全面实施; the value is the reported state."""

    state: str
    kind: ClassVar[str] = "qualitative"

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        if value is not None and not isinstance(value, str):
            raise _Pending("value of wrong type: expected text")
        if value is None or not _key(value):
            raise _Pending("no state reported")
        reported = _STATE_BY_KEY.get(_key(value), _normalise(value))
        return _verdict(_state_meets(reported, self.state), None,
                        f"reported {reported!r} against required {self.state!r}")

    def describe(self) -> str:
        return self.state


@dataclass(frozen=True)
class AssignedTaskRule(Rule):
    """A task assigned by the higher level; the value is True once the assessing body confirms it."""

    text: str
    kind: ClassVar[str] = "assigned_task"

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        if value is None:
            raise _Pending("awaiting confirmation by the assessing body")
        if not isinstance(value, bool):
            raise _Pending("value of wrong type: expected bool")
        subject = "task confirmed completed" if value else "task not completed"
        return _verdict(value, None, f"{subject} ({self.text})")

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True)
class SetTargetRule(Rule):
    """A task assigned by the higher level, made concrete by the figure it set for this place and year: the
    computed value must reach it (at least it, or at most it where lower is better). Built by set_targets() at
    judging time, never parsed: describe() gives the task's text."""

    text: str
    target: Decimal | None
    kind: ClassVar[str] = "set_target"

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        number = _number(value)
        if self.target is None:
            raise _Pending("awaiting the target set by the higher authority")
        op = ">=" if ctx.higher_is_better else "<="
        gap = self.target - number if ctx.higher_is_better else number - self.target
        return _verdict(gap <= 0, gap, f"{_fmt(number)} against the target set by the higher authority "
                                       f"({op} {_fmt(self.target)})")

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True)
class TrendRule(Rule):
    """A change against the same period a year before: 不降低, 逐步下降, or 保持稳定(或持续改善) within a tolerance."""

    text: str
    tolerance: Decimal = Decimal(0)
    kind: ClassVar[str] = "trend"

    def __post_init__(self) -> None:
        if self.text not in _TRENDS:
            raise TargetSyntaxError(f"unknown trend {self.text!r}; expected one of {', '.join(_TRENDS)}")

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        number = _number(value)
        if ctx.previous is None:
            raise _Pending("no previous value to compare with")
        before = _number(ctx.previous, "previous value")
        if self.text == "不降低":
            gap, met = before - number, number >= before
        elif self.text == "逐步下降":
            gap, met = number - before, number < before
        elif ctx.higher_is_better:
            gap = before - self.tolerance - number
            met = gap <= 0
        else:
            gap = number - before - self.tolerance
            met = gap <= 0
        return _verdict(met, gap, f"{_fmt(number)} against previous {_fmt(before)} ({self.text})")

    def describe(self) -> str:
        if self.tolerance and self.text in _STABLE_TRENDS:
            return f"{self.text}(±{_fmt(self.tolerance)})"
        return self.text


@dataclass(frozen=True)
class Variant:
    """One place-dependent target: the label as written, the place attribute and code it selects, the rule."""

    label: str
    attribute: str
    code: object
    rule: Rule


@dataclass(frozen=True)
class VariantRule(Rule):
    """Targets chosen by an attribute of the place (terrain, region, moisture, city size, 市/县)."""

    variants: tuple[Variant, ...]
    kind: ClassVar[str] = "variants"

    def for_place(self, place: Place) -> Variant | None:
        """The most specific variant matching the place, or None; ties go to the first written."""
        matching = [v for v in self.variants if v.code == place.get(v.attribute)]
        return max(matching, key=lambda v: _SPECIFICITY[v.attribute], default=None)

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        variant = self.for_place(ctx.place)
        if variant is None:
            raise _Pending("no target variant for this place")
        inner = variant.rule._evaluate(value, ctx)
        return Evaluation(inner.status, inner.gap, f"{variant.label}: {inner.reason}")

    def describe(self) -> str:
        return "; ".join(f"{v.label}: {v.rule.describe()}" for v in self.variants)


@dataclass(frozen=True)
class AllOfRule(Rule):
    """Every part must be met; the value is shared by all parts or given as one value per part."""

    parts: tuple[Rule, ...]
    kind: ClassVar[str] = "all_of"

    def _judge(self, value: object, ctx: _Context) -> Evaluation:
        if isinstance(value, list | tuple):
            if len(value) != len(self.parts):
                raise _Pending(f"value of wrong type: expected {len(self.parts)} values, one per part")
            values = tuple(value)
        else:
            values = (value,) * len(self.parts)
        results = [part._evaluate(v, ctx) for part, v in zip(self.parts, values)]
        statuses = {r.status for r in results}
        status = next(s for s in (Status.NOT_MET, Status.PENDING, Status.MET) if s in statuses)
        # The gap of a failing AND rule is that of a failing part (None for a qualitative one): a met part's
        # negative margin must never be shown as the distance still to go.
        failing = [r for r in results if r.status == Status.NOT_MET] if status == Status.NOT_MET else results
        gap = next((r.gap for r in failing if r.gap is not None), None)
        return Evaluation(status, gap, "; ".join(r.reason for r in results))

    def describe(self) -> str:
        return " 且 ".join(part.describe() for part in self.parts)


def _parse_simple(text: str) -> Rule:
    state = _STATE_BY_KEY.get(_key(text))
    if state is not None:
        return QualitativeRule(state)
    if text.startswith(_ASSIGNED_TASK_PREFIX):
        return AssignedTaskRule(text)
    if text in _TRENDS:
        return TrendRule(text)
    if match := _TOLERANCE.fullmatch(text):
        return TrendRule(match["trend"], Decimal(match["tolerance"]))
    if match := _COMPARISON.fullmatch(text):
        return ComparisonRule(match["op"] or ">=", Decimal(match["number"]))
    if match := _RANGE.fullmatch(text):
        low, high = Decimal(match["low"]), Decimal(match["high"])
        if low > high:
            raise TargetSyntaxError(f"range {text!r} runs backwards: {_fmt(low)} > {_fmt(high)}")
        return RangeRule(low, high)
    raise TargetSyntaxError(
        f"cannot read target {text!r}: expected a comparison (>=60, <=25, 100), a range (10~20), "
        f"a state ({', '.join(_STATES)}), a trend ({', '.join(_TRENDS)}, 保持稳定 with a tolerance "
        f"such as 保持稳定(±2)) or a '完成上级…' task")


def _parse_clause(text: str) -> Rule:
    if "且" not in text or _key(text) in _STATE_BY_KEY:
        return _parse_simple(text)
    pieces = [piece.strip() for piece in text.split("且")]
    if not all(pieces):
        raise TargetSyntaxError(f"'且' in {text!r} must join two targets")
    return AllOfRule(tuple(_parse_simple(piece) for piece in pieces))


def _split_label(text: str) -> tuple[tuple[str, str, object], str] | None:
    for entry in _PLACE_LABELS:
        if not text.startswith(entry[0]):
            continue
        rest = text[len(entry[0]):].strip()
        if rest.startswith(":"):
            rest = rest[1:].strip()
        elif not re.match(r"[<>=~\d+-]", rest):
            continue
        if not rest:
            raise TargetSyntaxError(f"place variant {text!r} has no target after its label")
        return entry, rest
    return None


def _split(expr: str) -> list[str]:
    if not isinstance(expr, str):
        raise TargetSyntaxError(f"target must be text, not {type(expr).__name__}")
    parts = [part.strip() for part in _normalise(expr).split(";")]
    if not any(parts):
        raise TargetSyntaxError("target is empty")
    return [part for part in parts if part]


def _parse_whole(parts: list[str]) -> Rule | None:
    """Read the parts as one rule, or return None when they are separate per-sub-indicator targets."""
    labelled = [_split_label(part) for part in parts]
    if any(labelled):
        if not all(labelled):
            raise TargetSyntaxError(f"{'; '.join(parts)!r} mixes place variants and plain targets")
        variants = cast(list[tuple[tuple[str, str, object], str]], labelled)  # all labelled, checked above
        return VariantRule(tuple(Variant(label, attribute, code, _parse_clause(body))
                                 for (label, attribute, code), body in variants))
    rules = [_parse_clause(part) for part in parts]
    if len(rules) == 1:
        return rules[0]
    # Officially "完成上级规定的…任务; 保持稳定或持续改善" is one target: the task AND the trend.
    if len(rules) == 2 and rules[0].kind == "assigned_task" and rules[1].kind == "trend":
        return AllOfRule(tuple(rules))
    return None


def parse_target(expr: str) -> Rule:
    """Parse the target text of one indicator (or one sub-indicator) into a rule."""
    parts = _split(expr)
    rule = _parse_whole(parts)
    if rule is None:
        raise TargetSyntaxError(f"{expr!r} holds {len(parts)} separate targets; "
                                "use parse_targets() with the number of sub-indicators")
    return rule


def parse_targets(expr: str, sub_count: int = 1) -> list[Rule]:
    """Parse a target cell into one rule per sub-indicator; a single target applies to every one."""
    if sub_count < 1:
        raise ValueError("sub_count must be at least 1")
    parts = _split(expr)
    rule = _parse_whole(parts)
    if rule is not None:
        return [rule] * sub_count
    if len(parts) != sub_count:
        raise TargetSyntaxError(f"{expr!r} holds {len(parts)} targets "
                                f"but the indicator has {sub_count} sub-indicators")
    return [_parse_clause(part) for part in parts]


def sub_indicator_names(name: str) -> list[str]:
    """Sub-indicator names listed in the trailing parentheses of an indicator name ('A(x; y)'), else []."""
    match = re.search(r"\(([^()]*;[^()]*)\)$", _normalise(name))
    return [part.strip() for part in match[1].split(";") if part.strip()] if match else []


def set_targets(rule: Rule, target: Decimal | None) -> Rule:
    """The rule with every "完成上级…" task replaced by the figure the higher authority set (None: not entered
    yet, so the task part stays pending); other rules are returned unchanged."""
    if isinstance(rule, AssignedTaskRule):
        return SetTargetRule(rule.text, target)
    if isinstance(rule, AllOfRule):
        return AllOfRule(tuple(set_targets(part, target) for part in rule.parts))
    if isinstance(rule, VariantRule):
        return VariantRule(tuple(Variant(v.label, v.attribute, v.code, set_targets(v.rule, target))
                                 for v in rule.variants))
    return rule


def has_assigned_task(rule: Rule) -> bool:
    """Whether any part or variant of the rule is a "完成上级…" task."""
    if isinstance(rule, AssignedTaskRule):
        return True
    if isinstance(rule, AllOfRule):
        return any(has_assigned_task(part) for part in rule.parts)
    if isinstance(rule, VariantRule):
        return any(has_assigned_task(v.rule) for v in rule.variants)
    return False


def evaluate(rule: Rule, value: object, *, place: Place, previous: object = None,
             higher_is_better: bool = True, applicable: bool = True) -> Evaluation:
    """Judge a value against a rule, handling indicators not applicable to the place and missing values."""
    if not applicable:
        return Evaluation(Status.NOT_APPLICABLE, None, "indicator not applicable to this place")
    if value is None:
        return Evaluation(Status.PENDING, None, "no value reported")
    return rule.evaluate(value, place=place, previous=previous, higher_is_better=higher_is_better)
