"""Deadline rules of the 政府信息公开条例 (State Council Order 711, 2019 revision) beyond the 20 working days:
consultations that stop the clock (arts. 32–34), the head's approval of an extension (art. 33), and the
completion period set case by case (art. 30)."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import format_date
from sqlalchemy import select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.disclosure import queries, services
from app.disclosure.models import DisclosureConsultation, DisclosureRequest
from app.disclosure.services import DisclosureError, Reply, Rules
from app.disclosure.workflow import ReplyType, RequestState, Step
from app.workdays.days import add_days, days_left
from tests.disclosure.conftest import MONDAY, NATIONAL_DAY

TUESDAY = MONDAY + timedelta(days=1)
AFTER_THE_HOLIDAY = datetime(2026, 10, 12, 2, 0, tzinfo=timezone.utc)  # Monday 12 October in the city


@pytest.fixture(autouse=True)
def english(app, client):
    client.set_cookie("lang", "en")
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def rules():
    return Rules(overrides=NATIONAL_DAY)


@pytest.fixture
def registered(session, apply, staff, rules):
    created, code = apply(rules=rules, now=MONDAY)
    services.take_step(session, staff["admin"], created, Step.REGISTER, rules, now=MONDAY)
    session.commit()
    assert created.answer_due == date(2026, 10, 30)
    return created, code


def consult(session, actor, request, rules, now=TUESDAY, **values):
    values = {"consult_kind": "third_party", "party": "某化工有限公司"} | values
    services.take_step(session, actor, request, Step.CONSULT, rules, now=now, **values)


def test_time_spent_consulting_a_third_party_is_not_counted(session, staff, rules, registered):
    """Art. 33(2): 行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内. Consulted on Tuesday 29 September,
    the opinion back on Monday 12 October: 30 Sep, 8, 9, 10 (a make-up Saturday) and 12 Oct are 5 working days
    not counted, so the answer is due 5 working days after 30 October."""
    created, _code = registered
    consult(session, staff["bureau_editor"], created, rules)
    assert created.paused_on == date(2026, 9, 29) and created.state == RequestState.REGISTERED
    consultation = created.consultations[0]
    assert consultation.opinion_due == date(2026, 10, 26)  # art. 32: 15 working days
    assert consultation.party == "某化工有限公司" and consultation.started_by_id == staff["bureau_editor"].id
    services.take_step(session, staff["bureau_editor"], created, Step.RESUME, rules, now=AFTER_THE_HOLIDAY)
    assert created.paused_on is None and created.paused_days == 5
    assert created.answer_due == date(2026, 11, 6)
    assert consultation.ended_on == date(2026, 10, 12) and consultation.days_not_counted == 5
    public = [e for e in created.events if e.public]
    assert [e.step for e in public][-2:] == ["consult", "resume"]
    assert "某化工" not in " ".join(e.note for e in public)  # whom was consulted stays internal
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(created.id))).all()
    assert {"disclosure.consult", "disclosure.resume"} <= set(audited)


def test_nothing_but_the_end_of_the_consultation_while_it_runs(session, staff, rules, registered):
    """Art. 33(2) with arts. 32 and 34: while the opinion is awaited the request is neither answered, extended nor
    consulted again; the applicant can still withdraw, which ends the consultation."""
    created, _code = registered
    consult(session, staff["admin"], created, rules)
    for step, values in ((Step.ANSWER, {"reply": Reply(ReplyType.DISCLOSED, "见附件")}),
                         (Step.EXTEND, {"days": 5, "note": "x"}), (Step.CONSULT, {})):
        with pytest.raises(DisclosureError, match="consultation is running"):
            services.take_step(session, staff["admin"], created, step, rules, now=TUESDAY, **values)
    services.withdraw(session, created, rules, now=AFTER_THE_HOLIDAY)
    assert created.state == RequestState.WITHDRAWN and created.paused_on is None
    assert created.consultations[0].ended_on == date(2026, 10, 12)


def test_resuming_without_a_consultation_is_refused(session, staff, rules, registered):
    created, _code = registered
    with pytest.raises(DisclosureError, match="not possible"):
        services.take_step(session, staff["admin"], created, Step.RESUME, rules, now=TUESDAY)


@pytest.mark.parametrize("values, field", [({"consult_kind": ""}, "consult_kind"),
                                           ({"consult_kind": "neighbour"}, "consult_kind"),
                                           ({"party": "  "}, "party"), ({"party": "名" * 201}, "party")])
def test_a_consultation_says_whom(session, staff, rules, registered, values, field):
    created, _code = registered
    with pytest.raises(DisclosureError) as error:
        consult(session, staff["admin"], created, rules, **values)
    assert error.value.field == field and created.paused_on is None


def test_working_days_taken_leave_out_the_consultation(session, staff, rules, registered):
    """Art. 33(2): the consultation does not count towards the time taken to answer."""
    created, _code = registered
    consult(session, staff["admin"], created, rules)
    services.take_step(session, staff["admin"], created, Step.RESUME, rules, now=AFTER_THE_HOLIDAY)
    services.take_step(session, staff["admin"], created, Step.ANSWER, rules, reply=Reply(ReplyType.DISCLOSED, "见附件"),
                       now=AFTER_THE_HOLIDAY + timedelta(days=1))
    assert created.answered_on == date(2026, 10, 13)
    # 29, 30 Sep, 8, 9, 10, 12, 13 Oct = 7 working days from the clock's start, 5 of them consulting.
    assert services.working_days_taken(created, NATIONAL_DAY) == 2
    # The yearly report's average (国办公开办函〔2021〕30号) counts the same days: the pause is left out there too.
    assert queries.annual_figures(session, 2026, overrides=NATIONAL_DAY).average_working_days == 2


def test_the_running_deadline_moves_while_paused_and_is_not_supervised(session, staff, rules, registered):
    created, _code = registered
    consult(session, staff["admin"], created, rules)
    today = date(2026, 10, 9)
    assert queries.projected_due(created, today, NATIONAL_DAY) == date(2026, 11, 4)  # 30 Sep, 8, 9 Oct paused
    row = queries.supervise([created], today, overrides=NATIONAL_DAY, warn_days=5)[0]
    assert row.paused and row.colour == "grey" and row.left is None and row.due == date(2026, 11, 4)


def test_an_extension_needs_the_disclosure_office_heads_approval(session, staff, rules, registered):
    """Art. 33(1): 需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，
    延长的期限最长不得超过20个工作日.
    A handler cannot extend; the head of the bureau's disclosure office can, and is recorded as approving."""
    created, _code = registered
    with pytest.raises(DisclosureError, match="approval of the head"):
        services.take_step(session, staff["bureau_editor"], created, Step.EXTEND, rules, days=10, note="量大",
                           now=TUESDAY)
    assert created.extension_days is None
    services.take_step(session, staff["disclosure_head"], created, Step.EXTEND, rules, days=10, note="量大",
                       now=TUESDAY)
    assert created.extension_approved_by_id == staff["disclosure_head"].id
    assert created.extension_approved_at == TUESDAY
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "disclosure.extend")).one()
    assert entry.actor_id == staff["disclosure_head"].id
    assert entry.after["extension_approved_by_id"] == staff["disclosure_head"].id


def test_the_head_acts_only_for_their_own_bureau(session, staff):
    other = services.submit_request(session, services.Application(
        applicant_type="citizen", name="张三", phone="13900000001", address="路1号",
        bureau_id=staff["bureaus"]["other"].id, description="请公开水质数据", delivery_form="paper",
        delivery_method="post"), Rules(), "s")[0]
    assert not services.can_handle(staff["disclosure_head"], other)


@pytest.mark.parametrize("days", [None, 0, 61])
def test_the_completion_period_is_set_by_the_staff(session, staff, rules, registered, days):
    """Art. 30: 行政机关应当……一次性告知申请人作出补正，说明需要补正的事项和合理的补正期限. The regulation sets no
    number of days: the staff give one for each request (up to a local maximum of 60 working days)."""
    created, _code = registered
    with pytest.raises(DisclosureError, match="between 1 and 60 working days") as error:
        services.take_step(session, staff["admin"], created, Step.REQUEST_COMPLETION, rules, note="请写明年份",
                           days=days, now=TUESDAY)
    assert error.value.field == "days" and created.completion_requested_on is None


def test_the_completion_period_given_is_the_one_counted(session, staff, rules, registered):
    created, _code = registered
    services.take_step(session, staff["admin"], created, Step.REQUEST_COMPLETION, rules, note="请写明年份", days=15,
                       now=TUESDAY)
    assert created.completion_due == add_days(date(2026, 9, 29), 15, working=True, overrides=NATIONAL_DAY)
    assert created.completion_due == date(2026, 10, 26)


def test_the_tracking_page_shows_the_pause_and_the_moved_deadline(client, session, staff):
    """The applicant's page reflects art. 33(2): the date due moves on while the consultation runs."""
    client.set_cookie("lang", "en")
    now = utcnow()
    created, code = services.submit_request(session, services.Application(
        applicant_type="citizen", name="李四", phone="13900000000", address="和平大道1号",
        bureau_id=staff["bureaus"]["home"].id, description="请公开某企业监测数据", delivery_form="electronic",
        delivery_method="email", email="li@example.cn"), Rules(), "test-secret-key-not-for-production",
        now=now - timedelta(days=14))
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules(), now=now - timedelta(days=14))
    consult(session, staff["admin"], created, Rules(), now=now - timedelta(days=10))
    session.commit()
    today = Rules().local_date(now)
    paused = days_left(created.paused_on, today, working=True, overrides={})
    expected = add_days(created.answer_due, paused, working=True, overrides={})
    assert paused > 0
    html = client.get(f"/disclosure-requests/track/{code}").get_data(as_text=True)
    assert "The time limit has been paused since" in html
    due = re.search(r"<dt>Due by</dt><dd>([^<]+)<", html).group(1)
    assert due.strip() == format_date(expected)
    assert "某化工" not in html


def test_consulting_and_resuming_through_the_page(client, auth, csrf, session, staff, registered):
    created, _code = registered
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    bad = client.post(url + "/step/consult", data={"csrf_token": token, "consult_kind": "third_party", "party": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="party-error">Name the third party or agency' in html
    done = client.post(url + "/step/consult", data={"csrf_token": token, "consult_kind": "other_agency",
                                                    "party": "市水利和湖泊局"})
    assert done.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Time limit paused since" in page and "市水利和湖泊局" in page and 'id="step-resume"' in page
    assert 'id="step-answer"' not in page
    assert "Paused: consultation running" in client.get("/admin/disclosure-requests/").get_data(as_text=True)
    assert client.post(url + "/step/resume", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    row = session.get(DisclosureRequest, created.id)
    assert row.paused_on is None
    assert session.scalars(select(DisclosureConsultation)).one().ended_on is not None


def test_an_editor_sees_who_may_extend_and_the_head_gets_the_form(client, auth, csrf, session, staff, registered):
    created, _code = registered
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    page = client.get(url).get_data(as_text=True)
    assert "An extension needs the approval of the head" in page and 'id="days-extend"' not in page
    auth.logout()
    auth.login("head")
    page = client.get(url).get_data(as_text=True)
    assert 'id="days-extend"' in page
    token = csrf.token(client, url)
    client.post(url + "/step/extend", data={"csrf_token": token, "days": "5", "note": "需会商"})
    page = client.get(url).get_data(as_text=True)
    assert "Extension approved by" in page


def test_asking_for_completion_needs_a_period_through_the_page(client, auth, csrf, session, staff, apply):
    created, _code = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    session.commit()
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    response = client.post(url + "/step/request_completion", data={"csrf_token": token, "note": "请写明年份"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="days-request_completion-error">Give the applicant between 1 and 60 working days' in html
    assert "请写明年份</textarea>" in html


def test_the_queue_warns_when_the_calendar_lacks_the_coming_year(client, auth, session, staff):
    """Without the State Council's notice for a year, working-day deadlines would count its holidays."""
    from app.i18n import local_today
    from app.workdays import schedule
    from app.workdays import services as workdays

    auth.login("admin")
    html = client.get("/admin/disclosure-requests/").get_data(as_text=True)
    assert 'id="calendar-missing"' in html and str(local_today().year) in html and "/admin/calendar/import/" in html
    today = local_today()
    years = {today.year, (today + timedelta(days=45)).year}
    days = [schedule.ScheduleDay(date(year, 10, 1), False, "国庆节") for year in years]
    workdays.import_schedule(session, staff["admin"], days, source="test")
    session.commit()
    assert 'id="calendar-missing"' not in client.get("/admin/disclosure-requests/").get_data(as_text=True)
