"""Volunteers and their hours: a resident's record across activities (by phone and a personal volunteer code, no
password), the hours organisers confirm after an activity, and the reads behind the record and the back office.

《志愿服务条例》 art. 19 asks organisers to record volunteers' hours truthfully and issue a certificate on request;
the record here is that basis. Services take the session and the actor, flush, audit and never commit.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from app import audit
from app.accounts.permissions import Permission
from app.casework import codes, identity
from app.db_types import utcnow
from app.errors import ActionRefused, NotPermitted
from app.i18n import localized, site_zone
from app.participation import organisers, tallies
from app.participation.models import Activity, Registration, RegistrationState, Volunteer

_COUNTRY = re.compile(r"^(?:\+|00)?86(?=1\d{10}$)")


def normalise_phone(phone: str | None) -> str:
    """A phone number as digits only, without the +86/0086 country prefix of a mainland mobile number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    digits = _COUNTRY.sub("", digits)
    return digits.replace("+", "")[:20]


def phone_key() -> str:
    """The key phone numbers and volunteer codes are hashed with: the app's secret, as tips and disclosure do."""
    return current_app.config["SECRET_KEY"]


def phone_digest(phone: str | None, key: str | None = None) -> str:
    """The keyed hash of a normalised phone number (finds a volunteer without a searchable number)."""
    return codes.digest(normalise_phone(phone), key or phone_key())


def code_digest(code: str | None, key: str | None = None) -> str:
    """The keyed hash stored for a volunteer code."""
    return codes.digest(code, key or phone_key())


def enrol(session, registration: Registration, key: str | None = None) -> str | None:
    """Link a sign-up to its volunteer record, creating one for a new phone number.

    Returns the new volunteer's personal code (shown once) or None when the phone already had a record.
    """
    key = key or phone_key()
    found_digest = phone_digest(registration.phone, key)
    volunteer = session.scalar(select(Volunteer).where(Volunteer.phone_digest == found_digest))
    code = None
    now = utcnow()
    if volunteer is None:
        code = codes.new_code()
        volunteer = Volunteer(phone_digest=found_digest, name=registration.name.strip()[:60],
                              phone=normalise_phone(registration.phone), code_digest=code_digest(code, key),
                              created_at=now, last_active_at=now)
        session.add(volunteer)
        session.flush()
    volunteer.last_active_at = now
    registration.volunteer_id = volunteer.id
    registration.volunteer = volunteer
    session.flush()
    return code


# --- who may see and confirm what ---------------------------------------------------------------------------

def sees_all(actor) -> bool:
    """Admins (the office) see every volunteer; a bureau's or an organisation's organisers only those of their
    own activities."""
    return organisers.sees_all(actor)


def may_organise(actor, activity: Activity) -> bool:
    """The actor organises this activity: its bureau's editors, its organisation's organisers, or admins."""
    return organisers.runs_activity(actor, activity)


def _refuse(action: str) -> NotPermitted:
    error = NotPermitted(_("Only the organisers of this activity's bureau or organisation may do this."))
    error.audit_as = action  # type: ignore[attr-defined]
    return error


# --- hours ----------------------------------------------------------------------------------------------------

def max_hours(activity: Activity) -> float:
    """The most hours one activity can credit: its duration and one hour more (setting up, clearing away)."""
    return (activity.ends_at - activity.starts_at).total_seconds() / 3600 + 1


def default_hours(activity: Activity) -> float:
    """The hours offered before the organiser edits them: the activity's own, within the bounds."""
    return round(min(activity.volunteer_hours or max_hours(activity) - 1, max_hours(activity)), 1)


def confirm_hours(session, actor, registration: Registration, hours: float | None, reason: str = "") -> str:
    """Confirm (or, with a reason, correct) a volunteer's hours for an attended activity; audited. Returns
    "confirmed", "corrected" or "unchanged" (the same figure posted again)."""
    activity = registration.activity
    if not may_organise(actor, activity):
        raise _refuse("participation.hours_refused")
    if registration.state != RegistrationState.ATTENDED or registration.volunteer_id is None:
        raise ActionRefused(_("Hours are recorded only for volunteers who attended."))
    if activity.ends_at > utcnow():
        raise ActionRefused(_("Hours are confirmed after the activity has ended."), field="hours")
    limit = max_hours(activity)
    if hours is None or not hours > 0 or hours > limit:
        raise ActionRefused(_("Give more than 0 and at most %(limit)s hours (the activity's duration and one "
                              "hour more).", limit=format_hours(limit)), field="hours")
    reason = (reason or "").strip()
    if registration.hours is not None and round(float(hours), 2) == registration.hours:
        return "unchanged"  # the same figure again (a double click, a resubmitted form): nothing to correct
    correcting = registration.hours is not None
    if correcting and not reason:
        raise ActionRefused(_("Say why the confirmed hours are corrected."), field="reason")
    before = registration.audit_state()
    # Where the hours count, read under the activity's lock (an edit moving it waits, or is waited for).
    where = tallies.lock_activity(session, activity.id)
    new_hours = round(float(hours), 2)
    # Set only over the hours read above, so that two organisers confirming at once add the hours once.
    same = (Registration.hours.is_(None) if registration.hours is None
            else Registration.hours == registration.hours)
    changed = session.execute(
        update(Registration).where(Registration.id == registration.id,
                                   Registration.state == RegistrationState.ATTENDED, same)
        .values(hours=new_hours, hours_confirmed_by_id=actor.id, hours_confirmed_at=utcnow())
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        session.refresh(registration)
        raise ActionRefused(_("These hours have just been changed by someone else: look at them again."),
                            field="hours")
    old_centi = tallies.centi(registration.hours) if registration.hours_confirmed_at is not None else 0
    tallies.add(session, where.year, where.place_id, {tallies.HOURS: tallies.centi(new_hours) - old_centi})
    session.refresh(registration)
    audit.record(session, "participation.hours_correct" if correcting else "participation.hours_confirm",
                 registration, actor=actor, before=before, after=registration.audit_state(), note=reason)
    return "corrected" if correcting else "confirmed"


def format_hours(hours: float) -> str:
    """Hours as people write them: 3, 2.5."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def attended_volunteers(session, actor, activity: Activity) -> list[Registration]:
    """The attended sign-ups of an activity that have a volunteer, for its organiser; the look at their names is
    audited (the organiser needs them to confirm hours)."""
    if not may_organise(actor, activity):
        raise _refuse("participation.volunteers_refused")
    rows = list(session.scalars(
        select(Registration).where(Registration.activity_id == activity.id,
                                   Registration.state == RegistrationState.ATTENDED,
                                   Registration.volunteer_id.is_not(None)).order_by(Registration.id)))
    identity.reveal(session, actor, activity, "participation.volunteer_names_viewed", {})
    return rows


# --- a volunteer's own record -----------------------------------------------------------------------------------

_NO_SUCH_DIGEST = "0" * 64


def find_volunteer(session, phone: str | None, code: str | None, key: str | None = None) -> Volunteer | None:
    """The volunteer holding this phone number and volunteer code, or None for any wrong pair (the caller must not
    say which half was wrong). The code is compared in constant time, also when the phone is unknown."""
    key = key or phone_key()
    volunteer = session.scalar(select(Volunteer).where(Volunteer.phone_digest == phone_digest(phone, key)))
    matches = codes.same(volunteer.code_digest if volunteer else _NO_SUCH_DIGEST, code_digest(code, key))
    return volunteer if volunteer is not None and matches else None


@dataclass(frozen=True)
class ServiceLine:
    """One activity on a volunteer's record."""

    registration_id: int
    activity_title: str
    organiser: str
    day: date
    hours: float


@dataclass
class ServiceYear:
    """A year of a volunteer's record: its activities and their total."""

    year: int
    lines: list[ServiceLine] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(line.hours for line in self.lines), 2)

    @property
    def organisers(self) -> list[str]:
        return sorted({line.organiser for line in self.lines})


def _organiser(activity: Activity) -> str:
    if activity.organisation is not None:
        return localized(activity.organisation, "name")
    return activity.organiser_name or (localized(activity.bureau, "name") if activity.bureau is not None else "")


def service_record(session, volunteer_id: int, *, bureau_id: int | None = None) -> list[ServiceYear]:
    """A volunteer's confirmed hours by year (newest first), activities in date order; `bureau_id` keeps one
    bureau's activities only (what that bureau's organisers may see)."""
    query = (select(Registration).join(Registration.activity)
             .where(Registration.volunteer_id == volunteer_id, Registration.hours.is_not(None))
             .options(contains_eager(Registration.activity).joinedload(Activity.bureau),
                      contains_eager(Registration.activity).joinedload(Activity.organisation))
             .order_by(Activity.starts_at, Registration.id))
    if bureau_id is not None:
        query = query.where(Activity.bureau_id == bureau_id)
    years: dict[int, ServiceYear] = {}
    zone = site_zone()
    for registration in session.scalars(query):
        activity = registration.activity
        day = activity.starts_at.astimezone(zone).date()
        years.setdefault(day.year, ServiceYear(day.year)).lines.append(ServiceLine(
            registration.id, activity.title, _organiser(activity), day, registration.hours or 0.0))
    return sorted(years.values(), key=lambda y: y.year, reverse=True)


# --- the organisers' list of volunteers -------------------------------------------------------------------------

@dataclass(frozen=True)
class VolunteerRow:
    """A volunteer in the back office: the name, and the hours the viewer may see."""

    volunteer: Volunteer
    hours: float
    activities: int


def volunteers_for(session, actor):
    """A page-fetching function (`fetch(limit=, offset=)`) of the volunteers this actor may see: every one for
    admins, with every hour; for a bureau's (an organisation's) organisers those who took part in its activities,
    with those activities' hours only."""
    if not actor.can(Permission.PARTICIPATION_ACTIVITIES):
        raise _refuse("participation.volunteers_refused")
    hours = func.coalesce(func.sum(Registration.hours), 0.0)
    took_part = func.count(Registration.hours)
    query = (select(Volunteer, hours, took_part)
             .join(Registration, Registration.volunteer_id == Volunteer.id)
             .group_by(Volunteer.id).order_by(Volunteer.name, Volunteer.id))
    if not sees_all(actor):
        query = (query.join(Activity, Activity.id == Registration.activity_id)
                 .where(organisers.own_activities(actor)))

    def fetch(*, limit: int, offset: int) -> list[VolunteerRow]:
        return [VolunteerRow(v, float(h or 0), int(n)) for v, h, n in session.execute(
            query.limit(limit).offset(offset))]
    return fetch


def visible_volunteer(session, actor, volunteer_id: int) -> Volunteer | None:
    """The volunteer if this actor may see them (admins: any; a bureau's or an organisation's organisers: one who
    took part in its activities), else raises NotPermitted; None when there is no such volunteer."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        return None
    if not actor.can(Permission.PARTICIPATION_ACTIVITIES):
        raise _refuse("participation.volunteers_refused")
    if not sees_all(actor) and session.scalar(
            select(Registration.id).join(Registration.activity)
            .where(Registration.volunteer_id == volunteer.id, organisers.own_activities(actor)).limit(1)) is None:
        raise _refuse("participation.volunteers_refused")
    return volunteer


def reveal_phone(session, actor, volunteer: Volunteer) -> dict:
    """A volunteer's phone number for an organiser who must call them; every look is audited."""
    visible_volunteer(session, actor, volunteer.id)
    return identity.reveal(session, actor, volunteer, "participation.volunteer_phone_viewed",
                           {"name": volunteer.name, "phone": volunteer.phone})
