"""The updates piece of the public forms that open a case (a tip, a disclosure request, a sign-up, a suggestion):
one optional box for an e-mail address or mobile number and the consent to updates there. Left empty and unticked,
the form works as it did without it.

A form puts the two fields where they belong with `notify_address, notify_consent = follow_fields()` and mixes in
`FollowFields` for their checks; a form that already has the resident's e-mail or mobile number offers it through
`follow_fallback`, so that ticking the box is all the resident has to do."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from app.i18n import current_locale
from app.notifications import addresses, services
from app.notifications.models import Follow, Subject

ADDRESS_LABEL = _l("E-mail address or mobile number for updates (optional)")
CONSENT_LABEL = _l("Send me updates on this at this address. Each message has a link to stop them.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def follow_fields(consent_label=CONSENT_LABEL, address_hint=None) -> tuple[StringField, BooleanField]:
    """The box and the consent, made where the form's class body calls this (so they keep their place in the
    form's order, and in its error summary)."""
    address = StringField(ADDRESS_LABEL, filters=[_strip], validators=[Length(max=254)], description=address_hint,
                          render_kw={"autocomplete": "off", "spellcheck": "false"})
    return address, BooleanField(consent_label)


class FollowFields:
    """The checks of `notify_address` and `notify_consent` (WTForms runs `validate_<field>` methods)."""

    def follow_fallback(self) -> str:
        """An address the form already holds, used when the box is left empty and the consent ticked."""
        return ""

    def validate_notify_address(self, field) -> None:
        typed = field.data or ""
        if typed:
            try:
                addresses.parse(typed)
            except addresses.AddressError:
                raise ValidationError(_("Enter an e-mail address (name@example.com) or a mainland mobile number of "
                                        "11 digits, or leave this empty.")) from None
        elif self.notify_consent.data and not self._usable(self.follow_fallback()):
            raise ValidationError(_("Give an e-mail address or mobile number for the updates, or untick the box "
                                    "below."))

    def validate_notify_consent(self, field) -> None:
        if (self.notify_address.data or "") and not field.data:
            raise ValidationError(_("Tick this box to get updates at the address you gave, or leave the address "
                                    "empty."))

    def follow_address(self) -> str | None:
        """Where the resident asked for updates, or None when they did not ask."""
        if not self.notify_consent.data:
            return None
        address = self.notify_address.data or self.follow_fallback()
        return address if self._usable(address) else None

    @staticmethod
    def _usable(text: str) -> bool:
        try:
            addresses.parse(text)
        except addresses.AddressError:
            return False
        return True


def record_follow(session, form: FollowFields, subject: Subject, subject_id: int) -> Follow | None:
    """Record the resident's consent to updates on the case they just sent, in the language of the page, when
    they asked for them (checked by the form); None otherwise."""
    address = form.follow_address()
    if address is None:
        return None
    return services.follow(session, subject, subject_id, address, current_locale())
