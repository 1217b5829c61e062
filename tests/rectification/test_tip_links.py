"""Tip links (转办): the office links a pollution tip to a task by the tip's number; audited, on the task's
timeline, shown on the task's public page (number and kind only) and on the tip's pages; everyone else refused."""
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.rectification import tip_links
from app.rectification.models import TaskEvent, TaskTip
from app.tips import services as tip_services
from app.tips.models import TipCategory
from tests import factories
from tests.rectification.conftest import make_round, make_task


@pytest.fixture
def task(session, ledger):
    row = ledger["task"]()
    session.commit()
    return row


@pytest.fixture
def filed(session, ledger):
    """A named reporter's tip: (tip, tracking code)."""
    category = TipCategory(code="air", name_zh_hans="大气污染", name_en="Air pollution")
    session.add(category)
    data = tip_services.TipInput(categories=[category], description="化工厂夜间排放黄色烟雾",
                                 district=ledger["district"], address="和平大道100号", anonymous=False,
                                 reporter_name="张三", reporter_phone="13800000000")
    tip, code = tip_services.submit_tip(session, data, [], tip_services.Rules(), "")
    session.commit()
    return tip, code


def token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def link(client, task, number: str, **headers):
    path = f"/admin/rectification/tasks/{task.code}/tips"
    return client.post(path, data={"tip": number, "csrf_token": token(client, path)}, headers=headers)


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_office_links_a_tip_by_its_number(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    response = link(client, task, tip.public_number)
    assert response.status_code == 303
    assert session.get(TaskTip, (task.id, tip.id)) is not None
    assert "rectification.link_tip" in audit_actions(session)
    entry = session.scalar(select(TaskEvent).where(TaskEvent.task_id == task.id))
    assert (entry.step, entry.public, entry.note) == (tip_links.TIP_LINKED, True, tip.public_number)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The tip is linked to task" in page and tip.public_number in page


def test_a_plain_id_finds_the_tip_too(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    assert link(client, task, str(tip.id)).status_code == 303
    assert session.get(TaskTip, (task.id, tip.id)) is not None


def test_the_link_shows_on_the_task_page_without_the_reporter(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    link(client, task, tip.public_number)
    auth.logout()
    html = client.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
    assert f"Report No. {tip.public_number}" in html and "Air pollution" in html
    assert "Pollution tip handed over to this task" in html  # the public timeline
    for personal in ("张三", "13800000000", "化工厂夜间排放黄色烟雾", "和平大道100号"):
        assert personal not in html


def test_the_link_shows_on_the_reporters_status_page_and_the_handlers_tip_page(client, auth, session, task, filed):
    tip, code = filed
    assert "Handed over to the rectification ledger" not in client.get(f"/tips/track/{code}").get_data(as_text=True)
    auth.login("admin")
    link(client, task, tip.public_number)
    staff_page = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert f'href="/rectification/tasks/{task.code}"' in staff_page
    auth.logout()
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "Handed over to the rectification ledger" in html
    assert f'href="/rectification/tasks/{task.code}"' in html


def test_a_draft_rounds_task_is_not_shown_on_the_tip(client, session, ledger, filed):
    tip, code = filed
    draft = make_round(session, state="draft")
    hidden = make_task(session, draft, ledger["district"], ledger["lead"])
    tip_links.link_tip(session, ledger["staff"]["admin"], hidden, tip.public_number)
    session.commit()
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert hidden.code not in html and "Handed over to the rectification ledger" not in html


def test_linking_through_htmx_answers_the_panel(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    response = link(client, task, tip.public_number, **{"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="tip-links"') and "<html" not in body
    assert f"Tip {tip.public_number}" in body and 'hx-swap-oob' in body


@pytest.mark.parametrize("number, message", [
    ("", "Enter the number of the tip."),
    ("abc", "Enter the number as shown in the tip lists"),
    ("2026-999999", "No tip has the number 2026-999999."),
    ("1999-{id:06d}", "No tip has the number 1999-"),
])
def test_a_wrong_number_is_refused_with_the_input_kept(client, auth, session, task, filed, number, message):
    tip, _code = filed
    number = number.format(id=tip.id)
    auth.login("admin")
    response = link(client, task, number)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'value="{number}"' in html or not number
    assert session.scalar(select(TaskTip)) is None
    assert session.scalar(select(TaskEvent)) is None


def test_a_tip_is_linked_once(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    link(client, task, tip.public_number)
    response = link(client, task, tip.public_number)
    assert response.status_code == 422 and "already linked" in response.get_data(as_text=True)
    assert len(session.scalars(select(TaskEvent)).all()) == 1


def test_a_merged_tip_points_to_the_one_it_joined(client, auth, session, ledger, task, filed):
    tip, _code = filed
    other = factories.tip(session)
    tip.merged_into_id, tip.state = other.id, "merged"
    session.commit()
    auth.login("admin")
    response = link(client, task, tip.public_number)
    assert response.status_code == 422 and f"merged into tip {other.public_number}" in response.get_data(as_text=True)


def test_a_bureau_editor_may_not_link_tips(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("editor")
    assert client.get(f"/admin/rectification/tasks/{task.code}/tips").status_code == 403
    response = client.post(f"/admin/rectification/tasks/{task.code}/tips",
                           data={"tip": tip.public_number, "csrf_token": token(client, "/")})
    assert response.status_code == 403
    assert session.scalar(select(TaskTip)) is None
    assert audit_actions(session).count("access.denied") == 2


def test_the_service_refuses_anyone_but_the_office(session, ledger, task, filed):
    from app.rectification.policy import LedgerNotPermitted
    tip, _code = filed
    with pytest.raises(LedgerNotPermitted):
        tip_links.link_tip(session, ledger["staff"]["bureau_editor"], task, tip.public_number)


def test_signed_out_visitors_are_sent_to_sign_in(client, task):
    response = client.get(f"/admin/rectification/tasks/{task.code}/tips")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_the_office_takes_a_link_back(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    link(client, task, tip.public_number)
    path = f"/admin/rectification/tasks/{task.code}/tips/{tip.id}/unlink"
    response = client.post(path, data={"csrf_token": token(client, f"/admin/rectification/tasks/{task.code}/tips")})
    assert response.status_code == 303
    assert session.get(TaskTip, (task.id, tip.id)) is None
    assert "rectification.unlink_tip" in audit_actions(session)
    steps = [e.step for e in session.scalars(select(TaskEvent).order_by(TaskEvent.id))]
    assert steps == [tip_links.TIP_LINKED, tip_links.TIP_UNLINKED]
    html = client.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
    assert f"Report No. {tip.public_number}" not in html and "Pollution tip link withdrawn" in html


def test_taking_back_a_link_that_is_not_there_is_refused(client, auth, session, task, filed):
    tip, _code = filed
    auth.login("admin")
    path = f"/admin/rectification/tasks/{task.code}/tips/{tip.id}/unlink"
    response = client.post(path, data={"csrf_token": token(client, f"/admin/rectification/tasks/{task.code}/tips")})
    assert response.status_code == 422 and "not linked" in response.get_data(as_text=True)


def test_an_unknown_task_is_not_found(client, auth, session, ledger):
    session.commit()
    auth.login("admin")
    assert client.get("/admin/rectification/tasks/NOPE/tips").status_code == 404
