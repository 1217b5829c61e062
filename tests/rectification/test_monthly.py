"""The monthly report: its figures by lead unit and by district on a hand-built ledger (a past month and the
running one, with and without a round), counted by a fixed number of statements however many tasks there are; the
page with its bad input, and the Word document opened with python-docx."""
import io
from datetime import date, datetime, timezone

import pytest
from docx import Document
from sqlalchemy import event

from app.extensions import db
from app.i18n import local_today
from app.rectification import monthly
from app.rectification.models import ProgressReport, ReportState
from app.rectification.monthly import Line
from app.rectification.months import last_day, month_of, parse_month, previous_month
from app.rectification.workflow import Progress, TaskState
from tests import factories
from tests.rectification.conftest import make_round, make_task

TODAY = date(2026, 12, 7)
CLOSED_AT = datetime(2026, 11, 20, tzinfo=timezone.utc)


def report(session, task, period, state=ReportState.SUBMITTED, progress=Progress.ON_SCHEDULE):
    row = ProgressReport(task_id=task.id, bureau_id=task.lead_bureau_id, period=period, progress=progress,
                         text="按序时推进", state=state)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def city(session, ledger):
    """Seven tasks in two districts led by two units, one of another round; the month is November 2026."""
    a, b = ledger["district"], factories.place(session)
    home, other = ledger["lead"], ledger["other"]
    r, old_round = ledger["round"], make_round(session)

    def task(lead, place, round_=r, **values):
        return make_task(session, round_, place, lead, **values)
    t1 = task(home, a, progress=Progress.ON_SCHEDULE, next_report_due=date(2026, 12, 31))
    report(session, t1, "2026-11", ReportState.ACCEPTED)
    task(home, a, due_on=date(2026, 10, 31), next_report_due=date(2026, 11, 30))            # behind, overdue
    task(home, b, state=TaskState.CLOSED, closed_at=CLOSED_AT)                              # done and closed
    t4 = task(other, b, due_on=None, next_report_due=date(2026, 11, 30))                    # long-term
    report(session, t4, "2026-11")                                                          # received, awaiting review
    task(other, a, progress=Progress.DONE, next_report_due=date(2026, 12, 31))              # done, not closed
    t6 = task(other, b, next_report_due=date(2026, 11, 30))
    report(session, t6, "2026-11", ReportState.RETURNED)                                    # returned: not received
    report(session, t6, "2026-10", ReportState.ACCEPTED)                                    # another month
    task(home, a, round_=old_round, next_report_due=date(2026, 10, 31))                     # overdue since October
    return {"a": a, "b": b, "home": home, "other": other, "round": r}


def figures(line: Line) -> dict:
    return dict(zip(monthly.COUNTS, line.counts()))


def test_the_figures_of_a_past_month_by_unit_and_by_district(session, city):
    result = monthly.build(session, "2026-11", TODAY)
    assert (result.as_of, result.overdue_before, result.running) == (date(2026, 11, 30), date(2026, 12, 1), False)
    by_unit = {line.name: figures(line) for line in result.by_unit}
    assert by_unit[city["home"].name] == dict(tasks=4, done=1, closed=1, on_schedule=2, behind=1, long_term=0,
                                              reports_due=2, reports_received=1, reports_overdue=2)
    assert by_unit[city["other"].name] == dict(tasks=3, done=1, closed=0, on_schedule=1, behind=0, long_term=1,
                                               reports_due=2, reports_received=1, reports_overdue=1)
    by_district = {line.name: figures(line) for line in result.by_district}
    assert by_district[city["a"].name] == dict(tasks=4, done=1, closed=0, on_schedule=2, behind=1, long_term=0,
                                               reports_due=2, reports_received=1, reports_overdue=2)
    assert by_district[city["b"].name] == dict(tasks=3, done=1, closed=1, on_schedule=1, behind=0, long_term=1,
                                               reports_due=2, reports_received=1, reports_overdue=1)
    assert figures(result.total) == dict(tasks=7, done=2, closed=1, on_schedule=3, behind=1, long_term=1,
                                         reports_due=4, reports_received=2, reports_overdue=3)
    assert figures(monthly.total("", result.by_district)) == figures(result.total)
    assert [line.name for line in result.by_unit] == [city["home"].name, city["other"].name]  # by bureau code


def test_one_rounds_figures(session, city):
    result = monthly.build(session, "2026-11", TODAY, city["round"].id)
    assert result.round == city["round"]
    assert figures(result.total) == dict(tasks=6, done=2, closed=1, on_schedule=2, behind=1, long_term=1,
                                         reports_due=4, reports_received=2, reports_overdue=2)


def test_the_running_month_judges_on_today(session, city):
    result = monthly.build(session, "2026-12", TODAY)
    assert (result.as_of, result.overdue_before, result.running) == (TODAY, TODAY, True)
    whole = figures(result.total)
    # Due in December: the two reports due on 31 December (none received yet). Overdue before today: those due
    # in October and November, except the one whose November report awaits the office's review.
    assert (whole["reports_due"], whole["reports_received"], whole["reports_overdue"]) == (2, 0, 3)


def test_the_count_takes_the_same_statements_however_many_tasks(session, ledger, city):
    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            monthly.build(session, "2026-11", TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)
    few = statements()
    for n in range(40):
        ledger["task"](next_report_due=date(2026, 11, 30), progress=Progress.BEHIND if n % 2 else None)
    assert statements() == few
    assert monthly.build(session, "2026-11", TODAY).total.tasks == 47


def test_lines_are_named_ordered_and_added_up():
    rows = [(3, 1, 0, 0, 1, 0, 0, 1, 1, 0), (1, 2, 1, 1, 0, 1, 0, 2, 0, 2), (9, 1, 1, 0, 0, 0, 1, 0, 0, 0)]
    result = monthly.lines(rows, {1: "甲", 3: "乙"}, [1, 3])
    assert [line.name for line in result] == ["甲", "乙", "9"]
    assert figures(result[0]) == dict(tasks=2, done=1, closed=1, on_schedule=0, behind=1, long_term=0,
                                      reports_due=2, reports_received=0, reports_overdue=2)
    assert monthly.total("合计", result).counts() == [4, 2, 1, 1, 1, 1, 3, 1, 2]


def test_months_are_read_strictly():
    assert parse_month(" 2026-11 ") == "2026-11"
    assert [parse_month(text) for text in ("2026-1", "2026-13", "1999-12", "2026/11", "", None)] == [None] * 6
    assert previous_month("2026-01") == "2025-12" and month_of(date(2026, 3, 9)) == "2026-03"


# ----------------------------------------------------------------------------------------------- page and DOCX

@pytest.fixture
def this_month(session, ledger):
    """Two tasks with a report due this month (one received), committed."""
    month = month_of(local_today())
    due, far = last_day(month), date(2099, 12, 31)
    sent = ledger["task"](next_report_due=due, due_on=far)
    ledger["task"](next_report_due=due, due_on=far, lead=ledger["other"])
    report(session, sent, month)
    session.commit()
    return month


def test_the_page_shows_the_months_figures(client, auth, ledger, this_month):
    auth.login("admin")
    html = client.get("/admin/rectification/monthly").get_data(as_text=True)
    assert f"Rectification progress in {this_month}" in html and ledger["lead"].name in html
    assert "2 tasks: 0 done (0 closed), 2 on schedule" in html and "2 due in the month, 1 received" in html
    assert f"/admin/rectification/monthly.docx?month={this_month}" in html
    fragment = client.get(f"/admin/rectification/monthly?month={this_month}&round={ledger['round'].id}",
                          headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="monthly-figures"')
    assert ledger["round"].title in fragment.get_data(as_text=True)


@pytest.mark.parametrize(("query", "message"), [("month=2026-13", "Give the month as YYYY-MM"),
                                                ("month=", "Give the month."),
                                                ("month=2999-01", "2999-01 has not begun.")])
def test_a_bad_month_is_refused_with_the_input_kept(client, auth, this_month, query, message):
    auth.login("admin")
    for url in ("/admin/rectification/monthly", "/admin/rectification/monthly.docx"):
        response = client.get(f"{url}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and message in html, url
        assert f'value="{query.split("=", 1)[1]}"' in html


def test_an_unknown_round_counts_every_round(client, auth, this_month):
    auth.login("admin")
    html = client.get(f"/admin/rectification/monthly?month={this_month}&round=987654").get_data(as_text=True)
    assert "2 tasks:" in html


def test_the_word_document_opens_and_holds_the_figures(client, auth, ledger, this_month):
    auth.login("admin")
    response = client.get(f"/admin/rectification/monthly.docx?month={this_month}")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert f'filename="rectification-{this_month}.docx"' in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    assert f"Rectification progress in {this_month}" in texts
    assert any(text.startswith("2 tasks: 0 done (0 closed), 2 on schedule") for text in texts)
    by_unit, by_district = document.tables
    rows = [[cell.text for cell in row.cells] for row in by_unit.rows]
    assert rows[0][:2] == ["Lead unit", "Tasks"]
    assert [ledger["lead"].name, "1", "0", "0", "1", "0", "0", "1", "1", "0"] in rows
    assert rows[-1] == ["Total", "2", "0", "0", "2", "0", "0", "2", "1", "0"]
    assert [[cell.text for cell in row.cells] for row in by_district.rows][1][:2] == [ledger["district"].name, "2"]


def test_only_the_office_reads_the_monthly_report(client, auth, this_month):
    auth.login("editor")
    assert client.get("/admin/rectification/monthly").status_code == 403
    assert client.get("/admin/rectification/monthly.docx").status_code == 403
