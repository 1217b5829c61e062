"""Forms of the closure procedure: a form per step (the lead unit's application, the office's steps), the
acceptance record, the answer to an objection; and the resident's objection and personal-code forms. The
services check every rule again (and say why); the forms keep what was typed."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, FileField, MultipleFileField, RadioField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.casework.codes import MAX_TYPED
from app.rectification import objections
from app.rectification.closure import BODY_MAX, COMPLETION_MAX, NOTE_MAX, OPINION_MAX, REASON_MAX
from app.rectification.models import AcceptanceLevel
from app.rectification.workflow import Step
from app.web.forms import BaseForm, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _note():
    return TextAreaField(_l("Internal note (optional)"), filters=[_strip], validators=[Length(max=NOTE_MAX)])


class StepForm(BaseForm):
    """A step with nothing but an optional internal note (accept, close)."""

    note = _note()

    def step_data(self) -> dict:
        """The step's input for closure.take_step (files are read by the view)."""
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "files", "submission")}


class ApplyForm(StepForm):
    completion_zh_hans = TextAreaField(_l("What was done (Simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Describe what was done, in Simplified Chinese.")), Length(max=COMPLETION_MAX)],
                                       description=_l("Published with the closure notice."))
    completion_zh_hant = TextAreaField(_l("What was done (Traditional Chinese, optional)"), filters=[_strip],
                                       validators=[Length(max=COMPLETION_MAX)])
    completion_en = TextAreaField(_l("What was done (English, optional)"), filters=[_strip],
                                  validators=[Length(max=COMPLETION_MAX)])
    files = MultipleFileField(_l("Evidence (PDF, images, Word or Excel files; at least one)"),
                              description=_l("Seen by the office; published only once the office clears a file."))
    note = _note()


class ReturnForm(StepForm):
    reason = TextAreaField(_l("Why it is returned (the lead unit reads it)"), filters=[_strip], validators=[
        DataRequired(message=_l("Say why the application is returned: the lead unit reads it.")),
        Length(max=REASON_MAX)])
    note = _note()


class ReopenForm(StepForm):
    reason = TextAreaField(_l("Why the task is reopened (public)"), filters=[_strip], validators=[
        DataRequired(message=_l("Say why the task is reopened.")), Length(max=REASON_MAX)])
    note = _note()


class AcceptanceFields(BaseForm):
    level = SelectField(_l("Level"), choices=choices(AcceptanceLevel.choices()), validate_choice=False)
    accepted_on = DateField(_l("Date of the acceptance"), validators=[
        InputRequired(message=_l("Give the date of the acceptance."))])
    body = StringField(_l("Carried out by (unit or acceptance group)"), filters=[_strip], validators=[
        DataRequired(message=_l("Say who carried out the acceptance (the unit or group).")), Length(max=BODY_MAX)])
    opinion = TextAreaField(_l("Acceptance opinion (public)"), filters=[_strip], validators=[
        DataRequired(message=_l("Write the acceptance opinion.")), Length(max=OPINION_MAX)])


class FailForm(AcceptanceFields, StepForm):
    note = _note()


class NoticeForm(StepForm):
    starts_on = DateField(_l("First day of the notice (today when left empty)"), validators=[Optional()])
    note = _note()


class AcceptanceForm(AcceptanceFields):
    file = FileField(_l("Acceptance report (optional: PDF, image, Word or Excel)"))


class AnswerForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=choices([("dismiss", _l("Not sustained")),
                                                           ("sustain", _l("Sustained: back to rectification"))]),
                          validators=[InputRequired(message=_l("Choose the decision."))])
    answer = TextAreaField(_l("Answer to the objector (on their private page)"), filters=[_strip], validators=[
        DataRequired(message=_l("Write the answer to the objector.")), Length(max=objections.ANSWER_MAX)])
    note = _note()


# The form of each step taken from the closure panel; a sustained objection is decided on the objection itself.
STEP_FORMS: dict[Step, type[StepForm]] = {
    Step.APPLY_CLOSURE: ApplyForm,
    Step.RETURN_APPLICATION: ReturnForm,
    Step.ACCEPT: StepForm,
    Step.FAIL_ACCEPTANCE: FailForm,
    Step.START_NOTICE: NoticeForm,
    Step.CLOSE: StepForm,
    Step.REOPEN: ReopenForm,
}


class ObjectionForm(BaseForm):
    text = TextAreaField(_l("Your objection"), filters=[_strip], validators=[
        DataRequired(message=_l("Write your objection: what is not rectified, and where.")),
        Length(max=objections.TEXT_MAX, message=_l("Your objection is at most 3000 characters."))],
        description=_l("What is not rectified, and where. It goes to the office only, never to the public pages."))
    name = StringField(_l("Your name (optional, never published)"), filters=[_strip],
                       validators=[Length(max=objections.NAME_MAX)])
    contact = StringField(_l("Phone or e-mail (never published)"), filters=[_strip],
                          validators=[DataRequired(message=_l("Give a phone number or an e-mail address: the "
                                                              "office answers you there.")),
                                      Length(max=objections.CONTACT_MAX)],
                          description=_l("A mobile or landline number with its area code, or an e-mail address: "
                                         "the office may contact you about your objection."))
    file = FileField(_l("Evidence (optional: PDF, photo, Word or Excel file)"),
                     description=_l("Seen only by the office."))


class CodeForm(BaseForm):
    code = StringField(_l("Personal code"), filters=[_strip], validators=[
        InputRequired(message=_l("Enter your personal code.")), Length(max=MAX_TYPED)])
