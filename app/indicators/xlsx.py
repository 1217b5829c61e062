"""Reading uploaded XLSX sheets into rows of dicts (first row = headers) and writing import templates."""
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException

from app.web import exports
from app.web.text import clean_text

MAX_ROWS = 20_000


class SheetError(ValueError):
    """The upload is not a readable XLSX workbook, or it is too large."""


def read_rows(stream) -> list[dict]:
    """The first sheet as a list of {header: cell} dicts; cells are None or str/int/float, text without C0 controls."""
    data = stream.read()
    if not zipfile.is_zipfile(io.BytesIO(data)):  # XLSX is a zip package; anything else is refused by content
        raise SheetError("not an XLSX file")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, zipfile.BadZipFile, OSError) as error:
        raise SheetError("not an XLSX file") from error
    try:
        return _rows(workbook.worksheets[0])
    except SyntaxError as error:  # ill-formed XML inside the package (ElementTree's and lxml's errors)
        raise SheetError("not an XLSX file") from error
    finally:
        workbook.close()


def _cell(value):
    """Text without C0 controls, also those Excel writes escaped as _x000B_; other values unchanged."""
    return clean_text(unescape(value)) if isinstance(value, str) else value


def _rows(sheet) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    headers = [_cell(str(h)).strip() if h is not None else "" for h in next(rows, [])]
    result = []
    for index, values in enumerate(rows):
        if index >= MAX_ROWS:
            raise SheetError("too many rows")
        result.append(dict(zip(headers, (_cell(value) for value in values))))
    return result


def write_rows(title: str, headers: list[str], rows: list[list]) -> bytes:
    """A one-sheet workbook; every cell goes through the shared export helper (text never a formula)."""
    return exports.xlsx_bytes(title, headers, rows)
