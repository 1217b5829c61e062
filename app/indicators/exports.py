"""CSV and XLSX downloads of the public indicator tables (openpyxl's write-only mode keeps memory flat)."""
import csv
import io

from flask import Response
from flask_babel import gettext as _

from app.indicators import wording, xlsx
from app.indicators.judging import STATUS_TITLES

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(name: str, header: list[str], rows: list[list], fmt: str) -> Response:
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that spreadsheet programs read the Chinese text as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        body, mimetype = buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    else:
        body, mimetype = xlsx.write_rows(name[:31], header, rows), XLSX_MIMETYPE
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def overview(result, place, indicators, fmt: str) -> Response:
    header = [_("No."), _("Indicator"), _("Domain"), _("Property"), _("Sub-indicator"), _("Unit"), _("Target"),
              _("Value"), _("Status"), _("Gap"), _("Lead bureau")]
    rows = []
    for indicator in indicators:
        status = result.status(indicator, place)
        for measure, evaluation in status.measures:
            rows.append([
                indicator.code, str(wording.stored(indicator)), str(wording.stored(indicator.task_group.domain)),
                str(indicator.property_enum.title) if indicator.property_enum else "", str(wording.stored(measure)),
                str(wording.unit(measure.unit)), str(wording.target(measure)),
                str(wording.value(result.value(measure, place), measure)), str(STATUS_TITLES[evaluation.status]),
                evaluation.gap if evaluation.gap is not None else "",
                str(wording.stored(indicator.lead_bureau)) if indicator.lead_bureau else ""])
    return _download(f"indicators-{place.code}-{result.period}", header, rows, fmt)


def districts(rows, period: str, fmt: str) -> Response:
    header = [_("Rank"), _("District"), _("Met"), _("Applicable"), _("Compliance rate"), _("Failing indicators")]
    data = [[row["rank"] or "—", str(wording.stored(row["place"])), row["met"], row["applicable"],
             round(row["rate"] * 100, 1) if row["rate"] is not None else "—",
             _(", ").join(f"{i.code} {wording.stored(i)}" for i in row["failing"])] for row in rows]
    return _download(f"district-compliance-{period}", header, data, fmt)
