"""Plain words, in the reader's language, for what the indicator pages, exports and API show.

Targets ("at least 20 %", "drawn up and implemented"), values with their units ("92 %"), qualitative states,
place-variant labels (city / county, terrain…), how computed values are obtained (never a provider key), and
texts stored only in Chinese. Every word the code generates goes through Babel. A text that has no translation
in the reader's language is shown in Simplified Chinese and marked: in HTML it carries lang="zh-Hans" and a
visible "not translated" note; str() gives the plain text for CSV, XLSX, DOCX and the API.
"""
import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.i18n import normalize_locale
from app.indicators.judging import judging_rule, rule_for
from app.indicators.rules import (AllOfRule, AssignedTaskRule, ComparisonRule, QualitativeRule, RangeRule,
                                  SetTargetRule, Status, TrendRule, VariantRule)

_HAN = re.compile(r"[\u3400-\u9fff]")
_NBSP = "\u00a0"

# Units as written in the official tables.
UNITS = {
    "%": "%",
    "吨标准煤/万元": _l("t of standard coal per 10,000 yuan"),
    "立方米/万元": _l("m³ per 10,000 yuan"),
    "平方米/人": _l("m² per person"),
    "公里": _l("km"),
    "公顷": _l("ha"),
    "万元": _l("10,000 yuan"),
    "个": _l("units"),
}
# Qualitative states (rules._STATES), as a target to reach and as a reported state.
STATES = {
    "制定": _l("drawn up"),
    "制定实施": _l("drawn up and implemented"),
    "开展": _l("carried out"),
    "有效开展": _l("carried out effectively"),
    "实施": _l("implemented"),
    "全面实施": _l("fully implemented"),
    "建立": _l("established"),
    "不明显": _l("no noticeable harm"),
    "面积不减少，性质不改变，功能不降低": _l("area not reduced, nature unchanged, functions not weakened"),
}
TRENDS = {
    "不降低": _l("not lower than in the same period a year before"),
    "逐步下降": _l("lower than in the same period a year before"),
    "保持稳定或持续改善": _l("stable or better than in the same period a year before"),
    "保持稳定": _l("stable compared with the same period a year before"),
}
ASSIGNED_TASKS = {
    "完成上级规定的考核任务": _l("complete the assessment tasks set by the higher authorities"),
    "完成上级规定的目标任务": _l("reach the targets set by the higher authorities"),
    "完成上级管控目标": _l("meet the control targets set by the higher authorities"),
}
# Place-variant labels by (attribute, code), as rules._PLACE_LABELS stores them.
PLACE_LABELS = {
    ("level", "city"): _l("city"),
    ("level", "county"): _l("county"),
    ("terrain", "mountain"): _l("mountain areas"),
    ("terrain", "hilly"): _l("hilly areas"),
    ("terrain", "plain"): _l("plains"),
    ("moisture", "humid"): _l("humid areas"),
    ("moisture", "semi_humid"): _l("semi-humid areas"),
    ("moisture", "arid"): _l("arid and semi-arid areas"),
    ("plateau", True): _l("Qinghai–Tibet Plateau"),
    ("size", "mega"): _l("megacities and very large cities"),
    ("size", "large"): _l("large cities"),
    ("size", "medium_small"): _l("medium-sized and small cities"),
    ("region", "east"): _l("eastern region"),
    ("region", "central"): _l("central region"),
    ("region", "west"): _l("western region"),
}
# How each computing module obtains its values (Indicator.provider keys, also stored as the value's source).
PROVIDER_METHODS = {
    "surveys.satisfaction": _l("Computed by this site from the sampled survey: for each respondent, the share of "
                               "their answers to the satisfaction questions that are “satisfied” or “fairly "
                               "satisfied” (“don't know” left out), averaged over the respondents of the whole "
                               "city, each weighted by their district's share of the adult population where the "
                               "survey has it (the method below says whether it was). District figures are "
                               "descriptive only."),
    "surveys.participation": _l("Computed by this site from the sampled survey: for each respondent, the share of "
                                "their answers to the participation questions that are “took part” (“can't say” "
                                "left out), averaged over the respondents of the whole city, each weighted by "
                                "their district's share of the adult population where the survey has it (the "
                                "method below says whether it was). District figures are descriptive only."),
    "notices.disclosure_rate": _l("Computed by this site from the disclosure catalogue: an item due in the year "
                                  "counts as published on time when a notice for that very period was published "
                                  "by its due date; the items on time divided by all the items due. A year's rate "
                                  "is recorded once the year has ended."),
    "environment.good_air_days": _l("Computed by this site from the air monitoring data: the days with an air "
                                    "quality index of 100 or less divided by the days with a valid index "
                                    "(HJ 633-2012, HJ 663-2013), recorded once the year has ended."),
    "environment.pm25_decrease": _l("Computed by this site from the air monitoring data: the fall of the annual "
                                    "mean PM2.5 concentration from the previous year's, in percent of the previous "
                                    "year's, on the published (rounded) means; recorded once the year has ended."),
    "environment.sections_good": _l("Computed by this site from the surface-water monitoring data: the share of "
                                    "sections whose annual class is Ⅰ–Ⅲ (GB 3838-2002 and the evaluation "
                                    "method for surface water), recorded once the year has ended."),
    "environment.sections_worse_v": _l("Computed by this site from the surface-water monitoring data: the share of "
                                       "sections whose annual class is worse than Ⅴ (GB 3838-2002 and the "
                                       "evaluation method for surface water), recorded once the year has ended."),
    "environment.sections_good_increase": _l(
        "Computed by this site from the surface-water monitoring data: this year's share of sections whose annual "
        "class is Ⅰ–Ⅲ minus the previous year's, in percentage points (GB 3838-2002 and the evaluation method "
        "for surface water), recorded once the year has ended."),
    "environment.sections_worse_v_decrease": _l(
        "Computed by this site from the surface-water monitoring data: the previous year's share of sections whose "
        "annual class is worse than Ⅴ minus this year's, in percentage points (GB 3838-2002 and the evaluation "
        "method for surface water), recorded once the year has ended."),
    "environment.drinking_sources": _l("Computed by this site from the drinking-water monitoring data: the sources "
                                       "that met the standard in every sample of the year divided by the sources "
                                       "with samples, recorded once the year has ended."),
}


def _locale() -> str:
    # Not app.i18n.current_locale(): that is fixed once per request, and the API words all three languages.
    locale = get_locale()
    return (normalize_locale(str(locale)) if locale else None) or "zh_Hans"


@dataclass(frozen=True)
class Segment:
    text: str
    untranslated: bool = False


class Phrase:
    """Display text made of segments, some of them possibly shown in Simplified Chinese for want of a
    translation. Jinja renders it through __html__ (marked segments get lang and the note); str() is plain."""

    def __init__(self, *parts):
        segments = []
        for part in parts:
            if isinstance(part, Phrase):
                segments.extend(part.segments)
            elif isinstance(part, Segment):
                segments.append(part)
            elif part:
                segments.append(Segment(str(part)))
        self.segments = tuple(s for s in segments if s.text)

    def __str__(self) -> str:
        return "".join(s.text for s in self.segments)

    def __bool__(self) -> bool:
        return bool(self.segments)

    @property
    def untranslated(self) -> bool:
        return any(s.untranslated for s in self.segments)

    def __html__(self) -> Markup:
        note = None
        html = []
        for segment in self.segments:
            if segment.untranslated:
                note = note or _("not translated")
                html.append(Markup('<span lang="zh-Hans">{}</span> <span class="muted untranslated">({})</span>')
                            .format(segment.text, note))
            else:
                html.append(escape(segment.text))
        return Markup("").join(html)


def chinese(text: str | None) -> Phrase:
    """Free text stored once, as typed (evidence, sources, reasons, methods): marked when it is Chinese and
    the reader's language is not Simplified Chinese."""
    text = (text or "").strip()
    return Phrase(Segment(text, bool(_HAN.search(text)) and _locale() != "zh_Hans"))


def stored(obj, field: str = "name") -> Phrase:
    """A text stored per locale (name_zh_hans, name_zh_hant, name_en…) in the reader's language, or in
    Simplified Chinese, marked, when that translation is missing."""
    locale = _locale()
    value = getattr(obj, f"{field}_{locale.lower()}", None)
    if value:
        return Phrase(value)
    return Phrase(Segment(getattr(obj, f"{field}_zh_hans") or "", locale != "zh_Hans"))


def _slot(index: int) -> str:
    return f"\x00{index}\x00"


def _fill(template: str, *phrases) -> Phrase:
    """A translated template whose %(…)s were given _slot(i), with the phrases put in their places."""
    parts = []
    for i, piece in enumerate(template.split("\x00")):
        parts.append(piece if i % 2 == 0 else Phrase(phrases[int(piece)]))
    return Phrase(*parts)


def unit(text: str | None) -> Phrase:
    """A unit in the reader's language; an unknown Chinese unit is shown as stored, marked."""
    text = (text or "").strip()
    if text in ("", "-"):
        return Phrase()
    if text in UNITS:
        return Phrase(str(UNITS[text]))
    return chinese(text)


def number(value) -> str:
    """A number as the reader's locale writes it (Decimal's 1E+2 is written 100)."""
    if isinstance(value, Decimal):
        value = value.normalize()
    return format_decimal(value)


def quantity(value, unit_text: str | None) -> Phrase:
    """A number with its unit, e.g. "92 %", "15 m² per person"."""
    return Phrase(number(value), _NBSP if unit(unit_text) else "", unit(unit_text))


def state(text: str | None) -> Phrase:
    """A qualitative state (建立, 全面实施…) in words."""
    text = (text or "").strip()
    return Phrase(str(STATES[text])) if text in STATES else chinese(text)


def _rule(rule, unit_text: str, higher_is_better: bool = True) -> Phrase:
    if isinstance(rule, SetTargetRule):
        if rule.target is None:
            return Phrase(_("the target set by the higher authority (not entered yet)"))
        amount = quantity(rule.target, unit_text)
        template = (_("the target set by the higher authority, at least %(amount)s", amount=_slot(0))
                    if higher_is_better else
                    _("the target set by the higher authority, at most %(amount)s", amount=_slot(0)))
        return _fill(template, amount)
    if isinstance(rule, ComparisonRule):
        amount = quantity(rule.threshold, unit_text)
        template = {">=": _("at least %(amount)s", amount=_slot(0)), "<=": _("at most %(amount)s", amount=_slot(0)),
                    ">": _("more than %(amount)s", amount=_slot(0)), "<": _("less than %(amount)s", amount=_slot(0)),
                    "=": _("exactly %(amount)s", amount=_slot(0))}[rule.op]
        return _fill(template, amount)
    if isinstance(rule, RangeRule):
        return _fill(_("from %(low)s to %(high)s", low=_slot(0), high=_slot(1)),
                     quantity(rule.low, unit_text), quantity(rule.high, unit_text))
    if isinstance(rule, QualitativeRule):
        return state(rule.state)
    if isinstance(rule, TrendRule):
        if rule.tolerance:
            return _fill(_("%(trend)s (a change for the worse of up to %(amount)s still counts as stable)",
                           trend=_slot(0), amount=_slot(1)),
                         Phrase(str(TRENDS[rule.text])), quantity(rule.tolerance, unit_text))
        return Phrase(str(TRENDS[rule.text]))
    if isinstance(rule, AssignedTaskRule):
        return Phrase(str(ASSIGNED_TASKS[rule.text])) if rule.text in ASSIGNED_TASKS else chinese(rule.text)
    if isinstance(rule, AllOfRule):
        words = _rule(rule.parts[0], unit_text, higher_is_better)
        for part in rule.parts[1:]:
            words = _fill(_("%(first)s and %(second)s", first=_slot(0), second=_slot(1)), words,
                          _rule(part, unit_text, higher_is_better))
        return words
    if isinstance(rule, VariantRule):
        parts = []
        for variant in rule.variants:
            label = PLACE_LABELS.get((variant.attribute, variant.code))
            parts.append(_fill(_("%(place)s: %(target)s", place=_slot(0), target=_slot(1)),
                               Phrase(str(label)) if label else chinese(variant.label),
                               _rule(variant.rule, unit_text, higher_is_better)))
        words = parts[0]
        for part in parts[1:]:
            words = _fill(_("%(first)s; %(second)s", first=_slot(0), second=_slot(1)), words, part)
        return words
    return chinese(rule.describe())


def target(measure) -> Phrase:
    """A measure's target in words with its unit: "at least 20 %", "city: 100 %; county: carried out"."""
    rule = rule_for(measure.target)
    if rule is None:
        return chinese(measure.target)
    return _rule(rule, measure.unit)


def value(row, measure) -> Phrase:
    """An approved value in words with its unit ("92 %", "established", "task completed"); empty for None."""
    if row is None:
        return Phrase()
    if row.not_applicable:
        return _fill(_("not applicable: %(reason)s", reason=_slot(0)), chinese(row.not_applicable_reason))
    parts = []
    if row.numeric_value is not None:
        parts.append(quantity(row.numeric_value, measure.unit))
    if row.state_value:
        parts.append(state(row.state_value))
    if row.task_completed is not None:
        parts.append(Phrase(_("task completed") if row.task_completed else _("task not completed")))
    words = parts[0] if parts else Phrase()
    for part in parts[1:]:
        words = _fill(_("%(first)s; %(second)s", first=_slot(0), second=_slot(1)), words, part)
    return words


def method(row, indicator) -> Phrase:
    """How a computed value was obtained: the module's method in words, then the stored details (sample,
    interval), which are written in Chinese; in Simplified Chinese the stored text alone says it all."""
    provider = indicator.provider or row.source
    described = PROVIDER_METHODS.get(provider)
    details = chinese(row.method)
    if _locale() == "zh_Hans" and details:
        return details
    general = Phrase(str(described) if described else _("Computed by this site."))
    return Phrase(general, " ", details) if details else general


def evidence(row, indicator) -> list[Phrase]:
    """The evidence of a value as separate non-empty items: the evidence text, the source (for a computed
    value, the method instead of the module's internal key) and the sample size."""
    if row is None:
        return []
    items = [chinese(row.evidence)]
    if row.computed:
        items.append(method(row, indicator))
        if row.sample_size:
            items.append(Phrase(_("sample size %(n)d", n=row.sample_size)))
    else:
        items.append(chinese(row.source))
    return [item for item in items if item]


def gap(judged) -> Phrase:
    """How far an indicator falls short, with the unit of the measure that falls short; empty when met."""
    for measure, evaluation in judged.measures:
        if evaluation.status == Status.NOT_MET and evaluation.gap is not None and evaluation.gap > 0:
            return quantity(Decimal(repr(evaluation.gap)), measure.unit)
    return Phrase()


def target_at(measure, attributes: dict, assigned_target=None) -> Phrase:
    """The target that applies at a place (judging.place_attributes): for a target with place variants only the
    variant chosen, with its label ("hilly areas: at least 40 %"); otherwise the whole target. For a measure this
    site computes, the higher authority's figure for the place and period (assigned_target, a value row) stands
    in for its task."""
    rule = judging_rule(measure, assigned_target)
    if isinstance(rule, VariantRule):
        variant = rule.for_place(attributes)
        if variant is None:
            return Phrase(_("no target variant for this place"))
        label = PLACE_LABELS.get((variant.attribute, variant.code))
        return _fill(_("%(place)s: %(target)s", place=_slot(0), target=_slot(1)),
                     Phrase(str(label)) if label else chinese(variant.label),
                     _rule(variant.rule, measure.unit, measure.higher_is_better))
    if measure.provider and rule is not None:
        return _rule(rule, measure.unit, measure.higher_is_better)
    return target(measure)


def assigned_target(row, measure) -> Phrase:
    """The target the higher authority set for a computed measure at a place and period ("at least 85 %"), or
    that it is not entered yet."""
    if row is None or row.numeric_value is None:
        return Phrase(_("not entered yet"))
    amount = quantity(row.numeric_value, measure.unit)
    return _fill(_("at least %(amount)s", amount=_slot(0)) if measure.higher_is_better
                 else _("at most %(amount)s", amount=_slot(0)), amount)


_REACHED = {Status.MET: _l("reached"), Status.NOT_MET: _l("not reached")}
_TREND = {Status.MET: _l("stable or better"), Status.NOT_MET: _l("worse"), Status.PENDING: _l("cannot be compared yet")}


def finding(found, measure) -> list[Phrase]:
    """The parts of a computed measure's judgement at a place (queries.ComputedFinding) in words: the target the
    higher authority set and whether the value reaches it, then how it compares with a year before."""
    target_words = assigned_target(found.target, measure)
    reached = _REACHED.get(found.target_status)
    if reached is not None:
        target_words = _fill(_("%(target)s, %(verdict)s", target=_slot(0), verdict=_slot(1)), target_words,
                             Phrase(str(reached)))
    lines = [_fill(_("Target set by the higher authority: %(target)s", target=_slot(0)), target_words)]
    if found.trend_status is None:
        return lines
    trend = Phrase(str(_TREND.get(found.trend_status, _TREND[Status.PENDING])))
    if found.yearly_change:
        lines.append(_fill(_("Against the year before: the figure is itself the change on the previous year, so "
                             "it is stable or better when not below zero: %(verdict)s", verdict=_slot(0)), trend))
    elif found.previous is not None and found.previous.numeric_value is not None:
        lines.append(_fill(_("A year before: %(value)s, %(verdict)s", value=_slot(0), verdict=_slot(1)),
                           quantity(found.previous.numeric_value, measure.unit), trend))
    else:
        lines.append(Phrase(_("A year before: not reported, so the trend cannot be judged yet")))
    return lines
