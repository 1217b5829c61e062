"""What the sheet imports of indicators (catalogues, values, lead bureaus) share: reading a cell as text and
finding a bureau by its code or its Chinese name."""
from sqlalchemy import select

from app.org.models import Bureau


def cell(row: dict, name: str) -> str:
    """The cell as trimmed text ("" when empty); a whole number read as a float (7.0) is written 7."""
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def bureau_lookup(session) -> dict[str, Bureau]:
    """Every bureau by its code and by its Simplified Chinese name, as a sheet may name it either way."""
    lookup = {}
    for bureau in session.scalars(select(Bureau)):
        lookup[bureau.code] = bureau
        lookup[bureau.name_zh_hans] = bureau
    return lookup
