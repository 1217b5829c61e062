"""Notifications: residents who asked for updates on their case (a follow) or on a topic of their district (a
subscription), what happened (an event), and every message sent for it (a delivery).

Addresses are personal data: staff see them masked (`address_hint`), the full address lives only on the follow or
subscription while it is active and on a delivery until NOTIFICATION_RETENTION_DAYS after it was sent.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.org.models import Place


class Channel(TitledEnum):
    EMAIL = "email", _l("E-mail")
    SMS = "sms", _l("Text message (SMS)")


class Subject(TitledEnum):
    """What a resident can follow: the case they sent."""

    TIP = "tip", _l("Pollution report")
    DISCLOSURE = "disclosure", _l("Information disclosure request")
    REGISTRATION = "registration", _l("Sign-up for an activity")
    SUGGESTION = "suggestion", _l("Suggestion in a consultation")


class Topic(TitledEnum):
    """What a resident can subscribe to, for the whole city or one district."""

    NOTICES = "notices", _l("New disclosure notices")
    HEAVY_POLLUTION = "heavy_pollution", _l("Heavy air pollution days")


class DeliveryState(TitledEnum):
    PENDING = "pending", _l("Waiting to be sent")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed, will try again")
    DEAD = "dead", _l("Gave up")
    STOPPED = "stopped", _l("Not sent: the resident stopped the updates")


class Follow(db.Model):
    """A resident's consent to get updates on one case at one address, given when they sent it."""

    __tablename__ = "notification_follows"
    __table_args__ = (
        enum_check("subject", Subject),
        enum_check("channel", Channel),
        Index("ix_notification_follows_subject", "subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[Subject] = mapped_column(EnumColumn(Subject, 16))
    subject_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(EnumColumn(Channel, 8))
    # Emptied when the resident stops the updates or the case's personal data is purged.
    address: Mapped[str] = mapped_column(String(254))
    address_hint: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(8))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.stopped_at is None and bool(self.address)


class Subscription(db.Model):
    """Updates on topics for the whole city (no place) or one district, sent once the address is confirmed."""

    __tablename__ = "notification_subscriptions"
    __table_args__ = (
        enum_check("channel", Channel),
        CheckConstraint("wants_notices OR wants_heavy_pollution", name="some_topic"),
        Index("ix_notification_subscriptions_address_digest", "address_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(EnumColumn(Channel, 8))
    address: Mapped[str] = mapped_column(String(254))
    address_hint: Mapped[str] = mapped_column(String(80))
    # A keyed hash of the normalised address: finds a resident's earlier subscriptions without an address index.
    address_digest: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    wants_notices: Mapped[bool] = mapped_column(Boolean, default=False)
    wants_heavy_pollution: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    place: Mapped[Place | None] = relationship()

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None

    @property
    def topics(self) -> list[Topic]:
        return [topic for topic, wanted in ((Topic.NOTICES, self.wants_notices),
                                            (Topic.HEAVY_POLLUTION, self.wants_heavy_pollution)) if wanted]

    def audit_state(self) -> dict:
        return {"channel": self.channel, "address": self.address_hint, "place_id": self.place_id,
                "topics": [str(topic) for topic in self.topics], "confirmed": self.confirmed_at is not None,
                "stopped": self.stopped_at is not None}


class Event(db.Model):
    """Something residents are told of: a step on a followed case, a published notice, a heavy pollution day, a
    subscription to confirm. Its parameters are ids and labels, never personal data."""

    __tablename__ = "notification_events"
    __table_args__ = (
        Index("ix_notification_events_subject", "subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[Subject | None] = mapped_column(EnumColumn(Subject, 16))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    topic: Mapped[Topic | None] = mapped_column(EnumColumn(Topic, 16))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    # Set for a message to one subscription (its confirmation).
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("notification_subscriptions.id"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))

    place: Mapped[Place | None] = relationship()


class Delivery(db.Model):
    """One message of an event to one recipient, recorded whether it went or not."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        enum_check("channel", Channel),
        enum_check("state", DeliveryState),
        UniqueConstraint("event_id", "follow_id", name="uq_notification_deliveries_event_follow"),
        UniqueConstraint("event_id", "subscription_id", name="uq_notification_deliveries_event_subscription"),
        CheckConstraint("(follow_id IS NULL) <> (subscription_id IS NULL)", name="one_recipient"),
        Index("ix_notification_deliveries_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_events.id"), index=True)
    follow_id: Mapped[int | None] = mapped_column(ForeignKey("notification_follows.id"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("notification_subscriptions.id"))
    channel: Mapped[Channel] = mapped_column(EnumColumn(Channel, 8))
    # The full address until retention empties it; the hint stays for the record.
    address: Mapped[str] = mapped_column(String(254))
    address_hint: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(8))
    state: Mapped[DeliveryState] = mapped_column(EnumColumn(DeliveryState, 8), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # What the mail server or SMS gateway called the message (its id), or the adapter's name.
    provider_ref: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
