"""Public pages of activities: the list (upcoming, then held with their records), an activity with its sign-up
form, the sign-up's private code page (see or cancel), the Atom feed and an iCalendar file per activity.

No personal data is ever shown here: the code page shows the sign-up's state, never the name or phone."""

from flask import Blueprint, Response, abort, current_app, redirect, request, session as cookie_session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.casework import codes
from app.db_types import utcnow
from app.extensions import db, limiter
from app.i18n import current_locale
from app.notices import feeds
from app.notifications.forms import record_follow
from app.notifications.models import Subject
from app.org.queries import districts
from app.participation import activities, calendar
from app.participation.activity_forms import CodeForm, SignUpForm
from app.participation.models import Activity, ActivityKind, ActivityPhoto, ActivityState, RegistrationState
from app.web import once
from app.web.actions import act, show_refusal
from app.web.files import serve_stored
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other
from app.web.pagination import paginate
from app.web.params import db_int
from app.web.qr import qr_svg
from app.web.urls import public_url

bp = Blueprint("activities", __name__, url_prefix="/participation/activities")
PAGE_SIZE = 20
FEED_SIZE = 50
PUBLIC_STATES = (ActivityState.PUBLISHED, ActivityState.CLOSED)


def secret() -> str:
    """The key of personal codes and phone hashes: the app's secret, as tips and disclosure use it."""
    return current_app.config["SECRET_KEY"]


def photo_dir() -> str:
    return str(current_app.config["UPLOAD_DIR"]) + "/activities"


def _filters() -> dict:
    kind = request.args.get("kind", "")
    return {"kind": kind if kind in ActivityKind.values() else "",
            "district": request.args.get("district", type=db_int)}


def public_list(filters: dict):
    """Upcoming published activities (soonest first), then held ones with their records (latest first): a page
    fetcher (`fetch(limit=, offset=)`) reading each part in its order along the (state, start) index, so that a
    page costs the same however many activities have been held. The published ones are counted only for a page
    that lies past them."""
    chosen = []
    if filters["kind"]:
        chosen.append(Activity.kind == ActivityKind(filters["kind"]))
    if filters["district"]:
        chosen.append(Activity.place_id == filters["district"])
    published = [Activity.state == ActivityState.PUBLISHED, *chosen]

    def fetch(*, limit: int, offset: int) -> list[Activity]:
        rows = list(db.session.scalars(select(Activity).where(*published).order_by(Activity.starts_at, Activity.id)
                                       .limit(limit).offset(offset)))
        if len(rows) == limit:
            return rows
        past = 0 if rows else offset - (db.session.scalar(select(func.count(Activity.id)).where(*published)) or 0)
        return rows + list(db.session.scalars(
            select(Activity).where(Activity.state == ActivityState.CLOSED, *chosen)
            .order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(limit - len(rows)).offset(max(past, 0))))
    return fetch


@bp.get("/")
def index():
    filters = _filters()
    page = paginate(public_list(filters), PAGE_SIZE)
    return render("participation/activity_index.html", "participation/activity_list.html", page=page,
                  filters=filters, kinds=ActivityKind, districts=districts(db.session), now=utcnow())


def _public_activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.state == ActivityState.DRAFT:
        abort(404)
    return activity


def _cleared_photos(activity: Activity) -> list[ActivityPhoto]:
    if activity.state != ActivityState.CLOSED:
        return []
    return list(db.session.scalars(select(ActivityPhoto).where(
        ActivityPhoto.activity_id == activity.id, ActivityPhoto.cleared.is_(True)).order_by(ActivityPhoto.id)))


def _detail_page(activity: Activity, form: SignUpForm, status: int = 200):
    return render("participation/activity_detail.html", activity=activity, form=form, now=utcnow(),
                  open=activities.signup_open(activity, utcnow()), photos=_cleared_photos(activity), status=status)


@bp.route("/<int:activity_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PARTICIPATION_SIGNUP_RATE_LIMIT"], methods=["POST"])
def detail(activity_id: int):
    """The activity, its places, the sign-up form while sign-up is open, and the record once held."""
    activity = _public_activity(activity_id)
    form = SignUpForm()
    once.token()
    if (earlier := once.repeated(db.session, "activities.sign_up")) is not None:  # a double click
        return _show_code(earlier)
    if request.method != "POST":
        return _detail_page(activity, form)
    if not form.validate():
        return _detail_page(activity, form, 422)

    def make() -> dict:
        result = activities.sign_up(db.session, activity, name=form.name.data, phone=form.phone.data,
                                    group_size=form.group_size.data or 1, key=secret(),
                                    keep_volunteer_record=form.keep_record.data)
        record_follow(db.session, form, Subject.REGISTRATION, result.registration.id)
        return {"code": result.code, "volunteer_code": result.volunteer_code,
                "waiting": result.registration.state == RegistrationState.WAITLISTED}
    try:
        return once.create(db.session, "activities.sign_up", make, _show_code)
    except activities.ActivityError as error:
        db.session.rollback()  # nothing of the sign-up is kept, not even the form's claim: the corrected post counts
        show_refusal(error, form, summary=True)
        return _detail_page(db.session.get(Activity, activity_id), form, 422)


def _show_code(result: dict | None):
    if result is None:
        return see_other(request.path)
    cookie_session["new_sign_up"] = result  # shown once on the next page, then forgotten
    return see_other(url_for(".signed_up"))


@bp.get("/signed-up")
def signed_up():
    """The personal code, shown once, printable, with a QR code of the code page for check-in at the door."""
    result = cookie_session.pop("new_sign_up", None)
    if not isinstance(result, dict) or "code" not in result:
        return redirect(url_for(".lookup"))
    registration = activities.find_registration(db.session, result["code"], secret())
    if registration is None:
        return redirect(url_for(".lookup"))
    link = public_url(".registration", code=codes.normalise(result["code"]))
    return render("participation/activity_signed_up.html", code=result["code"], link=link, qr=qr_svg(link),
                  volunteer_code=result.get("volunteer_code"), registration=registration,
                  activity=registration.activity)


@bp.get("/sign-up")
@limiter.limit(lambda: current_app.config["PARTICIPATION_LOOKUP_RATE_LIMIT"])
def lookup():
    """Find a sign-up by its personal code."""
    form = CodeForm(request.args, meta={"csrf": False})
    if request.args.get("code") and form.validate():
        return redirect(url_for(".registration", code=codes.normalise(form.code.data)))
    return render("participation/activity_lookup.html", form=form)


@bp.route("/sign-up/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PARTICIPATION_LOOKUP_RATE_LIMIT"])
def registration(code: str):
    """The sign-up's private page: its state (a place, the waiting list with its position in it, cancelled,
    attended), the activity's cancellation reason if any, and a button to cancel."""
    found = activities.find_registration(db.session, code, secret())
    if found is None:
        form = CodeForm(data={"code": code}, meta={"csrf": False})
        form.code.errors = [_("No sign-up has this personal code. Check it and try again.")]
        return render("participation/activity_lookup.html", form=form, status=404)
    form = ConfirmForm()
    page = lambda error=None: render("participation/activity_registration.html", registration=found,  # noqa: E731
                                     activity=found.activity, code=code, form=form,
                                     cancellable=_cancellable(found),
                                     position=activities.waiting_position(db.session, found),
                                     status=422 if request.method == "POST" else 200)
    if not form.validate_on_submit():
        return page()
    return act(lambda: activities.cancel_registration(db.session, found), success=_("Your sign-up is cancelled."),
               then=url_for(".registration", code=code), refused=page)


def _cancellable(registration) -> bool:
    activity = registration.activity
    return (registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)
            and activity.state == ActivityState.PUBLISHED and activity.starts_at > utcnow())


@bp.get("/feed.atom")
def feed():
    """The published activities (and the held ones with their records), newest first."""
    now, city = utcnow(), current_app.config["CITY_NAME"]
    rows = db.session.scalars(select(Activity).where(Activity.state.in_(PUBLIC_STATES))
                              .order_by(Activity.published_at.desc(), Activity.id.desc()).limit(FEED_SIZE)).all()
    entries = []
    for activity in rows:
        published = activity.published_at or activity.created_at
        entries.append({
            "id": feeds.stable_id(city, f"participation/activities/{activity.id}"), "title": activity.title,
            "updated": activity.closed_at or published, "published": published,
            "link": public_url("activities.detail", activity_id=activity.id),
            "summary": activity.summary if activity.state == ActivityState.CLOSED else activity.description,
            "category": activity.kind.title})
    site = current_app.config["SITE_NAMES"].get(current_locale()) or current_app.config["SITE_NAME"]
    body = feeds.atom_feed(feed_id=feeds.stable_id(city, "participation/activities/feed"),
                           title=_("Activities") + f" · {site}", author=site, alternate=public_url(".index"),
                           self_url=public_url(".feed"),
                           updated=max((entry["updated"] for entry in entries), default=now), entries=entries,
                           language=current_locale().replace("_", "-"))
    return Response(body, mimetype="application/atom+xml")


@bp.get("/<int:activity_id>.ics")
def ics(activity_id: int):
    """The activity as an iCalendar file, to add to a phone's calendar."""
    activity = _public_activity(activity_id)
    city = current_app.config["CITY_NAME"]
    event = calendar.Event(
        uid=f"activity-{activity.id}@{feeds.stable_id(city, 'participation').removeprefix('urn:uuid:')}",
        start=activity.starts_at, end=activity.ends_at, summary=activity.title, stamp=utcnow(),
        description=activity.cancel_reason if activity.state == ActivityState.CANCELLED else activity.description,
        location=activity.venue, url=public_url("activities.detail", activity_id=activity.id),
        cancelled=activity.state == ActivityState.CANCELLED)
    site = current_app.config["SITE_NAME"]
    response = Response(calendar.calendar(event, product=f"-//{site}//Activities//ZH"),
                        mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="activity-{activity.id}.ics"'
    return response


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int):
    """A cleared photo of a held activity for anyone; any photo for its organisers."""
    row = db.session.get(ActivityPhoto, photo_id) or abort(404)
    public = row.cleared and row.activity.state == ActivityState.CLOSED
    if not public and not activities.can_organise(current_user, row.activity):
        abort(404)
    return serve_stored(photo_dir(), row.stored_name, row.kind, public=public)
