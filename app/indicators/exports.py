"""CSV and XLSX downloads of the public indicator tables (openpyxl's write-only mode keeps memory flat)."""
from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.indicators import wording
from app.indicators.judging import STATUS_TITLES
from app.web import exports

XLSX_MIMETYPE = exports.XLSX_MIMETYPE
# The catalogue cells that may be unconfirmed (models.UNCONFIRMABLE_CELLS), as the official table names them.
CELL_TITLES = {"name": _l("indicator name"), "unit": _l("unit"), "target": _l("target value"),
               "property": _l("property"), "scope": _l("scope")}


def _download(name: str, header: list[str], rows: list[list], fmt: str) -> Response:
    if fmt == "csv":
        body, content_type = exports.csv_bytes(header, rows), exports.CSV_CONTENT_TYPE
    else:
        body, content_type = exports.xlsx_bytes(name, header, rows), XLSX_MIMETYPE
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _value_cell(value, measure):
    """A value that is only a number stays a number (a spreadsheet computes with it; the unit has its own
    column), anything else is written in words."""
    if (value is not None and not value.not_applicable and value.numeric_value is not None
            and not value.state_value and value.task_completed is None):
        return value.numeric_value
    return str(wording.value(value, measure))


def _unconfirmed(indicator, measure) -> str:
    """The cells of this row and measure not confirmed against the official text, in words."""
    cells = [c for c in CELL_TITLES if indicator.is_unconfirmed(c) or measure.is_unconfirmed(c)]
    return _(", ").join(str(CELL_TITLES[c]) for c in cells)


def overview(result, place, indicators, fmt: str) -> Response:
    header = [_("No."), _("Indicator"), _("Domain"), _("Property"), _("Sub-indicator"), _("Unit"), _("Target"),
              _("Value"), _("Status"), _("Gap"), _("Lead bureau"), _("Unconfirmed")]
    rows = []
    for indicator in indicators:
        status = result.status(indicator, place)
        for measure, evaluation in status.measures:
            rows.append([
                indicator.code, str(wording.stored(indicator)), str(wording.stored(indicator.task_group.domain)),
                str(indicator.property_type.title) if indicator.property_type else "", str(wording.stored(measure)),
                str(wording.unit(measure.unit)), str(wording.target(measure)),
                _value_cell(result.value(measure, place), measure), str(STATUS_TITLES[evaluation.status]),
                evaluation.gap if evaluation.gap is not None else "",
                str(wording.stored(indicator.lead_bureau)) if indicator.lead_bureau else "",
                _unconfirmed(indicator, measure)])
    return _download(f"indicators-{place.code}-{result.period}", header, rows, fmt)


def districts(rows, period: str, fmt: str) -> Response:
    header = [_("Rank"), _("District"), _("Met"), _("Applicable"), _("Compliance rate"), _("Failing indicators")]
    data = [[row["rank"] or "—", str(wording.stored(row["place"])), row["met"], row["applicable"],
             round(row["rate"] * 100, 1) if row["rate"] is not None else "—",
             _(", ").join(f"{i.code} {wording.stored(i)}" for i in row["failing"])] for row in rows]
    return _download(f"district-compliance-{period}", header, data, fmt)
