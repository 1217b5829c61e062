"""A volunteer's own record (public, no password): looked up by phone number and volunteer code, with the
yearly totals and a certificate per year. The signed session remembers the looked-up volunteer for a short
time so the certificate downloads without retyping; the code never appears in an address."""
import time

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _

from app.extensions import db, limiter
from app.i18n import current_locale, local_today
from app.participation import certificates, volunteers
from app.participation.models import Volunteer
from app.participation.volunteer_forms import LookupForm
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other

bp = Blueprint("volunteers", __name__, url_prefix="/participation/volunteers")

SESSION_KEY = "volunteer_record"
REMEMBER_SECONDS = 15 * 60


def _lookup_limit() -> str:
    return current_app.config["PARTICIPATION_LOOKUP_RATE_LIMIT"]


def _remembered() -> Volunteer | None:
    """The volunteer this browser looked up in the last minutes, if any."""
    held = cookie_session.get(SESSION_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("id"), int) or held.get("until", 0) < time.time():
        cookie_session.pop(SESSION_KEY, None)
        return None
    return db.session.get(Volunteer, held["id"])


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"])
def index():
    """The look-up form; a right phone and code pair opens the record."""
    form = LookupForm()
    if not form.validate_on_submit():
        return render("participation/volunteer_lookup.html", form=form,
                      status=422 if request.method == "POST" else 200)
    volunteer = volunteers.find_volunteer(db.session, form.phone.data, form.code.data)
    if volunteer is None:
        # One message whichever half was wrong: the page must not tell whether a phone number has a record.
        form.form_errors.append(_("No volunteer record matches this phone number and volunteer code. Check both "
                                  "and try again."))
        form.code.data = ""
        return render("participation/volunteer_lookup.html", form=form, status=422)
    cookie_session[SESSION_KEY] = {"id": volunteer.id, "until": int(time.time()) + REMEMBER_SECONDS}
    return see_other(url_for(".record"))


@bp.get("/record")
def record():
    """The remembered volunteer's activities with confirmed hours, the yearly totals and the certificates."""
    volunteer = _remembered()
    if volunteer is None:
        flash(_("Enter your phone number and volunteer code to see your record."), "info")
        return redirect(url_for(".index"))
    years = volunteers.service_record(db.session, volunteer.id)
    body, status, headers = render("participation/volunteer_record.html", volunteer=volunteer, years=years,
                                   leave_form=ConfirmForm(), format_hours=volunteers.format_hours,
                                   minutes=REMEMBER_SECONDS // 60)
    # A name on a shared device: the page is not kept in the browser's cache for the back button.
    return body, status, {**headers, "Cache-Control": "no-store"}


@bp.get("/record/<int:year>.<any(docx, pdf):kind>")
def certificate(year: int, kind: str):
    """The certificate of one year's volunteer service, from the site's records: a Word document or a PDF."""
    volunteer = _remembered()
    if volunteer is None:
        flash(_("Enter your phone number and volunteer code to see your record."), "info")
        return redirect(url_for(".index"))
    found = [y for y in volunteers.service_record(db.session, volunteer.id) if y.year == year]
    if not found:
        flash(_("Your record has no confirmed hours in %(year)d.", year=year), "error")
        return redirect(url_for(".record"))
    config, locale = current_app.config, current_locale()
    site = config["SITE_NAMES"].get(locale) or config["SITE_NAME"]
    office = _("%(city)s ecological civilization construction office",
               city=config["CITY_NAMES"].get(locale) or config["CITY_NAME"])
    make, mimetype = ((certificates.certificate_pdf, certificates.PDF_MIMETYPE) if kind == "pdf"
                      else (certificates.certificate_docx, certificates.MIMETYPE))
    body = make(volunteer.name, found[0], office=office, site=site, issued_on=local_today())
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="volunteer-hours-{year}.{kind}"',
        "Cache-Control": "no-store"})


@bp.post("/record/leave")
def leave():
    """Forget the looked-up volunteer in this browser (a shared phone or computer)."""
    if ConfirmForm().validate_on_submit():
        cookie_session.pop(SESSION_KEY, None)
        flash(_("Your record is closed on this device."), "success")
    return see_other(url_for(".index"))
