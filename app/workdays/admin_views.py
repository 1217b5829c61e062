"""Importing the holiday schedule into the calendar: an admin's CSV file for a new year, or the State Council
notices shipped with the platform. Single days are edited on the calendar page (calendar_admin)."""
from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission
from app.extensions import db
from app.web.auth import permission_required
from app.web.htmx import render, see_other
from app.workdays import schedule, services
from app.workdays.forms import ConfirmForm, ScheduleImportForm

bp = Blueprint("calendar_import", __name__, url_prefix="/admin/calendar/import")
MAX_BYTES = 512 * 1024


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
