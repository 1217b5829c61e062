"""The office's forms for registered organisations: the organisation itself, and the suspension's reason."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.participation.models import OrganisationKind
from app.web.forms import BaseForm, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OrganisationForm(BaseForm):
    name_zh_hans = StringField(_l("Name (simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the name in simplified Chinese.")), Length(max=200)])
    name_zh_hant = StringField(_l("Name (traditional Chinese)"), filters=[_strip], validators=[Length(max=200)])
    name_en = StringField(_l("Name (English)"), filters=[_strip], validators=[Length(max=300)])
    kind = SelectField(_l("Kind"), choices=choices(OrganisationKind.choices()),
                       validators=[InputRequired(message=_l("Choose the kind of organisation."))])
    place_id = SelectField(_l("District"), coerce=int, choices=[],
                           validators=[InputRequired(message=_l("Choose the district."))])
    credit_code = StringField(_l("Unified social credit code (optional)"), filters=[_strip],
                              validators=[Optional(), Length(max=18)],
                              render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    contact_name = StringField(_l("Contact person"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the contact person.")), Length(max=60)],
        description=_l("Seen by the office only, never on public pages."))
    contact_phone = StringField(_l("Contact phone"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the contact's phone number.")), Length(max=30)],
        render_kw={"inputmode": "tel"})
    contact_email = EmailField(_l("Contact email (optional)"), filters=[_strip],
                               validators=[Optional(), Length(max=254)])


class SuspendForm(BaseForm):
    reason = TextAreaField(_l("Why is the organisation suspended?"), filters=[_strip], validators=[
        DataRequired(message=_l("Say why the organisation is suspended.")), Length(max=2000)],
        description=_l("Its organisers read this; its activities cannot be created, changed or published until "
                       "it is reinstated."))
