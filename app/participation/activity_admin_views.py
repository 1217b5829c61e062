"""The organisers' back office of activities: drafts, publication, cancellation, the closing record with photos
cleared before they are public, and check-in at the door. Bureau editors act only on their own bureau's
activities, a registered organisation's organisers only on their organisation's (refusals audited); the list of
people is shown to the organiser only, and each look is audited."""
from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.accounts.permissions import Permission
from app.admin.pages import form_page
from app.casework import codes
from app.extensions import db
from app.i18n import from_local_input, site_zone
from app.org.models import Bureau
from app.org.queries import bureaus, districts
from app.participation import activities, organisations, organisers
from app.participation.activity_forms import (ActivityForm, CancelForm, CloseForm, CodeForm, PhotoForm,
                                              UndoCheckInForm)
from app.participation.activity_views import photo_dir, secret
from app.participation.models import Activity, ActivityPhoto, Registration, RegistrationState
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm, choices
from app.web.htmx import is_partial_request, render
from app.web.pagination import paginate

bp = Blueprint("activities_admin", __name__, url_prefix="/admin/participation/activities")
PAGE_SIZE = 30
MAX_PHOTO_BYTES = 10 * 1024 * 1024
ORGANISE = Permission.PARTICIPATION_ACTIVITIES
FIELDS = ("title_zh_hans", "title_zh_hant", "title_en", "description_zh_hans", "description_zh_hant", "description_en",
          "venue_zh_hans", "venue_zh_hant", "venue_en", "organiser_name", "place_id", "capacity",
          "max_group_size", "volunteer_hours")


def _activity(activity_id: int) -> Activity:
    """The activity if the signed-in organiser may act on it; 404 if there is none, 403 (audited) otherwise."""
    activity = db.session.get(Activity, activity_id) or abort(404)
    if not activities.can_organise(current_user, activity):
        deny("activities.refused", activity)
    return activity


@bp.get("/")
@permission_required(ORGANISE)
def index():
    query = select(Activity).order_by(Activity.starts_at.desc(), Activity.id.desc())
    if not organisers.sees_all(current_user):
        query = query.where(organisers.own_activities(current_user))
    return render("admin/participation/activity_index.html", page=paginate(query, PAGE_SIZE),
                  organisation=current_user.organisation, sees_all=organisers.sees_all(current_user))


def _form(activity: Activity | None = None) -> ActivityForm:
    """The activity form as this organiser may fill it: the office chooses a bureau or a registered organisation;
    a bureau's editor runs it for their bureau, an organisation's organiser for their organisation (the field is
    not shown)."""
    data = None
    if activity is not None and request.method == "GET":
        zone = site_zone()
        data = {name: getattr(activity, name) for name in FIELDS}
        data["kind"] = activity.kind.value
        data["bureau_id"] = activity.bureau_id or 0
        data["organisation_id"] = activity.organisation_id or 0
        for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
            data[name] = getattr(activity, name).astimezone(zone).replace(tzinfo=None)
    form = ActivityForm(data=data)
    form.place_id.choices = [(d.id, d.name) for d in districts(db.session)]
    if current_user.organisation_id is not None:
        del form.bureau_id, form.organisation_id, form.organiser_name
    elif organisers.sees_all(current_user):
        form.bureau_id.choices = choices([(0, _l("— none: a registered organisation runs it —"))]
                                         + [(b.id, b.name) for b in bureaus(db.session)])
        form.organisation_id.choices = choices([(0, _l("— none: the bureau runs it —"))] + [
            (o.id, o.name) for o in organisations.all_organisations(db.session)
            if not o.suspended or (activity is not None and o.id == activity.organisation_id)])
    else:
        own = db.session.get(Bureau, current_user.bureau_id)
        form.bureau_id.choices = [(own.id, own.name)] if own is not None else []
        del form.organisation_id
    return form


def _runner(form: ActivityForm) -> tuple[int | None, int | None]:
    """(bureau id, organisation id) the form gives, an organisation's organiser's own organisation."""
    if current_user.organisation_id is not None:
        return None, current_user.organisation_id
    organisation = getattr(form, "organisation_id", None)
    return form.bureau_id.data or None, (organisation.data or None) if organisation is not None else None


def _input(form: ActivityForm) -> activities.ActivityInput:
    bureau_id, organisation_id = _runner(form)
    partner = getattr(form, "organiser_name", None)
    return activities.ActivityInput(
        kind=form.kind.data, title_zh_hans=form.title_zh_hans.data, title_zh_hant=form.title_zh_hant.data or "",
        title_en=form.title_en.data or "", description_zh_hans=form.description_zh_hans.data or "",
        description_zh_hant=form.description_zh_hant.data or "", description_en=form.description_en.data or "",
        venue_zh_hans=form.venue_zh_hans.data, venue_zh_hant=form.venue_zh_hant.data or "",
        venue_en=form.venue_en.data or "", organiser_name=(partner.data or "") if partner is not None else "",
        bureau_id=bureau_id, organisation_id=organisation_id, place_id=form.place_id.data,
        starts_at=from_local_input(form.starts_at.data), ends_at=from_local_input(form.ends_at.data),
        signup_opens_at=from_local_input(form.signup_opens_at.data),
        signup_closes_at=from_local_input(form.signup_closes_at.data), capacity=form.capacity.data,
        max_group_size=form.max_group_size.data, volunteer_hours=form.volunteer_hours.data)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(ORGANISE)
def new():
    form = _form()
    return form_page(form, "admin/participation/activity_form.html",
                     lambda: activities.create_activity(db.session, current_user, _input(form)),
                     success=lambda activity: _("Draft “%(title)s” saved.", title=activity.title_zh_hans),
                     then=url_for(".index"), activity=None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@permission_required(ORGANISE)
def edit(activity_id: int):
    activity = _activity(activity_id)
    form = _form(activity)
    return form_page(form, "admin/participation/activity_form.html",
                     lambda: activities.update_activity(db.session, current_user, activity, _input(form)),
                     success=lambda saved: _("“%(title)s” saved.", title=saved.title_zh_hans),
                     then=url_for(".detail", activity_id=activity.id), activity=activity)


def _detail_page(activity: Activity, *, cancel_form=None, photo_form=None, status: int = 200):
    photos = list(db.session.scalars(select(ActivityPhoto).where(ActivityPhoto.activity_id == activity.id)
                                     .order_by(ActivityPhoto.id)))
    return render("admin/participation/activity_detail.html", activity=activity, photos=photos,
                  confirm=ConfirmForm(), cancel_form=cancel_form or CancelForm(formdata=None),
                  photo_form=photo_form or PhotoForm(formdata=None), status=status)


@bp.get("/<int:activity_id>")
@permission_required(ORGANISE)
def detail(activity_id: int):
    return _detail_page(_activity(activity_id))


@bp.post("/<int:activity_id>/publish")
@permission_required(ORGANISE)
def publish(activity_id: int):
    activity = _activity(activity_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: activities.publish_activity(db.session, current_user, activity),
               success=_("The activity is published."), then=url_for(".detail", activity_id=activity_id),
               refused=lambda error: _detail_page(db.session.get(Activity, activity_id), status=422),
               subject=activity)


@bp.post("/<int:activity_id>/cancel")
@permission_required(ORGANISE)
def cancel(activity_id: int):
    activity = _activity(activity_id)
    form = CancelForm()
    refused = lambda error=None: _detail_page(db.session.get(Activity, activity_id), cancel_form=form,  # noqa: E731
                                              status=422)
    if not form.validate_on_submit():
        return refused()
    return act(lambda: activities.cancel_activity(db.session, current_user, activity, form.reason.data),
               success=_("The activity is cancelled; the people who signed up see the reason."),
               then=url_for(".detail", activity_id=activity_id), refused=refused, form=form, subject=activity,
               summary=True)


@bp.route("/<int:activity_id>/close", methods=["GET", "POST"])
@permission_required(ORGANISE)
def close(activity_id: int):
    activity = _activity(activity_id)
    suggested = activities.attendance_suggestion(db.session, activity)
    form = CloseForm(data={"attendance": suggested} if request.method == "GET" else None)
    return form_page(form, "admin/participation/activity_close.html",
                     lambda: activities.close_activity(
                         db.session, current_user, activity, attendance=form.attendance.data,
                         summary_zh_hans=form.summary_zh_hans.data, summary_zh_hant=form.summary_zh_hant.data or "",
                         summary_en=form.summary_en.data or ""),
                     success=lambda closed: _("The activity is closed and its record published."),
                     then=url_for(".detail", activity_id=activity_id), activity=activity, suggested=suggested)


@bp.post("/<int:activity_id>/photos")
@permission_required(ORGANISE)
def add_photo(activity_id: int):
    activity = _activity(activity_id)
    form = PhotoForm()
    refused = lambda error=None: _detail_page(db.session.get(Activity, activity_id), photo_form=form,  # noqa: E731
                                              status=422)
    if not form.validate_on_submit():
        return refused()
    upload = form.photo.data
    data, name = (upload.read(), upload.filename or "") if upload else (b"", "")
    return act(lambda: activities.add_photo(db.session, current_user, activity, data, name, photo_dir(),
                                            caption=form.caption.data or "", max_bytes=MAX_PHOTO_BYTES),
               success=_("Photo added. It is public only once cleared."),
               then=url_for(".detail", activity_id=activity_id), refused=refused, form=form, subject=activity,
               summary=True)


@bp.post("/photos/<int:photo_id>/<any(clear, withdraw):choice>")
@permission_required(ORGANISE)
def clear_photo(photo_id: int, choice: str):
    photo = db.session.get(ActivityPhoto, photo_id) or abort(404)
    activity = _activity(photo.activity_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: activities.clear_photo(db.session, current_user, photo, choice == "clear"),
               success=_("Photo cleared for the public.") if choice == "clear" else _("Photo withdrawn."),
               then=url_for(".detail", activity_id=activity.id),
               refused=lambda error: _detail_page(activity, status=422), subject=activity)


ROW = "admin/participation/activity_check_in_row.html"


def _undo_form(registration: Registration, formdata=None) -> UndoCheckInForm:
    return UndoCheckInForm(formdata=formdata, prefix=f"u{registration.id}")


def _check_in_page(activity: Activity, code_form: CodeForm | None = None, status: int = 200, *,
                   undo_forms: dict | None = None):
    people = activities.confirmed_people(db.session, current_user, activity)
    db.session.commit()  # the look at the people's names and phones is recorded even if nothing else is done
    undo_forms = {person.id: (undo_forms or {}).get(person.id) or _undo_form(person) for person in people
                  if person.state == RegistrationState.ATTENDED}
    return render("admin/participation/activity_check_in.html", activity=activity, people=people,
                  confirm=ConfirmForm(), code_form=code_form or CodeForm(formdata=None), undo_forms=undo_forms,
                  status=status)


def _row(person: Registration, activity: Activity, undo: UndoCheckInForm | None = None, status: int = 200):
    """One person's row of the check-in list, replacing itself after an htmx post."""
    return render(ROW, ROW, person=person, activity=activity, confirm=ConfirmForm(),
                  undo=undo or _undo_form(person), status=status)


@bp.get("/<int:activity_id>/check-in")
@permission_required(ORGANISE)
def check_in(activity_id: int):
    """The people with a place, to check in at the door (names and phones: the look is audited)."""
    return _check_in_page(_activity(activity_id))


def _registration_of(activity: Activity, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity.id:
        abort(404)
    return registration


@bp.post("/<int:activity_id>/check-in/<int:registration_id>")
@permission_required(ORGANISE)
def check_in_one(activity_id: int, registration_id: int):
    """Mark one person as come: with htmx the row is swapped, without it the page comes back."""
    activity = _activity(activity_id)
    registration = _registration_of(activity, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: activities.check_in(db.session, current_user, registration),
               success=_("Checked in."), then=url_for(".check_in", activity_id=activity_id),
               refused=lambda error: _check_in_page(activity, status=422), subject=activity,
               fragment=lambda row: _row(row, activity))


@bp.post("/<int:activity_id>/check-in/<int:registration_id>/undo")
@permission_required(ORGANISE)
def undo_check_in(activity_id: int, registration_id: int):
    """Take back a check-in (audited; hours confirmed for the person go, with a reason): with htmx the row is
    swapped, without it the page comes back."""
    activity = _activity(activity_id)
    registration = _registration_of(activity, registration_id)
    form = _undo_form(registration, request.form)
    if not form.validate() and form.csrf_token.errors:
        abort(400)

    def run():
        if form.errors:
            raise activities.ActivityError(_("Check the reason and try again."))
        return activities.undo_check_in(db.session, current_user, registration, reason=form.reason.data or "")

    def refused(error):
        again = db.session.get(Registration, registration_id)
        if is_partial_request():
            return _row(again, again.activity, form, status=422)
        return _check_in_page(db.session.get(Activity, activity_id), status=422, undo_forms={registration_id: form})

    return act(run, success=_("The check-in is taken back."),
               then=url_for(".check_in", activity_id=activity_id) + f"#person-{registration_id}",
               refused=refused, form=form, summary=True, subject=activity,
               fragment=lambda row: _row(row, activity))


@bp.post("/<int:activity_id>/check-in/code")
@permission_required(ORGANISE)
def check_in_by_code(activity_id: int):
    """Check in by the personal code (typed, or read from the QR code the person shows)."""
    activity = _activity(activity_id)
    form = CodeForm()
    if not form.validate_on_submit():
        return _check_in_page(activity, form, 422)
    code = form.code.data.rsplit("/", 1)[-1]  # a scanned QR code gives the code page's address

    def run():
        registration = activities.find_registration(db.session, codes.normalise(code), secret())
        if registration is None or registration.activity_id != activity.id:
            raise activities.ActivityError(_("No sign-up for this activity has this code."), field="code")
        return activities.check_in(db.session, current_user, registration)
    return act(run, success=_("Checked in."), then=url_for(".check_in", activity_id=activity_id),
               refused=lambda error: _check_in_page(activity, form, 422), form=form, subject=activity)
