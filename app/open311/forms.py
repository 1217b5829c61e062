"""The back-office forms of Open311: issuing an API key, publishing a citizen's comment."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.web.forms import BaseForm


class KeyForm(BaseForm):
    name = StringField(_l("Who will use this key? (application and organisation)"), validators=[
        DataRequired(message=_l("Say who will use this key.")), Length(max=120)])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PublishCommentForm(BaseForm):
    text = TextAreaField(_l("Text to publish on the public timeline"), filters=[_strip],
                         validators=[DataRequired(message=_l("Give the text to publish.")), Length(max=4000)],
                         description=_l("Check it first: remove names, phone numbers, addresses of homes and "
                                        "anything else that identifies a person."))
