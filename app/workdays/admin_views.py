"""The holiday calendar's back office: single days edited on the calendar page (calendar_admin), and the holiday
schedule imported (calendar_import): an admin's CSV file for a new year, or the State Council notices shipped
with the platform."""
from datetime import date

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.accounts.permissions import Permission
from app.extensions import db
from app.web.actions import act
from app.web.auth import permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other
from app.web.nav import add_staff
from app.workdays import schedule, services
from app.workdays.forms import CalendarDayForm, ScheduleImportForm
from app.workdays.models import CalendarDay

bp = Blueprint("calendar_import", __name__, url_prefix="/admin/calendar/import")
calendar_bp = Blueprint("calendar_admin", __name__, url_prefix="/admin/calendar")
MAX_BYTES = 512 * 1024


@calendar_bp.route("/", methods=["GET", "POST"], endpoint="index")
@permission_required(Permission.CALENDAR_MANAGE)
def calendar():
    """The holidays and make-up working days entered, and the form that adds or changes one."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            day = date.fromisoformat(form.day.data)
        except ValueError:
            form.day.errors.append(_("Enter the date as YYYY-MM-DD."))
        else:
            return act(lambda: services.set_day(db.session, current_user, day,
                                                is_working_day=form.is_working_day.data == "1",
                                                note=(form.note.data or "").strip()),
                       success=_("Saved."), then=url_for(".index"), refused=lambda error: _calendar_page(form),
                       form=form, summary=True)
    return _calendar_page(form)


def _calendar_page(form: CalendarDayForm):
    days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    return render("admin/calendar.html", form=form, days=days, confirm=ConfirmForm(),
                  status=422 if request.method == "POST" else 200)


@calendar_bp.post("/<day>/delete")
@permission_required(Permission.CALENDAR_MANAGE)
def delete_day(day: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        row = db.session.get(CalendarDay, date.fromisoformat(day))
    except ValueError:
        row = None
    if row is None:
        abort(404)
    return act(lambda: services.remove_day(db.session, current_user, row), success=None, then=url_for(".index"),
               refused=lambda error: _calendar_page(CalendarDayForm(formdata=None)))


def _done(counts: dict) -> None:
    flash(_("Schedule imported: %(added)d days added, %(changed)d changed, %(unchanged)d already as in the file.",
            **counts), "success")


@bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.CALENDAR_MANAGE)
def index():
    """Upload a schedule file (every row is checked; nothing is saved unless the whole file is valid), or load
    the State Council notices shipped with the platform again (admins' other days stay)."""
    if request.method == "POST" and request.form.get("action") == "official":
        return _official()
    form, errors, status = ScheduleImportForm(), [], 200
    if form.is_submitted():
        status = 422
        if form.validate():
            upload = form.file.data
            data = upload.read(MAX_BYTES + 1)
            try:
                if len(data) > MAX_BYTES:
                    raise schedule.ScheduleError([_("The file is larger than %(n)d KB.", n=MAX_BYTES // 1024)])
                days = schedule.parse(data)
            except schedule.ScheduleError as error:
                errors = error.errors
            else:
                counts = services.import_schedule(db.session, current_user, days,
                                                  source=f"upload: {upload.filename or ''}")
                db.session.commit()
                _done(counts)
                return see_other(url_for("calendar_admin.index"))
    return render("admin/calendar_import.html", form=form, errors=errors, confirm=ConfirmForm(),
                  official_years=sorted({d.day.year for d in schedule.official()}), status=status)


def _official():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    counts = services.import_schedule(db.session, current_user, schedule.official(),
                                      source="official: app/workdays/data/holidays-cn.csv")
    db.session.commit()
    _done(counts)
    return see_other(url_for("calendar_admin.index"))


def init_app(app) -> None:
    """The calendar page and its menu entry (the import blueprint, `bp`, is registered by the app itself)."""
    app.register_blueprint(calendar_bp)
    add_staff(app, "calendar_admin.index", _l("Holiday calendar"), Permission.CALENDAR_MANAGE,
              _l("Public holidays and make-up working days used to count deadlines in working days."))
