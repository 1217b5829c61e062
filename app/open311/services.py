"""Writes for Open311: issuing and revoking API keys, checking a key (every use audited), and filing a
service request as a tip through the tips module's own service. Flush, audit, return; never commit."""
import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.db_types import utcnow
from app.open311.formats import Open311Error
from app.open311.models import ApiKey, ApiRequest
from app.tips import services as tips


def key_hash(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


def issue_key(session, actor, name: str) -> tuple[ApiKey, str]:
    """A new key for a client application; the key itself is returned once and stored only as a hash."""
    key = secrets.token_urlsafe(32)
    row = ApiKey(name=name.strip(), key_hash=key_hash(key), prefix=key[:8], created_at=utcnow(),
                 created_by_id=getattr(actor, "id", None))
    session.add(row)
    session.flush()
    audit.record(session, "open311.key_issue", row, actor=actor, after=row.audit_state())
    return row, key


def revoke_key(session, actor, row: ApiKey) -> None:
    """A revoked key is refused from now on; the row stays, so past requests still name their key."""
    if row.revoked_at is not None:
        return
    before = row.audit_state()
    row.revoked_at, row.revoked_by_id = utcnow(), getattr(actor, "id", None)
    session.flush()
    audit.record(session, "open311.key_revoke", row, actor=actor, before=before, after=row.audit_state())


def authenticate(session, key: str | None, action: str) -> ApiKey:
    """The active key behind `key`, its use counted and audited; a missing, unknown or revoked key is
    audited as refused and answered with 403 (the caller commits the refusal)."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(key))) if key and key.strip() else None
    if row is None or not row.active:
        audit.record(session, "open311.key_refused", row, object_type=None if row else "open311_keys",
                     object_id=None if row else "", note=f"{action}: " + ("revoked key" if row else
                                                                          "missing or unknown key"))
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with %(action)s.", action=action))
    row.last_used_at = utcnow()
    row.use_count = (row.use_count or 0) + 1
    return row


def create_request(session, key: ApiKey, data: tips.TipInput, rules: tips.Rules, upload_dir: str,
                   media_url: str = "") -> tuple[ApiRequest, str]:
    """File the tip through tips.submit_tip; a media_url is kept as an internal note and never fetched.
    Returns the link row and the reporter's tracking code (which the API does not give out)."""
    tip, code = tips.submit_tip(session, data, [], rules, upload_dir)
    if media_url:
        tips.add_internal_note(session, tip, _("Media URL sent by the Open311 client (not fetched): %(url)s",
                                               url=media_url))
    link = ApiRequest(tip=tip, key_id=key.id, token=secrets.token_urlsafe(16), created_at=utcnow())
    session.add(link)
    session.flush()
    audit.record(session, "open311.request_create", tip, after={"key_id": key.id, "token": link.token},
                 note=key.name)
    return link, code
