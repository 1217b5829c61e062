"""The office's monthly report on the ledger, as a page and as a Word document."""
from flask import Blueprint, Response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.permissions import Permission
from app.extensions import db
from app.i18n import local_today
from app.rectification import monthly
from app.rectification.models import InspectionRound
from app.rectification.months import month_of, parse_month
from app.rectification.report_forms import MonthlyForm
from app.web.auth import permission_required
from app.web.forms import choices
from app.web.htmx import render

bp = Blueprint("rectification_monthly", __name__, url_prefix="/admin/rectification")
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _chosen() -> tuple[MonthlyForm, monthly.MonthlyReport | None]:
    """The form as asked (this month by default) and its report; None with the form's message when the month is
    not one (422)."""
    today = local_today()
    form = MonthlyForm(request.args, month=month_of(today))
    rounds = db.session.scalars(select(InspectionRound).order_by(InspectionRound.feedback_on.desc(),
                                                                 InspectionRound.id.desc()))
    form.round.choices = choices([(0, _l("All rounds"))] + [(r.id, f"{r.code} · {r.title}") for r in rounds])
    if not form.validate():
        if form.round.errors:  # a round that is gone or never was: all rounds
            form.round.errors, form.round.data = [], 0
        if form.month.errors:
            return form, None
    month = parse_month(form.month.data)
    if month is None:
        form.month.errors = [_("Give the month as YYYY-MM, for example %(example)s.", example=month_of(today))]
        return form, None
    if month > month_of(today):
        form.month.errors = [_("%(month)s has not begun.", month=month)]
        return form, None
    return form, monthly.build(db.session, month, today, form.round.data or None)


@bp.get("/monthly")
@permission_required(Permission.RECTIFICATION_MANAGE)
def page():
    """Progress by lead unit and by district in a month, with the reports due, received and overdue."""
    form, report = _chosen()
    return render("admin/rectification/monthly.html", "admin/rectification/_monthly_figures.html", form=form,
                  report=report, headers=monthly.headers(), status=200 if report is not None else 422,
                  summary=monthly.summary(report) if report else "", basis=monthly.basis(report) if report else "",
                  title=monthly.title(report) if report else _("Monthly progress report"),
                  district_total=monthly.total(_("Total"), report.by_district) if report else None)


@bp.get("/monthly.docx")
@permission_required(Permission.RECTIFICATION_MANAGE)
def document():
    """The same report as an editable Word document, in the reader's language."""
    form, report = _chosen()
    if report is None:
        return page()
    return Response(monthly.docx(report), mimetype=DOCX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="rectification-{report.month}.docx"'})
