"""Forms for entering and reviewing indicator values."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.indicators.rules import STATES
from app.web.forms import BaseForm, choices


class ValueForm(BaseForm):
    numeric_value = DecimalField(_l("Value"), places=None, validators=[
        Optional(), NumberRange(min=-1e12, max=1e12, message=_l("Enter a number."))],
        render_kw={"inputmode": "decimal"})
    state_value = SelectField(_l("State reached"), validators=[Optional()],
                              choices=choices([("", _l("— choose —"))] + [(s, s) for s in STATES]))
    task_completed = SelectField(_l("Task confirmed as completed by the assessing body"), validators=[Optional()],
                                 choices=choices([("", _l("— choose —")), ("yes", _l("Yes")), ("no", _l("No"))]))
    not_applicable = BooleanField(_l("Not applicable to this place"))
    not_applicable_reason = StringField(_l("Why it does not apply"), validators=[Optional(), Length(max=500)])
    evidence = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=5000)],
                             description=_l("What the value rests on: documents, monitoring data, meeting minutes."))
    source = StringField(_l("Data source"), validators=[Optional(), Length(max=300)])
    correction_reason = StringField(_l("Reason for the correction"), validators=[Optional(), Length(max=500)],
                                    description=_l("Only when changing a value that was already approved."))
    submit_for_review = BooleanField(_l("Submit for review now"))


class ReviewForm(BaseForm):
    comment = TextAreaField(_l("Comment for the editor"), validators=[Optional(), Length(max=1000)])
