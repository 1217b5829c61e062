"""CSV and XLSX downloads of the public indicator tables (openpyxl's write-only mode keeps memory flat)."""
from flask import Response
from flask_babel import gettext as _

from app.indicators.judging import STATUS_TITLES
from app.web import exports

XLSX_MIMETYPE = exports.XLSX_MIMETYPE


def _download(name: str, header: list[str], rows: list[list], fmt: str) -> Response:
    if fmt == "csv":
        body, content_type = exports.csv_bytes(header, rows), exports.CSV_CONTENT_TYPE
    else:
        body, content_type = exports.xlsx_bytes(name, header, rows), XLSX_MIMETYPE
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _value_text(value):
    """The value as a number when it is only a number (so a spreadsheet can compute with it), else as text."""
    if value is None:
        return ""
    if value.not_applicable:
        return _("Not applicable")
    if value.numeric_value is not None and not value.state_value and value.task_completed is None:
        return value.numeric_value
    parts = [str(value.numeric_value.normalize()) if value.numeric_value is not None else "",
             value.state_value or "",
             (_("completed") if value.task_completed else _("not completed")) if value.task_completed is not None else ""]
    return " / ".join(p for p in parts if p)


def overview(result, place, indicators, fmt: str) -> Response:
    header = [_("No."), _("Indicator"), _("Domain"), _("Property"), _("Sub-indicator"), _("Unit"), _("Target"),
              _("Value"), _("Status"), _("Gap"), _("Lead bureau")]
    rows = []
    for indicator in indicators:
        status = result.status(indicator, place)
        for measure, evaluation in status.measures:
            rows.append([
                indicator.code, indicator.name, indicator.task_group.domain.name,
                str(indicator.property_enum.title) if indicator.property_enum else "", measure.name, measure.unit,
                measure.target, _value_text(result.value(measure, place)), str(STATUS_TITLES[evaluation.status]),
                evaluation.gap if evaluation.gap is not None else "",
                indicator.lead_bureau.name if indicator.lead_bureau else ""])
    return _download(f"indicators-{place.code}-{result.period}", header, rows, fmt)


def districts(rows, period: str, fmt: str) -> Response:
    header = [_("Rank"), _("District"), _("Met"), _("Applicable"), _("Compliance rate"), _("Failing indicators")]
    data = [[row["rank"], row["place"].name, row["met"], row["applicable"],
             round(row["rate"] * 100, 1) if row["rate"] is not None else "",
             "、".join(f"{i.code} {i.name}" for i in row["failing"])] for row in rows]
    return _download(f"district-compliance-{period}", header, data, fmt)
