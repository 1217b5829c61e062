"""Forms of the survey back office."""
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.surveys.models import CountsAs, Measure, QuestionKind, SurveyMode
from app.web.forms import BaseForm, choices

REQUIRED = InputRequired(message=_l("This field is required."))


class NewSurveyForm(BaseForm):
    title_zh_hans = StringField(_l("Title (Simplified Chinese)"), validators=[REQUIRED, Length(max=200)])
    mode = SelectField(_l("Mode"), choices=choices(SurveyMode.choices()))
    from_template = BooleanField(_l("Start from the ready satisfaction and participation questionnaire"),
                                 default=True)


class SurveySettingsForm(BaseForm):
    title_zh_hans = StringField(_l("Title (Simplified Chinese)"), validators=[REQUIRED, Length(max=200)])
    title_zh_hant = StringField(_l("Title (Traditional Chinese)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    intro_zh_hans = TextAreaField(_l("Introduction (Simplified Chinese)"), validators=[Optional(), Length(max=3000)])
    intro_zh_hant = TextAreaField(_l("Introduction (Traditional Chinese)"), validators=[Optional(), Length(max=3000)])
    intro_en = TextAreaField(_l("Introduction (English)"), validators=[Optional(), Length(max=3000)])
    mode = SelectField(_l("Mode"), choices=choices(SurveyMode.choices()))
    opens_at = DateTimeLocalField(_l("Opens at (city time, optional)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at (city time, optional)"), validators=[Optional()])
    publish_results = BooleanField(_l("Publish the results (public results page, JSON and live results after answering)"))  # noqa: E501 (one message)
    paged = BooleanField(_l("One section per page, with a progress bar"))
    indicator_period = StringField(_l("Indicator year it feeds (sampled surveys only)"),
                                   validators=[Optional(),
                                               Regexp(r"^\d{4}$", message=_l("Enter a year such as 2025."))])
    post_stratify = BooleanField(_l("Weight districts by their adult population (post-stratification)"), description=_l(
        "Uses the adult population (18 and over) recorded for each district; without it the results are unweighted."))
    retention_days = IntegerField(_l("Keep written answers and duplicate-check data for (days)"), validators=[
        REQUIRED, NumberRange(min=1, max=3650, message=_l("Enter a number of days from 1 to 3650."))])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors.append(_l("The closing time must be after the opening time."))
            valid = False
        return valid


class SectionForm(BaseForm):
    title_zh_hans = StringField(_l("Section title (Simplified Chinese)"), validators=[REQUIRED, Length(max=200)])
    title_zh_hant = StringField(_l("Section title (Traditional Chinese)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Section title (English)"), validators=[Optional(), Length(max=300)])


class QuestionForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(QuestionKind.choices()))
    text_zh_hans = TextAreaField(_l("Question (Simplified Chinese)"), validators=[REQUIRED, Length(max=1000)])
    text_zh_hant = TextAreaField(_l("Question (Traditional Chinese)"), validators=[Optional(), Length(max=1000)])
    text_en = TextAreaField(_l("Question (English)"), validators=[Optional(), Length(max=1000)])
    help_zh_hans = StringField(_l("Hint (Simplified Chinese)"), validators=[Optional(), Length(max=500)])
    help_zh_hant = StringField(_l("Hint (Traditional Chinese)"), validators=[Optional(), Length(max=500)])
    help_en = StringField(_l("Hint (English)"), validators=[Optional(), Length(max=500)])
    required = BooleanField(_l("An answer is required"), default=True)
    max_choices = IntegerField(_l("At most this many choices (multiple choice)"), validators=[
        Optional(), NumberRange(min=1, max=50, message=_l("Enter a number from 1 to 50."))])
    measure = SelectField(_l("Measures, for the indicators"), choices=choices(
        [("standard", _l("As usual for its kind")), ("", _l("Nothing")), *Measure.choices()]))
    condition_option_id = SelectField(_l("Show only when this answer was given"), coerce=int, choices=[])
    options = TextAreaField(_l("Options, one per line"), validators=[Optional(), Length(max=5000)],
                            description=_l("Simplified | Traditional | English on each line; leave empty for the "
                                           "standard options of satisfaction, participation, rating and district "
                                           "questions."))


class QuestionEditForm(QuestionForm):
    """The same fields minus the kind and the option list, which are edited on their own."""

    kind = None
    options = None


class OptionForm(BaseForm):
    label_zh_hans = StringField(_l("Label (Simplified Chinese)"), validators=[REQUIRED, Length(max=300)])
    label_zh_hant = StringField(_l("Label (Traditional Chinese)"), validators=[Optional(), Length(max=300)])
    label_en = StringField(_l("Label (English)"), validators=[Optional(), Length(max=300)])
    counts_as = SelectField(_l("Counts in the rate as"), choices=choices(
        [("", _l("Not counted")), *CountsAs.choices()]))
    weight = DecimalField(_l("Weight in the score"), places=None, validators=[
        Optional(), NumberRange(min=-1000, max=1000, message=_l("Enter a number from -1000 to 1000."))])


class InvitationsForm(BaseForm):
    count = IntegerField(_l("Number of codes"), validators=[
        REQUIRED, NumberRange(min=1, max=5000, message=_l("Enter a number from 1 to 5000."))])
    place_id = SelectField(_l("District sampled"), coerce=int, choices=[])


class VoidForm(BaseForm):
    reason = StringField(_l("Reason"), validators=[REQUIRED, Length(max=500)])
