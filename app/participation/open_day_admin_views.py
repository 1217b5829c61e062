"""Back office of facility open days: facilities, open days with their slots, cancelling a slot, the day-before
call list with contact phones (each look audited), and the visit record. Bureau editors organise their own
bureau's facilities, the office every bureau's; every object is checked on the server."""
from datetime import date

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.permissions import Permission
from app.admin.pages import form_page
from app.db_types import utcnow
from app.extensions import db
from app.i18n import local_today, site_zone
from app.org.queries import bureaus, districts
from app.participation import open_days
from app.participation.models import Booking, BookingState, Facility, VisitSlot
from app.participation.open_day_forms import FacilityForm, OpenDayForm, VisitForm
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm, choices
from app.web.htmx import render, see_other

bp = Blueprint("open_days_admin", __name__, url_prefix="/admin/participation/open-days")
DENIED = "participation.open_days.denied"


def _facility(facility_id: int) -> Facility:
    """The facility, or 404; another bureau's is refused (403, audited)."""
    found = db.session.get(Facility, facility_id) or abort(404)
    if not open_days.can_organise(current_user, found):
        deny(DENIED, found)
    return found


def _slot(slot_id: int) -> VisitSlot:
    found = db.session.get(VisitSlot, slot_id) or abort(404)
    if not open_days.can_organise(current_user, found):
        deny(DENIED, found)
    return found


@bp.get("/")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def index():
    """The facilities the user organises, with this year's open days against the minimum (short ones marked)."""
    today = local_today()
    every = open_days.sees_every_bureau(current_user)
    # A bureau editor sees only their bureau's facilities (bureau_id -1 matches none, should one have no bureau).
    shown = open_days.facilities(db.session, bureau_id=None if every else (current_user.bureau_id or -1),
                                 active_only=False)
    return render("admin/participation/open_day_index.html", facilities=shown, year=today.year,
                  counts=open_days.open_day_counts(db.session, shown, today.year, today),
                  tomorrow=open_days.next_day(today))


def _facility_form(found: Facility | None = None):
    form = FacilityForm(obj=found)
    form.place_id.choices = choices([(p.id, p.name) for p in districts(db.session, include_inactive=True)])
    form.bureau_id.choices = choices([(b.id, b.name) for b in bureaus(db.session)
                                      if open_days.can_organise(current_user, b.id)])
    if found is None and request.method == "GET" and not open_days.sees_every_bureau(current_user):
        form.bureau_id.data = current_user.bureau_id

    def save():
        data = form.data_for_service()
        if found is None:
            return open_days.create_facility(db.session, current_user, data)
        return open_days.update_facility(db.session, current_user, found, data)

    return form_page(form, "admin/participation/open_day_facility_form.html", save,
                     success=lambda saved: _("%(name)s is saved.", name=saved.name), then=url_for(".index"),
                     facility=found, heading=found.name if found else _("New facility open to the public"))


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.PARTICIPATION_ORGANISE)
def new():
    return _facility_form()


@bp.route("/<int:facility_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.PARTICIPATION_ORGANISE)
def edit(facility_id: int):
    return _facility_form(_facility(facility_id))


@bp.post("/<int:facility_id>/deactivate")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def deactivate(facility_id: int):
    found = _facility(facility_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    page = url_for(".detail", facility_id=found.id)
    return act(lambda: open_days.deactivate_facility(db.session, current_user, found),
               success=_("%(name)s is inactive: it is no longer shown to the public; its figures are kept.",
                         name=found.name),
               then=page, refused=lambda error: see_other(page), subject=found, audit_as=DENIED)


@bp.get("/<int:facility_id>")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def detail(facility_id: int):
    """A facility's open days of this year on, slot by slot: places taken, cancel, record the visit."""
    found = _facility(facility_id)
    today = local_today()
    return render("admin/participation/open_day_facility.html", facility=found,
                  slots=open_days.slots_of(db.session, found, since=date(today.year, 1, 1)),
                  count=open_days.open_day_counts(db.session, [found], today.year, today)[found.id],
                  year=today.year, confirm=ConfirmForm(), now=utcnow())


@bp.route("/<int:facility_id>/days/new", methods=["GET", "POST"])
@permission_required(Permission.PARTICIPATION_ORGANISE)
def new_day(facility_id: int):
    """An open day with several slots at once (rows left blank are skipped)."""
    found = _facility(facility_id)
    form = OpenDayForm()
    return form_page(form, "admin/participation/open_day_day_form.html",
                     lambda: open_days.add_open_day(db.session, current_user, found, form.day.data,
                                                    form.slot_inputs(), site_zone(), today=local_today()),
                     success=lambda made: ngettext("The open day is added with %(num)d slot.",
                                                   "The open day is added with %(num)d slots.", len(made)),
                     then=url_for(".detail", facility_id=found.id), facility=found)


@bp.post("/slots/<int:slot_id>/cancel")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def cancel_slot(slot_id: int):
    found = _slot(slot_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    page = url_for(".detail", facility_id=found.facility_id)
    return act(lambda: open_days.cancel_slot(db.session, current_user, found),
               success=_("The slot is cancelled; people who booked it see this on their booking page."),
               then=page, refused=lambda error: see_other(page), subject=found, audit_as=DENIED)


@bp.route("/slots/<int:slot_id>/visit", methods=["GET", "POST"])
@permission_required(Permission.PARTICIPATION_ORGANISE)
def visit(slot_id: int):
    """After the slot: visitors who came, and each booking visited or not (bookings shown by number and size)."""
    found = _slot(slot_id)
    form = VisitForm(obj=found)
    booked = open_days.bookings_of(db.session, found)
    outcomes = {b.id: request.form.get(f"booking-{b.id}") == "visited" for b in booked
                if request.form.get(f"booking-{b.id}") in ("visited", "no_show")}
    return form_page(form, "admin/participation/open_day_visit.html",
                     lambda: open_days.record_visit(db.session, current_user, found, form.visitors.data, outcomes),
                     success=lambda slot: _("The visit is recorded: %(count)d visitors.", count=slot.visitors),
                     then=url_for(".detail", facility_id=found.facility_id), slot=found, bookings=booked,
                     states=BookingState)


def _day_arg() -> date:
    try:
        return date.fromisoformat(request.args.get("day", "")[:10])
    except ValueError:
        return open_days.next_day(local_today())


@bp.get("/reminders")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def reminders():
    """The call list for a day (tomorrow by default): contacts and phones of the bookings, each look audited."""
    day = _day_arg()
    rows = open_days.call_list(db.session, current_user, day)
    db.session.commit()  # the looks are audited even if nobody is marked reminded
    return render("admin/participation/open_day_reminders.html", day=day, rows=rows, confirm=ConfirmForm())


@bp.post("/bookings/<int:booking_id>/reminded")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def reminded(booking_id: int):
    booking = db.session.get(Booking, booking_id) or abort(404)
    if not open_days.can_organise(current_user, booking):
        deny(DENIED, booking)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    page = url_for(".reminders", day=booking.slot.day.isoformat())
    return act(lambda: open_days.mark_reminded(db.session, current_user, booking),
               success=_("Marked as reminded."), then=page, refused=lambda error: see_other(page),
               subject=booking, audit_as=DENIED)
