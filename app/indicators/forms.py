"""Forms for entering and reviewing indicator values, and for the XLSX imports."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.indicators.models import PreconditionStatus
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
    evidence_files = MultipleFileField(_l("Evidence files (optional)"),
                                       description=_l("PDF, images (JPEG, PNG, WebP), Word or Excel files."))
    correction_reason = StringField(_l("Reason for the correction"), validators=[Optional(), Length(max=500)],
                                    description=_l("Only when changing a value that was already approved."))
    submit_for_review = BooleanField(_l("Submit for review now"))


class ReviewForm(BaseForm):
    comment = TextAreaField(_l("Comment for the editor"), validators=[Optional(), Length(max=1000)])


class ValuesImportForm(BaseForm):
    file = FileField(_l("XLSX file"), validators=[FileRequired(message=_l("Choose an XLSX file."))],
                     description=_l("Columns: code, place, period, value, evidence, source, correction_reason "
                                    "(or 指标序号, 地区代码, 期间, 数值, 佐证材料, 数据来源, 更正理由)."))


class CatalogueImportForm(BaseForm):
    code = StringField(_l("Code"), validators=[InputRequired(message=_l("Enter a code.")), Length(max=32)],
                       description=_l("For example 2024-city."))
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"),
                               validators=[InputRequired(message=_l("Enter the name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=300)])
    document = StringField(_l("Document number"), validators=[Optional(), Length(max=200)])
    first_year = IntegerField(_l("First year judged under it"), validators=[
        InputRequired(message=_l("Enter a year.")), NumberRange(min=2000, max=2100, message=_l("Enter a year."))])
    last_year = IntegerField(_l("Last year (empty: still in force)"), validators=[
        Optional(), NumberRange(min=2000, max=2100, message=_l("Enter a year."))])
    file = FileField(_l("XLSX file"), validators=[FileRequired(message=_l("Choose an XLSX file."))],
                     description=_l("The official table: 领域, 任务, 序号, 指标名称, 单位, 指标值, 指标属性, 适用范围, 牵头单位."))  # noqa: E501 (one message)


class AssignmentsImportForm(BaseForm):
    file = FileField(_l("XLSX file"), validators=[FileRequired(message=_l("Choose an XLSX file."))],
                     description=_l("The task-breakdown table (任务分解表): 序号, 指标名称, 牵头单位 (or code, name, "
                                    "lead_bureau); its other columns are ignored. Give the lead bureau by its code "
                                    "or its Simplified Chinese name."))


class PreconditionForm(BaseForm):
    status = SelectField(_l("Finding"),
                         validators=[InputRequired(message=_l("Choose whether the precondition is met."))],
                         choices=[])
    notes = TextAreaField(_l("Evidence or notes"), validators=[Optional(), Length(max=5000)],
                          description=_l("What the finding rests on: the decision, document or record checked. "
                                         "Required for met and not met."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The titles are words of the request's language (PreconditionStatus.title), so chosen per form.
        self.status.choices = choices([("", _l("— choose —"))] + [(s.value, s.title) for s in PreconditionStatus])


class PreconditionDefinitionForm(BaseForm):
    code = StringField(_l("Code"), validators=[InputRequired(message=_l("Enter a code.")), Length(max=32)],
                       description=_l("A short name used in links, for example incident."))
    name_zh_hans = StringField(_l("Precondition (Simplified Chinese)"),
                               validators=[InputRequired(message=_l("Enter the name.")), Length(max=300)],
                               description=_l("As worded in the official text."))
    name_zh_hant = StringField(_l("Precondition (Traditional Chinese)"), validators=[Optional(), Length(max=300)])
    name_en = StringField(_l("Precondition (English)"), validators=[Optional(), Length(max=400)])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=300)],
                         description=_l("The document and article it is written in."))
