"""The organisers' side of volunteering: confirming (and correcting) hours after an activity, and the list of
volunteers with their hours, scoped to the organiser's bureau; a volunteer's phone is an audited look."""
from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission
from app.errors import ActionRefused, NotPermitted
from app.extensions import db
from app.participation import volunteers
from app.participation.models import Activity, Registration
from app.participation.volunteer_forms import HoursForm
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import is_partial_request, render
from app.web.pagination import paginate

bp = Blueprint("volunteers_admin", __name__, url_prefix="/admin/participation/volunteers")

PER_PAGE = 50
ROW = "admin/participation/volunteer_hours_row.html"


@bp.get("/")
@permission_required(Permission.PARTICIPATION_ACTIVITIES)
def index():
    """Volunteers with their hours: all for the office, a bureau's own volunteers and hours for its organisers."""
    page = paginate(volunteers.volunteers_for(db.session, current_user), PER_PAGE)
    return render("admin/participation/volunteer_list.html", page=page, confirm=ConfirmForm(),
                  sees_all=volunteers.sees_all(current_user), format_hours=volunteers.format_hours)


@bp.post("/<int:volunteer_id>/phone")
@permission_required(Permission.PARTICIPATION_ACTIVITIES)
def reveal_phone(volunteer_id: int):
    """Show one volunteer's phone number on this response only; the look is audited."""
    if db.session.get(volunteers.Volunteer, volunteer_id) is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        volunteer = volunteers.visible_volunteer(db.session, current_user, volunteer_id) or abort(404)
        contact = volunteers.reveal_phone(db.session, current_user, volunteer)
    except NotPermitted:
        db.session.rollback()
        deny("participation.volunteers_refused", db.session.get(volunteers.Volunteer, volunteer_id))
    db.session.commit()
    return render("admin/participation/volunteer_phone.html", "admin/participation/volunteer_phone.html",
                  volunteer=volunteer, contact=contact)


def _activity(activity_id: int) -> Activity:
    return db.session.get(Activity, activity_id) or abort(404)


def _row_form(registration: Registration, formdata=None) -> HoursForm:
    hours = registration.hours if registration.hours is not None else volunteers.default_hours(registration.activity)
    return HoursForm(formdata=formdata, prefix=f"r{registration.id}", data={"hours": hours})


@bp.get("/activities/<int:activity_id>")
@permission_required(Permission.PARTICIPATION_ACTIVITIES)
def activity(activity_id: int):
    """The attended volunteers of one activity with an hours form each (names for its organisers only, audited)."""
    found = _activity(activity_id)
    try:
        rows = volunteers.attended_volunteers(db.session, current_user, found)
    except NotPermitted:
        db.session.rollback()
        deny("participation.volunteers_refused", found)
    db.session.commit()
    return _activity_page(found, rows, {})


def _activity_page(found: Activity, rows: list[Registration], forms: dict, status: int = 200):
    forms = {row.id: forms.get(row.id) or _row_form(row) for row in rows}
    return render("admin/participation/volunteer_activity.html", activity=found, rows=rows, forms=forms,
                  limit=volunteers.format_hours(volunteers.max_hours(found)), format_hours=volunteers.format_hours,
                  status=status)


@bp.post("/registrations/<int:registration_id>/hours")
@permission_required(Permission.PARTICIPATION_ACTIVITIES)
def confirm_hours(registration_id: int):
    """Confirm or correct one volunteer's hours: the row again for htmx, else back to the activity's page."""
    registration = db.session.get(Registration, registration_id) or abort(404)
    if not volunteers.may_organise(current_user, registration.activity):
        deny("participation.hours_refused", registration)  # before the form: its errors would show the page
    activity_id = registration.activity_id
    form = _row_form(registration, request.form)

    def refused(error: ActionRefused):
        if isinstance(error, NotPermitted):
            abort(403)
        again = db.session.get(Registration, registration_id)
        if is_partial_request():
            return render(ROW, ROW, row=again, form=form, format_hours=volunteers.format_hours, status=422)
        found = _activity(activity_id)
        rows = volunteers.attended_volunteers(db.session, current_user, found)
        db.session.commit()
        return _activity_page(found, rows, {registration_id: form}, status=422)

    def run() -> str:
        if not form.validate():
            raise ActionRefused(_("Check the hours and try again."))
        hours = float(form.hours.data) if form.hours.data is not None else None
        return volunteers.confirm_hours(db.session, current_user, registration, hours, form.reason.data or "")

    messages = {"confirmed": _("Hours confirmed."), "corrected": _("Hours corrected."),
                "unchanged": _("These hours were already confirmed.")}

    def row(_outcome: str):
        fresh = db.session.get(Registration, registration_id)
        return render(ROW, ROW, row=fresh, form=_row_form(fresh), format_hours=volunteers.format_hours)

    return act(run, success=messages.get,
               then=url_for(".activity", activity_id=activity_id) + f"#hours-{registration_id}",
               refused=refused, form=form, summary=True, subject=registration,
               audit_as="participation.hours_refused", fragment=row)
