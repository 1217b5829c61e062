"""One-time form tokens for public create forms: a double click, a resubmitted form or two concurrent posts of
the same form create one record, and every one of them lands on the first one's result page.

The form carries a random token (hidden field `submission`, printed by the `csrf` form macro). Creating
claims the token in `form_submissions` in the same transaction as the record, under a unique constraint, so a
second post either finds the committed claim or waits for it and fails on the constraint. The claim keeps
what the result page needs (a tracking code) sealed with a key derived from the token, which only the
browser holds: the table alone never reveals a tracking code.
"""
import base64
import hashlib
import hmac
import json
import re
import secrets
from datetime import timedelta

from flask import current_app, g, request
from markupsafe import Markup, escape
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.db_types import utcnow
from app.web.models import FormSubmission

FIELD = "submission"
KEEP = timedelta(days=1)  # how long a claimed token still lands on its first result
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class AlreadyClaimed(Exception):
    """Another request claimed this token first (a concurrent double click)."""


def token() -> str:
    """This request's form token: the posted one if it is well-formed, otherwise a new one (kept for the page)."""
    if "once_token" not in g:
        posted = request.form.get(FIELD, "") if request.method == "POST" else ""
        g.once_token = posted if _TOKEN.fullmatch(posted) else secrets.token_urlsafe(24)
    return g.once_token


def posted_token() -> str | None:
    """The token the form came with, or None for a post without one (an old page, a script)."""
    posted = request.form.get(FIELD, "")
    return posted if _TOKEN.fullmatch(posted) else None


def hidden_field() -> Markup:
    """The hidden input for a page whose view asked for a token (Jinja global, used by the csrf macro)."""
    if "once_token" not in g:
        return Markup("")
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(g.once_token)}">')


def earlier_result(session, form: str, posted: str | None):
    """What the first submission with this token produced, or None if it is the first."""
    if posted is None:
        return None
    sealed = session.scalar(select(FormSubmission.sealed_result).where(
        FormSubmission.form == form, FormSubmission.token_hash == _hash(posted)))
    return _unseal(posted, sealed) if sealed else None


def claim(session, form: str, posted: str | None) -> FormSubmission | None:
    """Claim the token inside the caller's transaction; AlreadyClaimed if another request holds it.

    The caller rolls back on AlreadyClaimed and then finds the winner's result with earlier_result.
    """
    if posted is None:
        return None
    # A claim only matters while a form can be resubmitted; older ones (with their sealed codes) go.
    session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEEP))
    row = FormSubmission(form=form, token_hash=_hash(posted))
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        raise AlreadyClaimed(form) from error
    return row


def settle(row: FormSubmission | None, posted: str | None, result) -> None:
    """Keep the result (JSON-serialisable) with the claim, sealed under the token."""
    if row is not None:
        row.sealed_result = _seal(posted, result)


def repeated(session, form: str):
    """On a post of a form already sent with this token (a double click, a resubmission), what the first one
    produced; None otherwise."""
    return earlier_result(session, form, posted_token()) if request.method == "POST" else None


def create(session, form: str, make, show):
    """Store what `make()` creates once per form token and commit; `show(result)` answers, for this post and for
    any later one of the same form. A concurrent second post waits for the first and shows its result."""
    posted = posted_token()
    try:
        row = claim(session, form, posted)
    except AlreadyClaimed:  # the same form, posted twice at once: show what the first one made
        session.rollback()
        return show(earlier_result(session, form, posted))
    result = make()
    settle(row, posted, result)
    session.commit()
    return show(result)


def _key(posted: str, purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"once-{purpose}:{posted}".encode(), hashlib.sha256).digest()


def _hash(posted: str) -> str:
    return _key(posted, "hash").hex()


def _keystream(key: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, counter.to_bytes(4, "big"), hashlib.sha256).digest()
              for counter in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _seal(posted: str, result) -> str:
    # HMAC-SHA256 as a stream cipher under a key used for this one message, then a MAC (encrypt-then-MAC).
    plain = json.dumps(result, separators=(",", ":")).encode()
    key = _key(posted, "seal")
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(key, len(plain))))
    tag = hmac.new(_key(posted, "tag"), cipher, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(tag + cipher).decode()


def _unseal(posted: str, sealed: str):
    raw = base64.urlsafe_b64decode(sealed.encode())
    tag, cipher = raw[:16], raw[16:]
    if not hmac.compare_digest(tag, hmac.new(_key(posted, "tag"), cipher, hashlib.sha256).digest()[:16]):
        return None
    plain = bytes(a ^ b for a, b in zip(cipher, _keystream(_key(posted, "seal"), len(cipher))))
    return json.loads(plain)
