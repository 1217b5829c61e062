"""Writes for surveys: building, opening and closing, invitations and quotas, submitting and voiding responses.

Like every services module: take the session and the acting user, flush, audit, return; never commit.
"""
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import String, cast, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.db_types import add_to_counters, utcnow
from app.errors import ActionRefused, StepNotAllowed
from app.org.queries import districts
from app.surveys import cache, scoring
from app.surveys.answers import Answers
from app.surveys.models import (CountsAs, Measure, QuestionKind, ResponseChannel, Survey, SurveyAnswer,
                                SurveyInvitation, SurveyOption, SurveyQuestion, SurveyQuota, SurveyResponse,
                                SurveySection, SurveyState, SurveyTally)
from app.surveys.workflow import TRANSITIONS, SurveyStep
from app.workflow import Entry, StepContext, Workflow

# Unambiguous characters for codes read over the phone or typed from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
WEIGHTED_SCORE = "satisfaction_score"
STANDARD_MEASURE = "standard"  # satisfaction questions measure satisfaction, participation ones participation

# Standard options per kind: (zh_Hans, zh_Hant, en, counts_as, weight).
STANDARD_OPTIONS = {
    QuestionKind.SATISFACTION: [
        ("满意", "滿意", "Satisfied", CountsAs.POSITIVE, Decimal("100")),
        ("比较满意", "比較滿意", "Fairly satisfied", CountsAs.POSITIVE, Decimal("66.67")),
        ("不太满意", "不太滿意", "Not very satisfied", CountsAs.NEGATIVE, Decimal("33.33")),
        ("不满意", "不滿意", "Dissatisfied", CountsAs.NEGATIVE, Decimal("0")),
        ("不清楚", "不清楚", "Don't know", CountsAs.EXCLUDED, None),
    ],
    QuestionKind.PARTICIPATION: [
        ("参与过", "參與過", "Have taken part", CountsAs.POSITIVE, None),
        ("没有参与过", "沒有參與過", "Have not taken part", CountsAs.NEGATIVE, None),
        ("说不清", "說不清", "Can't say", CountsAs.EXCLUDED, None),
    ],
    QuestionKind.RATING: [(str(n), str(n), str(n), None, Decimal(n)) for n in range(11)],
}


class SurveyError(ActionRefused):
    """A survey action that cannot be done; the message is for the user."""


class NotAccepting(SurveyError):
    pass


class SurveyStepNotAllowed(SurveyError, StepNotAllowed):
    """A step the survey's state does not allow."""


class AlreadySubmitted(Exception):
    """The same form was sent twice (double click, resubmit): the first one counts. Not a refusal (the answers
    are stored): the caller rolls back the second sending and says so."""


@dataclass
class Texts:
    zh_hans: str
    zh_hant: str = ""
    en: str = ""


def _set_texts(obj, field: str, texts: Texts) -> None:
    setattr(obj, f"{field}_zh_hans", texts.zh_hans.strip())
    setattr(obj, f"{field}_zh_hant", texts.zh_hant.strip())
    setattr(obj, f"{field}_en", texts.en.strip())


# --- building ------------------------------------------------------------------------------------------

def has_responses(session, survey: Survey) -> bool:
    return session.scalar(select(exists().where(SurveyResponse.survey_id == survey.id)))


def ensure_unlocked(session, survey: Survey) -> None:
    """Questions and options of a survey with answers can't change in ways that would break the answers."""
    if has_responses(session, survey):
        raise SurveyError(_("This survey already has answers: its questions and options are locked. "
                            "Wording can still be corrected; to change the questions, copy the survey."))


def create_survey(session, actor, *, title: Texts, mode: str, **settings) -> Survey:
    survey = Survey(mode=mode, created_by_id=actor.id if actor else None)
    _set_texts(survey, "title", title)
    for name, value in settings.items():
        setattr(survey, name, value)
    session.add(survey)
    session.flush()
    audit.record(session, "surveys.create", survey, actor=actor, after=survey.snapshot())
    return survey


def update_survey(session, actor, survey: Survey, *, title: Texts, intro: Texts, **settings) -> None:
    before = survey.snapshot()
    if "mode" in settings and settings["mode"] != survey.mode:
        ensure_unlocked(session, survey)
    _set_texts(survey, "title", title)
    _set_texts(survey, "intro", intro)
    for name, value in settings.items():
        setattr(survey, name, value)
    session.flush()
    audit.record(session, "surveys.update", survey, actor=actor, before=before, after=survey.snapshot())


def add_section(session, actor, survey: Survey, title: Texts) -> SurveySection:
    ensure_unlocked(session, survey)
    section = SurveySection(survey=survey, position=len(survey.sections) + 1)
    _set_texts(section, "title", title)
    session.add(section)
    session.flush()
    audit.record(session, "surveys.section_add", section, actor=actor, after={"title": section.title_zh_hans})
    return section


def update_section(session, actor, section: SurveySection, title: Texts) -> None:
    before = {"title": section.title_zh_hans}
    _set_texts(section, "title", title)
    session.flush()
    audit.record(session, "surveys.section_update", section, actor=actor, before=before,
                 after={"title": section.title_zh_hans})


def _next_code(session, survey: Survey) -> str:
    count = session.scalar(select(func.count()).select_from(SurveyQuestion)
                           .where(SurveyQuestion.survey_id == survey.id))
    codes = set(session.scalars(select(SurveyQuestion.code).where(SurveyQuestion.survey_id == survey.id)))
    number = count + 1
    while f"Q{number}" in codes:
        number += 1
    return f"Q{number}"


def standard_measure(kind: QuestionKind) -> Measure | None:
    measures = {QuestionKind.SATISFACTION: Measure.SATISFACTION, QuestionKind.PARTICIPATION: Measure.PARTICIPATION}
    return measures.get(kind)


def add_question(session, actor, section: SurveySection, *, kind: QuestionKind, text: Texts,
                 help: Texts | None = None, required: bool = True, max_choices: int | None = None,
                 measure: Measure | str | None = STANDARD_MEASURE, condition_option_id: int | None = None,
                 options: list[Texts] | None = None, code: str | None = None) -> SurveyQuestion:
    """Add a question at the end of a section, with the standard options of its kind unless options given."""
    survey = section.survey
    ensure_unlocked(session, survey)
    position = (session.scalar(select(func.max(SurveyQuestion.position))
                               .where(SurveyQuestion.survey_id == survey.id)) or 0) + 1
    if measure == STANDARD_MEASURE:
        measure = standard_measure(kind)
    question = SurveyQuestion(survey_id=survey.id, section=section, position=position, kind=kind,
                              code=code or _next_code(session, survey), required=required,
                              max_choices=max_choices if kind == QuestionKind.MULTIPLE else None,
                              measure=measure or None)
    _set_texts(question, "text", text)
    _set_texts(question, "help", help or Texts(""))
    _check_condition(session, question, condition_option_id)
    question.condition_option_id = condition_option_id
    session.add(question)
    if kind in STANDARD_OPTIONS and not options:
        for position, (hans, hant, en, counts_as, weight) in enumerate(STANDARD_OPTIONS[kind], start=1):
            question.options.append(SurveyOption(position=position, label_zh_hans=hans, label_zh_hant=hant,
                                                 label_en=en, counts_as=counts_as,
                                                 weight=weight))
    elif kind == QuestionKind.DISTRICT and not options:
        for position, place in enumerate(districts(session), start=1):
            question.options.append(SurveyOption(position=position, label_zh_hans=place.name_zh_hans,
                                                 label_zh_hant=place.name_zh_hant or "", label_en=place.name_en or "",
                                                 place_id=place.id))
    else:
        for position, label in enumerate(options or [], start=1):
            option = SurveyOption(position=position)
            _set_texts(option, "label", label)
            question.options.append(option)
    session.flush()
    audit.record(session, "surveys.question_add", question, actor=actor, after=question.snapshot())
    return question


def _check_condition(session, question: SurveyQuestion, option_id: int | None) -> None:
    if option_id is None:
        return
    option = session.get(SurveyOption, option_id)
    if option is None or option.question.survey_id != question.survey_id or option.question is question:
        raise SurveyError(_("A question can only depend on an answer to an earlier question of the same survey."))
    with session.no_autoflush:  # the question may still be on its way into the session
        shown = ordered_questions(question.section.survey)
    if question not in shown:
        shown.append(question)
    shown.sort(key=lambda q: (q.section.position, q.position or 0))
    if shown.index(option.question) >= shown.index(question):
        raise SurveyError(_("A question can only depend on an answer to an earlier question of the same survey."))


def update_question(session, actor, question: SurveyQuestion, *, text: Texts, help: Texts, required: bool,
                    max_choices: int | None, measure: Measure | None, condition_option_id: int | None) -> None:
    """Change a question; once the survey has answers only its wording may change."""
    before = question.snapshot()
    if question.kind != QuestionKind.MULTIPLE:
        max_choices = None
    structural = (required != question.required or max_choices != question.max_choices
                  or (measure or None) != question.measure
                  or condition_option_id != question.condition_option_id)
    if structural:
        ensure_unlocked(session, question.survey)
        _check_condition(session, question, condition_option_id)
        question.required = required
        question.max_choices = max_choices if question.kind == QuestionKind.MULTIPLE else None
        question.measure = measure or None
        question.condition_option_id = condition_option_id
    _set_texts(question, "text", text)
    _set_texts(question, "help", help)
    session.flush()
    audit.record(session, "surveys.question_update", question, actor=actor, before=before,
                 after=question.snapshot())


def delete_question(session, actor, question: SurveyQuestion) -> None:
    """Remove a question from a survey that has no answers yet (questions with answers are never deleted)."""
    ensure_unlocked(session, question.survey)
    session.execute(update(SurveyQuestion).where(SurveyQuestion.condition_option_id.in_(
        [o.id for o in question.options])).values(condition_option_id=None))
    session.execute(SurveyQuota.__table__.delete().where(SurveyQuota.option_id.in_([o.id for o in question.options])))
    audit.record(session, "surveys.question_delete", question, actor=actor, before=question.snapshot())
    question.section.questions.remove(question)
    session.flush()


def update_option(session, actor, option: SurveyOption, *, label: Texts, counts_as: CountsAs | None,
                  weight: Decimal | None) -> None:
    before = {"label": option.label_zh_hans, "counts_as": option.counts_as,
              "weight": str(option.weight) if option.weight is not None else None}
    if (counts_as or None) != option.counts_as or weight != option.weight:
        ensure_unlocked(session, option.question.survey)  # scores already tallied used the old rule
        option.counts_as = counts_as or None
        option.weight = weight
    _set_texts(option, "label", label)
    session.flush()
    audit.record(session, "surveys.option_update", option, actor=actor, before=before,
                 after={"label": option.label_zh_hans, "counts_as": option.counts_as,
                        "weight": str(option.weight) if option.weight is not None else None})


def add_option(session, actor, question: SurveyQuestion, label: Texts) -> SurveyOption:
    ensure_unlocked(session, question.survey)
    option = SurveyOption(position=len(question.options) + 1)
    _set_texts(option, "label", label)
    question.options.append(option)
    session.flush()
    audit.record(session, "surveys.option_add", option, actor=actor, after={"label": option.label_zh_hans})
    return option


def ordered_questions(survey: Survey) -> list[SurveyQuestion]:
    return [question for section in survey.sections for question in section.questions]


# --- lifecycle -----------------------------------------------------------------------------------------

def _cannot_become(survey: Survey, target: SurveyState) -> str:
    return _("A survey that is %(state)s cannot become %(target)s.", state=SurveyState(survey.state).title,
             target=target.title)


# A survey's life on the workflow engine: the permission is the view's (surveys.manage) and a survey keeps no
# timeline; each step is audited as the state it leads to (surveys.open, surveys.closed, surveys.archived).
WORKFLOW: Workflow[SurveyState, SurveyStep] = Workflow(
    "surveys", TRANSITIONS.table, policy=lambda actor, survey, step: None, record=lambda *args, **kwargs: None,
    refuse=lambda survey, step: _cannot_become(survey, step.target), not_allowed=SurveyStepNotAllowed,
    snapshot=lambda survey: {"state": survey.state})


@WORKFLOW.handles(SurveyStep.OPEN)
def _open(context: StepContext) -> Entry:
    if not ordered_questions(context.case):
        raise SurveyError(_("Add at least one question before opening the survey."))
    return Entry()


def change_state(session, actor, survey: Survey, target: SurveyState | SurveyStep) -> None:
    """Take the step that leads to `target` (opening, closing, reopening, archiving); audited."""
    try:
        step = SurveyStep(target.value)
    except ValueError:  # no step leads there (a draft again)
        raise SurveyStepNotAllowed(_cannot_become(survey, SurveyState(target.value))) from None
    WORKFLOW.take(session, actor, survey, step)


def not_accepting_reason(survey: Survey, now: datetime) -> str | None:
    """Why the survey does not take answers now, or None when it does."""
    if survey.state != SurveyState.OPEN:
        return _("This survey is not open for answers.")
    if survey.opens_at and now < survey.opens_at:
        return _("This survey opens on %(date)s.", date=survey.opens_at.strftime("%Y-%m-%d %H:%M UTC"))
    if survey.closes_at and now >= survey.closes_at:
        return _("This survey closed on %(date)s.", date=survey.closes_at.strftime("%Y-%m-%d %H:%M UTC"))
    return None


# --- sampling ------------------------------------------------------------------------------------------

def generate_invitations(session, actor, survey: Survey, *, count: int, place=None) -> list[SurveyInvitation]:
    """One-time codes for sampled respondents, optionally for one district."""
    if not survey.is_sampled:
        raise SurveyError(_("Invitation codes are only for sampled surveys."))
    batch = (session.scalar(select(func.max(SurveyInvitation.batch))
                            .where(SurveyInvitation.survey_id == survey.id)) or 0) + 1
    invitations = [SurveyInvitation(survey_id=survey.id, place_id=place.id if place else None, batch=batch,
                                    code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
                   for _ in range(count)]
    session.add_all(invitations)
    session.flush()
    audit.record(session, "surveys.invitations_generate", survey, actor=actor,
                 after={"count": count, "batch": batch, "place_id": place.id if place else None})
    return invitations


def find_invitation(session, survey: Survey, code: str) -> SurveyInvitation | None:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return session.scalar(select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id,
                                                         SurveyInvitation.code == normalised))


def set_quota(session, actor, option: SurveyOption, target: int | None) -> None:
    """Set (or with None, remove) the target number of responses for a district or demographic option."""
    if not option.question.kind.breaks_down:
        raise SurveyError(_("Quotas can only be set on district and demographic questions."))
    quota = session.scalar(select(SurveyQuota).where(SurveyQuota.option_id == option.id))
    before = quota.target if quota else None
    if target is None:
        if quota is not None:
            session.delete(quota)
    elif quota is None:
        session.add(SurveyQuota(survey_id=option.question.survey_id, option_id=option.id, target=target))
    else:
        quota.target = target
    session.flush()
    audit.record(session, "surveys.quota_set", option, actor=actor, before={"target": before},
                 after={"target": target})


# --- responses -----------------------------------------------------------------------------------------

def tally_deltas(questions: list[SurveyQuestion], answers: Answers, sign: int = 1) -> Counter:
    """The tally rows one response adds to (or, with sign -1, takes from)."""
    options = {o.id: o for q in questions for o in q.options}
    segments = [""] + [f"o{option_id}" for q in questions if q.kind.breaks_down
                       for option_id in answers.chosen.get(q.id, [])]
    names = ["n"]
    names += [f"q{qid}" for qid in list(answers.chosen) + list(answers.texts)]
    names += [f"o{option_id}" for chosen in answers.chosen.values() for option_id in chosen]
    for measure in Measure:
        counts = [options[o].counts_as for q in questions if q.measure == measure
                  for o in answers.chosen.get(q.id, [])]
        pair = scoring.respondent_counts(counts)
        if pair is not None:  # the exact integers, never a rounded rate
            names.append(scoring.rate_key(measure.value, *pair))
    weights = [options[o].weight for q in questions if q.measure == Measure.SATISFACTION
               for o in answers.chosen.get(q.id, [])]
    weighted = scoring.respondent_weighted_score(weights)
    if weighted is not None:
        names.append(scoring.score_key(WEIGHTED_SCORE, weighted))
    return Counter({(name, segment): sign for name in names for segment in segments})


def apply_tallies(session, survey_id: int, deltas: Counter) -> None:
    """Add deltas to the running totals in one statement, rows in a fixed order so writers never deadlock."""
    rows = [{"survey_id": survey_id, "name": name, "segment": segment, "total": delta}
            for (name, segment), delta in deltas.items() if delta]
    add_to_counters(session, SurveyTally, ["survey_id", "name", "segment"], rows)
    cache.changed(session)  # a Core statement the flush never sees: the public pages' generation moves with it


def _quota_exceeded(session, survey: Survey, answers: Answers) -> SurveyOption | None:
    chosen = answers.chosen_options()
    if not chosen:
        return None
    # One statement: each quota on a chosen option with the running total of its option (tallies are written
    # before this, in the same transaction, so the total includes this response and concurrent committed ones).
    rows = session.execute(
        select(SurveyQuota.option_id, SurveyQuota.target, SurveyTally.total)
        .outerjoin(SurveyTally, (SurveyTally.survey_id == SurveyQuota.survey_id)
                   & (SurveyTally.name == "o" + cast(SurveyQuota.option_id, String))
                   & (SurveyTally.segment == ""))
        .where(SurveyQuota.survey_id == survey.id, SurveyQuota.option_id.in_(chosen))
        .order_by(SurveyQuota.option_id)).all()
    for option_id, target, total in rows:
        if (total or 0) > target:
            return session.get(SurveyOption, option_id)
    return None


def submit_response(session, survey: Survey, questions: list[SurveyQuestion], answers: Answers, *,
                    channel: ResponseChannel, submission_key: str, locale: str, browser_key: str | None = None,
                    invitation: SurveyInvitation | None = None, interviewer=None,
                    now: datetime | None = None, quota_options: frozenset[int] | None = None) -> SurveyResponse:
    """Store a complete, valid response with its answers and tallies, or nothing (the caller rolls back).

    The response row is written first and unique constraints decide duplicates, so concurrent submits are
    safe on SQLite and PostgreSQL alike; a quota is checked after the tallies are updated, in the same
    transaction, so it can never be overshot. quota_options, when the caller knows them (the public form keeps
    them with the survey under the generation), are the survey's options with a quota: without one chosen, the
    quota check is skipped.
    """
    now = now or utcnow()
    reason = not_accepting_reason(survey, now)
    if reason:
        raise NotAccepting(reason)
    if not answers.valid:
        raise SurveyError(_("Some answers need attention."))
    district_options = [o for q in questions if q.kind == QuestionKind.DISTRICT for o in answers.chosen.get(q.id, [])]
    if invitation is not None:  # claimed first, so a reused code is told apart from a resent form
        used = session.execute(update(SurveyInvitation).where(SurveyInvitation.id == invitation.id,
                                                              SurveyInvitation.used_at.is_(None))
                               .values(used_at=now)).rowcount
        if not used:
            raise SurveyError(_("This invitation code has already been used."))
    response = SurveyResponse(survey_id=survey.id, channel=channel, submission_key=submission_key,
                              browser_key=browser_key, invitation_id=invitation.id if invitation else None,
                              interviewer_id=interviewer.id if interviewer else None, locale=locale,
                              district_option_id=district_options[0] if district_options else None,
                              submitted_at=now)
    session.add(response)
    try:
        session.flush()
    except IntegrityError as error:
        raise AlreadySubmitted(_("This form has already been sent.")) from error
    # Every answer in one executemany statement (no ORM objects, no ids read back: nothing reads them here).
    rows = [{"response_id": response.id, "question_id": qid, "option_id": option_id, "text": None}
            for qid, chosen in answers.chosen.items() for option_id in chosen]
    rows += [{"response_id": response.id, "question_id": qid, "option_id": None, "text": text}
             for qid, text in answers.texts.items()]
    if rows:
        session.execute(insert(SurveyAnswer.__table__), rows)
    apply_tallies(session, survey.id, tally_deltas(questions, answers))
    full = (_quota_exceeded(session, survey, answers)
            if quota_options is None or quota_options & answers.chosen_options() else None)
    if full is not None:
        raise SurveyError(_("The quota for %(option)s is already full: thank you, no more answers are needed "
                            "from this group.", option=full.label))
    return response


def answers_of(response: SurveyResponse) -> Answers:
    result = Answers()
    for answer in response.answers:
        if answer.option_id is not None:
            result.chosen.setdefault(answer.question_id, []).append(answer.option_id)
        elif answer.text is not None:
            result.texts[answer.question_id] = answer.text
    return result


def void_response(session, actor, response: SurveyResponse, reason: str) -> None:
    """Take a response out of the results with a reason; it stays stored and visible to admins."""
    reason = reason.strip()
    if not reason:
        raise SurveyError(_("Give the reason for voiding this response."))
    # A conditional update, so two admins voiding at once subtract the response from the tallies only once.
    voided = session.execute(update(SurveyResponse).where(SurveyResponse.id == response.id,
                                                          SurveyResponse.voided_at.is_(None))
                             .values(voided_at=utcnow(), void_reason=reason[:500], voided_by_id=actor.id)).rowcount
    if not voided:
        raise SurveyError(_("This response has already been voided."))
    session.refresh(response)
    survey = session.get(Survey, response.survey_id)
    apply_tallies(session, survey.id, tally_deltas(ordered_questions(survey), answers_of(response), sign=-1))
    session.flush()
    audit.record(session, "surveys.response_void", response, actor=actor, note=reason)


def apply_retention(session, survey: Survey, now: datetime | None = None) -> int:
    """Delete what could identify a respondent once the survey's retention period has passed: written answers
    and the duplicate-check hash. The anonymous choices and the tallies stay, so results never change."""
    cutoff = (now or utcnow()) - timedelta(days=survey.retention_days)
    old = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id, SurveyResponse.submitted_at < cutoff)
    texts = session.execute(SurveyAnswer.__table__.delete().where(
        SurveyAnswer.response_id.in_(old), SurveyAnswer.text.is_not(None))).rowcount
    hashes = session.execute(update(SurveyResponse).where(SurveyResponse.id.in_(old),
                                                          SurveyResponse.browser_key.is_not(None))
                             .values(browser_key=None)).rowcount
    if texts or hashes:
        audit.record(session, "surveys.retention_applied", survey, after={"texts_deleted": texts,
                                                                          "hashes_cleared": hashes})
    return texts
