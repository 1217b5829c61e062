"""The office's form to hand a pollution tip over to a task (转办)."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.web.forms import BaseForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TipLinkForm(BaseForm):
    tip = StringField(_l("Tip number (e.g. 2026-000123)"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter the number of the tip.")), Length(max=20),
        Regexp(r"^(\d{4}-)?\d{1,10}$", message=_l("Enter the number as shown in the tip lists, e.g. 2026-000123."))])
