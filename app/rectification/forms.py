"""Forms of the ledger's back office: an inspection round, a task (its record, units, deadline and indicator
links), the upload of a feedback list. The rules themselves are the services' (their refusals name these fields)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.rectification.deadlines import MAX_LENGTH as DEADLINE_MAX
from app.rectification.models import RoundKind
from app.rectification.services import RESPONSIBLE_MAX, ROUND_CODE_MAX, SOURCE_REF_MAX
from app.web.forms import BaseForm, CheckboxesField, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RoundForm(BaseForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[
        InputRequired(message=_l("Give the round's code.")), Length(max=ROUND_CODE_MAX)],
        description=_l("Letters, digits and hyphens. The tasks' ledger numbers begin with it."))
    kind = SelectField(_l("Where the list comes from"), choices=choices(RoundKind.choices()))
    title_zh_hans = StringField(_l("Title (Simplified Chinese)"), filters=[_strip], validators=[
        InputRequired(message=_l("Give the round's title in Simplified Chinese.")), Length(max=200)])
    title_zh_hant = StringField(_l("Title (Traditional Chinese)"), filters=[_strip], validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), filters=[_strip], validators=[Length(max=300)])
    batch = StringField(_l("Round and batch"), filters=[_strip], validators=[Length(max=100)],
                        description=_l("As the inspection names it, for example the second round's third batch."))
    feedback_on = DateField(_l("Date the list was fed back to the city"), validators=[Optional()])
    rule_zh_hans = StringField(_l("Regulation the closure notices rely on (Simplified Chinese)"), filters=[_strip],
                               validators=[Length(max=300)])
    rule_zh_hant = StringField(_l("Regulation (Traditional Chinese)"), filters=[_strip], validators=[Length(max=300)])
    rule_en = StringField(_l("Regulation (English)"), filters=[_strip], validators=[Length(max=400)])
    notice_days = IntegerField(_l("Public-notice period before closure (days)"), default=7, validators=[
        InputRequired(message=_l("Give the notice period."))])
    notice_working_days = BooleanField(_l("The notice period counts working days"))
    report_interval_months = IntegerField(_l("Progress reported every … months"), default=1, validators=[
        InputRequired(message=_l("Give how often progress is reported."))])


class TaskForm(BaseForm):
    source_ref = StringField(_l("Source reference"), filters=[_strip], validators=[Length(max=SOURCE_REF_MAX)],
                             description=_l("The number the feedback list gives the problem, as it writes it."))
    problem_zh_hans = TextAreaField(_l("Problem (Simplified Chinese)"), filters=[_strip], validators=[
        InputRequired(message=_l("Describe the problem in Simplified Chinese."))])
    problem_zh_hant = TextAreaField(_l("Problem (Traditional Chinese)"), filters=[_strip])
    problem_en = TextAreaField(_l("Problem (English)"), filters=[_strip])
    target_zh_hans = TextAreaField(_l("Target (Simplified Chinese)"), filters=[_strip])
    target_zh_hant = TextAreaField(_l("Target (Traditional Chinese)"), filters=[_strip])
    target_en = TextAreaField(_l("Target (English)"), filters=[_strip])
    measures_zh_hans = TextAreaField(_l("Measures (Simplified Chinese)"), filters=[_strip])
    measures_zh_hant = TextAreaField(_l("Measures (Traditional Chinese)"), filters=[_strip])
    measures_en = TextAreaField(_l("Measures (English)"), filters=[_strip])
    place_id = SelectField(_l("District concerned"), coerce=int, choices=[])
    lead_bureau_id = SelectField(_l("Lead unit"), coerce=int, choices=[],
                                 description=_l("Reports progress and applies for closure."))
    cooperating_ids = CheckboxesField(_l("Co-operating units"), coerce=int, choices=[])
    supervising_ids = CheckboxesField(_l("Supervising units"), coerce=int, choices=[])
    responsible_text = StringField(_l("Responsibility as the list writes it"), filters=[_strip],
                                   validators=[Length(max=RESPONSIBLE_MAX)],
                                   description=_l("Kept word for word beside the units chosen above."))
    deadline_text = StringField(_l("Deadline"), filters=[_strip], validators=[Length(max=DEADLINE_MAX)],
                                description=_l("As the list writes it: a date, a month or a year, long-term or "
                                               "immediate, or a date and long-term."))
    indicator_ids = CheckboxesField(_l("Indicators the task bears on"), coerce=int, choices=[])


class NewTaskForm(TaskForm):
    round_id = SelectField(_l("Inspection round"), coerce=int, choices=[])
    parent_code = StringField(_l("Parent task, for a sub-task (its ledger number)"), filters=[_strip],
                              validators=[Length(max=32)])


class ImportForm(BaseForm):
    round_id = SelectField(_l("Inspection round"), coerce=int, choices=[])
    file = FileField(_l("XLSX or CSV file"), validators=[FileRequired(message=_l("Choose an XLSX or CSV file."))],
                     description=_l("The feedback list, one problem a row; title rows above the header and merged "
                                    "cells are read."))
