"""CSV and XLSX downloads of the filtered public ledger, streamed: the tasks are read in batches, the XLSX written by
openpyxl's write-only mode to a temporary file that is then sent in chunks (memory stays flat at any size)."""
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context
from flask_babel import gettext as _

from app.i18n import site_zone
from app.rectification import public
from app.rectification.models import RectificationTask
from app.rectification.status import task_status
from app.web import exports
from app.web.urls import public_url


def header() -> list[str]:
    return [_("Code"), _("Source reference"), _("Inspection round"), _("Batch"), _("Problem"), _("Target"),
            _("Measures"), _("District"), _("Lead unit"), _("Responsible units as listed"), _("Deadline as listed"),
            _("Deadline date"), _("Long-term"), _("Status"), _("Stage"), _("Progress reported"),
            _("Last report period end"), _("Notice from"), _("Notice to"), _("Closed on"), _("Page")]


def row(task: RectificationTask, today: date) -> list:
    """One task as the download shows it (texts in the reader's language where staff stored one)."""
    status = task_status(task.state, task.progress, task.due_on, task.long_term, today)
    return [task.code, task.source_ref, task.round.title, task.round.batch, task.problem, task.target, task.measures,
            task.place.name, task.lead_bureau.name, task.responsible_text, task.deadline_text, task.due_on,
            _("yes") if task.long_term else "", str(status.title), str(task.state.title),
            str(task.progress.title) if task.progress else "", task.last_report_on, task.notice_starts_on,
            task.notice_ends_on, task.closed_at.astimezone(site_zone()).date() if task.closed_at else None,
            public_url("rectification.task", code=task.code)]


def _cells(values: Iterable) -> list:
    return [value.isoformat() if isinstance(value, date) else value for value in values]


def _rows(session, filters: public.Filters, today: date) -> Iterator[list]:
    for task in public.export_rows(session, filters, today):
        yield _cells(row(task, today))


def _xlsx_chunks(rows: Iterator[list], chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    workbook = exports.write_only_workbook()
    sheet = workbook.create_sheet(_("Ledger")[:31])
    exports.append(sheet, header())
    for values in rows:
        exports.append(sheet, values)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as stream:
            while chunk := stream.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)


def download(session, filters: public.Filters, today: date, fmt: str) -> Response:
    """The filtered ledger as a streamed CSV (UTF-8 with BOM) or XLSX file."""
    rows = _rows(session, filters, today)
    if fmt == "csv":
        body, content_type = exports.csv_chunks(chain_header(rows)), exports.CSV_CONTENT_TYPE
    else:
        body, content_type = _xlsx_chunks(rows), exports.XLSX_MIMETYPE
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(["rectification-ledger", *filters.args().values(),
                                                      today.isoformat()]))
    return Response(stream_with_context(body), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
                             "Cache-Control": "no-store"})


def chain_header(rows: Iterator[list]) -> Iterator[list]:
    yield header()
    yield from rows
