"""Where updates go: one box takes an e-mail address or a mainland mobile number (elderly residents type what they
have); this works out which, normalises it and masks it for staff."""
import hashlib
import hmac
import re

from email_validator import EmailNotValidError, validate_email

from app.notifications.models import Channel

# A mainland mobile number, with or without +86 / 0086, spaces and dashes.
MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
SEPARATORS = re.compile(r"[\s\-()（）]")


class AddressError(ValueError):
    """Neither a usable e-mail address nor a mobile number."""


def parse(text: str) -> tuple[Channel, str]:
    """(channel, normalised address) of what a resident typed; AddressError if it is neither."""
    value = (text or "").strip()
    if "@" in value:
        try:
            return Channel.EMAIL, validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise AddressError(str(error)) from error
    match = MOBILE.match(SEPARATORS.sub("", value))
    if match is None:
        raise AddressError("not a mobile number")
    return Channel.SMS, match.group(1)


def hint(channel: Channel, address: str) -> str:
    """The address as staff see it: 138****5678, z***@example.com."""
    if channel == Channel.SMS:
        return address[:3] + "****" + address[-4:]
    local, _, domain = address.partition("@")
    return (local[:1] or "?") + "***@" + domain


def digest(address: str, key: str) -> str:
    """A keyed hash of the normalised address (finds a resident's earlier subscriptions)."""
    return hmac.new(key.encode(), address.lower().encode(), hashlib.sha256).hexdigest()
