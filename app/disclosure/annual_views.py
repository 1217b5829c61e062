"""The yearly disclosure work report as a public page and as an XLSX a bureau can edit and file."""
from io import BytesIO

from flask import Blueprint, abort, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_babel import pgettext

from app.db_types import utcnow
from app.disclosure import report_template as template
from app.disclosure.annual_report import annual_report
from app.disclosure.workflow import ReplyType
from app.extensions import db
from app.i18n import local_today, site_zone
from app.web import exports
from app.web.exports import Percent
from app.web.text import xml_safe
from app.web.htmx import render
from app.workdays.models import overrides

bp = Blueprint("annual_report", __name__, url_prefix="/disclosure/annual-report")
FIRST_YEAR = 2000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(year: int):
    today = local_today()
    if not FIRST_YEAR <= year <= today.year:
        abort(404)
    return annual_report(db.session, year, now=utcnow(), today=today, zone=site_zone(), overrides=overrides(db.session))


@bp.get("/")
def latest():
    """The last complete year's report."""
    return redirect(url_for(".page", year=local_today().year - 1))


@bp.get("/<int:year>")
def page(year: int):
    return render("disclosure/annual_report.html", report=_report(year), reply_types=list(ReplyType),
                  years=range(local_today().year, FIRST_YEAR - 1, -1)[:6], layout=template.table3_layout(),
                  labels=template.labels(), kinds=list(template.OrganisationKind),
                  appeal_kinds=list(template.AppealKind), appeal_columns=template.appeal_columns())


def _percent(value):
    return Percent(value) if value is not None else "–"


@bp.get("/<int:year>.xlsx")
def workbook(year: int):
    """One sheet with the report's figures, section by section, in the reader's language."""
    report = _report(year)
    requests, catalogue = report.requests, report.catalogue
    rows = [[_("Notices published proactively"), row.category.name, row.published, row.corrected, row.withdrawn]
            for row in report.categories]
    rows.append([_("Notices published proactively"), _("Total"), report.totals.published, report.totals.corrected,
                 report.totals.withdrawn])
    rows += [[_("Disclosure catalogue"), label, value, "", ""] for label, value in (
        (pgettext("count", "Due"), catalogue.due), (_("Published on time"), catalogue.on_time),
        (_("Published late"), catalogue.late),
        (_("Overdue, not published"), catalogue.missing), (_("Published on time (rate)"), _percent(catalogue.rate)))]
    rows += [[_("Requests for disclosure"), label, value, "", ""] for label, value in (
        (_("Carried over from the previous year"), requests.carried_from_previous),
        (pgettext("count", "Received"), requests.received), (_("Answered"), requests.answered),
        *((str(reply.title), requests.by_reply_type.get(reply, 0)) for reply in ReplyType),
        (_("of which partly disclosed"), requests.partly_disclosed),
        (_("Withdrawn by the applicant"), requests.withdrawn),
        (_("Redirected to the pollution tip channel"), requests.redirected),
        (_("Closed when the application was not completed"), requests.abandoned),
        (_("Carried over to the next year"), requests.carried_to_next),
        (_("Answered on time (rate)"), _percent(requests.on_time_rate)),
        (_("Average working days to answer"),
         requests.average_working_days if requests.average_working_days is not None else "–"))]
    book = exports.write_only_workbook()
    summary = book.create_sheet(xml_safe(_("Disclosure work report %(year)d", year=year))[:31])
    for row in [[_("Section"), _("Item"), _("Number"), _("Corrected"), _("Withdrawn")], *rows]:
        exports.append(summary, row)
    _template_sheets(book, report.table)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"disclosure-annual-report-{year}.xlsx")


def _template_sheets(book, table) -> None:
    """Tables 三 and 四 of the template, labels in the template's order (three label columns, then the seven
    applicant columns; table 四 as its three header rows over the one row of fifteen numbers)."""
    labels = {key: str(value) for key, value in template.labels().items()}
    sheet = book.create_sheet(xml_safe(_("Table 3 applications"))[:31])
    exports.append(sheet, [labels["balance_note"], "", "", labels["applicants"]])
    exports.append(sheet, ["", "", "", labels["citizen"], labels["organisations"], "", "", "", "", labels["total"]])
    exports.append(sheet, ["", "", "", "", *(str(kind.title) for kind in template.OrganisationKind), ""])
    for level1, level2, level3, key in template.table3_rows():
        exports.append(sheet, [str(level1), str(level2), str(level3), *table.row(key)])
    sheet = book.create_sheet(xml_safe(_("Table 4 reviews and lawsuits"))[:31])
    exports.append(sheet, [labels["review"], "", "", "", "", labels["litigation"]])
    exports.append(sheet, ["", "", "", "", "", labels["lawsuit_direct"], "", "", "", "",
                           labels["lawsuit_after_review"]])
    exports.append(sheet, [str(title) for _kind in template.AppealKind for title in template.appeal_columns()])
    exports.append(sheet, table.appeal_row())
