"""Hand-built participation rows for the figures tests: plain functions with defaults (no conftest). Rows built by
hand bypass the services that keep the figures' tallies: `tallied` counts them from the rows, then commits."""
import itertools
import secrets
from datetime import date, datetime, timedelta, timezone

from app.participation import tallies
from app.participation.models import (Activity, ActivityKind, ActivityState, Adoption, Facility, FacilityKind,
                                      Registration, RegistrationState, Suggestion, SuggestionState, VisitSlot)

_seq = itertools.count(1)
BEIJING = timezone(timedelta(hours=8))


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """A Beijing wall-clock time as an aware datetime."""
    return datetime(year, month, day, hour, tzinfo=BEIJING)


def activity(session, *, bureau, place, starts_at, state=ActivityState.CLOSED, capacity=50, attendance=None,
             **values) -> Activity:
    values = {"title_zh_hans": f"植树活动{next(_seq)}", "venue_zh_hans": "城北公园", **values}
    row = Activity(kind=ActivityKind.TREE_PLANTING, state=state, bureau_id=bureau.id, place_id=place.id,
                   starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
                   signup_opens_at=starts_at - timedelta(days=20), signup_closes_at=starts_at - timedelta(days=1),
                   capacity=capacity, attendance=attendance, **values)
    session.add(row)
    session.flush()
    return row


def registration(session, act: Activity, *, state=RegistrationState.ATTENDED, group_size=1, hours=None,
                 confirmed=True) -> Registration:
    n = next(_seq)
    row = Registration(activity_id=act.id, state=state, name=f"测试{n}", phone=f"1380000{n:04d}",
                       phone_digest=secrets.token_hex(16), group_size=group_size, code_digest=secrets.token_hex(16),
                       hours=hours, hours_confirmed_at=act.ends_at if hours is not None and confirmed else None)
    session.add(row)
    if state in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED):
        act.taken += group_size
    elif state == RegistrationState.WAITLISTED:
        act.waiting += group_size
    session.flush()
    return row


def facility(session, *, bureau, place, min_open_days=6, **values) -> Facility:
    values = {"name_zh_hans": f"污水处理厂{next(_seq)}", "address_zh_hans": "江北路1号", **values}
    row = Facility(kind=FacilityKind.SEWAGE, bureau_id=bureau.id, place_id=place.id, min_open_days=min_open_days,
                   **values)
    session.add(row)
    session.flush()
    return row


def slot(session, fac: Facility, day: date, *, visitors=None, cancelled=False, capacity=40, taken=0) -> VisitSlot:
    starts = datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING)
    row = VisitSlot(facility_id=fac.id, day=day, starts_at=starts, ends_at=starts + timedelta(hours=2),
                    capacity=capacity, taken=taken, visitors=visitors, cancelled=cancelled)
    session.add(row)
    session.flush()
    return row


def suggestion(session, *, place=None, bureau=None, submitted_at, state=SuggestionState.SUBMITTED, answer_due=None,
               answered_at=None, **values) -> Suggestion:
    extra = {}
    if state == SuggestionState.ANSWERED:
        extra = {"adoption": Adoption.ADOPTED, "answer": "已采纳。"}
    row = Suggestion(place_id=place.id if place else None, bureau_id=bureau.id if bureau else None, state=state,
                     title="建议", body="多种树。", public_body="多种树。", code_digest=secrets.token_hex(16),
                     submitted_at=submitted_at, answer_due=answer_due, answered_at=answered_at,
                     published_at=submitted_at if state != SuggestionState.SUBMITTED else None, **{**extra, **values})
    session.add(row)
    session.flush()
    return row


def tallied(session) -> None:
    """Count the figures' tallies from the hand-built rows (as `flask participation-tallies --rebuild`), commit."""
    tallies.rebuild(session)
    session.commit()
