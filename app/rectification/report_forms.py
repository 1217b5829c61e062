"""Forms of progress reports and supervision: the unit's report, the office's review, the decision on a file,
the urging (督办). The services check the rules again; these check what a form can."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.rectification.reports import MAX_FILES, MAX_TEXT
from app.rectification.workflow import Progress
from app.web.forms import BaseForm, choices


class ReportForm(BaseForm):
    period = StringField(_l("Period reported on (month, YYYY-MM)"),
                         validators=[DataRequired(message=_l("Give the month reported on."))],
                         render_kw={"inputmode": "numeric", "pattern": r"\d{4}-\d{2}", "placeholder": "2026-11",
                                    "autocomplete": "off"})
    progress = SelectField(_l("Progress"), choices=choices(Progress.choices()),
                           validators=[DataRequired(message=_l("Choose how far the rectification has come."))])
    text = TextAreaField(_l("What was done in the period"), validators=[
        DataRequired(message=_l("Write what was done in the period.")),
        Length(max=MAX_TEXT, message=_l("Write at most %(max)d characters."))], render_kw={"rows": 6})
    files = MultipleFileField(
        _l("Evidence files (PDF, JPEG, PNG, WebP, Word or Excel; up to %(n)d)", n=MAX_FILES),
        description=_l("At least one file when you report the rectification completed or basically completed. "
                       "Leave out faces, names, phone numbers and ID cards where you can: the office decides "
                       "which files are published."))


class ReviewForm(BaseForm):
    note = TextAreaField(_l("Note to the unit"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3},
                         description=_l("Required when you return the report: say what must be corrected or "
                                        "added. Not public."))


class EvidenceForm(BaseForm):
    reason = StringField(_l("Why not published (optional)"), validators=[Optional(), Length(max=500)])


class UrgeForm(BaseForm):
    # The length is the service's to refuse: the board answers any refusal with its message above the list.
    note = TextAreaField(_l("What the unit must do (optional)"), validators=[Optional()],
                         render_kw={"rows": 2, "maxlength": 1000})


class BoardFilterForm(BaseForm):
    """The board's GET filters: no CSRF token, since they change nothing. Choices are set by the view."""

    class Meta:
        csrf = False

    round = SelectField(_l("Inspection round"), coerce=int, choices=[], validators=[Optional()])
    district = SelectField(_l("District"), coerce=int, choices=[], validators=[Optional()])
    unit = SelectField(_l("Lead unit"), coerce=int, choices=[], validators=[Optional()])
    colour = SelectField(_l("Supervision"), choices=[], validators=[Optional()])


class MonthlyForm(BaseForm):
    """The monthly report's GET choice of month and round."""

    class Meta:
        csrf = False

    month = StringField(_l("Month (YYYY-MM)"), validators=[DataRequired(message=_l("Give the month."))],
                        render_kw={"inputmode": "numeric", "pattern": r"\d{4}-\d{2}", "placeholder": "2026-11",
                                   "autocomplete": "off"})
    round = SelectField(_l("Inspection round"), coerce=int, choices=[], validators=[Optional()])
