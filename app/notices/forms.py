"""Forms of the notices back office."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DateTimeLocalField, IntegerField, MonthField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.web.forms import BaseForm, CheckboxesField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NoticeForm(BaseForm):
    category_id = SelectField(_l("Category"), coerce=int, choices=[],
                              validators=[InputRequired(message=_l("Choose the category."))])
    bureau_id = SelectField(_l("Issuing bureau"), coerce=int, choices=[],
                            validators=[InputRequired(message=_l("Choose the issuing bureau."))])
    created_on = DateField(_l("Date created (生成日期)"), validators=[InputRequired(message=_l("Give the date."))],
                           description=_l("The day the information came into being: disclosure is due within 20 "
                                          "working days of it."))
    publish_at = DateTimeLocalField(_l("Publish at (optional)"), validators=[Optional()],
                                    description=_l("Leave empty to publish as soon as it is approved."))
    title_zh_hans = StringField(_l("Title (Simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the title in Simplified Chinese.")), Length(max=300)])
    title_zh_hant = StringField(_l("Title (Traditional Chinese)"), filters=[_strip], validators=[Length(max=300)])
    title_en = StringField(_l("Title (English)"), filters=[_strip], validators=[Length(max=400)])
    summary_zh_hans = TextAreaField(_l("Summary (Simplified Chinese)"), filters=[_strip],
                                    validators=[Length(max=2000)])
    summary_zh_hant = TextAreaField(_l("Summary (Traditional Chinese)"), filters=[_strip],
                                    validators=[Length(max=2000)])
    summary_en = TextAreaField(_l("Summary (English)"), filters=[_strip], validators=[Length(max=2000)])
    body_zh_hans = TextAreaField(_l("Text (Simplified Chinese, Markdown)"), filters=[_strip],
                                 validators=[Length(max=100_000)], render_kw={"rows": 12},
                                 description=_l("Markdown: # headings, **bold**, lists, tables and links. "
                                                "HTML and scripts are removed."))
    body_zh_hant = TextAreaField(_l("Text (Traditional Chinese, Markdown)"), filters=[_strip],
                                 validators=[Length(max=100_000)], render_kw={"rows": 8})
    body_en = TextAreaField(_l("Text (English, Markdown)"), filters=[_strip], validators=[Length(max=100_000)],
                            render_kw={"rows": 8})
    place_ids = CheckboxesField(_l("Related districts"), coerce=int, choices=[], validators=[Optional()])
    disclosure_item_id = SelectField(_l("Disclosure catalogue item (optional)"), coerce=int, choices=[],
                                     description=_l("The catalogue item this notice fulfils; it counts for the "
                                                    "disclosure rate."))
    period = MonthField(_l("For the month (monthly catalogue items)"), validators=[Optional()],
                        description=_l("Which month's publication this is: it is judged against that month's due "
                                       "date only. Left empty, the month of the date created."))
    indicator_ids = SelectMultipleField(_l("Related indicators"), coerce=int, choices=[], validators=[Optional()],
                                        render_kw={"size": 6})
    correction_note = TextAreaField(_l("Correction note (更正说明, shown publicly)"), filters=[_strip],
                                    validators=[Length(max=2000)])


class StepForm(BaseForm):
    comment = TextAreaField(_l("Comment"), filters=[_strip], validators=[Length(max=2000)])


class AttachmentForm(BaseForm):
    file = FileField(_l("File (PDF, DOCX, XLSX, JPEG, PNG or WebP)"))


class CategoryForm(BaseForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[
        DataRequired(message=_l("Give a code.")), Length(max=32),
        Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and hyphens."))])
    parent_id = SelectField(_l("Parent category"), coerce=int, choices=[])
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the name in Simplified Chinese.")), Length(max=100)])
    name_zh_hant = StringField(_l("Name (Traditional Chinese)"), filters=[_strip], validators=[Length(max=100)])
    name_en = StringField(_l("Name (English)"), filters=[_strip], validators=[Length(max=150)])
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional()])
    active = BooleanField(_l("In use"), default=True)


class DisclosureItemForm(BaseForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[
        DataRequired(message=_l("Give a code.")), Length(max=32),
        Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and hyphens."))])
    bureau_id = SelectField(_l("Bureau"), coerce=int, choices=[])
    category_id = SelectField(_l("Category"), coerce=int, choices=[])
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the name in Simplified Chinese.")), Length(max=200)])
    name_zh_hant = StringField(_l("Name (Traditional Chinese)"), filters=[_strip], validators=[Length(max=200)])
    name_en = StringField(_l("Name (English)"), filters=[_strip], validators=[Length(max=300)])
    schedule = SelectField(_l("When is it due?"), choices=[])
    due_day = IntegerField(_l("Day of the month (monthly items)"), validators=[Optional()])
    working_days = IntegerField(_l("Working days after the date created (event items)"), default=20,
                                validators=[Optional()])
    starts_on = DateField(_l("Counted from"), validators=[InputRequired(message=_l("Give the date."))])
    active = BooleanField(_l("In use"), default=True)
