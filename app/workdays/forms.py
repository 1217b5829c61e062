"""The holiday calendar's forms: one day, and the schedule import."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.web.forms import BaseForm, choices


class CalendarDayForm(BaseForm):
    day = StringField(_l("Date (YYYY-MM-DD)"), validators=[
        InputRequired(message=_l("Enter a date.")),
        Regexp(r"^\d{4}-\d{2}-\d{2}$", message=_l("Enter the date as YYYY-MM-DD."))])
    is_working_day = SelectField(_l("This day is"), choices=choices([
        ("0", _l("A holiday (no work)")), ("1", _l("A make-up working day (调休)"))]))
    note = StringField(_l("Note, e.g. 国庆节"), validators=[Optional(), Length(max=100)])


class ScheduleImportForm(BaseForm):
    file = FileField(_l("Schedule file (CSV: date,kind,name)"),
                     description=_l("One row per day of the State Council's notice: “holiday” for a day off, "
                                    "“workday” for a make-up working day (调休上班)."),
                     validators=[FileRequired(message=_l("Choose a CSV file."))])
