"""Forms of consultations and suggestions: the organiser's notice and closing summary, the resident's suggestion
and code, the office's moderation and the bureau's answer."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.casework.codes import MAX_TYPED
from app.notifications.forms import FollowFields, follow_fields
from app.participation.consultations import MAX_ANSWER_DAYS
from app.participation.models import Adoption
from app.participation.suggestions import ANSWER_MAX, BODY_MAX, TITLE_MAX
from app.web.forms import BaseForm, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _required(message):
    return [DataRequired(message=message)]


class ConsultationForm(BaseForm):
    bureau_id = SelectField(_l("Bureau"), coerce=int, choices=[])
    title_zh_hans = StringField(_l("Title (Simplified Chinese)"), filters=[_strip],
                                validators=[*_required(_l("Give the title.")), Length(max=200)])
    title_zh_hant = StringField(_l("Title (Traditional Chinese)"), filters=[_strip], validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), filters=[_strip], validators=[Length(max=300)])
    background_zh_hans = TextAreaField(_l("Background: the matter consulted on (Simplified Chinese)"),
                                       filters=[_strip], validators=_required(_l("Describe the matter.")))
    background_zh_hant = TextAreaField(_l("Background (Traditional Chinese)"), filters=[_strip])
    background_en = TextAreaField(_l("Background (English)"), filters=[_strip])
    how_to_submit_zh_hans = TextAreaField(
        _l("How to submit (Simplified Chinese)"), filters=[_strip],
        description=_l("Besides this site: post, e-mail, a meeting…"),
        validators=_required(_l("Say how people can submit their opinions.")))
    how_to_submit_zh_hant = TextAreaField(_l("How to submit (Traditional Chinese)"), filters=[_strip])
    how_to_submit_en = TextAreaField(_l("How to submit (English)"), filters=[_strip])
    contact = StringField(_l("Contact (department and telephone)"), filters=[_strip],
                          validators=[*_required(_l("Give the contact.")), Length(max=200)])
    starts_on = DateField(_l("Start date"), validators=[InputRequired(message=_l("Give the start date."))])
    ends_on = DateField(_l("End date"), validators=[InputRequired(message=_l("Give the end date."))])
    answer_days = IntegerField(_l("Answer deadline (working days)"), default=15, validators=[
        InputRequired(message=_l("Give the answer deadline.")),
        NumberRange(min=1, max=MAX_ANSWER_DAYS, message=_l("Between 1 and 60 working days."))])


class CloseForm(BaseForm):
    summary_zh_hans = TextAreaField(_l("Summary of what was adopted (Simplified Chinese)"), filters=[_strip],
                                    validators=_required(_l("Write the summary of what was adopted.")))
    summary_zh_hant = TextAreaField(_l("Summary (Traditional Chinese)"), filters=[_strip])
    summary_en = TextAreaField(_l("Summary (English)"), filters=[_strip])


class SuggestionForm(FollowFields, BaseForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[
        *_required(_l("Give your suggestion a title.")),
        Length(max=TITLE_MAX, message=_l("The title is at most 200 characters."))])
    body = TextAreaField(_l("Your suggestion"), filters=[_strip], validators=[
        *_required(_l("Write your suggestion.")),
        Length(max=BODY_MAX, message=_l("Your suggestion is at most 3000 characters."))],
        description=_l("Published after moderation. Phone numbers, ID numbers and e-mail addresses are hidden."))
    place_id = SelectField(_l("District (optional)"), coerce=int, choices=[], validators=[Optional()])
    name = StringField(_l("Your name (optional, never published)"), filters=[_strip], validators=[Length(max=60)])
    phone = StringField(_l("Your phone (optional, never published)"), filters=[_strip], validators=[Length(max=20)])
    notify_address, notify_consent = follow_fields(
        consent_label=_l("Send me the answer to this suggestion. Each message has a link to stop them."),
        address_hint=_l("Leave this empty to get it by text message to the mobile number above, if you gave one."))

    def follow_fallback(self) -> str:
        return self.phone.data or ""


class CodeForm(BaseForm):
    code = StringField(_l("Personal code"), filters=[_strip], validators=[
        InputRequired(message=_l("Enter your personal code.")), Length(max=MAX_TYPED)])


class PublishForm(BaseForm):
    public_body = TextAreaField(_l("Text to publish"), filters=[_strip],
                                validators=_required(_l("Write the text to publish.")))
    bureau_id = SelectField(_l("Bureau that answers"), coerce=int, choices=[], validators=[Optional()])


class RejectForm(BaseForm):
    reason = TextAreaField(_l("Why it is not published (shown to the submitter only)"), filters=[_strip],
                           validators=_required(_l("Say why the suggestion is not published.")))


class AnswerForm(BaseForm):
    adoption = RadioField(_l("Decision"), choices=choices(Adoption.choices()),
                          validators=[InputRequired(message=_l("Choose the decision."))])
    answer = TextAreaField(_l("Answer (for partly or not adopted: the reasons)"), filters=[_strip], validators=[
        *_required(_l("Write the answer.")), Length(max=ANSWER_MAX, message=_l("At most 5000 characters."))])
