"""Updates on a resident's own case, end to end: the change is made by staff, the message leaves after the commit
through the local SMTP server or SMS gateway, in the resident's language, with the public tracking page and a stop
link, and nothing of anyone's personal data or tracking code; a stopped follow gets nothing, and the domains'
retention purge empties the follows of the cases it purges."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.db_types import utcnow
from app.disclosure import services as disclosure
from app.disclosure.services import Reply
from app.disclosure.workflow import ReplyType, RequestState
from app.disclosure.workflow import Step as DisclosureStep
from app.i18n import current_locale
from app.notifications import messages, services, subscriptions
from app.notifications.models import Event, Follow, Subject
from app.participation import activities, retention, suggestions
from app.participation.models import RegistrationState
from app.tips import services as tips
from app.tips.workflow import Step, TipState
from app.web.urls import public_url
from tests import factories
from tests.notifications.follow_cases import CASES, post
from tests.participation.activity_fixtures import NOW, activity, sign_up
from tests.participation.consultations_fixtures import consultation, published

REPORTER = "reporter@example.com"


def _events(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Event))


def _link(app, endpoint: str, **values) -> str:
    """A link as the messages give it (on PUBLIC_BASE_URL)."""
    with app.test_request_context("/", base_url=app.config["PUBLIC_BASE_URL"] or "http://localhost"):
        return public_url(endpoint, **values)


def _subject(mail) -> str:
    """The subject as written (a long one comes back folded, its spaces doubled where it was)."""
    return " ".join(str(mail["Subject"]).split())


def _in(app, locale: str, text) -> str:
    """A translated title as the resident's language gives it."""
    with app.test_request_context("/"), force_locale(locale):
        return str(text)


@pytest.fixture
def reported(client, session, staff):
    """A tip reported through the form in English with an e-mail address for updates; gives (tip, follow)."""
    client.set_cookie("lang", "en")
    case = CASES["tip"](session, staff)
    assert post(client, case, notify_address=REPORTER, notify_consent="y").status_code == 303
    tip = case.created(session)
    return tip, services.following(session, Subject.TIP, tip.id)[0]


def test_a_step_on_a_followed_tip_mails_its_reporter_with_the_tracking_page_and_a_stop_link(
        app, session, staff, reported, smtp_server, settle):
    tip, follow = reported
    other = factories.tip(session, anonymous=False)  # another reporter's case, followed at another address
    services.follow(session, Subject.TIP, other.id, "other@example.com", "en")
    tips.take_step(session, staff["admin"], tip, Step.ACCEPT, tips.Rules())
    session.commit()
    settle()
    [mail] = smtp_server.messages
    assert mail["To"] == REPORTER
    assert mail["Subject"] == f"Your pollution report {tip.public_number}: Accepted"
    body = mail.get_content()
    assert _link(app, "tips.track_form") in body and "enter your tracking code" in body
    stop = _link(app, "notifications.stop", token=services.token_for(follow))
    assert stop in body and str(mail["List-Unsubscribe"]).strip() == f"<{stop}>"
    for private in ("other@example.com", "张三", "13800000000", tip.description, tip.address, tip.code_hash):
        assert private not in body
    [event] = session.scalars(select(Event))
    assert event.params == {"entry": "accept", "state": "accepted"}


def test_the_message_is_written_in_the_language_the_reporter_used(app, session, staff, smtp_server, settle):
    tip = factories.tip(session, bureau_=staff["bureaus"]["home"])
    services.follow(session, Subject.TIP, tip.id, "wang@example.com", "zh_Hant")
    tips.take_step(session, staff["admin"], tip, Step.REJECT, tips.Rules(), note="不属于本局职责，请向市场监管部门反映")
    session.commit()
    settle()
    [mail] = smtp_server.to("wang@example.com")
    state = _in(app, "zh_Hant", TipState.NOT_ACCEPTED.title)
    assert state != "Not accepted" and state in mail["Subject"] and tip.public_number in mail["Subject"]


def test_every_step_that_changes_what_the_reporter_sees_is_told_but_their_own_are_not(
        app, session, staff, reported, smtp_server, settle):
    tip, _follow = reported
    rules, admin, handler = tips.Rules(), staff["admin"], staff["tip_handler"]
    tips.take_step(session, admin, tip, Step.ACCEPT, rules)
    tips.take_step(session, admin, tip, Step.ASSIGN, rules, bureau=staff["bureaus"]["home"], note="内部：请尽快")
    tips.take_step(session, handler, tip, Step.INVESTIGATE, rules)
    tips.take_step(session, handler, tip, Step.CONCLUDE, rules, findings="现场核查属实", reply="已责令整改。",
                   finding="substantiated")
    tips.rate(session, tip, True, "")  # the reporter's own step: no message about it
    session.commit()
    settle()
    subjects = sorted(mail["Subject"] for mail in smtp_server.to(REPORTER))  # each event is sent by its own job
    assert subjects == sorted(f"Your pollution report {tip.public_number}: {state}" for state in
                              ("Accepted", "Assigned to a bureau", "Being investigated", "Concluded"))
    assert "内部" not in "".join(mail.get_content() for mail in smtp_server.messages)


def test_the_reporter_of_a_merged_duplicate_follows_the_tip_it_joined(app, session, staff, smtp_server, settle):
    rules, admin = tips.Rules(), staff["admin"]
    original = factories.tip(session, bureau_=staff["bureaus"]["home"])
    duplicate = factories.tip(session, bureau_=staff["bureaus"]["home"])
    services.follow(session, Subject.TIP, duplicate.id, "dup@example.com", "en")
    tips.merge_tip(session, admin, duplicate, original, rules)
    tips.take_step(session, admin, original, Step.ACCEPT, rules)
    session.commit()
    settle()
    subjects = sorted(_subject(mail) for mail in smtp_server.to("dup@example.com"))
    assert subjects == [f"Your pollution report {duplicate.public_number}: Accepted",
                        f"Your pollution report {duplicate.public_number}: Handled together with another report"]


def test_a_stopped_follow_gets_nothing(app, session, staff, reported, smtp_server, settle):
    tip, follow = reported
    subscriptions.stop(session, follow)
    tips.take_step(session, staff["admin"], tip, Step.ACCEPT, tips.Rules())
    session.commit()
    settle()
    assert smtp_server.messages == [] and _events(session) == 0
    assert follow.address == "" and follow.address_hint == "r***@example.com"


def test_a_rolled_back_step_sends_nothing(app, session, staff, reported, smtp_server, settle):
    tip, _follow = reported
    tips.take_step(session, staff["admin"], tip, Step.ACCEPT, tips.Rules())
    session.rollback()
    settle()
    assert smtp_server.messages == [] and _events(session) == 0


def test_a_disclosure_applicant_is_told_of_the_registration_and_the_answer(app, session, staff, smtp_server, settle):
    request = factories.disclosure_request(session, bureau_=staff["bureaus"]["home"])
    services.follow(session, Subject.DISCLOSURE, request.id, request.email, "en")
    rules = disclosure.Rules()
    disclosure.take_step(session, staff["admin"], request, DisclosureStep.REGISTER, rules)
    disclosure.take_step(session, staff["admin"], request, DisclosureStep.ANSWER, rules,
                         reply=Reply(ReplyType.DISCLOSED, "名录见本局网站。"))
    session.commit()
    settle()
    assert request.state == RequestState.ANSWERED
    answered, registered = sorted(smtp_server.to("li@example.cn"), key=lambda mail: "Registered" in _subject(mail))
    assert registered["Subject"] == f"Your information request {request.number}: Registered, being handled"
    assert answered["Subject"] == f"Your information request {request.number}: Answered"
    body = answered.get_content()
    assert _link(app, "disclosure.track_form") in body and "/notifications/stop/" in body
    for private in ("李四", "420102199001011234", "13900000000", "名录见本局网站"):
        assert private not in body


def test_an_applicants_own_withdrawal_is_no_news_to_them(app, session, staff, smtp_server, settle):
    request = factories.disclosure_request(session, bureau_=staff["bureaus"]["home"])
    services.follow(session, Subject.DISCLOSURE, request.id, request.email, "en")
    disclosure.withdraw(session, request, disclosure.Rules())
    session.commit()
    assert _events(session) == 0


def test_an_activity_cancelled_by_its_organiser_texts_the_sign_ups_who_asked(app, session, staff, sms_gateway,
                                                                             settle):
    target = activity(session, staff["bureaus"]["home"], capacity=2)
    confirmed = sign_up(session, target, number="13911112222").registration
    sign_up(session, target, number="13955556666")  # asked for nothing
    waiting = sign_up(session, target, number="13933334444").registration
    assert waiting.state == RegistrationState.WAITLISTED
    services.follow(session, Subject.REGISTRATION, confirmed.id, "13911112222", "en")
    services.follow(session, Subject.REGISTRATION, waiting.id, "13933334444", "en")
    activities.cancel_activity(session, staff["admin"], target, "暴雨红色预警", now=NOW)
    session.commit()
    settle()
    sent = {message["body"]["phone"]: message["body"]["text"] for message in sms_gateway["received"]}
    assert set(sent) == {"13911112222", "13933334444"}
    text = sent["13911112222"]
    assert f"The activity “{target.title_en}” is cancelled." in text or target.title_zh_hans in text
    assert _link(app, "activities.lookup") in text and "/notifications/stop/" in text and len(text) <= 300
    assert "李四" not in text and "暴雨" not in text


def test_a_freed_place_and_a_new_time_are_told(app, session, staff, smtp_server, settle):
    target = activity(session, staff["bureaus"]["home"], capacity=1, max_group_size=1)
    first = sign_up(session, target).registration
    second = sign_up(session, target).registration
    services.follow(session, Subject.REGISTRATION, second.id, "wait@example.com", "en")
    activities.cancel_registration(session, first, now=NOW)
    assert second.state == RegistrationState.CONFIRMED
    later = target.starts_at + timedelta(days=1)
    activities.update_activity(session, staff["admin"], target, activities.ActivityInput(
        kind=target.kind, title_zh_hans=target.title_zh_hans, title_en=target.title_en,
        venue_zh_hans=target.venue_zh_hans, venue_en=target.venue_en, description_zh_hans=target.description_zh_hans,
        bureau_id=target.bureau_id, place_id=target.place_id, starts_at=later, ends_at=later + timedelta(hours=3),
        signup_opens_at=target.signup_opens_at, signup_closes_at=target.signup_closes_at, capacity=1,
        max_group_size=target.max_group_size, volunteer_hours=target.volunteer_hours))
    session.commit()
    settle()
    promoted, changed = sorted(smtp_server.to("wait@example.com"), key=lambda mail: "changed" in _subject(mail))
    assert _subject(promoted) == f"Your sign-up: A place became free: you now have a place at “{target.title_en}”."
    assert _subject(changed) == f"Your sign-up: The time or place of the activity “{target.title_en}” has changed."
    assert "Place confirmed" in changed.get_content()


def test_a_sign_up_message_names_the_activity_in_the_recipients_language(app, session, staff):
    target = activity(session, staff["bureaus"]["home"])
    registration = sign_up(session, target).registration
    services.follow(session, Subject.REGISTRATION, registration.id, "a@example.com", "zh_Hans")
    activities.cancel_activity(session, staff["admin"], target, "暴雨红色预警", now=NOW)
    [event] = session.scalars(select(Event))
    with app.test_request_context("/?lang=en"):
        assert current_locale() == "en"  # what an earlier message of the same job may leave behind
        text = messages.render(session, event, "zh_Hans", lambda: "http://localhost/notifications/stop/x")
    assert target.title_zh_hans in text.body and target.venue_zh_hans in text.body
    assert target.title_en not in text.body and target.title_zh_hans in text.sms


def test_an_unchanged_activity_tells_nobody(app, session, staff):
    target = activity(session, staff["bureaus"]["home"], title_en="Tree planting", venue_en="East Lake Greenway")
    services.follow(session, Subject.REGISTRATION, sign_up(session, target).registration.id, "a@example.com", "en")
    activities.update_activity(session, staff["admin"], target, activities.ActivityInput(
        kind=target.kind, title_zh_hans=target.title_zh_hans, title_en="Tree planting day",
        venue_zh_hans=target.venue_zh_hans, venue_en=target.venue_en, description_zh_hans=target.description_zh_hans,
        bureau_id=target.bureau_id, place_id=target.place_id, starts_at=target.starts_at, ends_at=target.ends_at,
        signup_opens_at=target.signup_opens_at, signup_closes_at=target.signup_closes_at, capacity=10,
        max_group_size=target.max_group_size, volunteer_hours=target.volunteer_hours))
    session.commit()
    assert _events(session) == 0


def test_an_answered_suggestion_is_told_to_its_submitter(app, session, staff, smtp_server, settle):
    row, _code = published(session, staff["admin"], consultation(session, staff["admin"], staff["bureaus"]["home"]),
                           name="赵六", phone="13812345678")
    services.follow(session, Subject.SUGGESTION, row.id, "zhao@example.com", "en")
    suggestions.answer_suggestion(session, staff["bureau_editor"], row, adoption="partly", answer="部分采纳，因为……")
    session.commit()
    settle()
    [mail] = smtp_server.to("zhao@example.com")
    assert mail["Subject"] == "Your suggestion has been answered: Partly adopted"
    body = mail.get_content()
    assert "Yunxi River restoration plan" in body and _link(app, "suggestions.code") in body
    for private in ("赵六", "13812345678", "部分采纳", row.title):
        assert private not in body


def test_the_retention_purge_empties_the_follows_of_the_cases_it_purges(app, session, staff):
    home = staff["bureaus"]["home"]
    old = sign_up(session, activity(session, home)).registration
    recent_activity = activity(session, home, starts_at=utcnow() + timedelta(days=500),
                               signup_opens_at=NOW - timedelta(days=1))
    recent = sign_up(session, recent_activity).registration
    answered, _code = published(session, staff["admin"], consultation(session, staff["admin"], home))
    suggestions.answer_suggestion(session, staff["bureau_editor"], answered, adoption="adopted", answer="采纳")
    for subject, case in ((Subject.REGISTRATION, old), (Subject.REGISTRATION, recent), (Subject.SUGGESTION, answered)):
        services.follow(session, subject, case.id, "13812345678", "en")
    session.commit()
    retention.purge(session, utcnow() + timedelta(days=400), 30)
    session.commit()
    kept = {(f.subject, f.subject_id): f for f in session.scalars(select(Follow))}
    for gone in ((Subject.REGISTRATION, old.id), (Subject.SUGGESTION, answered.id)):
        assert kept[gone].address == "" and kept[gone].stopped_at is not None and not kept[gone].active
        assert kept[gone].address_hint == "138****5678"
    assert kept[(Subject.REGISTRATION, recent.id)].active
