"""Writes for Open311: issuing and revoking API keys, checking a key (every use audited), filing a
service request as a tip through the tips module's own service, and citizens' comments on a request (kept
for staff, published by them). Flush, audit, return; never commit."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.db_types import utcnow
from app.errors import ActionRefused, NotPermitted
from app.open311.formats import Open311Error
from app.open311.models import ApiKey, ApiRequest, CitizenComment
from app.tips import policy
from app.tips import services as tips
from app.tips.models import Tip, TipEvent


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


class CommentError(ActionRefused):
    """A staff action on a comment that cannot be done; the message is for the user. `refused` names the
    audit action of a refused privileged attempt (a CommentDenied)."""

    refused: str | None = None


class CommentDenied(CommentError, NotPermitted):
    """Not the actor's tip to act on: audited as `refused` where it is refused."""

    refused = "open311.comment_denied"


@dataclass
class CommentInput:
    """A comment as FixMyStreet posts it (post_service_request_update)."""

    client_update_id: str = ""
    client_datetime: datetime | None = None
    status: str = ""
    description: str = ""
    media_url: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""


def _comment_by_client_id(session, key: ApiKey, client_update_id: str) -> CitizenComment | None:
    if not client_update_id:
        return None
    return session.scalar(select(CitizenComment).where(CitizenComment.key_id == key.id,
                                                       CitizenComment.client_update_id == client_update_id))


def receive_comment(session, key: ApiKey, tip: Tip, data: CommentInput) -> CitizenComment:
    """Keep a citizen's comment as an internal timeline entry of the tip (never public by itself) with the
    commenter's details for the office. The same update_id sent again by the same key gives back the first
    comment, so a client's retry makes no copy."""
    existing = _comment_by_client_id(session, key, data.client_update_id)
    if existing is None:
        try:
            with session.begin_nested():
                event = tips.add_public_comment(session, tip, data.description)
                comment = CitizenComment(
                    tip=tip, key_id=key.id, client_update_id=data.client_update_id or None, received_at=utcnow(),
                    client_datetime=data.client_datetime, client_status=data.status, description=data.description,
                    media_url=data.media_url, first_name=data.first_name, last_name=data.last_name, email=data.email,
                    phone=data.phone, event=event)
                session.add(comment)
                session.flush()
        except IntegrityError:  # the same update arrived twice at once: the other one was kept
            existing = _comment_by_client_id(session, key, data.client_update_id)
            if existing is None:
                raise
        else:
            audit.record(session, "open311.comment_receive", tip, note=key.name,
                         after={"key_id": key.id, "comment_id": comment.id,
                                "client_update_id": data.client_update_id})
            return comment
    if existing.tip_id != tip.id:
        raise Open311Error(400, _("update_id %(id)s was already sent for another service request.",
                                  id=data.client_update_id))
    return existing


def publish_comment(session, actor, comment: CitizenComment, text: str) -> TipEvent:
    """Publish a citizen's comment to the tip's public timeline in the words staff checked (the commenter's
    name, e-mail and phone are never part of it)."""
    if not policy.can_handle(actor, comment.tip):
        raise CommentDenied(_("You can only act on tips of your own bureau."))
    if comment.published_event_id is not None:
        raise CommentError(_("This comment is already public."))
    text = text.strip()
    if not text:
        raise CommentError(_("Give the text to publish."), field="text")
    before = comment.audit_state()
    event = tips.add_public_comment(session, comment.tip, text, actor=actor, public=True)
    comment.published_event_id, comment.published_by_id = event.id, actor.id
    session.flush()
    audit.record(session, "open311.comment_publish", comment, actor=actor, before=before,
                 after=comment.audit_state(), note=text[:500])
    return event
