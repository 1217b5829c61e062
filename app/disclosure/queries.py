"""Reads for disclosure requests: the tracking lookup, the handlers' queue with deadline colours (counted by the
database), and the figures of the yearly disclosure work report (art. 50)."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import selectinload

from app.accounts.permissions import Role
from app.casework import codes, supervision
from app.disclosure.models import DisclosureRequest
from app.disclosure.workflow import OPEN_STATES, ReplyType, RequestState
from app.workdays.days import add_days, days_left

OPEN_VALUES = sorted(OPEN_STATES)
# States in which the answer's deadline runs (while waiting for the applicant's completion, theirs does).
ANSWER_RUNNING = sorted(OPEN_STATES - {RequestState.COMPLETION_REQUESTED})


def find_by_code_hash(session, digest: str) -> DisclosureRequest | None:
    """The request whose code hashes to digest (looked up by index, then compared in constant time)."""
    found = session.scalar(select(DisclosureRequest).where(DisclosureRequest.code_hash == digest).options(
        selectinload(DisclosureRequest.events), selectinload(DisclosureRequest.documents),
        selectinload(DisclosureRequest.bureau)))
    return found if found is not None and codes.same(found.code_hash, digest) else None


def current_due(request: DisclosureRequest) -> date | None:
    """The deadline running now: the applicant's completion date while waiting for them, else the answer."""
    if request.awaits_completion:
        return request.completion_due
    if request.is_open:
        return request.answer_due
    return None


def projected_due(request: DisclosureRequest, today: date, overrides) -> date | None:
    """The deadline as the applicant should read it today: while a consultation pauses the clock (arts. 32–34),
    the answer date moves on by each working day the consultation has lasted so far."""
    due = current_due(request)
    if due is None or request.paused_on is None:
        return due
    paused = max(days_left(request.paused_on, today, working=True, overrides=overrides), 0)
    return add_days(due, paused, working=True, overrides=overrides)


def supervise(requests, today: date, *, overrides, warn_days: int) -> list[supervision.Supervised]:
    """Three-colour supervision in working days; a paused request (consultation) has no running deadline: grey,
    with the deadline as it would stand if the consultation ended today."""
    return supervision.supervise(
        requests, today, current_due, working=True, overrides=overrides, warn_days=warn_days,
        paused=lambda request: projected_due(request, today, overrides) if request.paused else None)


# The running deadline as the database sees it, as current_due and supervise judge it: none while paused.
_RUNNING = DisclosureRequest.paused_on.is_(None)
DEADLINES = [
    (and_(_RUNNING, DisclosureRequest.state == RequestState.COMPLETION_REQUESTED), DisclosureRequest.completion_due),
    (and_(_RUNNING, DisclosureRequest.state.in_(ANSWER_RUNNING)), DisclosureRequest.answer_due),
]


def _queue_scope(statement, user, state: str):
    """Requests a handler may act on (addressed to their bureau), or every request for admins; open ones unless
    a state is chosen."""
    if user.role != Role.ADMIN:
        statement = statement.where(DisclosureRequest.bureau_id == user.bureau_id)
    if state:
        return statement.where(DisclosureRequest.state == state)
    return statement.where(DisclosureRequest.state.in_(OPEN_VALUES))


def staff_queue(user, *, state: str = "", colour: str = "", bounds: tuple[date, date] | None = None) -> Select:
    """The handler's queue, earliest answer due first, optionally only one supervision colour (bounds from
    workdays.days.colour_bounds): a statement to page through."""
    statement = _queue_scope(select(DisclosureRequest).options(selectinload(DisclosureRequest.bureau)), user, state)
    if colour and bounds:
        statement = statement.where(supervision.colour_condition(colour, DEADLINES, bounds))
    return statement.order_by(DisclosureRequest.answer_due, DisclosureRequest.id)


def queue_counts(session, user, bounds: tuple[date, date], *, state: str = "") -> dict[str, int]:
    """How many of the whole queue's requests are red, yellow and green, counted by the database."""
    return supervision.count_by_colour(session, lambda statement: _queue_scope(statement, user, state), DEADLINES,
                                       bounds, DisclosureRequest.id)


@dataclass
class AnnualFigures:
    """Requests of one year for the disclosure work report; rates are None when nothing was answered."""

    year: int
    received: int = 0
    carried_from_previous: int = 0
    carried_to_next: int = 0
    answered: int = 0
    by_reply_type: dict[str, int] = field(default_factory=dict)
    partly_disclosed: int = 0
    withdrawn: int = 0
    redirected: int = 0
    abandoned: int = 0
    on_time: int = 0
    on_time_rate: float | None = None
    average_working_days: float | None = None


def _open_on(request: DisclosureRequest, day: date) -> bool:
    """Received before day and not yet finished at its start."""
    return request.received_on < day and (request.finished_on is None or request.finished_on >= day)


def working_days_taken(request: DisclosureRequest, overrides) -> int | None:
    """Working days from the clock's start to the answer, without the days spent consulting (arts. 32–34);
    None while unanswered."""
    if request.answered_on is None:
        return None
    taken = days_left(request.clock_start, request.answered_on, working=True, overrides=overrides)
    return taken - (request.paused_days or 0)


def annual_figures(session, year: int, *, overrides) -> AnnualFigures:
    """Received, answered by reply type, carried over, on-time rate and average working days to answer."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    rows = session.scalars(select(DisclosureRequest).where(DisclosureRequest.received_on < end)).all()
    figures = AnnualFigures(year=year, by_reply_type={t.value: 0 for t in ReplyType})
    taken = []
    for row in rows:
        figures.received += start <= row.received_on < end
        figures.carried_from_previous += _open_on(row, start)
        figures.carried_to_next += _open_on(row, end)
        finished_this_year = row.finished_on is not None and start <= row.finished_on < end
        if row.answered_on is not None and start <= row.answered_on < end:
            figures.answered += 1
            figures.by_reply_type[row.reply_type] += 1
            figures.partly_disclosed += row.partial
            figures.on_time += row.answered_on <= row.answer_due
            taken.append(working_days_taken(row, overrides))
        elif finished_this_year:
            figures.withdrawn += row.state == RequestState.WITHDRAWN
            figures.redirected += row.state == RequestState.REDIRECTED
            figures.abandoned += row.state == RequestState.CLOSED
    if figures.answered:
        figures.on_time_rate = round(figures.on_time / figures.answered, 4)
        figures.average_working_days = round(sum(taken) / len(taken), 1)
    return figures
