"""The holiday schedule import form."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from app.web.forms import BaseForm


class ScheduleImportForm(BaseForm):
    file = FileField(_l("Schedule file (CSV: date,kind,name)"),
                     description=_l("One row per day of the State Council's notice: “holiday” for a day off, "
                                    "“workday” for a make-up working day (调休上班)."),
                     validators=[FileRequired(message=_l("Choose a CSV file."))])


class ConfirmForm(BaseForm):
    """A one-button action: it carries the CSRF token."""
