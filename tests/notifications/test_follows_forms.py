"""The updates piece of the four public forms (a tip, a disclosure request, an activity sign-up, a suggestion):
left empty, the form works as before and nobody follows; an address and the consent record a follow in the page's
language; a bad address or an address without the consent comes back 422 with the input kept and nothing saved."""
import pytest

from app.notifications.models import Channel
from tests.notifications.follow_cases import CASES, SIGN_UP_PHONE, follows, post

BAD_ADDRESS = "0571-888 not mine"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture(params=sorted(CASES))
def case(request, session, staff):
    return CASES[request.param](session, staff)


def test_the_form_offers_the_updates_piece(client, case):
    html = client.get(case.url).get_data(as_text=True)
    assert 'name="notify_address"' in html and 'name="notify_consent"' in html
    assert "Updates on this (optional)" in html


def test_without_an_address_the_form_works_as_before_and_nobody_follows(client, session, case):
    response = post(client, case)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert case.count(session) == 1
    assert follows(session) == []


def test_an_address_with_the_consent_records_a_follow_in_the_page_language(client, session, case):
    response = post(client, case, notify_address=" Resident@Example.com ", notify_consent="y")
    assert response.status_code == 303, response.get_data(as_text=True)
    [follow] = follows(session)
    assert (follow.subject, follow.subject_id) == (case.subject, case.created(session).id)
    assert (follow.channel, follow.address, follow.address_hint) == (Channel.EMAIL, "Resident@example.com",
                                                                     "R***@example.com")
    assert follow.locale == "en" and follow.active


def test_a_mobile_number_follows_by_text_message(client, session, case):
    client.set_cookie("lang", "zh_Hant")
    assert post(client, case, notify_address="+86 138-1234-5678", notify_consent="y").status_code == 303
    [follow] = follows(session)
    assert (follow.channel, follow.address, follow.locale) == (Channel.SMS, "13812345678", "zh_Hant")


def test_a_bad_address_comes_back_422_with_the_input_kept_and_nothing_saved(client, session, case):
    response = post(client, case, notify_address=BAD_ADDRESS, notify_consent="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an e-mail address (name@example.com) or a mainland mobile number of 11 digits" in html
    assert f'value="{BAD_ADDRESS}"' in html and 'aria-invalid="true"' in html
    assert case.count(session) == 0 and follows(session) == []


def test_an_address_without_the_consent_comes_back_422(client, session, case):
    response = post(client, case, notify_address="resident@example.com")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tick this box to get updates at the address you gave" in html
    assert 'value="resident@example.com"' in html
    assert case.count(session) == 0 and follows(session) == []


@pytest.mark.parametrize("name", ["tip"])
def test_the_consent_alone_needs_an_address_where_the_form_has_none(client, session, staff, name):
    case = CASES[name](session, staff)
    response = post(client, case, notify_consent="y")
    assert response.status_code == 422
    assert "Give an e-mail address or mobile number for the updates" in response.get_data(as_text=True)
    assert case.count(session) == 0


def test_a_sign_up_with_the_consent_alone_gets_text_messages_at_its_phone(client, session, staff):
    case = CASES["sign_up"](session, staff)
    assert post(client, case, notify_consent="y").status_code == 303
    [follow] = follows(session)
    assert (follow.channel, follow.address) == (Channel.SMS, SIGN_UP_PHONE)


def test_a_suggestion_without_a_phone_needs_an_address_for_the_consent(client, session, staff):
    case = CASES["suggestion"](session, staff)
    assert post(client, case, notify_consent="y").status_code == 422
    assert post(client, case, notify_consent="y", phone="13812345678").status_code == 303
    [follow] = follows(session)
    assert (follow.channel, follow.address) == (Channel.SMS, "13812345678")


@pytest.mark.parametrize("contact, channel, address", [
    ({"email": "li@example.cn", "delivery_form": "electronic", "delivery_method": "email"}, Channel.EMAIL,
     "li@example.cn"),
    ({}, Channel.SMS, "13900000000"),
])
def test_a_disclosure_applicant_ticks_and_gets_updates_at_the_contact_they_gave(client, session, staff, contact,
                                                                                channel, address):
    case = CASES["disclosure"](session, staff)
    assert post(client, case, notify_consent="y", **contact).status_code == 303
    [follow] = follows(session)
    assert (follow.channel, follow.address) == (channel, address)


def test_a_disclosure_applicant_with_a_landline_and_no_email_is_asked_for_an_address(client, session, staff):
    case = CASES["disclosure"](session, staff)
    response = post(client, case, notify_consent="y", phone="027-88886666")
    assert response.status_code == 422
    assert "Give an e-mail address or mobile number for the updates" in response.get_data(as_text=True)
    assert case.count(session) == 0 and follows(session) == []
