"""The audit log's question: which entries match the filters, newest first."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from app.audit import AuditEntry
from app.i18n import site_zone


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=site_zone())


def audit_entries(*, actor_id: int | None = None, action: str | None = None, object_type: str | None = None,
                  object_id: str | None = None, since: date | None = None, until: date | None = None) -> Select:
    """Entries by that person, with an action starting so, on that object, between those local days (inclusive)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type.strip())
    if object_id:
        query = query.where(AuditEntry.object_id == object_id.strip())
    if since:
        query = query.where(AuditEntry.at >= _local_midnight(since))
    if until:
        query = query.where(AuditEntry.at < _local_midnight(until + timedelta(days=1)))
    return query
