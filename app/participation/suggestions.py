"""Suggestions with official answers: a resident submits one (to an open consultation, or standing: 献一计) without
an account and follows it by a personal code; the office moderates it (the public text with phone numbers, ID
numbers and e-mail addresses masked), the bureau answers it publicly within a deadline in working days, supervised
in three colours. Each step on the workflow engine, with a timeline entry and an audit entry; never commits."""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import selectinload

from app import audit
from app.accounts.permissions import Permission, Role
from app.casework import codes, identity, supervision
from app.casework.deadlines import DeadlineRules
from app.casework.timeline import add_entry
from app.enums import TitledEnum
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.db_types import utcnow
from app.notifications import services as notifications
from app.notifications.case_messages import SUGGESTION_ANSWERED
from app.notifications.models import Subject
from app.participation import tallies
from app.participation.consultations import audit_state, is_open
from app.participation.masking import mask
from app.participation.models import Adoption, Consultation, Suggestion, SuggestionEvent, SuggestionState
from app.workdays.models import overrides
from app.workflow import Entry, StepContext, Workflow

# Working days the bureau has to answer a standing suggestion (献一计) from its publication.
STANDING_ANSWER_DAYS = 15
# Working days before the deadline from which a suggestion awaiting its answer shows yellow.
WARN_DAYS = 3
TITLE_MAX, BODY_MAX, ANSWER_MAX = 200, 3000, 5000


class SuggestionStep(TitledEnum):
    PUBLISH = "publish", _l("Publish")
    REJECT = "reject", _l("Do not publish")
    ANSWER = "answer", _l("Answer")


TRANSITIONS = {
    (SuggestionState.SUBMITTED, SuggestionStep.PUBLISH): SuggestionState.PUBLISHED,
    (SuggestionState.SUBMITTED, SuggestionStep.REJECT): SuggestionState.REJECTED,
    (SuggestionState.PUBLISHED, SuggestionStep.ANSWER): SuggestionState.ANSWERED,
}
MODERATION_STEPS = frozenset({SuggestionStep.PUBLISH, SuggestionStep.REJECT})

EVENT_TITLES = {
    "submitted": _l("Received"),
    "publish": _l("Published"),
    "reject": _l("Not published"),
    "answer": _l("Answered"),
    "note": _l("Note"),
}


def deadline_rules(session) -> DeadlineRules:
    """Answer deadlines in working days on the holiday calendar, in the city's time."""
    return DeadlineRules(working_days=True, overrides=overrides(session))


@dataclass
class SuggestionInput:
    """What a resident sends: the name and phone are optional and never public."""

    title: str
    body: str
    place_id: int | None = None
    name: str = ""
    phone: str = ""


def _record(session, row: Suggestion, step: str, *, actor=None, note: str = "", public: bool = True) -> None:
    add_entry(session, SuggestionEvent, step, actor=actor, note=note, public=public, suggestion=row)


def submit_suggestion(session, data: SuggestionInput, consultation: Consultation | None, key: str, *,
                      today: date) -> tuple[Suggestion, str]:
    """Store a suggestion (to an open consultation, or standing when `consultation` is None) and give its personal
    code, shown once. The public text starts as the text with personal data masked; the moderator may edit it."""
    title, body = data.title.strip(), data.body.strip()
    if not title:
        raise ActionRefused(_("Give your suggestion a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ActionRefused(_("The title is at most %(n)d characters.", n=TITLE_MAX), field="title")
    if not body:
        raise ActionRefused(_("Write your suggestion."), field="body")
    if len(body) > BODY_MAX:
        raise ActionRefused(_("Your suggestion is at most %(n)d characters.", n=BODY_MAX), field="body")
    if consultation is not None and not is_open(consultation, today):
        raise StepNotAllowed(_("This consultation is not open for suggestions: it runs from %(start)s to %(end)s.",
                               start=format_date(consultation.starts_on), end=format_date(consultation.ends_on)))
    code = codes.new_code()
    row = Suggestion(consultation_id=consultation.id if consultation else None,
                     bureau_id=consultation.bureau_id if consultation else None, place_id=data.place_id or None,
                     state=SuggestionState.SUBMITTED, title=title, body=body, public_body=mask(body),
                     name=data.name.strip()[:60], phone=data.phone.strip()[:20], code_digest=codes.digest(code, key),
                     submitted_at=utcnow())
    session.add(row)
    session.flush()
    tallies.add(session, tallies.local_year(row.submitted_at), row.place_id, {tallies.SUGGESTIONS: 1})
    _record(session, row, "submitted")
    audit.record(session, "participation.suggestion_submit", row, after=audit_state(row))
    return row, code


def find_by_code(session, code: str, key: str) -> Suggestion | None:
    """The suggestion a personal code belongs to (None for an unknown code)."""
    digest = codes.digest(code, key)
    row = session.scalar(select(Suggestion).where(Suggestion.code_digest == digest))
    return row if row is not None and codes.same(row.code_digest, digest) else None


def is_moderator(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.can(Permission.PARTICIPATION_MODERATE))


def may_answer(user, row: Suggestion) -> bool:
    """Admins answer every suggestion; a bureau editor only those of their own bureau."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(Permission.PARTICIPATION_ORGANISE):
        return False
    return user.role == Role.ADMIN or (row.bureau_id is not None and row.bureau_id == user.bureau_id)


def _policy(actor, row: Suggestion, step: SuggestionStep) -> None:
    if step in MODERATION_STEPS:
        if not is_moderator(actor):
            raise NotPermitted(_("Only the office moderates suggestions."))
    elif not may_answer(actor, row):
        raise NotPermitted(_("Only the bureau the suggestion is addressed to can answer it."))


def _refuse(row: Suggestion, step: SuggestionStep) -> str:
    if step == SuggestionStep.ANSWER:
        return _("Only a published suggestion awaiting its answer can be answered.")
    return _("This suggestion has been moderated already.")


SUGGESTION_WORKFLOW: Workflow[SuggestionState, SuggestionStep] = Workflow(
    "participation.suggestion", TRANSITIONS, policy=_policy, record=_record, refuse=_refuse,
    snapshot=lambda row: audit_state(row))


@SUGGESTION_WORKFLOW.handles(SuggestionStep.PUBLISH)
def _publish(context: StepContext) -> Entry:
    """The public text (masked again, whatever the moderator typed) and the answer deadline from today; a standing
    suggestion is assigned to the bureau that answers it."""
    row, rules = context.case, context.rules
    public_body = mask(context.text("public_body"))
    if not public_body:
        raise ActionRefused(_("Write the text to publish."), field="public_body")
    bureau_id = context.get("bureau_id", None) or row.bureau_id
    if row.consultation_id is None and not bureau_id:
        raise ActionRefused(_("Choose the bureau that answers this suggestion."), field="bureau_id")
    if row.consultation_id is not None:
        bureau_id = row.consultation.bureau_id
    days = row.consultation.answer_days if row.consultation is not None else STANDING_ANSWER_DAYS
    row.public_body, row.bureau_id, row.published_at = public_body, bureau_id, context.now
    row.answer_due = rules.due(rules.local_date(context.now), days)
    # The deadline is shown from the row in the reader's language, not frozen into the timeline's note.
    return Entry()


@SUGGESTION_WORKFLOW.handles(SuggestionStep.REJECT)
def _reject(context: StepContext) -> Entry:
    """The reason goes to the submitter (on the code page), never to the public pages."""
    reason = context.text("reason")
    if not reason:
        raise ActionRefused(_("Say why the suggestion is not published."), field="reason")
    context.case.reject_reason = reason[:2000]
    return Entry(public=False, internal_note="")


@SUGGESTION_WORKFLOW.handles(SuggestionStep.ANSWER)
def _answer(context: StepContext) -> Entry:
    """Adopted, partly or not, with the answer (for partly and not adopted: the reasons), public."""
    row = context.case
    adoption = context.get("adoption", "")
    if adoption not in Adoption.values():
        raise ActionRefused(_("Say whether the suggestion is adopted, partly adopted or not adopted."),
                            field="adoption")
    answer = context.text("answer")
    if not answer:
        raise ActionRefused(_("Write the answer (for a suggestion not or partly adopted: the reasons)."),
                            field="answer")
    if len(answer) > ANSWER_MAX:
        raise ActionRefused(_("The answer is at most %(n)d characters.", n=ANSWER_MAX), field="answer")
    # Claimed by a conditional UPDATE, so that two answers sent at once count the suggestion as answered once.
    claimed = context.session.execute(
        update(Suggestion).where(Suggestion.id == row.id, Suggestion.state == SuggestionState.PUBLISHED)
        .values(answered_at=context.now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise StepNotAllowed(_("This suggestion has just been answered by someone else."))
    row.adoption, row.answer = Adoption(adoption), answer
    row.answered_at, row.answered_by_id = context.now, context.actor.id
    on_time = row.answer_due is not None and tallies.local_day(context.now) <= row.answer_due
    tallies.add(context.session, tallies.local_year(row.submitted_at), row.place_id,
                {tallies.ANSWERED: 1, tallies.ON_TIME: 1 if on_time else 0})
    return Entry()


def publish_suggestion(session, actor, row: Suggestion, *, public_body: str, rules: DeadlineRules,
                       bureau_id: int | None = None, now: datetime | None = None) -> Suggestion:
    """Publish after moderation: the answer deadline starts."""
    SUGGESTION_WORKFLOW.take(session, actor, row, SuggestionStep.PUBLISH, rules=rules, now=now,
                             public_body=public_body, bureau_id=bureau_id)
    return row


def reject_suggestion(session, actor, row: Suggestion, *, reason: str) -> Suggestion:
    """Do not publish, with the reason the submitter reads on the code page."""
    SUGGESTION_WORKFLOW.take(session, actor, row, SuggestionStep.REJECT, reason=reason)
    return row


def answer_suggestion(session, actor, row: Suggestion, *, adoption: str, answer: str,
                      now: datetime | None = None) -> Suggestion:
    """The bureau's public answer; the submitter who asked for it is sent word."""
    SUGGESTION_WORKFLOW.take(session, actor, row, SuggestionStep.ANSWER, now=now, adoption=adoption, answer=answer)
    notifications.announce(session, SUGGESTION_ANSWERED, subject=Subject.SUGGESTION, subject_id=row.id,
                           state=row.state.value, adoption=row.adoption.value)
    return row


def reveal_contact(session, actor, row: Suggestion) -> dict[str, str]:
    """The submitter's name and phone, for the office or the answering bureau; the look is audited."""
    if not (is_moderator(actor) or may_answer(actor, row)):
        raise NotPermitted(_("You cannot see who sent this suggestion."))
    return identity.reveal(session, actor, row, "participation.suggestion_contact_viewed",
                           {"name": row.name, "phone": row.phone})


def answered_on_time(row: Suggestion, rules: DeadlineRules) -> bool | None:
    """Whether the answer came by its deadline (None before the answer)."""
    if row.answered_at is None or row.answer_due is None:
        return None
    return rules.local_date(row.answered_at) <= row.answer_due


def supervise(rows, today: date, rules: DeadlineRules) -> list[supervision.Supervised]:
    """Three-colour supervision of suggestions awaiting their answer (answered ones: no running deadline)."""
    return supervision.supervise(
        rows, today, lambda row: row.answer_due if row.state == SuggestionState.PUBLISHED else None,
        working=True, overrides=rules.overrides, warn_days=WARN_DAYS)


# The running deadline as the database sees it.
DEADLINES = [(Suggestion.state == SuggestionState.PUBLISHED, Suggestion.answer_due)]


def _answer_scope(statement, user):
    statement = statement.where(Suggestion.state == SuggestionState.PUBLISHED)
    if user.role != Role.ADMIN:
        statement = statement.where(Suggestion.bureau_id == user.bureau_id)
    return statement


def answer_queue(user, *, colour: str = "", bounds: tuple[date, date] | None = None) -> Select:
    """Published suggestions awaiting the answer (the user's bureau's, all for admins), earliest deadline first."""
    statement = _answer_scope(select(Suggestion).options(selectinload(Suggestion.bureau),
                                                         selectinload(Suggestion.consultation)), user)
    if colour and bounds:
        statement = statement.where(supervision.colour_condition(colour, DEADLINES, bounds))
    return statement.order_by(Suggestion.answer_due, Suggestion.id)


def queue_counts(session, user, bounds: tuple[date, date]) -> dict[str, int]:
    """How many of the whole answer queue are red, yellow and green, counted by the database."""
    return supervision.count_by_colour(session, lambda statement: _answer_scope(statement, user), DEADLINES, bounds,
                                       Suggestion.id)


def moderation_queue() -> Select:
    """Suggestions awaiting moderation, oldest first."""
    return (select(Suggestion).options(selectinload(Suggestion.consultation))
            .where(Suggestion.state == SuggestionState.SUBMITTED).order_by(Suggestion.submitted_at, Suggestion.id))


def moderation_count() -> Select:
    """How many suggestions await moderation (a statement for a scalar)."""
    return select(func.count(Suggestion.id)).where(Suggestion.state == SuggestionState.SUBMITTED)


def published_in(consultation_id: int | None) -> Select:
    """A consultation's published suggestions with their answers (standing ones when None), newest first."""
    where = (Suggestion.consultation_id == consultation_id if consultation_id is not None
             else Suggestion.consultation_id.is_(None))
    return (select(Suggestion).options(selectinload(Suggestion.bureau))
            .where(where, Suggestion.state.in_([SuggestionState.PUBLISHED, SuggestionState.ANSWERED]))
            .order_by(Suggestion.published_at.desc(), Suggestion.id.desc()))


def public_events(session, row: Suggestion) -> list[SuggestionEvent]:
    """The public timeline entries of a suggestion."""
    return list(session.scalars(select(SuggestionEvent).where(SuggestionEvent.suggestion_id == row.id,
                                                              SuggestionEvent.public.is_(True))
                                .order_by(SuggestionEvent.id)))
