"""Reading a submitted questionnaire: which questions are shown, and each answer checked against its question.

Works on the posted form (a MultiDict: field "q<id>" per question, repeated for multiple choice) so that the
same code serves the one-page form, paged sections, the interviewer form and htmx inline validation.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _, ngettext

from app.surveys.models import QuestionKind

QUESTION_FIELD_PREFIX = "q"


@dataclass
class Answers:
    chosen: dict[int, list[int]] = field(default_factory=dict)  # question id → option ids
    texts: dict[int, str] = field(default_factory=dict)          # question id → text
    errors: dict[int, str] = field(default_factory=dict)         # question id → message
    form_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and not self.form_errors

    def chosen_options(self) -> set[int]:
        return {option for options in self.chosen.values() for option in options}


def is_shown(question, chosen_options: set[int]) -> bool:
    """A question with a display condition is shown only when its condition option was chosen."""
    return question.condition_option_id is None or question.condition_option_id in chosen_options


def read_answers(questions, form, *, check_required: bool = True) -> Answers:
    """Answers to questions (in survey order) from form; hidden questions' answers are dropped."""
    result = Answers()
    known = {q.field_name for q in questions}
    if any(name.startswith(QUESTION_FIELD_PREFIX) and name[1:].isdigit() and name not in known for name in form):
        result.form_errors.append(_("The form contained a question that is not part of this survey. "
                                    "Please check your answers and send them again."))
    for question in questions:
        if not is_shown(question, result.chosen_options()):
            continue
        values = [v.strip() for v in form.getlist(question.field_name) if v.strip()]
        kind = question.kind
        if not values:
            if check_required and question.required:
                result.errors[question.id] = _("Please answer this question.")
            continue
        if not kind.has_options:
            text = values[0]
            if len(text) > question.max_length:
                result.errors[question.id] = _("Please keep your answer under %(n)d characters.",
                                               n=question.max_length)
            result.texts[question.id] = text[:question.max_length * 2]
            continue
        option_ids = {str(o.id): o.id for o in question.options}
        if any(v not in option_ids for v in values):
            result.errors[question.id] = _("Please choose one of the options shown.")
            continue
        chosen = list(dict.fromkeys(option_ids[v] for v in values))
        if kind != QuestionKind.MULTIPLE and len(chosen) > 1:
            result.errors[question.id] = _("Please choose only one option.")
        elif question.max_choices and len(chosen) > question.max_choices:
            result.errors[question.id] = ngettext("Please choose at most %(num)d option.",
                                                  "Please choose at most %(num)d options.", question.max_choices)
        result.chosen[question.id] = chosen
    return result
