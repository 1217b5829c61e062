"""Writes on notifications: a resident follows their case, an event is announced, and the delivery job sends it.

`announce` is called by the domains in the transaction of the change it tells of (a tip's step, a notice
published): it records the event only when someone is to be told, and queues one `notifications.deliver` job,
which runs after the commit — a message is never sent from the request, and a rolled-back change sends nothing.
The job makes one delivery per recipient (once: a retried job finds the ones it made), sends each in its own
transaction and records the outcome; a message that failed is tried again with the job's next run, until
NOTIFICATION_ATTEMPTS.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, or_, select, update

from app.db_types import utcnow
from app.jobs import services as jobs
from app.jobs.registry import job
from app.notifications import addresses, channels, messages
from app.notifications.models import (Channel, Delivery, DeliveryState, Event, Follow, Subject, Subscription,
                                      Topic)
from app.web.urls import public_url

DELIVER = "notifications.deliver"
BATCH = 200
TOKEN_SALT = "notifications.recipient"
TOPIC_COLUMNS = {Topic.NOTICES: Subscription.wants_notices, Topic.HEAVY_POLLUTION: Subscription.wants_heavy_pollution}


class DeliveriesLeft(RuntimeError):
    """Some messages failed and may go with the job's next run."""


# --- recipients' links ----------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def token_for(recipient: Follow | Subscription) -> str:
    """The signed token of a follow ("f") or subscription ("s") in its stop and confirm links."""
    return _serializer().dumps(["f" if isinstance(recipient, Follow) else "s", recipient.id])


def recipient_of(session, token: str) -> Follow | Subscription | None:
    """The follow or subscription a link's token names, or None for a token not signed here."""
    try:
        letter, number = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    model = {"f": Follow, "s": Subscription}.get(letter)
    return session.get(model, number) if model is not None and isinstance(number, int) else None


def stop_url(recipient: Follow | Subscription) -> str:
    return public_url("notifications.stop", token=token_for(recipient))


# --- following a case -----------------------------------------------------------------------------------------

def follow(session, subject: Subject, subject_id: int, address_text: str, locale: str) -> Follow:
    """Record a resident's consent to updates on their case at the address they typed (checked by the form)."""
    channel, address = addresses.parse(address_text)
    record = Follow(subject=subject, subject_id=subject_id, channel=channel, address=address,
                    address_hint=addresses.hint(channel, address), locale=locale, consented_at=utcnow())
    session.add(record)
    session.flush()
    return record


def following(session, subject: Subject, subject_id: int) -> list[Follow]:
    return list(session.scalars(select(Follow).where(Follow.subject == subject, Follow.subject_id == subject_id,
                                                     Follow.stopped_at.is_(None)).order_by(Follow.id)))


def forget_follows(session, subject: Subject, subject_ids) -> int:
    """Empty the addresses of the follows of cases whose personal data is purged (the domains' retention)."""
    return session.execute(update(Follow).where(Follow.subject == subject, Follow.subject_id.in_(subject_ids),
                                                Follow.address != "")
                           .values(address="", stopped_at=utcnow())).rowcount


# --- events ---------------------------------------------------------------------------------------------------

# An event's parameter saying that its place's subscribers only are told, not the city-wide ones (who get one
# message for the whole city instead, as on a day of heavy pollution in several districts).
PLACE_ONLY = "place_only"


def _subscribers(topic: Topic, place_id: int | None, place_only: bool = False):
    """Active subscriptions to `topic` for the whole city or for `place_id` (and the city-wide ones too unless
    `place_only`)."""
    query = select(Subscription).where(TOPIC_COLUMNS[topic].is_(True), Subscription.confirmed_at.is_not(None),
                                       Subscription.stopped_at.is_(None))
    if place_id is None:
        return query.where(Subscription.place_id.is_(None))
    if place_only:
        return query.where(Subscription.place_id == place_id)
    return query.where(or_(Subscription.place_id.is_(None), Subscription.place_id == place_id))


def announce(session, kind: str, *, subject: Subject | None = None, subject_id: int | None = None,
             topic: Topic | None = None, place_id: int | None = None, subscription: Subscription | None = None,
             **params) -> Event | None:
    """Tell the followers of a case (subject), the subscribers of a topic (for a place, or the city), or one
    subscription (its confirmation) that `kind` happened; None when there is nobody to tell. `params` are ids
    and codes for the message, never personal data."""
    if messages.get(kind) is None:
        raise ValueError(f"no message is registered for events of kind {kind!r}")
    if subscription is not None:
        anyone = True
    elif subject is not None:
        anyone = session.scalar(select(exists().where(Follow.subject == subject, Follow.subject_id == subject_id,
                                                      Follow.stopped_at.is_(None))))
    elif topic is not None:
        anyone = session.scalar(select(exists(_subscribers(topic, place_id, bool(params.get(PLACE_ONLY)))
                                              .subquery())))
    else:
        raise ValueError("an event is about a case, a topic or one subscription")
    if not anyone:
        return None
    event = Event(kind=kind, subject=subject, subject_id=subject_id, topic=topic, place_id=place_id,
                  subscription_id=subscription.id if subscription is not None else None, params=params,
                  created_at=utcnow())
    session.add(event)
    session.flush()
    event.job_id = jobs.enqueue(session, DELIVER, event_id=event.id).id
    return event


def _recipients(session, event: Event) -> list[Follow | Subscription]:
    if event.subscription_id is not None:
        return [session.get(Subscription, event.subscription_id)]
    if event.subject is not None:
        return following(session, event.subject, event.subject_id)
    return list(session.scalars(_subscribers(event.topic, event.place_id, bool(event.params.get(PLACE_ONLY)))
                                .order_by(Subscription.id)))


def _make_deliveries(session, event: Event) -> None:
    """One delivery per recipient, once: a retried job finds the ones it made."""
    made = {(row.follow_id, row.subscription_id) for row in session.execute(
        select(Delivery.follow_id, Delivery.subscription_id).where(Delivery.event_id == event.id))}
    for recipient in _recipients(session, event):
        key = (recipient.id, None) if isinstance(recipient, Follow) else (None, recipient.id)
        if key in made or not recipient.address:
            continue
        session.add(Delivery(event_id=event.id, follow_id=key[0], subscription_id=key[1],
                             channel=recipient.channel, address=recipient.address,
                             address_hint=recipient.address_hint, locale=recipient.locale,
                             state=DeliveryState.PENDING, created_at=utcnow()))
    session.commit()


def send(session, delivery: Delivery) -> None:
    """Send one delivery and record how it went (committed by the caller)."""
    recipient = (session.get(Follow, delivery.follow_id) if delivery.follow_id
                 else session.get(Subscription, delivery.subscription_id))
    if recipient.stopped_at is not None:
        delivery.state, delivery.address = DeliveryState.STOPPED, ""
        return
    text = messages.render(session, delivery.event, delivery.locale, lambda: stop_url(recipient))
    sender = channels.sender_for(current_app._get_current_object(), delivery.channel)
    by_email = delivery.channel == Channel.EMAIL
    message = channels.Message(delivery.address, text.subject, text.body if by_email else text.sms,
                               stop_url=text.stop_url if by_email else "")
    delivery.attempts += 1
    try:
        delivery.provider_ref = (sender.send(message) or sender.name)[:120]
    except channels.SendError as error:
        # A refusal names the recipient: the record keeps the hint only.
        delivery.error = str(error).replace(delivery.address, delivery.address_hint)[:2000]
        last = error.permanent or delivery.attempts >= current_app.config["NOTIFICATION_ATTEMPTS"]
        delivery.state = DeliveryState.DEAD if last else DeliveryState.FAILED
        return
    delivery.state = DeliveryState.SENT
    delivery.sent_at = utcnow()
    delivery.error = ""


@job(DELIVER, title=_l("Notifications of an event"), attempts=6)
def deliver(context, *, event_id: int) -> dict:
    """Send the event's messages; a run that leaves failed ones raises, so the job engine runs it again later."""
    session = context.session
    event = session.get(Event, event_id)
    if event is None:
        return {"sent": 0}
    _make_deliveries(session, event)
    waiting = select(Delivery.id).where(Delivery.event_id == event_id,
                                        Delivery.state.in_([DeliveryState.PENDING, DeliveryState.FAILED]))
    ids = list(session.scalars(waiting.order_by(Delivery.id)))
    context.progress(0, len(ids))
    for done, delivery_id in enumerate(ids, start=1):
        send(session, session.get(Delivery, delivery_id))
        session.commit()
        if done % BATCH == 0:
            context.progress(done, len(ids))
    counts = dict.fromkeys((state.value for state in DeliveryState), 0)
    for state, in session.execute(select(Delivery.state).where(Delivery.event_id == event_id)):
        counts[state.value] += 1
    if counts[DeliveryState.FAILED.value]:
        raise DeliveriesLeft(f"{counts[DeliveryState.FAILED.value]} messages failed and will be tried again")
    return counts


# --- retention ------------------------------------------------------------------------------------------------

def forget_old_addresses(session, now=None) -> int:
    """Empty the full address of deliveries finished more than NOTIFICATION_RETENTION_DAYS ago."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["NOTIFICATION_RETENTION_DAYS"])
    return session.execute(update(Delivery).where(Delivery.address != "", Delivery.created_at < cutoff,
                                                  Delivery.state.in_([DeliveryState.SENT, DeliveryState.DEAD,
                                                                      DeliveryState.STOPPED]))
                           .values(address="")).rowcount


@job("notifications.retention", title=_l("Addresses of old notifications"), cron="NOTIFICATION_RETENTION_CRON")
def retention(context) -> dict:
    return {"addresses_emptied": forget_old_addresses(context.session)}
