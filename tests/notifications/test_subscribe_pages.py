"""The public subscribe page: one box for an e-mail address or a mobile number, topics, district and consent;
bad input comes back with what was typed; a good one sends a confirmation link and shows only the masked address.
The whole way of a resident: subscribe, confirm from the mail, hear of a notice of their district, stop."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.db_types import utcnow
from app.notices import services as notices
from app.notices.models import NoticeCategory
from app.notices.workflow import Step
from app.notifications import subscriptions, topics
from app.notifications.models import Delivery, Event, Subscription, Topic
from app.org.models import PlaceLevel
from tests import factories

URL = "/notifications/subscribe?lang=en"
SCHEME = "{bureau_code}/{year}-{seq:05d}"


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _form(client, csrf, **values) -> dict:
    data = {"address": "resident@example.com", "topics": ["notices"], "district": "", "consent": "y",
            "csrf_token": csrf.token(client, URL)}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def _link(mail, path: str) -> str:
    """The path of the link to `path` in a mail's body (the test client has no host to go to)."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", mail.get_content())
    assert match, f"no {path} link in the mail"
    return match.group(1)


@pytest.fixture
def district(session):
    place = factories.place(session, name_en="Riverside District")
    session.commit()
    return place


def test_the_form_offers_the_topics_the_districts_and_the_consent(client, district):
    html = client.get(URL).get_data(as_text=True)
    assert "E-mail address or mobile number" in html
    assert 'value="notices"' in html and 'value="heavy_pollution"' in html
    assert f'value="{district.id}"' in html and "Riverside District" in html and "The whole city" in html
    assert 'name="consent"' in html and 'name="csrf_token"' in html


def test_the_footer_links_to_the_subscribe_page(client):
    assert 'href="/notifications/subscribe"' in client.get("/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("changes, message, typed", [
    ({"address": "call me maybe"}, "neither an e-mail address", 'value="call me maybe"'),
    ({"address": "0571-8888888"}, "neither an e-mail address", 'value="0571-8888888"'),
    ({"address": ""}, "Enter an e-mail address or a mobile number.", None),
    ({"topics": None}, "Choose at least one topic.", 'value="resident@example.com"'),
    ({"consent": None}, "Tick the box to agree", 'value="resident@example.com"'),
    ({"district": "999999"}, "Not a valid choice", 'value="resident@example.com"'),
])
def test_bad_input_comes_back_with_what_was_typed_and_saves_nothing(client, csrf, session, smtp_server, settle,
                                                                    district, changes, message, typed):
    response = client.post(URL, data=_form(client, csrf, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in html and message in html
    if typed:
        assert typed in html
    settle()
    assert _count(session, Subscription) == 0 and _count(session, Event) == 0 and smtp_server.messages == []


def test_the_topics_and_district_chosen_are_kept_on_a_refusal(client, csrf, district):
    html = client.post(URL, data=_form(client, csrf, address="nope", topics=["heavy_pollution"],
                                       district=str(district.id))).get_data(as_text=True)
    assert re.search(r'value="heavy_pollution"[^>]*checked|checked[^>]*value="heavy_pollution"', html)
    assert not re.search(r'value="notices"[^>]*checked|checked[^>]*value="notices"', html)
    assert re.search(rf'<option selected value="{district.id}"|value="{district.id}" selected', html)


def test_the_post_needs_the_csrf_token(client, session, district):
    response = client.post(URL, data={"address": "a@example.com", "topics": "notices", "consent": "y"})
    assert response.status_code == 400 and _count(session, Subscription) == 0


def test_the_confirm_and_stop_buttons_need_the_csrf_token(client, session, smtp_server, settle):
    record = subscriptions.subscribe(session, "csrf@example.com", [Topic.NOTICES], None, "en")
    session.commit()
    settle()
    token = re.search(r"/notifications/confirm/([^\s]+)", smtp_server.messages[0].get_content()).group(1)
    assert client.post(f"/notifications/confirm/{token}").status_code == 400
    assert client.post(f"/notifications/stop/{token}").status_code == 400
    session.expire_all()
    assert record.confirmed_at is None and record.stopped_at is None


def test_a_mobile_number_is_taken_and_only_its_hint_shown(client, csrf, session, sms_gateway, settle):
    response = client.post(URL, data=_form(client, csrf, address="138 1234 5678"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/notifications/subscribed")
    html = client.get("/notifications/subscribed?lang=en").get_data(as_text=True)
    assert "138****5678" in html and "13812345678" not in html and "text message" in html
    settle()
    [sent] = sms_gateway["received"]
    assert sent["body"]["phone"] == "13812345678"
    [record] = session.scalars(select(Subscription)).all()
    assert record.locale == "en" and record.place_id is None and record.topics == [Topic.NOTICES]


def test_the_page_after_subscribing_is_shown_once(client, csrf, smtp_server, settle):
    client.post(URL, data=_form(client, csrf))
    assert "r***@example.com" in client.get("/notifications/subscribed?lang=en").get_data(as_text=True)
    again = client.get("/notifications/subscribed?lang=en")
    assert again.status_code == 302 and again.headers["Location"].endswith("/notifications/subscribe")


def test_the_same_form_posted_twice_subscribes_once(client, csrf, session, smtp_server, settle):
    data = _form(client, csrf, submission="a-one-time-token-0123456789")
    first, second = client.post(URL, data=data), client.post(URL, data=data)
    assert first.status_code == second.status_code == 303
    settle()
    assert _count(session, Subscription) == 1 and len(smtp_server.messages) == 1


def test_the_subscription_is_in_the_language_of_the_page(client, csrf, session, smtp_server, settle):
    client.post("/notifications/subscribe?lang=zh_Hant", data=_form(client, csrf))
    settle()
    [record] = session.scalars(select(Subscription)).all()
    assert record.locale == "zh_Hant"


# --- the whole way ----------------------------------------------------------------------------------------------

def _subscribe_and_confirm(client, csrf, smtp_server, settle, address: str, place_id: int | None,
                           topics_=("notices",)) -> None:
    response = client.post(URL, data=_form(client, csrf, address=address, topics=list(topics_),
                                           district=str(place_id or "")))
    assert response.status_code == 303
    settle()
    [mail] = smtp_server.to(address)
    confirm = _link(mail, "/notifications/confirm/")
    page = client.get(confirm + "?lang=en").get_data(as_text=True)
    assert "Confirm your subscription" in page and '<button type="submit"' in page
    token = csrf.token(client, confirm)
    assert client.post(confirm, data={"csrf_token": token}).status_code == 303
    assert "Your subscription is confirmed" in client.get(confirm + "?lang=en").get_data(as_text=True)


def _publish_notice(session, staff, places, code="quality-air", publish_at=None, now=None):
    """A notice of the home bureau about `places`, written, submitted and approved through the services."""
    category = NoticeCategory(code=code, name_zh_hans="空气质量")
    session.add(category)
    session.flush()
    data = notices.NoticeInput(category=category, bureau=staff["bureaus"]["home"], created_on=date(2026, 9, 1),
                               titles={"zh_hans": "关于重点排污单位名录的公告", "en": "List of key polluting units"},
                               places=list(places), publish_at=publish_at)
    notice = notices.create_notice(session, staff["bureau_editor"], data, now=now)
    notices.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=now)
    notices.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME, now=now)
    session.commit()
    return notice


def test_a_published_notice_reaches_the_confirmed_subscribers_of_its_district_and_the_city(
        client, csrf, session, staff, smtp_server, settle, district):
    other = factories.place(session)
    session.commit()
    _subscribe_and_confirm(client, csrf, smtp_server, settle, "local@example.com", district.id)
    _subscribe_and_confirm(client, csrf, smtp_server, settle, "city@example.com", None)
    _subscribe_and_confirm(client, csrf, smtp_server, settle, "elsewhere@example.com", other.id)
    _subscribe_and_confirm(client, csrf, smtp_server, settle, "air-only@example.com", district.id,
                           topics_=("heavy_pollution",))
    client.post(URL, data=_form(client, csrf, address="unconfirmed@example.com", district=str(district.id)))
    settle()
    smtp_server.messages.clear()

    notice = _publish_notice(session, staff, [district])
    settle()
    assert sorted(m["To"] for m in smtp_server.messages) == ["city@example.com", "local@example.com"]
    mail = smtp_server.to("local@example.com")[0]
    assert mail["Subject"] == "New notice: List of key polluting units"
    body = mail.get_content()
    assert "Riverside District" in body and notice.index_number in body
    assert client.get(_link(mail, f"/notices/{notice.id}")).status_code == 200
    stop = _link(mail, "/notifications/stop/")
    assert str(mail["List-Unsubscribe"]).strip().endswith(stop + ">")

    # The stop link: a page with a button, the POST stops, and the next notice goes to the city-wide one only.
    assert "local@example.com" not in client.get(stop + "?lang=en").get_data(as_text=True)
    assert client.post(stop, data={"csrf_token": csrf.token(client, stop)}).status_code == 303
    assert "No more updates will be sent to l***@example.com" in client.get(stop + "?lang=en").get_data(as_text=True)
    smtp_server.messages.clear()
    _publish_notice(session, staff, [district], code="second")
    settle()
    assert [m["To"] for m in smtp_server.messages] == ["city@example.com"]


def test_a_city_wide_notice_reaches_only_the_city_wide_subscribers(session, staff, smtp_server, settle, district):
    city = factories.place(session, level=PlaceLevel.CITY)
    local = subscriptions.subscribe(session, "local@example.com", [Topic.NOTICES], district.id, "en")
    everyone = subscriptions.subscribe(session, "all@example.com", [Topic.NOTICES], None, "en")
    for record in (local, everyone):
        subscriptions.confirm(session, record)
    session.commit()
    settle()
    smtp_server.messages.clear()
    notice = _publish_notice(session, staff, [city, district])
    settle()
    assert [m["To"] for m in smtp_server.messages] == ["all@example.com"]
    [event] = session.scalars(select(Event).where(Event.kind == topics.NOTICE_PUBLISHED)).all()
    assert event.place_id is None and event.params == {"notice_id": notice.id}


def test_a_notice_approved_for_later_is_told_of_when_its_time_comes(session, staff, smtp_server, settle, district):
    record = subscriptions.subscribe(session, "later@example.com", [Topic.NOTICES], district.id, "en")
    subscriptions.confirm(session, record)
    session.commit()
    settle()
    smtp_server.messages.clear()
    now = utcnow()
    _publish_notice(session, staff, [district], publish_at=now + timedelta(hours=2), now=now)
    settle()
    assert smtp_server.messages == [] and _count(session, Delivery) == 1  # only the confirmation

    assert topics.announce_due_notices(session, now=now + timedelta(hours=1)) == 0
    assert topics.announce_due_notices(session, now=now + timedelta(hours=3)) == 1
    session.commit()
    settle()
    assert [m["To"] for m in smtp_server.messages] == ["later@example.com"]
    assert topics.announce_due_notices(session, now=now + timedelta(hours=3, minutes=15)) == 0
    # Long past its time (the duty was off for days): history, not news.
    assert topics.announce_due_notices(session, now=now + timedelta(days=5)) == 0


def test_a_notice_published_at_once_is_not_told_of_again_by_the_duty(session, staff, smtp_server, settle,
                                                                     district):
    record = subscriptions.subscribe(session, "once@example.com", [Topic.NOTICES], None, "en")
    subscriptions.confirm(session, record)
    session.commit()
    _publish_notice(session, staff, [district])
    settle()
    assert len(smtp_server.to("once@example.com")) == 2  # the confirmation and the notice
    assert topics.announce_due_notices(session, now=utcnow() + timedelta(minutes=15)) == 0


def test_the_notices_duty_is_scheduled(app):
    from app.jobs import registry

    kind = registry.get("notifications.notices")
    assert kind is not None and kind.cron_setting == "NOTIFICATION_NOTICES_CRON"
    assert app.config["NOTIFICATION_NOTICES_CRON"]


def test_the_posts_are_rate_limited_and_the_page_stays_open(database_url, tmp_path):
    from app import create_app
    from tests.conftest import IsolatedClient, base_config

    config = base_config(database_url) | {"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": False,
                                          "NOTIFICATION_SUBSCRIBE_RATE_LIMIT": "2 per minute",
                                          "UPLOAD_DIR": str(tmp_path)}
    limited = create_app(config)
    limited.test_client_class = IsolatedClient
    client = limited.test_client()
    codes = [client.post(URL, data={"address": "not an address"}).status_code for _ in range(3)]
    assert codes == [422, 422, 429] and client.get(URL).status_code == 200


def test_each_subscriber_reads_the_notice_in_their_language(session, staff, smtp_server, settle, district):
    for address, locale in [("en@example.com", "en"), ("hans@example.com", "zh_Hans"), ("en2@example.com", "en")]:
        subscriptions.confirm(session, subscriptions.subscribe(session, address, [Topic.NOTICES], None, locale))
    session.commit()
    settle()
    smtp_server.messages.clear()
    _publish_notice(session, staff, [district])
    settle()
    assert "List of key polluting units" in smtp_server.to("en@example.com")[0].get_content()
    assert "List of key polluting units" in smtp_server.to("en2@example.com")[0].get_content()
    chinese = smtp_server.to("hans@example.com")[0].get_content()
    assert "关于重点排污单位名录的公告" in chinese and "List of key polluting units" not in chinese
