"""The overdue board (三色督办) and 督办: counts in three colours that agree with each row's colour, filters by round,
district and lead unit, urgings recorded on the internal timeline and in the audit log, shown to the unit on its
reports due and beside the task's reports; refused for a task on track and for anyone but the office."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.i18n import local_today
from app.rectification import supervision
from app.rectification.models import TaskEvent
from app.rectification.policy import LedgerNotPermitted
from app.rectification.reports import ReportError
from app.rectification.supervision import BoardFilter
from app.rectification.workflow import Progress, TaskState
from tests import factories
from tests.rectification.conftest import make_round, make_task

TODAY = date(2026, 12, 7)
WARN = 7


def audits(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def coloured(ledger, today, **values):
    """One task of each colour on `today` (and one in the closure procedure), with `values`."""
    return {
        "red": ledger["task"](due_on=today - timedelta(days=1), **values),
        "red_report": ledger["task"](due_on=today + timedelta(days=200), next_report_due=today - timedelta(days=1),
                                     **values),
        "yellow": ledger["task"](due_on=today + timedelta(days=WARN), **values),
        "yellow_behind": ledger["task"](due_on=today + timedelta(days=200), progress=Progress.BEHIND, **values),
        "green": ledger["task"](due_on=today + timedelta(days=WARN + 1), **values),
        "green_done": ledger["task"](due_on=today - timedelta(days=30), progress=Progress.DONE, **values),
        "grey": ledger["task"](state=TaskState.CLOSURE_REQUESTED, due_on=today - timedelta(days=1), **values),
    }


def test_the_counts_agree_with_the_colour_of_each_row(session, ledger):
    tasks = coloured(ledger, TODAY)
    where = BoardFilter()
    assert supervision.colour_counts(session, where, TODAY, WARN) == {"red": 2, "yellow": 2, "green": 2}
    rows = supervision.board(session, where, TODAY, WARN, limit=50)
    assert {row.task.id: row.colour for row in rows} == {
        task.id: key.split("_")[0] for key, task in tasks.items() if key != "grey"}
    for colour in supervision.COLOURS:
        listed = supervision.board(session, BoardFilter(colour=colour), TODAY, WARN, limit=50)
        assert {row.colour for row in listed} == {colour} and len(listed) == 2


def test_the_board_lists_the_nearest_deadline_first_and_pages(session, ledger):
    later = ledger["task"](due_on=TODAY + timedelta(days=90))
    long_term = ledger["task"](due_on=None)
    sooner = ledger["task"](due_on=TODAY + timedelta(days=30))
    rows = supervision.board(session, BoardFilter(), TODAY, WARN, limit=2)
    assert [row.task for row in rows] == [sooner, later]
    assert [row.task for row in supervision.board(session, BoardFilter(), TODAY, WARN, limit=2, offset=2)] == [
        long_term]


def test_the_board_filters_by_round_district_and_lead_unit(session, ledger):
    other_round, other_place = make_round(session), factories.place(session)
    mine = ledger["task"](due_on=TODAY - timedelta(days=1))
    theirs = ledger["task"](due_on=TODAY - timedelta(days=1), lead=ledger["other"])
    elsewhere = make_task(session, other_round, other_place, ledger["lead"], due_on=TODAY - timedelta(days=1))

    def listed(**where):
        return {row.task for row in supervision.board(session, BoardFilter(**where), TODAY, WARN, limit=50)}
    assert listed() == {mine, theirs, elsewhere}
    assert listed(round_id=ledger["round"].id) == {mine, theirs}
    assert listed(place_id=other_place.id) == {elsewhere}
    assert listed(bureau_id=ledger["other"].id) == {theirs}
    assert supervision.colour_counts(session, BoardFilter(bureau_id=ledger["lead"].id), TODAY, WARN)["red"] == 2


def test_an_urging_goes_to_the_lead_unit_on_the_internal_timeline_and_is_audited(session, ledger):
    task = ledger["task"](due_on=TODAY - timedelta(days=3))
    supervision.urge(session, ledger["staff"]["admin"], task, TODAY, WARN, " 请于12月15日前报送整改进展 ")
    supervision.urge(session, ledger["staff"]["admin"], task, TODAY, WARN)
    urged = supervision.task_urgings(session, task)
    assert [(e.step, e.public, e.note, e.bureau_id) for e in urged] == [
        ("urged", False, "", ledger["lead"].id), ("urged", False, "请于12月15日前报送整改进展", ledger["lead"].id)]
    (row,) = supervision.board(session, BoardFilter(), TODAY, WARN, limit=50)
    assert row.urging.count == 2 and row.urging.latest == urged[0]
    entries = audits(session, "rectification.urge")
    assert [e.after["urgings"] for e in entries] == [1, 2] and entries[0].note == "请于12月15日前报送整改进展"


def test_a_task_due_soon_may_be_urged_but_not_one_on_track_nor_by_a_bureau(session, ledger):
    staff = ledger["staff"]
    yellow = ledger["task"](due_on=TODAY + timedelta(days=2))
    green = ledger["task"](due_on=TODAY + timedelta(days=90))
    grey = ledger["task"](state=TaskState.CLOSURE_REQUESTED, due_on=TODAY - timedelta(days=1))
    supervision.urge(session, staff["admin"], yellow, TODAY, WARN)
    for task in (green, grey):
        with pytest.raises(ReportError, match="Only a task being rectified that is overdue"):
            supervision.urge(session, staff["admin"], task, TODAY, WARN)
    with pytest.raises(LedgerNotPermitted):
        supervision.urge(session, staff["bureau_editor"], yellow, TODAY, WARN)
    with pytest.raises(ReportError, match="at most 1000"):
        supervision.urge(session, staff["admin"], yellow, TODAY, WARN, "催" * 1001)
    assert session.scalar(select(TaskEvent.id).where(TaskEvent.task_id.in_([green.id, grey.id]))) is None


def test_the_unit_sees_its_tasks_with_the_urgings_and_the_report_due_soonest_first(session, ledger):
    staff = ledger["staff"]
    later = ledger["task"](next_report_due=TODAY + timedelta(days=20))
    sooner = ledger["task"](next_report_due=TODAY - timedelta(days=2))
    ledger["task"](lead=ledger["other"])
    ledger["task"](state=TaskState.CLOSURE_REQUESTED)
    supervision.urge(session, staff["admin"], sooner, TODAY, WARN, "尽快报送")
    rows = supervision.unit_tasks(session, staff["bureau_editor"], TODAY, WARN, limit=50)
    assert [(row.task, row.colour, row.urging.count) for row in rows] == [(sooner, "red", 1), (later, "green", 0)]
    assert len(supervision.unit_tasks(session, staff["admin"], TODAY, WARN, limit=50)) == 3


# ----------------------------------------------------------------------------------------------- pages

def post(client, csrf, url, **data):
    return client.post(url, data={"csrf_token": csrf.token(client, "/admin/"), **data})


def test_the_board_page_shows_the_colours_and_urges(client, auth, csrf, session, ledger):
    today = local_today()
    tasks = coloured(ledger, today)
    session.commit()
    auth.login("admin")
    html = client.get("/admin/rectification/board").get_data(as_text=True)
    assert "Overdue: 2" in html and "Due soon or behind: 2" in html and "On track: 2" in html
    assert tasks["red"].code in html and tasks["green"].code in html and tasks["grey"].code not in html
    red_only = client.get("/admin/rectification/board?colour=red").get_data(as_text=True)
    assert tasks["red"].code in red_only and tasks["green"].code not in red_only
    back = f"/admin/rectification/board?colour=red&unit={ledger['lead'].id}"
    response = post(client, csrf, f"/admin/rectification/tasks/{tasks['red'].id}/urge", note="限期整改", next=back)
    assert response.status_code == 303 and response.headers["Location"] == back
    html = client.get(back).get_data(as_text=True)
    assert f"Urging sent to {ledger['lead'].name}: task {tasks['red'].code}." in html
    response = post(client, csrf, f"/admin/rectification/tasks/{tasks['green'].id}/urge", next="https://evil.example/")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/rectification/board"
    assert "Only a task being rectified that is overdue" in client.get("/admin/rectification/board").get_data(
        as_text=True)
    assert len(audits(session, "rectification.urge")) == 1


def test_the_board_filters_answer_htmx_with_the_rows_alone_and_ignore_unknown_values(client, auth, session, ledger):
    task = ledger["task"](due_on=local_today() - timedelta(days=1))
    session.commit()
    auth.login("admin")
    response = client.get(f"/admin/rectification/board?round={ledger['round'].id}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board-rows"') and task.code in html
    assert "HX-Request" in response.headers["Vary"]
    other = factories.place(session)
    session.commit()
    assert "No task here." in client.get(f"/admin/rectification/board?district={other.id}").get_data(as_text=True)
    for probe in ("round=abc", "district=-1", "unit=99999999999999", "colour=purple"):
        response = client.get(f"/admin/rectification/board?{probe}")
        assert response.status_code == 200 and task.code in response.get_data(as_text=True), probe


def test_the_unit_sees_the_urging_on_its_reports_due_and_beside_the_tasks_reports(client, auth, csrf, session,
                                                                                  ledger):
    task = ledger["task"](due_on=local_today() - timedelta(days=1))
    session.commit()
    auth.login("admin")
    post(client, csrf, f"/admin/rectification/tasks/{task.id}/urge", note="请本周内报送整改进展")
    auth.logout()
    auth.login("editor")
    due = client.get("/admin/rectification/reports/due").get_data(as_text=True)
    assert task.code in due and "请本周内报送整改进展" in due
    page = client.get(f"/admin/rectification/tasks/{task.id}/reports").get_data(as_text=True)
    assert "Urgings from the office: 1" in page and "请本周内报送整改进展" in page


def test_only_the_office_opens_the_board_and_urges(client, auth, csrf, session, ledger):
    task = ledger["task"](due_on=local_today() - timedelta(days=1))
    session.commit()
    auth.login("editor")
    assert client.get("/admin/rectification/board").status_code == 403
    assert post(client, csrf, f"/admin/rectification/tasks/{task.id}/urge").status_code == 403
    assert audits(session, "access.denied")
    assert not audits(session, "rectification.urge")
