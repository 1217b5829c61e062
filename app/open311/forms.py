"""The back-office form for issuing an Open311 API key."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.web.forms import BaseForm


class KeyForm(BaseForm):
    name = StringField(_l("Who will use this key? (application and organisation)"), validators=[
        DataRequired(message=_l("Say who will use this key.")), Length(max=120)])
