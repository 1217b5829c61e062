"""Volunteers and their hours: a resident's record across activities (by phone and a personal volunteer code, no
password), the hours organisers confirm after an activity, and the reads behind the record and the back office.

《志愿服务条例》 art. 19 asks organisers to record volunteers' hours truthfully and issue a certificate on request;
the record here is that basis. Services take the session and the actor, flush, audit and never commit.
"""
import re

from flask import current_app
from sqlalchemy import select

from app.casework import codes
from app.db_types import utcnow
from app.participation.models import Registration, Volunteer

_COUNTRY = re.compile(r"^(?:\+|00)?86(?=1\d{10}$)")


def normalise_phone(phone: str | None) -> str:
    """A phone number as digits only, without the +86/0086 country prefix of a mainland mobile number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    digits = _COUNTRY.sub("", digits)
    return digits.replace("+", "")[:20]


def phone_key() -> str:
    """The key phone numbers and volunteer codes are hashed with: the app's secret, as tips and disclosure do."""
    return current_app.config["SECRET_KEY"]


def phone_digest(phone: str | None, key: str | None = None) -> str:
    """The keyed hash of a normalised phone number (finds a volunteer without a searchable number)."""
    return codes.digest(normalise_phone(phone), key or phone_key())


def code_digest(code: str | None, key: str | None = None) -> str:
    """The keyed hash stored for a volunteer code."""
    return codes.digest(code, key or phone_key())


def enrol(session, registration: Registration, key: str | None = None) -> str | None:
    """Link a sign-up to its volunteer record, creating one for a new phone number.

    Returns the new volunteer's personal code (shown once) or None when the phone already had a record.
    """
    key = key or phone_key()
    found_digest = phone_digest(registration.phone, key)
    volunteer = session.scalar(select(Volunteer).where(Volunteer.phone_digest == found_digest))
    code = None
    now = utcnow()
    if volunteer is None:
        code = codes.new_code()
        volunteer = Volunteer(phone_digest=found_digest, name=registration.name.strip()[:60],
                              phone=normalise_phone(registration.phone), code_digest=code_digest(code, key),
                              created_at=now, last_active_at=now)
        session.add(volunteer)
        session.flush()
    volunteer.last_active_at = now
    registration.volunteer_id = volunteer.id
    registration.volunteer = volunteer
    session.flush()
    return code
