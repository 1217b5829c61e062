"""Forms for staff login, passwords and user administration."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from app.accounts.permissions import Role
from app.accounts.services import MIN_PASSWORD_LENGTH
from app.web.forms import BaseForm, choices


USERNAME_RULE = Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dots, dashes or underscores."))


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[InputRequired(message=_l("Enter your username.")),
                                                      Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Enter your password.")),
                                                        Length(max=256)])


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[
        InputRequired(message=_l("Enter a new password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=256,
               message=_l("The password must have between %(min)d and %(max)d characters.")),
    ])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        InputRequired(message=_l("Repeat the new password.")),
        EqualTo("new_password", message=_l("The two passwords differ.")),
    ])


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(message=_l("Enter your current password."))])


class SetPasswordForm(NewPasswordMixin, BaseForm):
    pass


class UserForm(BaseForm):
    username = StringField(_l("Username"), validators=[InputRequired(message=_l("Enter a username.")),
                                                      Length(max=64), USERNAME_RULE])
    display_name = StringField(_l("Name"), validators=[InputRequired(message=_l("Enter a name.")), Length(max=80)])
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(Role.choices()), validators=[InputRequired()])
    bureau_id = SelectField(_l("Bureau"), choices=[], coerce=int,
                            description=_l("Required for bureau editors and tip handlers."))
    organisation_id = SelectField(_l("Registered organisation"), choices=[], coerce=int, default=0,
                                  description=_l("Required for organisers of a registered organisation."))
    active = BooleanField(_l("Active"), default=True)


class NewUserForm(UserForm, NewPasswordMixin):
    pass
