"""Forms of the volunteer pages: a volunteer looking up their record, an organiser confirming hours."""
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.web.forms import BaseForm


class LookupForm(BaseForm):
    """Phone number and volunteer code: the pair opens the record, with no password."""

    phone = StringField(_l("Your phone number"), validators=[
        InputRequired(message=_l("Enter the phone number you signed up with.")),
        Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Enter a phone number of digits only."))])
    code = StringField(_l("Volunteer code"), validators=[
        InputRequired(message=_l("Enter your volunteer code.")), Length(max=40)],
        description=_l("The code you were given when you first signed up for an activity, e.g. 7K2M-9QXA-…"))


class HoursForm(BaseForm):
    """The hours one volunteer is credited with for one activity; a correction needs a reason."""

    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired(message=_l("Enter the hours."))])
    reason = StringField(_l("Reason for the correction"), validators=[Optional(), Length(max=300)])
