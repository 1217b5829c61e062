"""The public report form (with what makes a report acceptable, for the web form and Open311 alike) and the
handlers' forms."""
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, HiddenField, IntegerField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.db_types import utcnow
from app.i18n import from_local_input
from app.notifications.forms import FollowFields, follow_fields
from app.web.forms import BaseForm, CheckboxesField, ConfirmForm, choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TipForm(FollowFields, BaseForm):
    categories = CheckboxesField(_l("What kind of pollution? (one or more)"), coerce=int, choices=[],
                                 validators=[InputRequired(message=_l("Choose at least one kind of pollution."))])
    description = TextAreaField(_l("What did you see, hear or smell?"), filters=[_strip], validators=[
        DataRequired(message=_l("Describe the problem.")),
        Length(min=5, max=3000, message=_l("Describe the problem in 5 to 3000 characters."))])
    district = SelectField(_l("District"), coerce=int, choices=[],
                           validators=[InputRequired(message=_l("Choose the district."))])
    address = StringField(_l("Where exactly? (address or landmark)"), filters=[_strip], validators=[
        DataRequired(message=_l("Say where it is.")), Length(max=300)])
    latitude = DecimalField(_l("Latitude (optional)"), places=None, validators=[Optional()],
                            render_kw={"inputmode": "decimal"})
    longitude = DecimalField(_l("Longitude (optional)"), places=None, validators=[Optional()],
                             render_kw={"inputmode": "decimal"})
    observed_at = DateTimeLocalField(_l("When did you notice it? (optional)"), validators=[Optional()])
    reported_unit = StringField(_l("The company or unit responsible, if you know it"),
                                validators=[Optional(), Length(max=200)])
    photos = MultipleFileField(_l("Photos (optional, up to 6: JPEG, PNG or WebP)"),
                               description=_l("Location and camera details are removed from photos when they arrive."))
    identity = RadioField(_l("Report anonymously or with your name?"), default="anonymous", choices=choices([
        ("anonymous", _l("Anonymously")), ("named", _l("With my name and phone (needed for a reward)"))]))
    reporter_name = StringField(_l("Your name"), validators=[Optional(), Length(max=100)])
    reporter_phone = StringField(_l("Your phone number"), validators=[
        Optional(), Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Enter a phone number of digits only."))],
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    notify_address, notify_consent = follow_fields()
    consent = BooleanField(_l("I have read the privacy notice for reports."), validators=[
        InputRequired(message=_l("Please read the privacy notice and tick the box."))])

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then those WTForms can't express: who's named, where, when (all of them run,
        so every message shows at once)."""
        return super().validate(extra_validators) & self._acceptable()

    def _acceptable(self) -> bool:
        valid = True
        if self.district.data == 0:
            self.district.errors.append(_("Choose the district."))
            valid = False
        if self.identity.data == "named" and not (self.reporter_name.data or "").strip():
            self.reporter_name.errors.append(_("Give your name, or choose to report anonymously."))
            valid = False
        if self.identity.data == "named" and not (self.reporter_phone.data or "").strip():
            self.reporter_phone.errors.append(_("Give a phone number so the bureau can reach you about a reward."))
            valid = False
        if (self.latitude.data is None) != (self.longitude.data is None):
            self.longitude.errors.append(_("Give both latitude and longitude, or neither."))
            valid = False
        elif self.latitude.data is not None and not inside_city(self.latitude.data, self.longitude.data):
            self.latitude.errors.append(_("This point is outside the city."))
            valid = False
        if self.observed_at.data and from_local_input(self.observed_at.data) > utcnow():
            self.observed_at.errors.append(_("The time you noticed it cannot be in the future."))
            valid = False
        return valid


def inside_city(latitude: Decimal, longitude: Decimal) -> bool:
    """Whether a point lies in the city's box (TIP_BOUNDS: south, north, west, east)."""
    south, north, west, east = (Decimal(v) for v in current_app.config["TIP_BOUNDS"].split(","))
    return latitude.is_finite() and longitude.is_finite() and south <= latitude <= north and west <= longitude <= east


class TrackForm(BaseForm):
    code = StringField(_l("Tracking code"), validators=[InputRequired(message=_l("Enter your tracking code.")),
                                                        Length(max=40)])


RATING_CHOICES = {
    "yes": _l("Satisfied"),
    "review": _l("Not satisfied: I ask for a review (复查) by the higher authority"),
    "re_review": _l("Not satisfied: I ask for a re-review (复核) by the authority above the reviewer"),
    "no": _l("Not satisfied, without asking for a review"),
}


class RatingForm(BaseForm):
    """The reporter's answer to a written reply: a rating that closes the case, or a request for a review."""

    satisfied = RadioField(_l("Are you satisfied with how your report was handled?"), choices=choices([
        ("yes", RATING_CHOICES["yes"]), ("no", RATING_CHOICES["no"])]),
        validators=[InputRequired(message=_l("Choose satisfied or not satisfied."))])
    comment = TextAreaField(_l("Comment (needed when you ask for a review)"), validators=[Optional(), Length(max=1000)])


class StepForm(BaseForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    bureau_id = SelectField(_l("Bureau"), coerce=int, choices=[], validate_choice=False)
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=5000)])
    finding = SelectField(_l("Was the report substantiated?"), choices=[], validate_choice=False)
    measures_taken = TextAreaField(_l("Measures taken"), validators=[Optional(), Length(max=5000)])
    reply = TextAreaField(_l("Reply to the reporter (public, without personal data)"),
                          validators=[Optional(), Length(max=5000)])
    photos = MultipleFileField(_l("Photos of the site (optional)"))


class ExtensionForm(BaseForm):
    days = IntegerField(_l("Extra days"), validators=[
        InputRequired(message=_l("Enter a number of days.")),
        NumberRange(min=1, max=365, message=_l("Enter a number of days."))])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(message=_l("Give the reason.")), Length(max=1000)])


class DecisionForm(ConfirmForm):
    """A one-button decision (approving or refusing an extension): a refusal is shown on the decision itself."""

    decision = HiddenField()


class MergeForm(BaseForm):
    into = StringField(_l("Number of the tip it duplicates (e.g. 2026-000123)"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter the number of the tip.")),
        Regexp(r"^(\d{4}-)?\d{1,9}$", message=_l("Enter the number as shown in the lists, e.g. 2026-000123."))])


class RewardForm(BaseForm):
    state = SelectField(_l("Reward"), choices=[], validate_choice=True)
    amount = DecimalField(_l("Amount (yuan), when granting"), places=2, validators=[
        Optional(), NumberRange(min=0.01, max=10_000_000, message=_l("Enter an amount above zero."))])
    note = TextAreaField(_l("Internal note (optional)"), validators=[Optional(), Length(max=1000)])


class ExposureForm(BaseForm):
    title = StringField(_l("Public title"), filters=[_strip], validators=[
        DataRequired(message=_l("Write a title.")), Length(max=200)])
    summary = TextAreaField(_l("Public summary of the findings (no personal data)"), filters=[_strip], validators=[
        DataRequired(message=_l("Write a public summary.")), Length(max=5000)])


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the reason.")), Length(max=1000)])


class EscalateForm(BaseForm):
    note = TextAreaField(_l("What the bureau must do (optional)"), validators=[Optional(), Length(max=1000)])
