"""Forms of facility open days: the facility, an open day with several slots, a booking, the code lookup, the
visit record."""
from flask_babel import lazy_gettext as _l
from wtforms import (DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField,
                     TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.casework import codes
from app.participation.models import FacilityKind
from app.participation.open_days import MAX_GROUP, BookingInput, FacilityInput, SlotInput
from app.web.forms import BaseForm, choices

SLOT_ROWS = 6  # empty rows on the open-day form; the rows left blank are ignored


class FacilityForm(BaseForm):
    kind = SelectField(_l("Kind of facility"), validators=[DataRequired()])
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_zh_hant = StringField(_l("Name (Traditional Chinese)"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=300)])
    address_zh_hans = StringField(_l("Address (Simplified Chinese)"), validators=[DataRequired(), Length(max=200)])
    address_zh_hant = StringField(_l("Address (Traditional Chinese)"), validators=[Optional(), Length(max=200)])
    address_en = StringField(_l("Address (English)"), validators=[Optional(), Length(max=300)])
    description_zh_hans = TextAreaField(_l("Description (Simplified Chinese)"),
                                        validators=[Optional(), Length(max=5000)])
    description_zh_hant = TextAreaField(_l("Description (Traditional Chinese)"),
                                        validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=5000)])
    place_id = SelectField(_l("District"), coerce=int, validators=[DataRequired()])
    bureau_id = SelectField(_l("Bureau"), coerce=int, validators=[DataRequired()])
    min_open_days = IntegerField(_l("Open days a year at least"), default=6,
                                 validators=[InputRequired(), NumberRange(min=0, max=366)],
                                 description=_l("The national open-facility work asks at least 6 a year."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices([(k.value, k.title) for k in FacilityKind])

    def data_for_service(self) -> FacilityInput:
        return FacilityInput(
            kind=FacilityKind(self.kind.data), bureau_id=self.bureau_id.data, place_id=self.place_id.data,
            min_open_days=self.min_open_days.data,
            **{name: (getattr(self, name).data or "") for name in (
                "name_zh_hans", "name_zh_hant", "name_en", "address_zh_hans", "address_zh_hant", "address_en",
                "description_zh_hans", "description_zh_hant", "description_en")})


class SlotRow(Form):
    """One time slot; a row left entirely blank is skipped."""

    starts = TimeField(_l("Starts"), validators=[Optional()])
    ends = TimeField(_l("Ends"), validators=[Optional()])
    capacity = IntegerField(_l("Places"), validators=[Optional(), NumberRange(min=1, max=10000)])


class OpenDayForm(BaseForm):
    day = DateField(_l("Open day"), validators=[InputRequired()])
    # Padded in __init__, not with min_entries: WTForms renumbers posted rows (0, 2 → 0, 1) and then pads with
    # rows that read the posted data again under the freed numbers, doubling a slot.
    slots = FieldList(FormField(SlotRow), max_entries=24)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        while len(self.slots) < SLOT_ROWS:
            self.slots.append_entry()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        filled = 0
        for row in self.slots:
            values = (row.starts.data, row.ends.data, row.capacity.data)
            if all(v is None for v in values):
                continue
            filled += 1
            if any(v is None for v in values):
                row.capacity.errors.append(_l("Give the start, the end and the number of places of this slot."))
                valid = False
        if filled == 0:
            self.form_errors.append(_l("Give at least one time slot: start, end and number of places."))
            valid = False
        return valid

    def slot_inputs(self) -> list[SlotInput]:
        return [SlotInput(row.starts.data, row.ends.data, row.capacity.data) for row in self.slots
                if row.starts.data is not None and row.ends.data is not None and row.capacity.data is not None]


class BookingForm(BaseForm):
    group_name = StringField(_l("Group (optional)"), validators=[Optional(), Length(max=200)],
                             description=_l("A school class or a community; leave empty when you come on your own "
                                            "or with family."))
    contact_name = StringField(_l("Contact name"), validators=[DataRequired(), Length(max=60)])
    contact_phone = StringField(_l("Contact mobile phone"), validators=[DataRequired(), Length(max=20)],
                                description=_l("A mainland mobile number: the facility calls it the day before."))
    size = IntegerField(_l("Number of people"), default=1,
                        validators=[InputRequired(), NumberRange(min=1, max=MAX_GROUP)])

    def data_for_service(self) -> BookingInput:
        return BookingInput(contact_name=self.contact_name.data or "", contact_phone=self.contact_phone.data or "",
                            size=self.size.data, group_name=self.group_name.data or "")


class CodeForm(BaseForm):
    """The personal code, posted (never in an address, so it stays out of logs and browser history)."""

    code = StringField(_l("Your booking code"), validators=[DataRequired(), Length(max=codes.MAX_TYPED)])


class VisitForm(BaseForm):
    visitors = IntegerField(_l("Visitors who came"), validators=[InputRequired(), NumberRange(min=0, max=100000)])
