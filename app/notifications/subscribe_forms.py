"""The public subscribe form: one box for an e-mail address or a mobile number, the topics, the district (or the
whole city) and the resident's explicit consent."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.notifications import addresses
from app.notifications.models import Topic
from app.web.forms import BaseForm, CheckboxesField, choices

WHOLE_CITY = ""


def _an_address(form, field) -> None:
    try:
        addresses.parse(field.data)
    except addresses.AddressError as error:
        raise ValidationError(_l("This is neither an e-mail address (such as name@example.com) nor a mobile "
                                 "number (11 digits, such as 13812345678).")) from error


class SubscribeForm(BaseForm):
    address = StringField(
        _l("E-mail address or mobile number"),
        validators=[DataRequired(message=_l("Enter an e-mail address or a mobile number.")), Length(max=254),
                    _an_address],
        description=_l("Messages go by e-mail to an e-mail address and by text message to a mobile number."),
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "off"})
    topics = CheckboxesField(_l("What do you want to hear about?"), choices=choices(Topic.choices()),
                             validators=[InputRequired(message=_l("Choose at least one topic."))])
    district = SelectField(_l("Where"), choices=[], default=WHOLE_CITY,
                           description=_l("The whole city, or only the notices and air of one district."))
    consent = BooleanField(
        _l("I agree to receive these messages at this address until I stop them"),
        validators=[DataRequired(message=_l("Tick the box to agree: nothing is sent without your consent."))],
        description=_l("A confirmation link is sent first; nothing else is sent until you open it. Every message "
                       "has a link to stop them."))

    def set_districts(self, districts) -> None:
        self.district.choices = choices([(WHOLE_CITY, _l("The whole city")),
                                         *((str(place.id), place.name) for place in districts)])

    @property
    def chosen_topics(self) -> list[Topic]:
        return [Topic(value) for value in self.topics.data or []]

    @property
    def place_id(self) -> int | None:
        return int(self.district.data) if self.district.data else None
