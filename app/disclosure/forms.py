"""The public application form, the applicant's completion and withdrawal, and the handlers' step form."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from app.disclosure.models import ApplicantType, DeliveryForm, DeliveryMethod, IdType
from app.disclosure.report_template import AppealKind, AppealResult, OrganisationKind, Outcome
from app.disclosure.workflow import ConsultationKind, ReplyType
from app.notifications.forms import FollowFields, follow_fields
from app.web.forms import BaseForm, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ApplicationForm(FollowFields, BaseForm):
    applicant_type = RadioField(_l("You apply as"), default=ApplicantType.CITIZEN,
                                choices=choices(ApplicantType.choices()),
                                validators=[InputRequired(message=_l("Choose who is applying."))])
    name = StringField(_l("Your name"), filters=[_strip], validators=[Optional(), Length(max=100)])
    id_type = SelectField(_l("Identity document"), choices=choices(IdType.choices()), default=IdType.RESIDENT_ID)
    id_number = StringField(_l("ID document number"), filters=[_strip], validators=[
        Optional(), Regexp(r"^[0-9A-Za-z]{5,30}$", message=_l("Enter the document number in letters and digits."))])
    organisation_name = StringField(_l("Name of the organisation"), filters=[_strip],
                                    validators=[Optional(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code (18 characters)"), filters=[_strip], validators=[
        Optional(), Regexp(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                           message=_l("A unified social credit code has 18 digits and capital letters."))])
    legal_representative = StringField(_l("Legal representative"), filters=[_strip],
                                       validators=[Optional(), Length(max=100)])
    # The yearly report counts organisations by these kinds (国办公开办函〔2021〕30号, table 三).
    organisation_kind = RadioField(_l("Kind of organisation"), choices=choices(OrganisationKind.choices()),
                                   validators=[Optional()])
    phone = StringField(_l("Phone number"), filters=[_strip], validators=[
        DataRequired(message=_l("Give a phone number so the agency can reach you.")),
        Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Enter a phone number of digits only."))],
        render_kw={"inputmode": "tel"})
    address = StringField(_l("Postal address"), filters=[_strip], validators=[
        DataRequired(message=_l("Give your postal address.")), Length(max=300)])
    email = StringField(_l("E-mail (optional)"), filters=[_strip],
                        description=_l("Needed only to receive the information by e-mail."), validators=[
        Optional(), Email(message=_l("Enter a valid e-mail address.")), Length(max=200)],
        render_kw={"inputmode": "email"})
    bureau_id = SelectField(_l("The agency you apply to"), coerce=int, choices=[],
                            validators=[InputRequired(message=_l("Choose the agency."))])
    description = TextAreaField(_l("The information you seek"), filters=[_strip], description=_l(
        "Its title or document number if you know them, or a description specific enough to identify it."),
        validators=[DataRequired(message=_l("Describe the information you seek.")),
                    Length(min=5, max=3000, message=_l("Describe the information in 5 to 3000 characters."))])
    purpose = TextAreaField(_l("Purpose (optional)"), filters=[_strip], validators=[Optional(), Length(max=1000)])
    # Paper by post by default: the pair needs none of the optional fields (e-mail is needed only by e-mail).
    delivery_form = RadioField(_l("In what form?"), default=DeliveryForm.PAPER,
                               choices=choices(DeliveryForm.choices()),
                               validators=[InputRequired(message=_l("Choose the form."))])
    delivery_method = RadioField(_l("How do you want to receive it?"), default=DeliveryMethod.POST,
                                 choices=choices(DeliveryMethod.choices()),
                                 validators=[InputRequired(message=_l("Choose how to receive it."))])
    # Ticking is enough: the updates go to the e-mail above, else by text message to the phone above.
    notify_address, notify_consent = follow_fields(
        consent_label=_l("Send me updates on this request. Each message has a link to stop them."),
        address_hint=_l("Leave this empty to get them at your e-mail address above, or by text message to your "
                        "phone above if you gave no e-mail."))
    not_a_complaint = BooleanField(_l("My application asks for government information; it is not a complaint."))
    consent = BooleanField(_l("I have read the privacy notice for applications."), validators=[
        InputRequired(message=_l("Please read the privacy notice and tick the box."))])


    def follow_fallback(self) -> str:
        return self.email.data or self.phone.data or ""


class TrackForm(BaseForm):
    code = StringField(_l("Tracking code"), validators=[InputRequired(message=_l("Enter your tracking code.")),
                                                        Length(max=40)])


class CompletionForm(BaseForm):
    text = TextAreaField(_l("What you add to your application"), filters=[_strip], validators=[
        DataRequired(message=_l("Write what you add to your application (at least 5 characters).")),
        Length(min=5, max=3000, message=_l("Write what you add to your application (at least 5 characters)."))])


class StepForm(BaseForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    days = IntegerField(_l("Working days"), validators=[
        Optional(), NumberRange(min=1, max=365, message=_l("Enter a number of days."))])
    consult_kind = SelectField(_l("Whom you consult"), choices=choices([("", "—"), *ConsultationKind.choices()]),
                               validate_choice=False)
    party = StringField(_l("Name of the third party or agency (internal)"), validators=[Optional(), Length(max=200)])
    reply_type = SelectField(_l("Reply type (art. 36)"), choices=choices([("", "—"), *ReplyType.choices()]),
                             validate_choice=False)
    partial = BooleanField(_l("Partly disclosed: some parts withheld (art. 37)"))
    reply_text = TextAreaField(_l("Reply to the applicant"), validators=[Optional(), Length(max=5000)])
    legal_ground = TextAreaField(_l("Legal ground for what is withheld"), validators=[Optional(), Length(max=2000)])
    competent_body = StringField(_l("The body responsible for this information"),
                                 validators=[Optional(), Length(max=200)])
    outcome = SelectField(_l("Counts in the yearly report as"), choices=choices([("", "—"), *Outcome.choices()]),
                          validate_choice=False)
    documents = MultipleFileField(_l("Documents (PDF, Word, Excel, PNG or JPEG)"))


class AppealForm(BaseForm):
    """An administrative review or lawsuit against a request's handling (table 四 of the yearly report)."""

    kind = SelectField(_l("Kind of case"), choices=choices(AppealKind.choices()),
                       validators=[InputRequired(message=_l("Choose the kind of case."))])
    filed_on = DateField(_l("Date filed"), validators=[InputRequired(message=_l("Give the date."))])
    reference = StringField(_l("Case number (optional)"), filters=[_strip], validators=[Optional(), Length(max=100)])
    result = SelectField(_l("Result"), choices=choices(AppealResult.choices()), default=AppealResult.PENDING,
                         validators=[InputRequired(message=_l("Choose the result."))])
    decided_on = DateField(_l("Date of the decision or judgment"), validators=[Optional()],
                           description=_l("Leave empty while the case is not concluded."))
    note = TextAreaField(_l("Note (optional)"), filters=[_strip], validators=[Optional(), Length(max=2000)])


class AppealResultForm(BaseForm):
    result = SelectField(_l("Result"), choices=choices(AppealResult.choices()),
                         validators=[InputRequired(message=_l("Choose the result."))])
    decided_on = DateField(_l("Date of the decision or judgment"), validators=[Optional()])
