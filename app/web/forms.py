"""Form helpers shared by every domain: the base form (built-in WTForms messages in the user's language, and
the guards every field of its kind gets: clean text, finite numbers, integers and dates the database can hold)
and the checkbox-group field."""
import math
from datetime import date, datetime
from decimal import Decimal

from babel.support import Translations
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DateTimeField, DecimalField, FloatField, IntegerField, SelectChoice,
                     SelectMultipleField, StringField)
from wtforms.fields.datetime import DateTimeLocalField
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.i18n import current_locale
from app.web.params import DB_INT_MAX, DB_INT_MIN
from app.web.text import clean_text

# WTForms ships its own messages ("Not a valid choice", "Invalid date"…) under these locale names.
_WTFORMS_LOCALE = {"zh_Hans": "zh", "zh_Hant": "zh_TW", "en": "en"}


class _WTFormsMessages:
    """WTForms' catalogs chosen by our locale; Babel's fallback would give zh_Hant the Simplified one."""

    @staticmethod
    def _catalog():
        if not has_request_context():
            return None
        locale = _WTFORMS_LOCALE[current_locale()]
        cache = g.setdefault("wtforms_catalogs", {})
        if locale not in cache:
            cache[locale] = Translations.load(messages_path(), [locale], domain="wtforms")
        return cache[locale]

    def gettext(self, string):
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular, plural, n):
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


_messages = _WTFormsMessages()


# Dates outside these years are typing mistakes or probes; refusing them keeps date arithmetic from overflowing.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _finite_number(form, field):
    """NaN, sNaN and Infinity are not numbers anyone means (and sNaN breaks every comparison)."""
    data = field.data
    if isinstance(data, Decimal) and not data.is_finite() or isinstance(data, float) and not math.isfinite(data):
        field.data = None
        raise StopValidation(_l("Enter a number."))


def _database_integer(form, field):
    if isinstance(field.data, int) and not DB_INT_MIN <= field.data <= DB_INT_MAX:
        field.data = None
        raise StopValidation(_l("Enter a smaller number."))


def _sane_date(form, field):
    if isinstance(field.data, date | datetime) and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        field.data = None
        raise StopValidation(_l("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))


def _guards(field_class) -> tuple[list, list]:
    """(filters, validators) that every field of this class gets first."""
    if issubclass(field_class, StringField):
        return [clean_text], []
    if issubclass(field_class, DecimalField | FloatField):
        return [], [_finite_number]
    if issubclass(field_class, IntegerField):
        return [], [_database_integer]
    if issubclass(field_class, DateField | DateTimeField | DateTimeLocalField):
        return [], [_sane_date]
    return [], []


class BaseForm(FlaskForm):
    """Every form of the site derives from this one.

    Every text field drops C0 control characters (NUL, \\x0b…; tab and newline stay, CR LF becomes LF) before
    its own filters run; numbers must be finite, integers fit the database, dates lie in FIRST_YEAR…LAST_YEAR.
    """

    class Meta:
        def get_translations(self, form):
            return _messages

        def bind_field(self, form, unbound_field, options):
            filters, validators = _guards(unbound_field.field_class)
            if filters:
                options["filters"] = [*filters, *unbound_field.kwargs.get("filters", ())]
            if validators:
                options["validators"] = [*validators, *(unbound_field.kwargs.get("validators") or ())]
            return unbound_field.bind(form=form, **options)


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; the `field` macro renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(BaseForm):
    """A one-button action: the form carries only the CSRF token."""
