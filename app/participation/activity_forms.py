"""The forms of activities: the public sign-up and code lookup, the organiser's activity, cancel, close, photo
and check-in forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.notifications.forms import FollowFields, follow_fields
from app.participation.models import ActivityKind
from app.web.forms import BaseForm, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SignUpForm(FollowFields, BaseForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter your name.")), Length(max=60)])
    phone = StringField(_l("Mobile phone number"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter your mobile phone number.")), Length(max=20)],
        description=_l("11 digits, e.g. 13812345678. Only the organiser sees it, to reach you about the activity."),
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    group_size = IntegerField(_l("How many people come with this sign-up, you included? (optional)"),
                              validators=[Optional(), NumberRange(min=1, message=_l("At least 1 person."))],
                              render_kw={"inputmode": "numeric"})
    keep_record = BooleanField(_l("Keep a volunteer record of my hours"),
                               description=_l("You get a volunteer code to see your hours and ask for a certificate."))
    # Ticking is enough: the updates go by text message to the mobile number above, unless an e-mail is typed.
    notify_address, notify_consent = follow_fields(
        consent_label=_l("Send me updates on this sign-up. Each message has a link to stop them."),
        address_hint=_l("Leave this empty to get them by text message to your mobile number above."))

    def follow_fallback(self) -> str:
        return self.phone.data or ""


class CodeForm(BaseForm):
    code = StringField(_l("Personal code"), filters=[_strip], validators=[
        InputRequired(message=_l("Enter your personal code.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class ActivityForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(ActivityKind.choices()),
                       validators=[InputRequired(message=_l("Choose the kind."))])
    title_zh_hans = StringField(_l("Title (simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the title in simplified Chinese.")), Length(max=200)])
    title_zh_hant = StringField(_l("Title (traditional Chinese)"), filters=[_strip], validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), filters=[_strip], validators=[Length(max=300)])
    description_zh_hans = TextAreaField(_l("Description (simplified Chinese)"), filters=[_strip],
                                        validators=[Length(max=5000)])
    description_zh_hant = TextAreaField(_l("Description (traditional Chinese)"), filters=[_strip],
                                        validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), filters=[_strip], validators=[Length(max=5000)])
    venue_zh_hans = StringField(_l("Venue (simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the venue in simplified Chinese.")), Length(max=200)])
    venue_zh_hant = StringField(_l("Venue (traditional Chinese)"), filters=[_strip], validators=[Length(max=200)])
    venue_en = StringField(_l("Venue (English)"), filters=[_strip], validators=[Length(max=300)])
    organiser_name = StringField(_l("Organised by (when not the bureau itself)"), filters=[_strip],
                                 validators=[Length(max=200)])
    place_id = SelectField(_l("District"), coerce=int, choices=[],
                           validators=[InputRequired(message=_l("Choose the district."))])
    bureau_id = SelectField(_l("Bureau"), coerce=int, choices=[],
                            validators=[InputRequired(message=_l("Choose the bureau."))])
    organisation_id = SelectField(_l("Registered organisation"), coerce=int, choices=[], default=0,
                                  description=_l("When a registered organisation runs the activity, choose it here "
                                                 "and no bureau: its organisers then organise it."))
    starts_at = DateTimeLocalField(_l("Starts at"), validators=[InputRequired(message=_l("Give the start."))])
    ends_at = DateTimeLocalField(_l("Ends at"), validators=[InputRequired(message=_l("Give the end."))])
    signup_opens_at = DateTimeLocalField(_l("Sign-up opens at"),
                                         validators=[InputRequired(message=_l("Give when sign-up opens."))])
    signup_closes_at = DateTimeLocalField(_l("Sign-up closes at"),
                                          validators=[InputRequired(message=_l("Give when sign-up closes."))])
    capacity = IntegerField(_l("Places"), validators=[InputRequired(message=_l("Give the number of places.")),
                                                      NumberRange(min=1, max=100000)])
    max_group_size = IntegerField(_l("Largest group per sign-up"), default=5,
                                  validators=[InputRequired(message=_l("Give the largest group.")),
                                              NumberRange(min=1, max=1000)])
    volunteer_hours = FloatField(_l("Volunteer hours credited by default (optional)"),
                                 validators=[Optional(), NumberRange(min=0.5, max=24)])


class CancelForm(BaseForm):
    reason = TextAreaField(_l("Why is the activity cancelled?"), filters=[_strip], validators=[
        DataRequired(message=_l("Say why the activity is cancelled.")), Length(max=2000)],
        description=_l("The people who signed up read this on their sign-up page."))


class CloseForm(BaseForm):
    attendance = IntegerField(_l("People who came"), validators=[
        InputRequired(message=_l("Give the number of people who came.")), NumberRange(min=0, max=1000000)])
    summary_zh_hans = TextAreaField(_l("Summary (simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Write the summary of the activity in simplified Chinese.")), Length(max=5000)])
    summary_zh_hant = TextAreaField(_l("Summary (traditional Chinese)"), filters=[_strip],
                                    validators=[Length(max=5000)])
    summary_en = TextAreaField(_l("Summary (English)"), filters=[_strip], validators=[Length(max=5000)])


class PhotoForm(BaseForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"),
                      description=_l("Shown to the public only after staff have cleared it."))
    caption = StringField(_l("Caption (optional)"), filters=[_strip], validators=[Length(max=200)])


class UndoCheckInForm(BaseForm):
    """Take back a check-in; the reason is needed when hours were already confirmed for the person."""

    reason = StringField(_l("Why is the check-in taken back?"), filters=[_strip], validators=[Length(max=500)],
                         description=_l("Needed when hours are confirmed for this person: they leave their record."))
