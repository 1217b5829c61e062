"""Disclosure requests on the shared casework core: every step has its handler, the applicant acts as the
applicant (never as whoever is signed in), refusals for want of permission are audited, and the queue's colours
are counted by the database over the whole queue."""
from collections import Counter
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.casework.actors import APPLICANT
from app.disclosure import policy, queries, services
from app.disclosure.models import DisclosureRequest
from app.disclosure.services import WORKFLOW, Reply, Rules
from app.disclosure.workflow import (TRANSITIONS, DisclosureError, DisclosureNotPermitted,
                                     DisclosureStepNotAllowed, ReplyType, RequestState, Step)
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.workdays.days import colour_bounds
from tests.disclosure.conftest import SECRET, application


def at(year, month, day) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=timezone.utc)  # 10:00 in the city


def audited(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_every_step_of_the_table_has_a_handler_or_the_default():
    WORKFLOW.check()
    steps = {step for (_state, step) in TRANSITIONS}
    assert set(WORKFLOW.handlers) <= steps
    # Closing an answered request records nothing but the staff's optional note: the default handler.
    assert steps - set(WORKFLOW.handlers) == {Step.CLOSE}


def test_the_errors_belong_to_the_shared_hierarchy():
    assert issubclass(DisclosureError, ActionRefused)
    assert issubclass(DisclosureNotPermitted, DisclosureError) and issubclass(DisclosureNotPermitted, NotPermitted)
    assert issubclass(DisclosureStepNotAllowed, DisclosureError)
    assert issubclass(DisclosureStepNotAllowed, StepNotAllowed)


def test_a_step_without_an_actor_is_refused(session, apply):
    created, _code = apply()
    with pytest.raises(TypeError):
        services.take_step(session, None, created, Step.REGISTER, Rules())


def test_the_applicant_takes_only_their_own_steps(english, session, apply, staff):
    created, _code = apply()
    with pytest.raises(DisclosureNotPermitted):
        services.take_step(session, APPLICANT, created, Step.REGISTER, Rules())
    with pytest.raises(DisclosureNotPermitted, match="applicant"):
        services.take_step(session, staff["admin"], created, Step.WITHDRAW, Rules())
    assert not policy.can_handle(APPLICANT, created)
    assert created.state == RequestState.RECEIVED


def test_a_step_not_in_the_state_raises_the_domains_error(english, session, apply, staff):
    created, _code = apply()
    with pytest.raises(DisclosureStepNotAllowed, match="not possible"):
        services.take_step(session, staff["admin"], created, Step.CLOSE, Rules())


def test_the_applicants_steps_are_audited_as_the_applicant(english, session, apply):
    created, _code = apply()
    services.withdraw(session, created, Rules())
    session.commit()
    [entry] = audited(session, "disclosure.withdraw")
    assert entry.actor_id is None and entry.actor_label == "(applicant)"
    assert [e.actor_id for e in created.events] == [None, None]


def test_the_applicants_withdrawal_is_not_put_on_a_signed_in_staff_member(client, auth, csrf, session, staff, apply):
    """Today's bug: with actor=None the audit took whoever was signed in in the same browser."""
    created, code = apply()
    auth.login("editor")
    url = f"/disclosure-requests/track/{code}"
    assert client.post(url, data={"csrf_token": csrf.token(client, url), "action": "withdraw"}).status_code == 303
    [entry] = audited(session, "disclosure.withdraw")
    assert entry.actor_id is None and entry.actor_label == "(applicant)"
    assert session.get(DisclosureRequest, created.id).state == RequestState.WITHDRAWN


def test_the_applicants_completion_is_not_put_on_a_signed_in_staff_member(client, auth, csrf, session, staff, apply):
    created, code = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    services.take_step(session, staff["admin"], created, Step.REQUEST_COMPLETION, Rules(), note="请写明年份", days=7)
    session.commit()
    auth.login("editor")
    url = f"/disclosure-requests/track/{code}"
    response = client.post(url, data={"csrf_token": csrf.token(client, url), "action": "complete",
                                      "text": "需要2025年度的文件"})
    assert response.status_code == 303
    [entry] = audited(session, "disclosure.complete")
    assert entry.actor_id is None and entry.actor_label == "(applicant)"


def test_an_extension_refused_for_want_of_approval_is_audited(client, auth, csrf, session, staff, apply):
    client.set_cookie("lang", "en")
    created, _code = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    session.commit()
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    response = client.post(url + "/step/extend", data={"csrf_token": csrf.token(client, url), "days": "5",
                                                       "note": "量大"})
    assert response.status_code == 422 and "approval of the head" in response.get_data(as_text=True)
    [entry] = audited(session, "disclosure.access_denied")
    assert entry.object_id == str(created.id) and entry.actor_id == staff["bureau_editor"].id
    assert session.get(DisclosureRequest, created.id).extension_days is None


def test_the_queue_counts_colours_in_sql_as_supervision_judges_them(session, apply, staff):
    """Red, yellow and green as the rows are coloured on the page; a paused request is grey and not counted,
    and one waiting for the applicant counts by the completion date."""
    today, rules, admin = date(2026, 3, 24), Rules(), staff["admin"]
    for received in (at(2026, 2, 2), at(2026, 2, 3), at(2026, 3, 2), at(2026, 3, 20), at(2026, 3, 23)):
        apply(now=received)
    paused, _ = apply(now=at(2026, 2, 2))
    services.take_step(session, admin, paused, Step.REGISTER, rules, now=at(2026, 2, 2))
    services.take_step(session, admin, paused, Step.CONSULT, rules, now=at(2026, 2, 3), consult_kind="third_party",
                       party="某公司")
    asked, _ = apply(now=at(2026, 3, 16))
    services.take_step(session, admin, asked, Step.REGISTER, rules, now=at(2026, 3, 16))
    services.take_step(session, admin, asked, Step.REQUEST_COMPLETION, rules, now=at(2026, 3, 17), note="请补正",
                       days=3)
    answered, _ = apply(now=at(2026, 2, 2))
    services.take_step(session, admin, answered, Step.REGISTER, rules, now=at(2026, 2, 2))
    services.take_step(session, admin, answered, Step.ANSWER, rules, now=at(2026, 3, 2),
                       reply=Reply(ReplyType.DUPLICATE, "重复"))
    session.commit()
    bounds = colour_bounds(today, 5, working=True, overrides={})
    rows = queries.supervise(session.scalars(queries.staff_queue(admin)).all(), today, overrides={}, warn_days=5)
    judged = Counter(row.colour for row in rows)
    assert judged["grey"] == 1 and len(rows) == 7
    counted = queries.queue_counts(session, admin, bounds)
    assert counted == {colour: judged[colour] for colour in ("red", "yellow", "green")}
    assert counted["red"] and counted["yellow"] and counted["green"]
    for colour in ("red", "yellow", "green"):
        shown = session.scalars(queries.staff_queue(admin, colour=colour, bounds=bounds)).all()
        assert {row.case for row in rows if row.colour == colour} == set(shown)


def test_the_queue_counts_every_open_request_and_pages_through_them(client, auth, session, staff, app):
    """The old queue counted in Python over at most 200 rows; the database counts them all."""
    home, rules = staff["bureaus"]["home"], Rules()
    for _n in range(205):
        services.submit_request(session, application(home.id), rules, SECRET)
    session.commit()
    auth.login("editor")
    html = client.get("/admin/disclosure-requests/?lang=en").get_data(as_text=True)
    assert "On track: 205" in html
    size = app.config["PAGE_SIZE"]
    assert html.count("YSQ-") == size and 'rel="next"' in html and "page=2" in html
    last = client.get(f"/admin/disclosure-requests/?page={205 // size + 1}").get_data(as_text=True)
    assert last.count("YSQ-") == 205 % size and 'rel="prev"' in last and 'rel="next"' not in last
