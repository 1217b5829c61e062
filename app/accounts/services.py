"""Writes on staff accounts: create, update, password, login bookkeeping. Flush and audit; never commit."""
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.accounts.models import User
from app.accounts.permissions import Permission, Role, role_has
from app.db_types import utcnow
from app.errors import ActionRefused

_hashers: dict[tuple, PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (lowered only in tests)."""
    config = current_app.config
    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"])
    if key not in _hashers:
        _hashers[key] = PasswordHasher(time_cost=key[0], memory_cost=key[1])
    return _hashers[key]

MIN_PASSWORD_LENGTH = 10


class AccountError(ActionRefused, ValueError):
    """A refused account change; the message is shown to the user."""


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash of no one's password at the configured cost, made once per process."""
    config = current_app.config
    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher().hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


def verify_password(user: User | None, password: str) -> bool:
    """Exactly one Argon2 verification whoever asks: an unknown user is checked against a dummy hash, so that
    a miss takes as long as a wrong password and the answer does not tell which usernames exist."""
    try:
        return _hasher().verify(user.password_hash if user else _dummy_hash(), password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def find_user(session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def authenticate(session, username: str, password: str, *, max_failures: int, lock_minutes: int,
                 known_device_user_id: int | None = None):
    """Check a login. Returns (user, None) on success or (None, reason) with reason 'invalid' or 'locked'.

    The password is verified in every case (unknown, locked, inactive), so all take the same time. The lock
    (after `max_failures` failures, for `lock_minutes`) does not apply to a browser the user signed in from
    before (`known_device_user_id`), and that browser's failures do not count towards it: an attacker who
    guesses from elsewhere cannot keep the user out of their own browser.
    """
    user = find_user(session, username)
    now = utcnow()
    verified = verify_password(user, password)
    known_device = user is not None and user.id == known_device_user_id
    if user is not None and not known_device and user.locked_until and user.locked_until > now:
        audit.record(session, "accounts.login_refused_locked", user, actor=user)
        session.flush()
        return None, "locked"
    if not verified or not user.active:
        if known_device:
            audit.record(session, "accounts.login_failed", user, actor=user, note="known browser")
        elif user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                audit.record(session, "accounts.locked", user, actor=user,
                             note=f"{max_failures} failed logins")
            else:
                audit.record(session, "accounts.login_failed", user, actor=user)
        session.flush()
        return None, "invalid"
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, "accounts.login", user, actor=user)
    session.flush()
    return user, None


def end_sessions(session, user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far, copies included, stops working."""
    user.session_version += 1
    session.flush()
    audit.record(session, "accounts.logout", user, actor=user)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
                           field="new_password")


def _check_bureau(role: Role, bureau) -> None:
    if role.needs_bureau and bureau is None:
        raise AccountError(_("This role acts for a bureau: choose one."), field="bureau_id")


def _check_organisation(role: Role, organisation) -> None:
    if role.needs_organisation and organisation is None:
        raise AccountError(_("This role acts for a registered organisation: choose one."), field="organisation_id")


def create_user(session, actor, *, username: str, display_name: str, password: str, role: Role | str,
                bureau=None, email: str | None = None, organisation=None) -> User:
    """A new account; a bureau role gets its bureau, an organisation role its organisation (the other is dropped)."""
    role = Role(role)
    if find_user(session, username):
        raise AccountError(_("The username %(name)s is already taken.", name=username), field="username")
    _check_bureau(role, bureau)
    _check_organisation(role, organisation)
    _check_password(password)
    user = User(username=username.strip(), display_name=display_name.strip(), email=email or None,
                password_hash=hash_password(password), role=role,
                bureau=bureau if role.needs_bureau else None,
                organisation=organisation if role.needs_organisation else None)
    session.add(user)
    session.flush()
    audit.record(session, "accounts.create", user, actor=actor, after=user.audit_state())
    return user


def update_user(session, actor, user: User, *, display_name: str, email: str | None, role: Role | str,
                bureau, active: bool, organisation=None) -> User:
    role = Role(role)
    _check_bureau(role, bureau)
    _check_organisation(role, organisation)
    # Nobody takes away their own power over the accounts: the last administrator would lock everyone out.
    if user.id == getattr(actor, "id", None) and (not active or not role_has(role, Permission.USERS_MANAGE)):
        raise AccountError(_("You cannot demote or deactivate your own account."))
    before = user.audit_state()
    was_active = user.active
    user.display_name = display_name.strip()
    user.email = email or None
    user.role = role
    user.bureau = bureau if role.needs_bureau else None
    user.organisation = organisation if role.needs_organisation else None
    user.active = active
    if was_active and not active:
        user.session_version += 1
    session.flush()
    audit.record(session, "accounts.update", user, actor=actor, before=before, after=user.audit_state())
    return user


def change_own_password(session, user: User, current_password: str, new_password: str) -> None:
    """The user's own change: only with their current password; their other sessions end."""
    if not verify_password(user, current_password):
        raise AccountError(_("The current password is wrong."), field="current_password")
    set_password(session, user, user, new_password)


def set_password(session, actor, user: User, password: str) -> None:
    """Set a new password, unlock the account and end the user's other sessions."""
    _check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.session_version += 1
    session.flush()
    audit.record(session, "accounts.set_password", user, actor=actor)
