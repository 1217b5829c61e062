"""Every CSV and XLSX the site writes goes through here, so that what a resident typed is only ever text.

OWASP's CSV-injection guidance: a cell that starts with = + - @ tab or CR is a formula to a spreadsheet
program, so such text gets a leading single quote; in XLSX every text cell is also written with the string
data type, so openpyxl never stores it as a formula. Numbers (int, float, finite Decimal) stay numbers.
C0 control characters that slipped into stored data are dropped, since one of them would make the XLSX
(XML inside) unreadable for good.
"""
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.web.text import xml_safe

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"  # pass as content_type=, never mimetype= (which appends it again)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"  # so that spreadsheet programs read the Chinese text of a CSV as UTF-8


@dataclass(frozen=True)
class Percent:
    """A rate (0.873) that a spreadsheet shows as 87.3% and still computes with."""

    value: float


def text_cell(value: str) -> str:
    """Text as a spreadsheet must show it: without control characters, a leading formula sign neutralised."""
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return xml_safe(value)


def cell(value):
    """One exported value: None → empty, numbers unchanged (a non-finite Decimal as its text), anything else
    as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return value if value.is_finite() else str(value)
    return text_cell(str(value))


def _csv_cell(value):
    value = cell(value)
    if isinstance(value, Percent):
        return f"{value.value * 100:.1f}%"
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value  # 100, not 1E+2 or 100.0000


def csv_row(row: Iterable) -> list:
    return [_csv_cell(value) for value in row]


def csv_bytes(header: list, rows: Iterable[Iterable]) -> bytes:
    """A whole CSV file (UTF-8 with BOM) from a header and rows."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer)
    writer.writerow(csv_row(header))
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


def csv_chunks(rows: Iterable[Iterable], every: int = 500, *, prepared: bool = False) -> Iterator[bytes]:
    """A streamed CSV (UTF-8 with BOM), yielded every `every` rows. `prepared`: every value of the rows is
    already what cell() made of it, text or int (an export that makes each distinct value a cell once)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield UTF8_BOM.encode()
    for number, row in enumerate(rows):
        writer.writerow(row if prepared else csv_row(row))
        if number % every == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_row(sheet, row: Iterable) -> list:
    """A row for sheet.append: numbers as numbers, text as string-typed cells (never a formula)."""
    cells = []
    for value in row:
        value = cell(value)
        if isinstance(value, str):
            written = WriteOnlyCell(sheet, value=value)
            written.data_type = "s"
            cells.append(written)
        elif isinstance(value, Percent):
            written = WriteOnlyCell(sheet, value=value.value)
            written.number_format = "0.0%"
            cells.append(written)
        else:
            cells.append(value)
    return cells


def write_only_workbook() -> Workbook:
    return Workbook(write_only=True)


def append(sheet, row: Iterable) -> None:
    """Append a row to a write-only sheet through xlsx_row."""
    sheet.append(xlsx_row(sheet, row))


def xlsx_bytes(title: str, header: list, rows: Iterable[Iterable]) -> bytes:
    """A one-sheet workbook (write-only, so memory stays flat) from a header and rows."""
    workbook = write_only_workbook()
    sheet = workbook.create_sheet(xml_safe(title)[:31])
    append(sheet, header)
    for row in rows:
        append(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
