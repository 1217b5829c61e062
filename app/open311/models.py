"""Open311: the API keys admins issue to client applications, the link from a request to its tip, and the
comments citizens send on a request through a client (FixMyStreet's POST servicerequestupdates)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.extensions import db
from app.tips.models import Tip, TipEvent


class ApiKey(db.Model):
    """A key a client application posts requests with. Only its hash is stored; the key is shown once."""

    __tablename__ = "open311_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # who holds it, e.g. "12369 app" or "FixMyStreet"
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))  # first characters of the key, to tell keys apart in lists
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    use_count: Mapped[int] = mapped_column(default=0)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def audit_state(self) -> dict:
        return {"name": self.name, "prefix": self.prefix, "revoked": self.revoked_at is not None}


class ApiRequest(db.Model):
    """A tip that arrived through Open311: which key sent it, and the token clients may look it up by."""

    __tablename__ = "open311_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_keys.id"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tip: Mapped[Tip] = relationship()
    key: Mapped[ApiKey] = relationship()


class CitizenComment(db.Model):
    """A citizen's comment on a request, sent by a client with its own update_id. It is kept as an internal
    timeline entry staff read; a staff member may publish it (in words they check) to the public timeline.
    The commenter's name, e-mail and phone stay here, for the office only: they are never published."""

    __tablename__ = "open311_comments"
    __table_args__ = (
        # A client that sends the same update again (FixMyStreet retries) gets the same answer, not a copy.
        UniqueConstraint("key_id", "client_update_id"),
        CheckConstraint("description <> '' OR media_url <> ''", name="has_content"),
        CheckConstraint("(published_event_id IS NULL) = (published_by_id IS NULL)", name="published_by_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_keys.id"), index=True)
    client_update_id: Mapped[str | None] = mapped_column(String(64))  # the client's id of its comment
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    client_datetime: Mapped[datetime | None] = mapped_column(UTCDateTime())  # updated_datetime as sent
    client_status: Mapped[str] = mapped_column(String(32), default="")  # the status the client believes; not applied
    description: Mapped[str] = mapped_column(Text, default="")
    media_url: Mapped[str] = mapped_column(String(1000), default="")  # kept, never fetched
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    event_id: Mapped[int] = mapped_column(ForeignKey("tip_events.id"))  # the internal timeline entry
    published_event_id: Mapped[int | None] = mapped_column(ForeignKey("tip_events.id"), unique=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    tip: Mapped[Tip] = relationship()
    key: Mapped[ApiKey] = relationship()
    event: Mapped[TipEvent] = relationship(foreign_keys=[event_id])
    published_event: Mapped[TipEvent | None] = relationship(foreign_keys=[published_event_id])

    @property
    def update_id(self) -> str:
        """Our id of the comment, answered to the client and used again when it is published, so a client
        that reads the updates recognises its own comment."""
        return f"c{self.id}"

    @property
    def commenter(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part and part != "-")

    def audit_state(self) -> dict:
        return {"tip_id": self.tip_id, "key_id": self.key_id, "client_update_id": self.client_update_id,
                "published_event_id": self.published_event_id}
