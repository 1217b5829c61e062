"""The office's notifications page: how messages went and who subscribed where, with masked addresses only; for
the office (jobs.manage), not for a bureau's editor."""
import re

import pytest
from app.notifications import subscriptions
from app.notifications.models import Topic
from app.notifications.queries import last_error_line
from tests import factories

URL = "/admin/notifications/?lang=en"


@pytest.fixture
def sent(session, smtp_server, settle):
    """Three subscriptions: two confirmed (one refused by the mail server), one waiting; their confirmations sent."""
    district = factories.place(session, name_en="Hills District")
    smtp_server.refuse.add("refused@example.com")
    first = subscriptions.subscribe(session, "zhang.san@example.com", [Topic.NOTICES], district.id, "en")
    second = subscriptions.subscribe(session, "13812345678", [Topic.NOTICES, Topic.HEAVY_POLLUTION], None, "en")
    subscriptions.subscribe(session, "refused@example.com", [Topic.HEAVY_POLLUTION], district.id, "en")
    subscriptions.confirm(session, first)
    subscriptions.confirm(session, second)
    session.commit()
    settle()
    return district


def test_the_office_sees_counts_and_masked_addresses_only(client, auth, staff, sent):
    auth.login("admin")
    html = client.get(URL).get_data(as_text=True)
    assert "z***@example.com" in html and "138****5678" in html and "r***@example.com" in html
    assert "zhang.san@example.com" not in html and "13812345678" not in html and "refused@example.com" not in html
    assert "subscription.confirm" in html and "Gave up" in html
    assert "Hills District" in html and "The whole city" in html


def test_the_counts_add_up(client, auth, staff, sent):
    auth.login("admin")
    html = client.get(URL).get_data(as_text=True)
    sent_row = re.search(r"<th scope=\"row\">Sent</th>\s*<td>(\d+)</td><td>(\d+)</td>", html)
    assert sent_row.groups() == ("1", "1")  # by e-mail and by text message (the log sender)
    dead_row = re.search(r"<th scope=\"row\">Gave up</th>\s*<td>(\d+)</td><td>(\d+)</td>", html)
    assert dead_row.groups() == ("1", "0")
    hills = re.search(r"Hills District</th>\s*<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", html)
    assert hills.groups() == ("1", "0", "1")
    city = re.search(r"The whole city</th>\s*<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", html)
    assert city.groups() == ("1", "1", "0")


def test_the_latest_messages_filter_by_state(client, auth, staff, sent):
    auth.login("admin")
    dead = client.get(URL + "&state=dead").get_data(as_text=True)
    assert "r***@example.com" in dead and "z***@example.com" not in dead
    assert "refused" in dead and "refused@example.com" not in dead
    assert "r***@example.com" not in client.get(URL + "&state=sent").get_data(as_text=True)
    assert client.get(URL + "&state=nonsense").status_code == 200


def test_a_bureau_editor_may_not_see_it_and_a_stranger_is_sent_to_sign_in(client, auth, staff):
    assert client.get(URL).status_code == 302
    auth.login("editor")
    assert client.get(URL).status_code == 403


def test_the_office_finds_it_in_the_staff_menu(client, auth, staff):
    auth.login("admin")
    assert 'href="/admin/notifications/"' in client.get("/admin/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("error, shown", [
    ("recipient refused: {'li.si@example.com': (550, b'No such mailbox')}",
     "recipient refused: {'l***@example.com': (550, b'No such mailbox')}"),
    ("gateway answered 400 for 13912345678", "gateway answered 400 for 139****5678"),
    ("first line\nConnectionRefusedError: [Errno 111] Connection refused",
     "ConnectionRefusedError: [Errno 111] Connection refused"),
    ("", ""),
])
def test_an_error_is_shown_by_its_last_line_with_addresses_masked(error, shown):
    assert last_error_line(error) == shown

