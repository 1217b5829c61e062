"""The append-only audit log: who did what to which object, when, from where, with before and after."""
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db


class AuditEntry(db.Model):
    """One privileged action. Never updated or deleted by the application (see the flush guard below)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The actor's username at the time, kept even if the account is later renamed.
    actor_label: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(500), default="")


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


def _plain(value):
    """A value the JSON columns can store: dates and times as ISO text, enums by value, numbers as they are."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(session, action: str, obj=None, *, actor=None, before=None, after=None, note: str = "",
           object_type: str | None = None, object_id=None) -> AuditEntry:
    """Append an audit entry for action on obj; the caller commits it with the change it describes."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    # Unwrap proxies such as current_user, so the object's table name can be read.
    obj = obj._get_current_object() if hasattr(obj, "_get_current_object") else obj
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type or (type(obj).__tablename__ if obj is not None else ""),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "") or ""),
        before=_plain(before),
        after=_plain(after),
        ip=(request.remote_addr or "") if has_request_context() else "",
        note=note[:500],
    )
    session.add(entry)
    return entry
