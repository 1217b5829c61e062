"""Reading numbers and text from URLs and query strings safely: path integers and query integers bounded to
the database's INTEGER range, path segments without control characters, and request parameters cleaned of C0
control characters before any view or form sees them."""
from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

from app.web.text import CONTROL_CHARACTERS, clean_text

# PostgreSQL's INTEGER, the type of every id column: a larger number bound to such a column makes PostgreSQL
# fail the query (and beyond 2**63 SQLite too), so it is refused here first, the same on both databases.
DB_INT_MAX = 2**31 - 1
DB_INT_MIN = -(2**31)
PAGE_MAX = 100_000  # pages of a list; deeper pages are not offered, and OFFSET must stay small


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` for ASCII digits that fit the database's INTEGER; anything else is a 404, never a query."""

    regex = r"[0-9]+"  # ASCII only: werkzeug's \d+ would also match "٣"
    signed_regex = r"-?[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=DB_INT_MIN if min is None else min,
                         max=DB_INT_MAX if max is None else max, signed=signed)


class CleanUnicodeConverter(UnicodeConverter):
    """The default `<name>` segment, refusing control characters (404) instead of passing them to a query."""

    def to_python(self, value):
        if CONTROL_CHARACTERS.search(value) or "\r" in value:
            raise ValidationError()
        return value


class CleanPathConverter(PathConverter):
    """`<path:…>` refusing control characters like the default segment."""

    def to_python(self, value):
        if CONTROL_CHARACTERS.search(value) or "\r" in value:
            raise ValidationError()
        return value


def _cleaned(values):
    return ImmutableMultiDict([(key, clean_text(value)) for key, value in values.items(multi=True)])


class CleanRequest(Request):
    """Query and form parameters with C0 controls removed and line ends normalised (clean_text), so that no
    view, form, filter or API reading them can send a NUL to the database or a \\x0b into an export."""

    @cached_property
    def args(self):
        return _cleaned(Request.args.fget(self))

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])


def db_int(value: str) -> int:
    """For `request.args.get(name, type=db_int)`: ASCII digits (optionally signed) within the database's INTEGER.

    Raises ValueError otherwise (werkzeug then gives the default), so `²`, `٣` or 2**31 never reach a query.
    """
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("not an integer")
    number = int(text)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("out of range")
    return number


def page_number(value: str | None) -> int:
    """A page number from the query string: 1 … PAGE_MAX, anything else is page 1."""
    try:
        number = db_int(value or "1")
    except ValueError:
        return 1
    return number if 1 <= number <= PAGE_MAX else 1


def page_arg(name: str = "page") -> int:
    """The current request's page number (see page_number)."""
    return page_number(request.args.get(name))


def init_app(app: Flask) -> None:
    """Install the bounded converters and the cleaning request class; call before registering blueprints."""
    app.request_class = CleanRequest
    app.url_map.converters.update(int=BoundedIntegerConverter, default=CleanUnicodeConverter,
                                  string=CleanUnicodeConverter, path=CleanPathConverter)


def is_db_int(value: str) -> bool:
    """True for text db_int accepts (instead of str.isdigit, which also says yes to `²` and `٣`)."""
    try:
        db_int(value)
    except ValueError:
        return False
    return True
