"""Form helpers shared by every domain: the base form (built-in WTForms messages in the user's language) and
the checkbox-group field."""
from babel.support import Translations
from flask import g, has_request_context
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget

from app.i18n import current_locale

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


class BaseForm(FlaskForm):
    """Every form of the site derives from this one."""

    class Meta:
        def get_translations(self, form):
            return _messages


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; the `field` macro renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
