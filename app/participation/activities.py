"""Activities and their sign-ups: the organiser's workflow (draft → published → closed or cancelled, on the one
workflow engine, audited) and the resident's sign-up without an account, with a personal code.

Places are taken with a conditional UPDATE of `activities.taken` inside the sign-up's transaction, so that
concurrent sign-ups for the last places never overfill: the row count decides between a place and the waiting
list. The waiting list is capped at the capacity (`waiting + n <= capacity`, the same kind of UPDATE); past it a
sign-up is refused.

Promotion from the waiting list is "no jumping": when places are freed, waiting sign-ups are promoted strictly
in sign-up order, and a group that does not fit yet stops the promotion — a smaller group behind it waits too.
People queue in the order they signed up and are told their place is "on the waiting list", so the first in
line must be served first; fits-first would let a stream of single sign-ups starve a family that came earlier,
and the organiser can still raise the capacity to let a waiting group in.

Services take the session and the actor, flush, audit, and never commit."""
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import object_session

from app import audit
from app.casework import codes
from app.casework.actors import PublicParty
from app.db_types import utcnow
from app.enums import TitledEnum
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.notifications import services as notifications
from app.notifications.case_messages import (ACTIVITY_CANCELLED, ACTIVITY_CHANGED, PROMOTED, REGISTRATION_UPDATED,
                                             announce_to_each)
from app.notifications.models import Subject
from app.participation import organisers, tallies, volunteers
from app.participation.models import (Activity, ActivityPhoto, ActivityState, Organisation, Registration,
                                      RegistrationState)
from app.web import uploads
from app.workflow import Entry, StepContext, Workflow

PHOTO_KINDS = frozenset({"png", "jpeg", "webp"})
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# The person who signed up acts through their personal code, never as whoever is signed in in the same browser.
PARTICIPANT = PublicParty("participant")
# What the people signed up are told of when it changes: when and where.
TOLD_CHANGES = ("starts_at", "ends_at", "place_id", "venue_zh_hans", "venue_zh_hant", "venue_en")
LIVE_STATES = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)


class ActivityError(ActionRefused):
    """An activity action that cannot be done; the message is for the user, beside `field`."""


class ActivityNotPermitted(ActivityError, NotPermitted):
    """Not this actor's activity (another bureau's or organisation's) or not an organiser at all."""

    audit_as = "activities.refused"


class ActivityStepNotAllowed(ActivityError, StepNotAllowed):
    """A step the activity's state does not allow."""


class Step(TitledEnum):
    PUBLISH = "publish", _l("Publish")
    CANCEL = "cancel", _l("Cancel the activity")
    CLOSE = "close", _l("Close with the record")


TRANSITIONS = {
    (ActivityState.DRAFT, Step.PUBLISH): ActivityState.PUBLISHED,
    (ActivityState.PUBLISHED, Step.CANCEL): ActivityState.CANCELLED,
    (ActivityState.PUBLISHED, Step.CLOSE): ActivityState.CLOSED,
}


# --- who may organise ---------------------------------------------------------------------------------------

def can_organise(user, activity: Activity | None = None, *, bureau_id: int | None = None,
                 organisation_id: int | None = None) -> bool:
    """Admins organise every activity; a bureau editor only their own bureau's, an organisation's organiser only
    their own organisation's (app/participation/organisers.py)."""
    if activity is not None:
        return organisers.runs_activity(user, activity)
    return organisers.runs(user, bureau_id=bureau_id, organisation_id=organisation_id)


def require_organiser(user, activity: Activity | None = None, *, bureau_id: int | None = None,
                      organisation_id: int | None = None) -> None:
    if not can_organise(user, activity, bureau_id=bureau_id, organisation_id=organisation_id):
        raise ActivityNotPermitted(_("You cannot organise this activity: it belongs to another bureau or "
                                     "organisation."))


def require_not_suspended(session, organisation_id: int | None) -> None:
    """A suspended organisation's activities cannot be created, changed or published (by anyone): what is
    published already goes on, so that the people signed up keep their check-in, record and hours."""
    organisation = session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation is not None and organisation.suspended:
        raise ActivityNotPermitted(_("%(name)s is suspended by the ecological civilization office: its activities "
                                     "cannot be created, changed or published.", name=organisation.name))


def _policy(actor, activity: Activity, step: Step) -> None:
    require_organiser(actor, activity)
    if step == Step.PUBLISH:
        require_not_suspended(object_session(activity), activity.organisation_id)


def _refuse(activity: Activity, step: Step) -> str:
    raise ActivityStepNotAllowed(_("This step is not possible while the activity is “%(state)s”.",
                                   state=activity.state.title))


def snapshot(activity: Activity) -> dict:
    """The activity's audit state as JSON (times as ISO text, states as their values)."""
    return {name: value.isoformat() if isinstance(value, datetime) else
            value.value if isinstance(value, Enum) else value for name, value in activity.audit_state().items()}


def _no_timeline(*_args, **_kwargs) -> None:
    """Activities keep no timeline of their own: the audit log records each step."""


ACTIVITY_WORKFLOW: Workflow[ActivityState, Step] = Workflow(
    "activities", TRANSITIONS, policy=_policy, record=_no_timeline, refuse=_refuse,
    not_allowed=ActivityStepNotAllowed, snapshot=snapshot)


@ACTIVITY_WORKFLOW.handles(Step.PUBLISH)
def _publish(context: StepContext) -> Entry:
    activity = context.case
    if activity.signup_closes_at > activity.starts_at:
        raise ActivityError(_("The sign-up must close before the activity starts."), field="signup_closes_at")
    if activity.ends_at <= context.now:
        raise ActivityError(_("This activity has already ended: change its dates before publishing."),
                            field="starts_at")
    activity.published_at = context.now
    return Entry()


@ACTIVITY_WORKFLOW.handles(Step.CANCEL)
def _cancel(context: StepContext) -> Entry:
    reason = context.text("reason")
    if not reason:
        raise ActivityError(_("Say why the activity is cancelled: the people who signed up read it."), field="reason")
    context.case.cancel_reason = reason[:2000]
    return Entry(internal_note=reason[:500])


@ACTIVITY_WORKFLOW.handles(Step.CLOSE)
def _close(context: StepContext) -> Entry:
    activity = context.case
    if activity.starts_at > context.now:
        raise ActivityError(_("An activity can be closed once it has started."))
    attendance = context.get("attendance", None)
    if attendance is None or attendance < 0:
        raise ActivityError(_("Give the number of people who came."), field="attendance")
    summary = context.text("summary_zh_hans")
    if not summary:
        raise ActivityError(_("Write the summary of the activity in simplified Chinese."), field="summary_zh_hans")
    # Claimed by a conditional UPDATE, so that two organisers closing at once count the activity once.
    claimed = context.session.execute(
        update(Activity).where(Activity.id == activity.id, Activity.state == ActivityState.PUBLISHED)
        .values(closed_at=context.now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise ActivityStepNotAllowed(_("This activity has just been closed or cancelled by someone else."))
    where = tallies.lock_activity(context.session, activity.id)
    tallies.add(context.session, where.year, where.place_id, {tallies.HELD: 1, tallies.PARTICIPANTS: attendance})
    activity.attendance = attendance
    activity.summary_zh_hans = summary
    activity.summary_zh_hant = context.text("summary_zh_hant")
    activity.summary_en = context.text("summary_en")
    activity.closed_at = context.now
    return Entry()


# --- the organiser's writes ---------------------------------------------------------------------------------

@dataclass
class ActivityInput:
    """What the organiser's form gives for a new activity or a change."""

    kind: str
    title_zh_hans: str
    venue_zh_hans: str
    # Who runs it: a bureau or a registered organisation, exactly one.
    bureau_id: int | None
    place_id: int
    starts_at: datetime
    ends_at: datetime
    signup_opens_at: datetime
    signup_closes_at: datetime
    capacity: int
    max_group_size: int = 5
    title_zh_hant: str = ""
    title_en: str = ""
    description_zh_hans: str = ""
    description_zh_hant: str = ""
    description_en: str = ""
    venue_zh_hant: str = ""
    venue_en: str = ""
    organiser_name: str = ""
    volunteer_hours: float | None = None
    organisation_id: int | None = None


def _check_input(data: ActivityInput, activity: Activity | None) -> None:
    if (data.bureau_id is None) == (data.organisation_id is None):
        raise ActivityError(_("Choose who runs the activity: one bureau or one registered organisation, not both."),
                            field="bureau_id")
    if data.ends_at <= data.starts_at:
        raise ActivityError(_("The activity must end after it starts."), field="ends_at")
    if data.signup_closes_at <= data.signup_opens_at:
        raise ActivityError(_("The sign-up must close after it opens."), field="signup_closes_at")
    if data.signup_closes_at > data.starts_at:
        raise ActivityError(_("The sign-up must close before the activity starts."), field="signup_closes_at")
    if data.capacity < 1:
        raise ActivityError(_("Give at least one place."), field="capacity")
    if data.max_group_size < 1 or data.max_group_size > data.capacity:
        raise ActivityError(_("The largest group must be between 1 and the number of places."),
                            field="max_group_size")
    if activity is not None and data.capacity < activity.taken:
        raise ActivityError(_("%(n)d places are taken already: the capacity cannot be smaller.", n=activity.taken),
                            field="capacity")
    if data.volunteer_hours is not None and data.volunteer_hours <= 0:
        raise ActivityError(_("Volunteer hours must be more than zero."), field="volunteer_hours")


def _fill(activity: Activity, data: ActivityInput) -> None:
    for name, value in vars(data).items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)


def create_activity(session, actor, data: ActivityInput) -> Activity:
    """A new draft of the actor's bureau or organisation (any for an admin); none for a suspended organisation."""
    require_organiser(actor, bureau_id=data.bureau_id, organisation_id=data.organisation_id)
    require_not_suspended(session, data.organisation_id)
    _check_input(data, None)
    if data.organisation_id is not None:
        data.organiser_name = ""  # a registered organisation runs it itself: no partner to name
    activity = Activity(state=ActivityState.DRAFT, created_by_id=actor.id, taken=0, waiting=0)
    _fill(activity, data)
    session.add(activity)
    session.flush()
    audit.record(session, "activities.create", activity, actor=actor, after=snapshot(activity))
    return activity


def update_activity(session, actor, activity: Activity, data: ActivityInput) -> Activity:
    """Change a draft or a published activity (not one closed or cancelled); who runs it stays the actor's
    bureau or organisation, and a suspended organisation's activity cannot be changed."""
    require_organiser(actor, activity)
    require_organiser(actor, bureau_id=data.bureau_id, organisation_id=data.organisation_id)
    require_not_suspended(session, activity.organisation_id)
    require_not_suspended(session, data.organisation_id)
    if activity.state not in (ActivityState.DRAFT, ActivityState.PUBLISHED):
        raise ActivityStepNotAllowed(_("A closed or cancelled activity can no longer be changed."))
    _check_input(data, activity)
    if data.organisation_id is not None:
        data.organiser_name = ""
    # Read where its figures count under the row's lock, so that hours confirmed meanwhile move with it.
    was = tallies.lock_activity(session, activity.id)
    if was.state not in (ActivityState.DRAFT, ActivityState.PUBLISHED):
        raise ActivityStepNotAllowed(_("A closed or cancelled activity can no longer be changed."))
    before = snapshot(activity)
    told_before = [getattr(activity, name) for name in TOLD_CHANGES]
    _fill(activity, data)
    session.flush()
    tallies.move_activity(session, activity.id, was, tallies.Where(tallies.local_year(activity.starts_at),
                                                                    activity.place_id))
    audit.record(session, "activities.update", activity, actor=actor, before=before, after=snapshot(activity))
    if activity.state == ActivityState.PUBLISHED:
        if told_before != [getattr(activity, name) for name in TOLD_CHANGES]:
            _tell_sign_ups(session, activity, ACTIVITY_CHANGED)
        promote_waiting(session, activity, utcnow())
    return activity


def publish_activity(session, actor, activity: Activity, *, now: datetime | None = None) -> Activity:
    ACTIVITY_WORKFLOW.take(session, actor, activity, Step.PUBLISH, now=now)
    return activity


def cancel_activity(session, actor, activity: Activity, reason: str, *, now: datetime | None = None) -> Activity:
    """Cancel a published activity with the reason its sign-ups read on their code page (and are told of)."""
    ACTIVITY_WORKFLOW.take(session, actor, activity, Step.CANCEL, now=now, reason=reason)
    _tell_sign_ups(session, activity, ACTIVITY_CANCELLED)
    return activity


def _tell_sign_ups(session, activity: Activity, change: str) -> None:
    """Tell the people with a place or on the waiting list who asked for updates what changed."""
    for state in LIVE_STATES:
        announce_to_each(session, REGISTRATION_UPDATED, Subject.REGISTRATION,
                         select(Registration.id).where(Registration.activity_id == activity.id,
                                                       Registration.state == state),
                         change=change, state=state.value)


def close_activity(session, actor, activity: Activity, *, attendance: int | None, summary_zh_hans: str,
                   summary_zh_hant: str = "", summary_en: str = "", now: datetime | None = None) -> Activity:
    """Close a held activity with its public record: the people who came and a summary."""
    ACTIVITY_WORKFLOW.take(session, actor, activity, Step.CLOSE, now=now, attendance=attendance,
                           summary_zh_hans=summary_zh_hans, summary_zh_hant=summary_zh_hant, summary_en=summary_en)
    return activity


def attendance_suggestion(session, activity: Activity) -> int:
    """People checked in at the door (group sizes added): the default attendance of the closing record."""
    return int(session.scalar(select(func.coalesce(func.sum(Registration.group_size), 0)).where(
        Registration.activity_id == activity.id, Registration.state == RegistrationState.ATTENDED)) or 0)


# --- photos --------------------------------------------------------------------------------------------------

def add_photo(session, actor, activity: Activity, data: bytes, original_name: str, directory: str, *,
              caption: str = "", max_bytes: int, now: datetime | None = None) -> ActivityPhoto:
    """A photo of the held activity, checked by its content; not public until staff clear it."""
    require_organiser(actor, activity)
    now = now or utcnow()
    if activity.state not in (ActivityState.PUBLISHED, ActivityState.CLOSED) or activity.starts_at > now:
        raise ActivityError(_("Photos can be added once the activity has started."), field="photo")
    try:
        kind = uploads.check(data, original_name, accepted=PHOTO_KINDS, max_bytes=max_bytes)
        stored = uploads.store(data, original_name, kind, directory)
    except uploads.UploadError as error:
        raise ActivityError(_upload_message(str(error), max_bytes), field="photo") from None
    photo = ActivityPhoto(activity_id=activity.id, caption=caption.strip()[:200], cleared=False,
                          uploaded_by_id=actor.id, stored_name=stored.stored_name,
                          original_name=stored.original_name, kind=stored.kind, size=stored.size,
                          sha256=stored.sha256)
    session.add(photo)
    session.flush()
    audit.record(session, "activities.photo_add", activity, actor=actor, note=f"photo {photo.id}")
    return photo


def _upload_message(reason: str, max_bytes: int) -> str:
    if reason == "too large":
        return _("The photo is larger than %(mb)d MB.", mb=max(max_bytes // (1024 * 1024), 1))
    if reason == "empty":
        return _("Choose a photo.")
    return _("Send a photo as JPEG, PNG or WebP.")


def clear_photo(session, actor, photo: ActivityPhoto, cleared: bool = True) -> ActivityPhoto:
    """Staff clear a photo for the public (no faces of children, no personal data), or withdraw the clearance."""
    require_organiser(actor, photo.activity)
    photo.cleared = cleared
    photo.cleared_by_id = actor.id if cleared else None
    session.flush()
    audit.record(session, "activities.photo_clear" if cleared else "activities.photo_withdraw", photo.activity,
                 actor=actor, note=f"photo {photo.id}")
    return photo


# --- sign-ups ------------------------------------------------------------------------------------------------

def normalise_phone(phone: str | None) -> str | None:
    """A mainland mobile number as its 11 digits (spaces, dashes and a +86 prefix dropped), or None."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+").lstrip("+")
    if (phone or "").strip().startswith("+") or len(digits) == 13:
        digits = digits.removeprefix("86")
    return digits if _MOBILE.fullmatch(digits) else None


def phone_digest(phone: str, key: str) -> str:
    """The keyed hash of a normalised phone number (the one volunteers use): finds a person's sign-ups without
    a searchable number."""
    return codes.digest(normalise_phone(phone) or phone, key)


def code_digest(code: str, key: str) -> str:
    return codes.digest(code, key)


def signup_open(activity: Activity, now: datetime) -> bool:
    return (activity.state == ActivityState.PUBLISHED
            and activity.signup_opens_at <= now < activity.signup_closes_at)


@dataclass
class SignUpResult:
    registration: Registration
    code: str
    volunteer_code: str | None = None


def _take(session, activity_id: int, column, n: int, limit_column) -> bool:
    """Add n to the counter if it stays within the capacity and the activity is published: one conditional
    UPDATE, so that concurrent sign-ups never overfill; True when it was added."""
    result = session.execute(
        update(Activity).where(Activity.id == activity_id, column + n <= limit_column,
                               Activity.state == ActivityState.PUBLISHED)
        .values({column: column + n}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def sign_up(session, activity: Activity, *, name: str, phone: str, group_size: int = 1, key: str,
            keep_volunteer_record: bool = False, now: datetime | None = None) -> SignUpResult:
    """Sign a person (and their group) up: a place while places are left, else the waiting list (capped at the
    capacity, past which the sign-up is refused). Gives the personal code, shown once."""
    now = now or utcnow()
    name = (name or "").strip()
    if not name:
        raise ActivityError(_("Enter your name."), field="name")
    if len(name) > 60:
        raise ActivityError(_("The name can be at most 60 characters."), field="name")
    digits = normalise_phone(phone)
    if digits is None:
        raise ActivityError(_("Enter a mainland mobile number of 11 digits, e.g. 13812345678."), field="phone")
    if not 1 <= group_size <= activity.max_group_size:
        raise ActivityError(_("A group can be at most %(n)d people.", n=activity.max_group_size), field="group_size")
    if activity.state == ActivityState.CANCELLED:
        raise ActivityError(_("This activity is cancelled."))
    if not signup_open(activity, now):
        if activity.state == ActivityState.PUBLISHED and now < activity.signup_opens_at:
            raise ActivityError(_("Sign-up has not opened yet."))
        raise ActivityError(_("Sign-up for this activity has closed."))
    digest = phone_digest(digits, key)
    if _live_registration(session, activity.id, digest) is not None:
        raise ActivityError(_("This phone number is already signed up for this activity. Use your personal code "
                              "to see or cancel the sign-up."), field="phone")
    if _take(session, activity.id, Activity.taken, group_size, Activity.capacity):
        state = RegistrationState.CONFIRMED
    elif _take(session, activity.id, Activity.waiting, group_size, Activity.capacity):
        state = RegistrationState.WAITLISTED
    else:
        raise ActivityError(_("All places are taken and the waiting list is full."))
    code = codes.new_code()
    registration = Registration(activity_id=activity.id, state=state, name=name, phone=digits,
                                phone_digest=digest, group_size=group_size, code_digest=code_digest(code, key),
                                created_at=now)
    session.add(registration)
    try:
        session.flush()
    except IntegrityError:  # the same phone signed up at the same moment: the partial unique index decides
        raise ActivityError(_("This phone number is already signed up for this activity. Use your personal code "
                              "to see or cancel the sign-up."), field="phone") from None
    session.refresh(activity)
    volunteer_code = None
    if keep_volunteer_record:
        volunteer_code = volunteers.enrol(session, registration, key)
    audit.record(session, "activities.sign_up", registration, actor=PARTICIPANT, after=registration.audit_state())
    return SignUpResult(registration, code, volunteer_code)


def _live_registration(session, activity_id: int, digest: str) -> Registration | None:
    return session.scalar(select(Registration).where(
        Registration.activity_id == activity_id, Registration.phone_digest == digest,
        Registration.state != RegistrationState.CANCELLED))


def find_registration(session, code: str | None, key: str) -> Registration | None:
    """The sign-up with this personal code, or None."""
    if not codes.normalise(code):
        return None
    computed = code_digest(code or "", key)
    registration = session.scalar(select(Registration).where(Registration.code_digest == computed))
    return registration if registration is not None and codes.same(registration.code_digest, computed) else None


def cancel_registration(session, registration: Registration, *, now: datetime | None = None) -> Registration:
    """The person cancels with their code: the place (or the waiting spot) is freed and the waiting list moves."""
    now = now or utcnow()
    if registration.state == RegistrationState.CANCELLED:
        raise ActivityError(_("This sign-up is already cancelled."))
    if registration.state == RegistrationState.ATTENDED:
        raise ActivityError(_("You have been checked in already: the sign-up can no longer be cancelled."))
    activity = registration.activity
    if activity.state == ActivityState.CANCELLED:
        raise ActivityError(_("The activity itself is cancelled: there is nothing more to cancel."))
    if activity.state != ActivityState.PUBLISHED or activity.starts_at <= now:
        raise ActivityError(_("The activity has started or is over: the sign-up can no longer be cancelled."))
    before = registration.audit_state()
    column = Activity.taken if registration.state == RegistrationState.CONFIRMED else Activity.waiting
    session.execute(update(Activity).where(Activity.id == activity.id)
                    .values({column: column - registration.group_size})
                    .execution_options(synchronize_session=False))
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = now
    session.flush()
    audit.record(session, "activities.sign_up_cancel", registration, actor=PARTICIPANT, before=before,
                 after=registration.audit_state())
    session.refresh(activity)
    promote_waiting(session, activity, now)
    return registration


def promote_waiting(session, activity: Activity, now: datetime) -> list[Registration]:
    """Give freed places to the waiting list in sign-up order; stops at the first group that does not fit (no
    jumping: see the module's docstring)."""
    promoted = []
    waiting = session.scalars(select(Registration).where(
        Registration.activity_id == activity.id, Registration.state == RegistrationState.WAITLISTED)
        .order_by(Registration.id)).all()
    for registration in waiting:
        if not _take(session, activity.id, Activity.taken, registration.group_size, Activity.capacity):
            break
        session.execute(update(Activity).where(Activity.id == activity.id)
                        .values(waiting=Activity.waiting - registration.group_size)
                        .execution_options(synchronize_session=False))
        registration.state = RegistrationState.CONFIRMED
        registration.promoted_at = now
        session.flush()
        notifications.announce(session, REGISTRATION_UPDATED, subject=Subject.REGISTRATION,
                               subject_id=registration.id, change=PROMOTED, state=registration.state.value)
        audit.record(session, "activities.promote", registration, actor=PARTICIPANT, after=registration.audit_state())
        promoted.append(registration)
    session.refresh(activity)
    return promoted


# --- check-in at the door --------------------------------------------------------------------------------------

def confirmed_people(session, actor, activity: Activity) -> list[Registration]:
    """The people with a place (and those checked in): names and phones for the organiser, the look audited."""
    from app.casework.identity import reveal

    require_organiser(actor, activity)
    rows = list(session.scalars(select(Registration).where(
        Registration.activity_id == activity.id,
        Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.ATTENDED]))
        .order_by(Registration.id)))
    reveal(session, actor, activity, "activities.view_people", {})
    return rows


def check_in(session, actor, registration: Registration, *, now: datetime | None = None) -> Registration:
    """Mark a confirmed person as come (at the door, one by one or by their code)."""
    require_organiser(actor, registration.activity)
    if registration.state == RegistrationState.ATTENDED:
        raise ActivityError(_("Already checked in."))
    if registration.state != RegistrationState.CONFIRMED:
        raise ActivityError(_("Only a sign-up with a confirmed place can be checked in (this one is “%(state)s”).",
                              state=registration.state.title))
    if registration.activity.state != ActivityState.PUBLISHED:
        raise ActivityError(_("Check-in is possible only while the activity is published."))
    before = registration.audit_state()
    registration.state = RegistrationState.ATTENDED
    registration.checked_in_at = now or utcnow()
    session.flush()
    audit.record(session, "activities.check_in", registration, actor=actor, before=before,
                 after=registration.audit_state())
    return registration


def undo_check_in(session, actor, registration: Registration, *, reason: str = "") -> Registration:
    """The organiser takes back a check-in (a wrong row clicked, a code typed for the wrong person): the sign-up
    holds its place again, unchecked. Hours already confirmed for it go too, and then a reason is needed (they
    were on a volunteer's record). Audited; the volunteer-hours tally loses those hours in the same transaction."""
    require_organiser(actor, registration.activity)
    if registration.state != RegistrationState.ATTENDED:
        raise ActivityError(_("This person is not checked in (the sign-up is “%(state)s”).",
                              state=registration.state.title))
    reason = (reason or "").strip()
    hours = registration.hours if registration.hours_confirmed_at is not None else None
    if hours is not None and not reason:
        raise ActivityError(_("Hours are confirmed for this person: say why the check-in is taken back."),
                            field="reason")
    where = tallies.lock_activity(session, registration.activity_id)
    if where.state != ActivityState.PUBLISHED:
        raise ActivityError(_("A check-in can be taken back only while the activity is published (before its "
                              "record is closed)."))
    before = registration.audit_state()
    # Only from the state and hours read above: two organisers undoing at once take the hours off once.
    same_hours = (Registration.hours.is_(None) if registration.hours is None
                  else Registration.hours == registration.hours)
    changed = session.execute(
        update(Registration).where(Registration.id == registration.id,
                                   Registration.state == RegistrationState.ATTENDED, same_hours)
        .values(state=RegistrationState.CONFIRMED, checked_in_at=None, hours=None, hours_confirmed_at=None,
                hours_confirmed_by_id=None).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        session.refresh(registration)
        raise ActivityError(_("This sign-up has just been changed by someone else: look at it again."))
    tallies.add(session, where.year, where.place_id, {tallies.HOURS: -tallies.centi(hours)})
    session.refresh(registration)
    audit.record(session, "activities.check_in_undo", registration, actor=actor, before=before,
                 after=registration.audit_state(), note=reason[:500])
    return registration


def waiting_position(session, registration: Registration) -> int | None:
    """The sign-up's place in its activity's waiting list (1 = next to be offered a place), or None when it is not
    waiting: the sign-ups waiting before it, counted in the (activity, state, id) index without reading the list."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    ahead = session.scalar(select(func.count()).select_from(Registration).where(
        Registration.activity_id == registration.activity_id, Registration.state == RegistrationState.WAITLISTED,
        Registration.id < registration.id))
    return int(ahead or 0) + 1
