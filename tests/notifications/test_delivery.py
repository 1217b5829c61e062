"""The delivery engine: an event becomes one recorded message per recipient, sent by a job after the commit, over
SMTP or the SMS gateway, in the recipient's language; failures are tried again, refusals give up, and old
addresses are emptied."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.db_types import utcnow
from app.notifications import addresses, services, subscriptions
from app.notifications.models import Channel, Delivery, DeliveryState, Event, Subscription, Topic
from tests import factories


def _deliveries(session) -> list[Delivery]:
    session.expire_all()
    return list(session.scalars(select(Delivery).order_by(Delivery.id)))


@pytest.mark.parametrize("typed, channel, address, hint", [
    ("Resident@Example.com ", Channel.EMAIL, "Resident@example.com", "R***@example.com"),
    ("138 1234 5678", Channel.SMS, "13812345678", "138****5678"),
    ("+86-138-1234-5678", Channel.SMS, "13812345678", "138****5678"),
    ("008613812345678", Channel.SMS, "13812345678", "138****5678"),
])
def test_one_box_takes_an_email_address_or_a_mobile_number(typed, channel, address, hint):
    assert addresses.parse(typed) == (channel, address)
    assert addresses.hint(channel, address) == hint


@pytest.mark.parametrize("typed", ["", "12345", "0571-8888888", "a@", "@b.cn", "23812345678", "resident at x.cn"])
def test_anything_else_is_refused(typed):
    with pytest.raises(addresses.AddressError):
        addresses.parse(typed)


def test_a_subscription_sends_only_its_confirmation_until_confirmed(app, session, smtp_server, settle):
    record = subscriptions.subscribe(session, "zhang@example.com", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    [mail] = smtp_server.to("zhang@example.com")
    assert mail["Subject"] == "Please confirm your subscription"
    assert str(mail["List-Unsubscribe"]).strip().startswith("<http")
    body = mail.get_content()
    assert "New disclosure notices" in body and services.token_for(record) in body
    # Not confirmed: a topic event finds nobody and records nothing.
    assert services.announce(session, "subscription.confirm", topic=Topic.NOTICES) is None
    [delivery] = _deliveries(session)
    assert delivery.state == DeliveryState.SENT and delivery.address_hint == "z***@example.com"
    assert delivery.provider_ref.startswith("<") and delivery.attempts == 1


def test_the_confirmation_is_written_in_the_language_it_was_asked_in(app, session, smtp_server, settle):
    subscriptions.subscribe(session, "wang@example.com", [Topic.HEAVY_POLLUTION], None, "zh_Hans")
    session.commit()
    settle()
    [mail] = smtp_server.to("wang@example.com")
    assert "Please confirm" not in mail["Subject"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in mail["Subject"])


def test_a_rolled_back_change_sends_nothing(app, session, smtp_server, settle):
    subscriptions.subscribe(session, "li@example.com", [Topic.NOTICES], None, "en")
    session.rollback()
    session.commit()
    settle()
    assert smtp_server.messages == [] and _deliveries(session) == []


def test_a_text_message_goes_through_the_gateway(app, session, sms_gateway, settle):
    subscriptions.subscribe(session, "13812345678", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    [sent] = sms_gateway["received"]
    assert sent["authorization"] == "Bearer test-token"
    assert sent["body"]["phone"] == "13812345678" and sent["body"]["sign"] == "生态环境局"
    assert "confirm" in sent["body"]["text"] and len(sent["body"]["text"]) <= 300
    [delivery] = _deliveries(session)
    assert delivery.state == DeliveryState.SENT and delivery.provider_ref == "sms-1"


def test_a_gateway_failure_is_tried_again_with_the_next_run(app, session, sms_gateway, settle):
    sms_gateway["status"] = [503]
    subscriptions.subscribe(session, "13912345678", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    assert len(sms_gateway["received"]) == 2
    [delivery] = _deliveries(session)
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 2 and delivery.error == ""


def test_a_refused_recipient_gives_up_at_once(app, session, smtp_server, settle):
    smtp_server.refuse.add("nobody@example.com")
    subscriptions.subscribe(session, "nobody@example.com", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    [delivery] = _deliveries(session)
    assert delivery.state == DeliveryState.DEAD and delivery.attempts == 1 and "refused" in delivery.error
    assert "nobody@example.com" not in delivery.error and "n***@example.com" in delivery.error


def test_an_unreachable_server_gives_up_after_the_configured_tries(app, session, settle):
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=1, MAIL_SMTP_SECURITY="none",
                      MAIL_SMTP_TIMEOUT=2, NOTIFICATION_ATTEMPTS=2, JOBS_RETRY_BACKOFF="0")
    subscriptions.subscribe(session, "far@example.com", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    [delivery] = _deliveries(session)
    assert delivery.state == DeliveryState.DEAD and delivery.attempts == 2


def test_confirmed_subscribers_of_the_city_and_of_the_district_are_told_once(app, session, smtp_server, settle):
    district, other = factories.place(session), factories.place(session)
    city_wide = subscriptions.subscribe(session, "a@example.com", [Topic.NOTICES], None, "en")
    local = subscriptions.subscribe(session, "b@example.com", [Topic.NOTICES, Topic.HEAVY_POLLUTION], district.id,
                                    "en")
    elsewhere = subscriptions.subscribe(session, "c@example.com", [Topic.NOTICES], other.id, "en")
    unconfirmed = subscriptions.subscribe(session, "d@example.com", [Topic.NOTICES], None, "en")
    for record in (city_wide, local, elsewhere):
        subscriptions.confirm(session, record)
    session.commit()
    settle()
    smtp_server.messages.clear()
    event = services.announce(session, "subscription.confirm", subscription=unconfirmed)
    session.commit()
    settle()
    assert [m["To"] for m in smtp_server.messages] == ["d@example.com"]
    recipients = session.scalars(services._subscribers(Topic.NOTICES, district.id)).all()
    assert {r.address for r in recipients} == {"a@example.com", "b@example.com"}
    assert event.job_id is not None


def test_confirming_again_ends_the_earlier_subscription_and_stop_empties_the_address(app, session, smtp_server,
                                                                                     settle):
    first = subscriptions.subscribe(session, "e@example.com", [Topic.NOTICES], None, "en")
    subscriptions.confirm(session, first)
    second = subscriptions.subscribe(session, "E@example.com", [Topic.HEAVY_POLLUTION], None, "en")
    subscriptions.confirm(session, second)
    session.commit()
    assert first.stopped_at is not None and second.active
    subscriptions.stop(session, second)
    session.commit()
    assert second.address == "" and second.address_hint == "E***@example.com" and not second.active
    assert services.recipient_of(session, services.token_for(second)) == second
    assert services.recipient_of(session, services.token_for(second) + "x") is None
    assert services.recipient_of(session, "not-a-token") is None


def test_old_addresses_are_emptied_and_the_hint_stays(app, session, smtp_server, settle):
    subscriptions.subscribe(session, "f@example.com", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    later = utcnow() + timedelta(days=app.config["NOTIFICATION_RETENTION_DAYS"] + 1)
    assert services.forget_old_addresses(session, now=utcnow()) == 0
    assert services.forget_old_addresses(session, now=later) == 1
    session.commit()
    [delivery] = _deliveries(session)
    assert delivery.address == "" and delivery.address_hint == "f***@example.com"


def test_nobody_to_tell_records_no_event(app, session):
    assert services.announce(session, "subscription.confirm", topic=Topic.NOTICES) is None
    assert session.scalar(select(func.count()).select_from(Event)) == 0
    assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_stopping_empties_the_sent_messages_address_and_a_waiting_message_is_not_sent(app, session, smtp_server,
                                                                                      settle):
    first = subscriptions.subscribe(session, "g@example.com", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    waiting = subscriptions.subscribe(session, "h@example.com", [Topic.NOTICES], None, "en")
    event = session.scalar(select(Event).where(Event.subscription_id == waiting.id))
    session.add(Delivery(event_id=event.id, subscription_id=waiting.id, channel=Channel.EMAIL,
                         address=waiting.address, address_hint=waiting.address_hint, locale="en"))
    subscriptions.stop(session, first)
    subscriptions.stop(session, waiting)
    session.flush()
    delivery = session.scalar(select(Delivery).where(Delivery.subscription_id == waiting.id))
    services.send(session, delivery)
    session.commit()
    settle()
    assert delivery.state == DeliveryState.STOPPED and delivery.address == "" and delivery.attempts == 0
    assert [m["To"] for m in smtp_server.messages] == ["g@example.com"]
    assert all(row.address == "" for row in _deliveries(session))


def test_one_address_gets_one_confirmation_an_hour_and_the_waiting_one_takes_the_last_request(
        app, session, sms_gateway, settle):
    first = subscriptions.subscribe(session, "13712345678", [Topic.NOTICES], None, "en")
    session.commit()
    again = subscriptions.subscribe(session, "137 1234 5678", [Topic.HEAVY_POLLUTION], None, "zh_Hans")
    session.commit()
    settle()
    assert again.id == first.id and again.topics == [Topic.HEAVY_POLLUTION] and again.locale == "zh_Hans"
    assert len(sms_gateway["received"]) == 1
    session.execute(update(Subscription).values(
        created_at=utcnow() - timedelta(minutes=app.config["NOTIFICATION_CONFIRM_INTERVAL_MINUTES"] + 1)))
    session.commit()
    later = subscriptions.subscribe(session, "13712345678", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    assert later.id != first.id and len(sms_gateway["received"]) == 2
