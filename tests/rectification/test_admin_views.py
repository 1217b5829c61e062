"""The ledger's back office as pages and htmx fragments: rounds, the import with its row report, the office's
task list with its filters, a bureau's own tasks, a task's page and the office's task forms; another bureau's
task and the office's pages refused to bureau editors (403, audited); bad input answered 422 with the input kept."""
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.indicators.models import Indicator
from app.db_types import utcnow
from app.rectification import services
from app.rectification.models import (InspectionRound, RectificationTask, RoundState, TaskEvent, TaskIndicator,
                                      TaskUnit, UnitRole)
from app.rectification.workflow import TaskState
from tests import factories
from tests.rectification.conftest import make_round, make_task

HTMX = {"HX-Request": "true"}


@pytest.fixture
def office(session, ledger):
    """The ledger with a second district and one task of each bureau, committed."""
    ledger["north"] = factories.place(session, code="north", name_zh_hans="北区", name_en="North District")
    ledger["home_task"] = ledger["task"](problem_zh_hans="化工园区废气超标", problem_en="Chemical park emissions")
    ledger["other_task"] = ledger["task"](lead=ledger["other"], problem_zh_hans="河道采砂",
                                          problem_en="Sand dredging in the river")
    session.commit()
    return ledger


def token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def refusals(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- who reaches what -----------------------------------------------------------------------------------------

def test_the_ledger_entry_shows_the_office_all_tasks_and_a_bureau_its_own(client, auth, office):
    auth.login("admin")
    html = client.get("/admin/rectification/").get_data(as_text=True)
    assert "<h1>Rectification tasks</h1>" in html and "Sand dredging in the river" in html
    auth.logout()
    auth.login("editor")
    html = client.get("/admin/rectification/").get_data(as_text=True)
    assert re.search(r"<h1>My bureau(&#39;|')s rectification tasks</h1>", html)
    assert "Chemical park emissions" in html
    assert "Sand dredging in the river" not in html


def test_the_staff_menu_offers_the_ledger(client, auth, office):
    auth.login("editor")
    assert "/admin/rectification/" in client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/rectification/rounds/", "/admin/rectification/rounds/new",
                                 "/admin/rectification/tasks/", "/admin/rectification/tasks/new",
                                 "/admin/rectification/import", "/admin/rectification/import/template.xlsx"])
def test_the_offices_pages_are_refused_to_a_bureau_editor_and_audited(client, auth, session, office, url):
    auth.login("editor")
    assert client.get(url).status_code == 403
    [entry] = refusals(session, "access.denied")
    assert entry.actor_label == "editor" and entry.note == f"GET {url}"


def test_a_bureau_editor_cannot_create_a_task_by_posting(client, auth, session, office):
    auth.login("editor")
    csrf = token(client, "/admin/rectification/mine")
    response = client.post("/admin/rectification/tasks/new", data={
        "csrf_token": csrf, "round_id": office["round"].id, "problem_zh_hans": "自己登记的问题",
        "place_id": office["district"].id, "lead_bureau_id": office["lead"].id, "deadline_text": "2027年底"})
    assert response.status_code == 403
    assert count(session, RectificationTask) == 2
    assert refusals(session, "access.denied")[0].note == "POST /admin/rectification/tasks/new"


def test_anonymous_visitors_are_sent_to_log_in(client, office):
    response = client.get("/admin/rectification/tasks/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- rounds -------------------------------------------------------------------------------------------------

def test_the_office_creates_corrects_and_publishes_a_round(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/rounds/new")
    data = {"csrf_token": csrf, "code": "2027-PI", "kind": "provincial",
            "title_zh_hans": "省级生态环境保护督察反馈问题", "title_en": "Provincial inspection", "notice_days": "10",
            "notice_working_days": "y",
            "report_interval_months": "1"}
    response = client.post("/admin/rectification/rounds/new", data=data)
    assert response.status_code == 303
    row = session.scalar(select(InspectionRound).where(InspectionRound.code == "2027-PI"))
    assert row.state is RoundState.DRAFT and row.notice_working_days and row.notice_days == 10
    page = client.get("/admin/rectification/rounds/").get_data(as_text=True)
    assert "2027-PI" in page and "Provincial inspection" in page and "Publish" in page
    response = client.post(f"/admin/rectification/rounds/{row.id}/edit", data={**data, "title_en": "Provincial 2027"})
    assert response.status_code == 303
    response = client.post(f"/admin/rectification/rounds/{row.id}/publish", data={"csrf_token": csrf})
    assert response.status_code == 303
    session.expire_all()
    assert row.title_en == "Provincial 2027" and row.state is RoundState.PUBLISHED
    assert [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.object_id == str(row.id),
                                                                       AuditEntry.object_type == "rectification_rounds")
                                              .order_by(AuditEntry.id))] == [
        "rectification.round_create", "rectification.round_update", "rectification.round_publish"]


def test_a_bad_round_comes_back_422_with_the_input_kept(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/rounds/new")
    response = client.post("/admin/rectification/rounds/new", data={
        "csrf_token": csrf, "code": office["round"].code, "kind": "central", "title_zh_hans": "重复代码的轮次",
        "notice_days": "7", "report_interval_months": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another round has this code." in html and "重复代码的轮次" in html
    assert count(session, InspectionRound) == 1


def test_publishing_twice_says_so(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/rounds/")
    response = client.post(f"/admin/rectification/rounds/{office['round'].id}/publish", data={"csrf_token": csrf},
                           follow_redirects=True)
    assert "This round is published already." in response.get_data(as_text=True)


# --- import -------------------------------------------------------------------------------------------------

def _sheet(*rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["序号", "区县", "整改问题", "责任单位", "整改时限"])
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _upload(client, office, data: bytes):
    csrf = token(client, "/admin/rectification/import")
    return client.post("/admin/rectification/import", content_type="multipart/form-data", data={
        "csrf_token": csrf, "round_id": str(office["round"].id), "file": (io.BytesIO(data), "清单.xlsx")})


def test_an_imported_list_is_registered_and_its_tasks_listed(client, auth, session, office):
    auth.login("admin")
    district = office["district"].name_zh_hans
    response = _upload(client, office, _sheet([1, district, "污水直排", "市生态环境局,市水利和湖泊局", "2027年6月底前"],
                                              [2, district, "扬尘污染", "市水利和湖泊局", "长期坚持"]))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/rectification/tasks/?round={office['round'].id}")
    assert count(session, RectificationTask) == 4
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported into" in page and "2 tasks and 0 sub-tasks" in page and "污水直排" in page


def test_a_bad_list_is_answered_422_with_its_rows_and_nothing_registered(client, auth, session, office):
    auth.login("admin")
    district = office["district"].name_zh_hans
    response = _upload(client, office, _sheet([1, district, "污水直排", "市生态环境局", "2027年6月底前"],
                                              [2, "火星区", "扬尘污染", "市外星局", "尽快"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html
    assert "unknown district “火星区”" in html and "unknown unit “市外星局”" in html and "“尽快” cannot be read" in html
    assert re.search(r"<td>3</td><td>区县: unknown district", html)
    assert count(session, RectificationTask) == 2


def test_an_import_without_a_file_is_answered_422(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/import")
    response = client.post("/admin/rectification/import", data={"csrf_token": csrf, "round_id": office["round"].id})
    assert response.status_code == 422 and "Choose an XLSX or CSV file." in response.get_data(as_text=True)


def test_the_import_template_is_an_xlsx_file(client, auth, office):
    auth.login("admin")
    response = client.get("/admin/rectification/import/template.xlsx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- lists --------------------------------------------------------------------------------------------------

def test_the_office_list_shows_every_task_as_a_page_and_as_a_fragment(client, auth, office):
    auth.login("admin")
    page = client.get("/admin/rectification/tasks/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Chemical park emissions" in html and "Sand dredging in the river" in html
    assert office["home_task"].code in html and 'name="district"' in html
    fragment = client.get("/admin/rectification/tasks/", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="task-rows">') and "<h1>" not in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_office_list_filters_by_round_district_unit_state_and_colour(client, auth, session, office):
    other_round = make_round(session)
    north = make_task(session, other_round, office["north"], office["lead"], problem_en="Northern quarry",
                      state=TaskState.CLOSED, closed_at=utcnow())
    late = office["task"](problem_en="Late landfill", due_on=date(2020, 1, 31))
    session.add(TaskUnit(task_id=late.id, bureau_id=office["other"].id, role=UnitRole.COOPERATING))
    session.commit()
    auth.login("admin")

    def shown(query: str) -> set[str]:
        html = client.get(f"/admin/rectification/tasks/?{query}", headers=HTMX).get_data(as_text=True)
        return {name for name in ("Chemical park", "Sand dredging", "Northern quarry", "Late landfill")
                if name in html}

    assert shown(f"round={other_round.id}") == {"Northern quarry"}
    assert shown(f"district={office['north'].id}") == {"Northern quarry"}
    assert shown(f"unit={office['other'].id}") == {"Sand dredging", "Late landfill"}
    assert shown("state=closed") == {"Northern quarry"}
    assert shown("colour=red") == {"Late landfill"}
    assert shown("colour=grey") == {"Northern quarry"}
    assert shown("colour=purple&state=nonsense&round=abc") == {"Chemical park", "Sand dredging", "Northern quarry",
                                                                "Late landfill"}
    assert north.code in client.get("/admin/rectification/tasks/?colour=grey").get_data(as_text=True)
    counts = client.get(f"/admin/rectification/tasks/?round={office['round'].id}").get_data(as_text=True)
    assert "Red: past its deadline or report: 1" in counts and "Grey: closure procedure or closed: 0" in counts


def test_the_office_list_is_paged_keeping_its_filters(app, client, auth, session, office):
    for n in range(3):
        office["task"](problem_en=f"Extra problem {n}")
    session.commit()
    app.config["PAGE_SIZE"] = 2
    auth.login("admin")
    first = client.get(f"/admin/rectification/tasks/?round={office['round'].id}").get_data(as_text=True)
    assert f"round={office['round'].id}&amp;page=2" in first or f"page=2&amp;round={office['round'].id}" in first
    third = client.get(f"/admin/rectification/tasks/?round={office['round'].id}&page=3").get_data(as_text=True)
    assert "Extra problem 2" in third and "Chemical park" not in third


def test_a_bureau_sees_the_tasks_it_leads_or_helps_with_and_no_others(client, auth, session, office):
    helped = office["task"](lead=office["other"], problem_en="Shared sewage plant")
    session.add(TaskUnit(task_id=helped.id, bureau_id=office["lead"].id, role=UnitRole.SUPERVISING))
    session.commit()
    auth.login("editor")
    html = client.get("/admin/rectification/mine").get_data(as_text=True)
    assert "Chemical park emissions" in html and "Shared sewage plant" in html
    assert "Sand dredging" not in html
    lead_only = client.get("/admin/rectification/mine?role=lead", headers=HTMX).get_data(as_text=True)
    assert lead_only.lstrip().startswith('<div id="task-rows">')
    assert "Chemical park emissions" in lead_only and "Shared sewage plant" not in lead_only
    others = client.get("/admin/rectification/mine?role=other").get_data(as_text=True)
    assert "Shared sewage plant" in others and "Chemical park emissions" not in others
    # Filters of the office's list are no way into other bureaus' tasks.
    assert "Sand dredging" not in client.get(f"/admin/rectification/mine?unit={office['other'].id}").get_data(
        as_text=True)


def test_an_admin_without_a_bureau_has_no_own_tasks(client, auth, office):
    auth.login("admin")
    assert "belongs to no bureau" in client.get("/admin/rectification/mine").get_data(as_text=True)


# --- a task's page ------------------------------------------------------------------------------------------

def test_a_tasks_page_shows_its_record_units_sub_tasks_indicators_and_whole_timeline(client, auth, session, office):
    factories.catalogue(session)
    task = office["home_task"]
    indicator = session.scalar(select(Indicator).where(Indicator.code == "2"))
    session.add(TaskIndicator(task_id=task.id, indicator_id=indicator.id))
    session.add(TaskUnit(task_id=task.id, bureau_id=office["other"].id, role=UnitRole.COOPERATING))
    child = make_task(session, office["round"], office["district"], office["lead"], parent_id=task.id,
                      problem_en="The first part")
    session.add_all([TaskEvent(task_id=task.id, step="registered", public=True),
                     TaskEvent(task_id=task.id, step="edited", public=False)])
    session.commit()
    auth.login("admin")
    html = client.get(f"/admin/rectification/tasks/{task.id}").get_data(as_text=True)
    for shown in ("Chemical park emissions", "Lead unit", "Co-operating unit", "The first part", child.code,
                  "Registered in the ledger", "Record corrected", "(internal)", indicator.name_zh_hans,
                  f'href="/admin/rectification/tasks/{task.id}/reports"',
                  f'href="/admin/rectification/tasks/{task.id}/closure"',
                  f'href="/admin/rectification/tasks/{task.id}/edit"',
                  f"/admin/rectification/tasks/new?parent={task.id}"):
        assert shown in html, shown


def test_a_bureau_editor_sees_their_bureaus_task_without_the_offices_links(client, auth, office):
    auth.login("editor")
    response = client.get(f"/admin/rectification/tasks/{office['home_task'].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chemical park emissions" in html
    assert "/edit" not in html and "tasks/new" not in html
    assert f"/admin/rectification/tasks/{office['home_task'].id}/reports" in html


def test_a_co_operating_bureau_sees_the_task_too(client, auth, session, office):
    session.add(TaskUnit(task_id=office["other_task"].id, bureau_id=office["lead"].id, role=UnitRole.COOPERATING))
    session.commit()
    auth.login("editor")
    assert client.get(f"/admin/rectification/tasks/{office['other_task'].id}").status_code == 200


def test_another_bureaus_task_is_refused_and_audited(client, auth, session, office):
    auth.login("editor")
    task = office["other_task"]
    assert client.get(f"/admin/rectification/tasks/{task.id}").status_code == 403
    [entry] = refusals(session, "rectification.refused")
    assert (entry.object_type, entry.object_id, entry.actor_label) == ("rectification_tasks", str(task.id), "editor")


def test_a_missing_task_is_404(client, auth, office):
    auth.login("admin")
    assert client.get("/admin/rectification/tasks/999999").status_code == 404


# --- task forms ---------------------------------------------------------------------------------------------

def _task_data(office, csrf, **values) -> dict:
    data = {"csrf_token": csrf, "round_id": office["round"].id, "source_ref": "第12项",
            "problem_zh_hans": "矿山修复滞后", "place_id": office["district"].id, "lead_bureau_id": office["lead"].id,
            "cooperating_ids": [office["other"].id], "deadline_text": "2027年9月底前",
            "responsible_text": "市生态环境局牵头"}
    data.update(values)
    return data


def test_the_office_registers_a_task_and_lands_on_its_page(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/tasks/new")
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, csrf))
    assert response.status_code == 303
    task = session.scalar(select(RectificationTask).where(RectificationTask.source_ref == "第12项"))
    assert response.headers["Location"].endswith(f"/admin/rectification/tasks/{task.id}")
    assert task.code == f"{office['round'].code}-001" and task.due_on == date(2027, 9, 30)
    assert {(u.bureau_id, u.role) for u in task.units} == {(office["lead"].id, UnitRole.LEAD),
                                                           (office["other"].id, UnitRole.COOPERATING)}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Task {task.code} was registered." in page


def test_an_unreadable_deadline_comes_back_422_with_the_input_kept(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/tasks/new")
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, csrf, deadline_text="尽快完成"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The deadline “尽快完成” cannot be read." in html
    assert 'value="尽快完成"' in html and "矿山修复滞后" in html and 'value="第12项"' in html
    assert re.search(rf'value="{office["other"].id}"[^>]*checked|checked[^>]*value="{office["other"].id}"', html)
    assert count(session, RectificationTask) == 2


def test_a_form_without_a_problem_or_a_district_comes_back_422(client, auth, session, office):
    auth.login("admin")
    csrf = token(client, "/admin/rectification/tasks/new")
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, csrf, problem_zh_hans=""))
    assert response.status_code == 422 and "Describe the problem in Simplified Chinese." in response.get_data(
        as_text=True)
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, csrf, place_id="0"))
    assert response.status_code == 422 and "Choose the district concerned" in response.get_data(as_text=True)
    assert count(session, RectificationTask) == 2


def test_a_sub_task_is_registered_under_its_parent(client, auth, session, office):
    parent = office["home_task"]
    auth.login("admin")
    page = client.get(f"/admin/rectification/tasks/new?parent={parent.id}").get_data(as_text=True)
    assert f'value="{parent.code}"' in page
    csrf = token(client, "/admin/rectification/tasks/new")
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, csrf, parent_code=parent.code))
    assert response.status_code == 303
    child = session.scalar(select(RectificationTask).where(RectificationTask.source_ref == "第12项"))
    assert child.parent_id == parent.id and child.code == f"{parent.code}.1"
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, csrf, parent_code="NO-SUCH",
                                                                             source_ref="第13项"))
    assert response.status_code == 422 and "No task of this round has this number." in response.get_data(
        as_text=True)


def test_the_office_corrects_a_task_and_a_new_deadline_goes_on_the_timeline(client, auth, session, office):
    task = services.create_task(session, office["staff"]["admin"], office["round"], services.TaskInput(
        problem_zh_hans="矿山修复滞后", place_id=office["district"].id, lead_bureau_id=office["lead"].id,
        deadline_text="2027年9月底前"), today=date(2026, 3, 1))
    session.commit()
    auth.login("admin")
    form = client.get(f"/admin/rectification/tasks/{task.id}/edit").get_data(as_text=True)
    assert 'value="2027年9月底前"' in form
    csrf = token(client, f"/admin/rectification/tasks/{task.id}/edit")
    response = client.post(f"/admin/rectification/tasks/{task.id}/edit",
                           data=_task_data(office, csrf, deadline_text="2027年12月底前", cooperating_ids=[],
                                           source_ref=""))
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Deadline changed" in html and "2027年9月底前 → 2027年12月底前" in html


def test_a_refused_correction_comes_back_422_with_the_input_kept(client, auth, session, office):
    task = office["home_task"]
    task.state = TaskState.CLOSURE_REQUESTED
    session.commit()
    auth.login("admin")
    csrf = token(client, f"/admin/rectification/tasks/{task.id}/edit")
    response = client.post(f"/admin/rectification/tasks/{task.id}/edit", data=_task_data(
        office, csrf, lead_bureau_id=office["other"].id, cooperating_ids=[], problem_zh_hans="新的问题描述"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The lead unit cannot change while the task&#39;s closure is being handled." in html
    assert "新的问题描述" in html
    session.expire_all()
    assert task.lead_bureau_id == office["lead"].id


def test_a_bureau_editor_cannot_correct_even_their_own_task(client, auth, session, office):
    auth.login("editor")
    url = f"/admin/rectification/tasks/{office['home_task'].id}/edit"
    assert client.get(url).status_code == 403
    assert refusals(session, "access.denied")[0].note == f"GET {url}"


def test_forms_without_the_csrf_token_are_refused(client, auth, session, office):
    auth.login("admin")
    response = client.post("/admin/rectification/tasks/new", data=_task_data(office, ""))
    assert response.status_code in (400, 422)
    assert count(session, RectificationTask) == 2
