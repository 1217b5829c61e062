"""Public pages of facility open days: the facilities with their next open days and places left, a facility with
its slots and visits, booking a slot, and the booking's own page reached by posting its personal code (a code
never travels in an address, so it stays out of logs and browser history)."""
from flask import Blueprint, abort, current_app, flash, redirect, request, session as cookie_session, url_for
from flask_babel import gettext as _

from app.db_types import utcnow
from app.errors import ActionRefused
from app.extensions import db, limiter
from app.i18n import local_today
from app.org.queries import districts
from app.participation import open_days
from app.participation.models import Facility, FacilityKind, VisitSlot
from app.participation.open_day_forms import BookingForm, CodeForm
from app.web import once
from app.web.actions import show_refusal
from app.web.forms import FIRST_YEAR, LAST_YEAR
from app.web.htmx import render, see_other
from app.web.params import db_int

bp = Blueprint("open_days", __name__, url_prefix="/participation/open-days")
FORM_NAME = "open_days.book"


def _book_rate() -> str:
    return current_app.config["PARTICIPATION_BOOKING_RATE_LIMIT"]


def _lookup_rate() -> str:
    return current_app.config["PARTICIPATION_LOOKUP_RATE_LIMIT"]


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _year() -> int:
    this_year = local_today().year
    year = request.args.get("year", type=db_int) or this_year
    return year if FIRST_YEAR <= year <= LAST_YEAR else this_year


@bp.get("/")
def index():
    """Facilities by district and kind with their next open days and places left, and the yearly table."""
    district_id = request.args.get("district", type=db_int)
    places = districts(db.session)
    if district_id not in {d.id for d in places}:
        district_id = None
    kind_value = request.args.get("kind", "")
    kind = FacilityKind(kind_value) if kind_value in FacilityKind.values() else None
    today, year = local_today(), _year()
    shown = open_days.facilities(db.session, district_id=district_id, kind=kind)
    ids = [f.id for f in shown]
    return render("participation/open_day_index.html", "participation/open_day_list.html",
                  facilities=shown, districts=places, kinds=list(FacilityKind), district_id=district_id,
                  kind=kind, upcoming=open_days.upcoming_slots(db.session, ids, utcnow(),
                                                               days=open_days.UPCOMING_DAYS_SHOWN),
                  counts=open_days.open_day_counts(db.session, shown, today.year, today), this_year=today.year,
                  year=year, table=open_days.yearly_table(db.session, year, today))


def _facility_or_404(facility_id: int) -> Facility:
    facility = db.session.get(Facility, facility_id)
    if facility is None or not facility.active:
        abort(404)
    return facility


@bp.get("/<int:facility_id>")
def facility(facility_id: int):
    """A facility, its open days to come with places left, and its open days and visitors by year."""
    found = _facility_or_404(facility_id)
    today = local_today()
    return render("participation/open_day_facility.html", facility=found,
                  slots=open_days.upcoming_slots(db.session, [found.id], utcnow())[found.id],
                  count=open_days.open_day_counts(db.session, [found], today.year, today)[found.id],
                  years=open_days.visits_by_year(db.session, found.id, today), this_year=today.year)


def _other_slots(slot: VisitSlot) -> list[VisitSlot]:
    """Slots of the same facility still with places, offered when the chosen one cannot take the booking."""
    upcoming = open_days.upcoming_slots(db.session, [slot.facility_id], utcnow())[slot.facility_id]
    return [s for s in upcoming if s.id != slot.id and not s.cancelled and s.places_left > 0][:6]


@bp.route("/slots/<int:slot_id>/book", methods=["GET", "POST"])
@limiter.limit(_book_rate, methods=["POST"])
def book(slot_id: int):
    """The booking form of one slot: a group or a person, the contact, the number of people."""
    slot = db.session.get(VisitSlot, slot_id)
    if slot is None or not slot.facility.active:
        abort(404)
    form = BookingForm()
    once.token()
    if (earlier := once.repeated(db.session, FORM_NAME)) is not None:  # a double click: the first booking's page
        return _show_code(earlier)
    if request.method == "POST" and form.validate():
        data = form.data_for_service()

        def make():
            _booking, code = open_days.book_slot(db.session, slot.id, data, _key())
            return code
        try:
            return once.create(db.session, FORM_NAME, make, _show_code)
        except ActionRefused as error:
            db.session.rollback()
            show_refusal(error, form, summary=True)
            slot = db.session.get(VisitSlot, slot_id)
    return _book_page(slot, form, 422 if request.method == "POST" else 200)


def _book_page(slot: VisitSlot, form: BookingForm, status: int):
    now = utcnow()
    closed = (_("This time slot has been cancelled: choose another one.") if slot.cancelled
              else _("This time slot has already started or is over: choose a later one.") if slot.starts_at <= now
              else _("This time slot is full. Choose another slot below.") if slot.places_left == 0 else None)
    return render("participation/open_day_book.html", slot=slot, facility=slot.facility, form=form,
                  closed=closed, others=_other_slots(slot), status=status)


def _show_code(code: str | None):
    if code is None:  # the first post of this form failed after all: start afresh
        return see_other(url_for(".index"))
    cookie_session["new_booking_code"] = code  # shown once on the next page, then forgotten
    return see_other(url_for(".booked"))


@bp.get("/booked")
def booked():
    """The personal code, this once, with what was booked."""
    code = cookie_session.pop("new_booking_code", None)
    booking = open_days.find_booking(db.session, code, _key()) if code else None
    if booking is None:
        return redirect(url_for(".my_booking"))
    return render("participation/open_day_booked.html", code=code, booking=booking, slot=booking.slot)


@bp.route("/my-booking", methods=["GET", "POST"])
@limiter.limit(_lookup_rate, methods=["POST"])
def my_booking():
    """Type the personal code (posted, never in the address) to see the booking and cancel it."""
    form = CodeForm()
    shown = cookie_session.pop("open_booking_code", None) if request.method == "GET" else None
    if shown and (booking := open_days.find_booking(db.session, shown, _key())) is not None:
        return _booking_page(booking, shown, CodeForm(formdata=None, code=shown))
    if request.method == "POST" and form.validate():
        booking = open_days.find_booking(db.session, form.code.data, _key())
        if booking is not None:
            return _booking_page(booking, form.code.data, CodeForm(formdata=None, code=form.code.data))
        form.code.errors = [_("No booking has this code. Check it and try again.")]
    return render("participation/open_day_lookup.html", form=form,
                  status=422 if request.method == "POST" else 200)


def _booking_page(booking, code: str, cancel_form: CodeForm, status: int = 200):
    """The booking's page; when the facility cancelled its slot, the slots still to come with places to rebook."""
    others = _other_slots(booking.slot) if booking.slot.cancelled and booking.slot.facility.active else []
    return render("participation/open_day_booking.html", booking=booking, slot=booking.slot,
                  facility=booking.slot.facility, code=code, cancel_form=cancel_form, now=utcnow(), others=others,
                  status=status)


@bp.post("/my-booking/cancel")
@limiter.limit(_lookup_rate)
def cancel():
    """Cancel the booking whose code is posted; the places go back to the slot."""
    form = CodeForm()
    booking = open_days.find_booking(db.session, form.code.data, _key()) if form.validate() else None
    if booking is None:
        if not form.code.errors:
            form.code.errors = [_("No booking has this code. Check it and try again.")]
        return render("participation/open_day_lookup.html", form=form, status=422)
    try:
        open_days.cancel_booking(db.session, booking)
    except ActionRefused as error:
        db.session.rollback()
        show_refusal(error, form, summary=True)
        booking = open_days.find_booking(db.session, form.code.data, _key())
        return _booking_page(booking, form.code.data, form, 422)
    db.session.commit()
    flash(_("Your booking is cancelled and its places are free for others."), "success")
    cookie_session["open_booking_code"] = form.code.data  # the booking's page once more, without the code in the URL
    return see_other(url_for(".my_booking"))
