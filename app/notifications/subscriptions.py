"""Subscriptions by topic and district: asked for on the public page, confirmed from the link sent to the address
(nothing else is sent before), stopped from the link in every message."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app import audit
from app.db_types import utcnow
from app.notifications import addresses, messages, services
from app.notifications.models import Delivery, Follow, Subscription, Topic
from app.web.urls import public_url

CONFIRM = "subscription.confirm"


def subscribe(session, address_text: str, topics: list[Topic], place_id: int | None, locale: str) -> Subscription:
    """Record a subscription waiting for its confirmation and send the confirmation link. A second request for
    the same address and place makes a new one; confirming it ends the earlier ones.

    One address gets at most one confirmation per NOTIFICATION_CONFIRM_INTERVAL_MINUTES: a request within that
    time changes the subscription still waiting for its confirmation instead (its link confirms what was asked
    last), so that nobody can make the site send a stranger's phone message after message."""
    channel, address = addresses.parse(address_text)
    digest = addresses.digest(address, current_app.config["SECRET_KEY"])
    since = utcnow() - timedelta(minutes=current_app.config["NOTIFICATION_CONFIRM_INTERVAL_MINUTES"])
    waiting = session.scalar(select(Subscription).where(
        Subscription.address_digest == digest, Subscription.confirmed_at.is_(None),
        Subscription.stopped_at.is_(None), Subscription.created_at >= since).order_by(Subscription.id.desc()))
    record = waiting or Subscription(channel=channel, address=address, address_hint=addresses.hint(channel, address),
                                     address_digest=digest, created_at=utcnow())
    record.locale, record.place_id = locale, place_id
    record.wants_notices, record.wants_heavy_pollution = Topic.NOTICES in topics, Topic.HEAVY_POLLUTION in topics
    session.add(record)
    session.flush()
    if waiting is None:
        services.announce(session, CONFIRM, subscription=record)
    audit.record(session, "notifications.subscribe", record, after=record.audit_state())
    return record


def confirm(session, subscription: Subscription) -> Subscription:
    """The address is the resident's: start sending, and end their earlier subscriptions for the same place."""
    if subscription.confirmed_at is not None or subscription.stopped_at is not None:
        return subscription
    now = utcnow()
    subscription.confirmed_at = now
    for earlier in session.scalars(select(Subscription).where(
            Subscription.address_digest == subscription.address_digest, Subscription.id != subscription.id,
            Subscription.stopped_at.is_(None))):
        if earlier.place_id == subscription.place_id:
            earlier.stopped_at = now
    session.flush()
    audit.record(session, "notifications.confirm", subscription, after=subscription.audit_state())
    return subscription


def stop(session, recipient: Follow | Subscription) -> Follow | Subscription:
    """No more messages to this follow or subscription; its address is emptied, on the messages sent to it too (the
    hint stays); a message still waiting is not sent."""
    if recipient.stopped_at is None:
        before = _state(recipient)
        recipient.stopped_at = utcnow()
        recipient.address = ""
        column = Delivery.follow_id if isinstance(recipient, Follow) else Delivery.subscription_id
        session.execute(update(Delivery).where(column == recipient.id, Delivery.address != "").values(address=""))
        session.flush()
        audit.record(session, "notifications.stop", recipient, before=before, after=_state(recipient))
    return recipient


def _state(recipient: Follow | Subscription) -> dict:
    if isinstance(recipient, Subscription):
        return recipient.audit_state()
    return {"subject": recipient.subject, "subject_id": recipient.subject_id, "channel": recipient.channel,
            "address": recipient.address_hint, "stopped": recipient.stopped_at is not None}


@messages.kind(CONFIRM)
def _describe_confirmation(session, event) -> dict:
    subscription = session.get(Subscription, event.subscription_id)
    return {"subscription": subscription, "confirm_url": public_url(
        "notifications.confirm", token=services.token_for(subscription))}
