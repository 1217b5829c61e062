"""The audit log's filter form."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.web.forms import BaseForm


class AuditFilterForm(BaseForm):
    """A GET search form: no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Person"), coerce=int, choices=[], validators=[Optional()])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)],
                         description=_l("For example accounts. or accounts.login"))
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=64)])
    object_id = StringField(_l("Object number"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
