"""Progress reports: the lead unit reports on a month with graded progress and evidence while the task is being
rectified; the office accepts (the task's progress and report dates move on, a public timeline entry without
personal data) or returns with a note; the office decides which files are published. Every refused path (not the
lead, not rectifying, missing evidence, a duplicate period, a review by a bureau editor, another bureau's task)
and the pages: the task's reports page and fragment, the review queue, a unit's reports due."""
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.i18n import local_today
from app.rectification import reports
from app.rectification.models import (EvidencePurpose, ProgressReport, ReportState, TaskEvent, TaskEvidence,
                                      TaskUnit, UnitRole)
from app.rectification.months import month_of
from app.rectification.policy import LedgerNotPermitted
from app.rectification.reports import ReportError, ReportNotAwaitingReview
from app.rectification.workflow import Progress, TaskState

TODAY = date(2026, 12, 7)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTMX = {"HX-Request": "true"}


def audits(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def events(session, task):
    return [(e.step, e.public, e.note, e.bureau_id) for e in session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id))]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "evidence"


@pytest.fixture
def submit(session, ledger, folder):
    """Send a report as the lead unit's editor (defaults: November, on schedule, no file)."""
    def send(task, *, actor=None, period="2026-11", progress="on_schedule", text="已完成管网铺设3公里", files=(),
             today=TODAY):
        return reports.submit_report(session, actor or ledger["staff"]["bureau_editor"], task, period=period,
                                     progress=progress, text=text, files=list(files), directory=str(folder),
                                     today=today, max_bytes=1024 * 1024)
    return send


# ----------------------------------------------------------------------------------------------- submitting

def test_the_lead_unit_reports_with_evidence_kept_in_house_until_cleared(session, ledger, submit, folder):
    task = ledger["task"]()
    report = submit(task, progress="done", files=[("验收报告.pdf", PDF)])
    assert (report.state, report.period, report.progress, report.bureau_id) == (
        ReportState.SUBMITTED, "2026-11", Progress.DONE, ledger["lead"].id)
    (evidence,) = session.scalars(select(TaskEvidence)).all()
    assert (evidence.purpose, evidence.report_id, evidence.public, evidence.original_name) == (
        EvidencePurpose.PROGRESS, report.id, False, "验收报告.pdf")
    assert (folder / evidence.stored_name).read_bytes() == PDF
    assert events(session, task) == [("report_submitted", False, "2026-11", ledger["lead"].id)]
    (entry,) = audits(session, "rectification.report_submit")
    assert entry.after["files"][0]["name"] == "验收报告.pdf" and entry.after["period"] == "2026-11"
    assert task.progress is None  # not before the office accepts it


def test_the_period_defaults_to_the_month_of_the_next_report_due(ledger):
    assert reports.default_period(ledger["task"](next_report_due=date(2026, 10, 31)), TODAY) == "2026-10"
    assert reports.default_period(ledger["task"](), TODAY) == "2026-12"


def test_only_the_lead_unit_reports(session, ledger, submit):
    staff, task = ledger["staff"], ledger["task"]()
    task.units.append(TaskUnit(bureau_id=ledger["other"].id, role=UnitRole.COOPERATING))
    session.flush()
    for actor in (staff["other_editor"], staff["admin"], staff["tip_handler"]):
        with pytest.raises(LedgerNotPermitted, match="Only the task's lead unit can do this."):
            submit(task, actor=actor)
    assert count(session, ProgressReport) == 0


@pytest.mark.parametrize("state", [TaskState.CLOSURE_REQUESTED, TaskState.ACCEPTED, TaskState.CLOSED])
def test_progress_is_reported_only_while_the_task_is_being_rectified(session, ledger, submit, state):
    extra = {"closed_at": utcnow()} if state is TaskState.CLOSED else {}
    task = ledger["task"](state=state, **extra)
    with pytest.raises(ReportError, match="while the task is being rectified"):
        submit(task)
    assert count(session, ProgressReport) == 0


def test_a_reopened_task_is_reported_on_again(ledger, submit):
    task = ledger["task"](state=TaskState.REOPENED)
    assert submit(task).state is ReportState.SUBMITTED


@pytest.mark.parametrize("progress", ["done", "basically_done"])
def test_a_report_of_completion_needs_an_evidence_file(session, ledger, submit, progress):
    task = ledger["task"]()
    with pytest.raises(ReportError, match="needs at least one evidence file") as refused:
        submit(task, progress=progress)
    assert refused.value.field == "files" and count(session, ProgressReport) == 0
    assert submit(task, progress=progress, files=[("现场照片.pdf", PDF)]).progress is Progress(progress)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"period": "2026/11"}, "period", "Give the period as a month"),
    ({"period": "2026-13"}, "period", "Give the period as a month"),
    ({"period": "2027-01"}, "period", "2027-01 has not begun"),
    ({"progress": "finished"}, "progress", "Choose how far"),
    ({"text": "   "}, "text", "Write what was done"),
    ({"text": "字" * 5001}, "text", "at most 5000"),
    ({"files": [("list.txt", b"plain text")]}, "files", "list.txt is not a PDF"),
    ({"files": [("empty.pdf", b"")]}, "files", "empty.pdf is empty."),
    ({"files": [("big.pdf", PDF + b"0" * 1024 * 1024)]}, "files", "big.pdf is larger than 1 MB."),
    ({"files": [(f"{n}.pdf", PDF) for n in range(11)]}, "files", "at most 10 files"),
])
def test_bad_input_is_refused_beside_its_field_with_nothing_kept(session, ledger, submit, folder, values, field,
                                                                 message):
    task = ledger["task"]()
    with pytest.raises(ReportError, match=message) as refused:
        submit(task, **values)
    assert refused.value.field == field
    assert count(session, ProgressReport) == 0 and count(session, TaskEvidence) == 0
    assert not folder.exists()


def test_a_period_up_to_the_month_of_the_next_report_due_may_be_reported_early(ledger, submit):
    task = ledger["task"](next_report_due=date(2027, 1, 31))
    assert submit(task, period="2027-01").period == "2027-01"


def test_a_second_report_for_a_period_is_refused_unless_the_first_was_returned(session, ledger, submit):
    staff, task = ledger["staff"], ledger["task"]()
    first = submit(task)
    with pytest.raises(ReportError, match="A report for 2026-11 was already sent") as refused:
        submit(task, text="再次报送")
    assert refused.value.field == "period"
    reports.return_report(session, staff["admin"], first, "请补充照片")
    second = submit(task, text="补充后再次报送")
    assert second.state is ReportState.SUBMITTED and second.id != first.id
    reports.accept_report(session, staff["admin"], second)
    with pytest.raises(ReportError, match="already accepted"):
        submit(task)


def test_two_reports_sent_at_once_for_a_period_are_settled_by_the_database(session, ledger, submit, monkeypatch):
    task = ledger["task"]()
    submit(task)
    monkeypatch.setattr(reports, "live_report", lambda *args: None)  # as if the other had not committed yet
    with pytest.raises(ReportError, match="already sent"):
        submit(task, text="同时报送")
    session.rollback()


def test_a_period_already_covered_by_an_accepted_report_is_refused(ledger, submit):
    task = ledger["task"](last_report_on=date(2026, 11, 30))
    with pytest.raises(ReportError, match="A report up to 2026-11 was already accepted"):
        submit(task, period="2026-10")


# ----------------------------------------------------------------------------------------------- reviewing

@pytest.mark.parametrize(("interval", "next_due"), [(1, date(2026, 12, 31)), (3, date(2027, 2, 28))])
def test_accepting_sets_the_tasks_progress_and_report_dates_and_shows_it_in_public(session, ledger, submit,
                                                                                   interval, next_due):
    ledger["round"].report_interval_months = interval
    staff, task = ledger["staff"], ledger["task"]()
    report = submit(task, progress="basically_done", files=[("a.pdf", PDF)])
    reports.accept_report(session, staff["admin"], report, "材料齐全")
    assert (report.state, report.reviewed_by_id, report.review_note) == (ReportState.ACCEPTED, staff["admin"].id,
                                                                         "材料齐全")
    assert (task.progress, task.last_report_on, task.next_report_due) == (
        Progress.BASICALLY_DONE, date(2026, 11, 30), next_due)
    public = [e for e in events(session, task) if e[1]]
    # The public entry names the grade and the period: nothing of who wrote or sent the report.
    assert public == [("report_basically_done", True, "2026-11", ledger["lead"].id)]
    assert ("note", False, "材料齐全", None) in events(session, task)
    assert audits(session, "rectification.accept_report")[0].after["state"] == "accepted"
    progress_set = audits(session, "rectification.progress_set")[0]
    assert progress_set.before["progress"] is None and progress_set.after["progress"] == "basically_done"


def test_every_accepted_grade_has_a_timeline_title():
    for grade in Progress:
        assert f"report_{grade.value}" in reports.EVENT_TITLES


def test_an_older_period_accepted_late_does_not_move_the_task_back(session, ledger, submit):
    staff, task = ledger["staff"], ledger["task"]()
    october, november = submit(task, period="2026-10"), submit(task, period="2026-11", progress="behind")
    reports.accept_report(session, staff["admin"], november)
    reports.accept_report(session, staff["admin"], october)
    assert (task.progress, task.last_report_on) == (Progress.BEHIND, date(2026, 11, 30))
    assert october.state is ReportState.ACCEPTED and len(audits(session, "rectification.progress_set")) == 1


def test_returning_needs_a_note_which_the_unit_sees(session, ledger, submit):
    staff, task = ledger["staff"], ledger["task"]()
    report = submit(task)
    with pytest.raises(ReportError, match="Say what the unit must correct") as refused:
        reports.return_report(session, staff["admin"], report, "  ")
    assert refused.value.field == "note" and report.state is ReportState.SUBMITTED
    reports.return_report(session, staff["admin"], report, "请补充现场照片")
    assert (report.state, report.review_note, task.progress) == (ReportState.RETURNED, "请补充现场照片", None)
    assert events(session, task)[-1] == ("report_returned", False, "2026-11: 请补充现场照片", ledger["lead"].id)
    assert audits(session, "rectification.return_report")


def test_only_the_office_reviews_and_only_once(session, ledger, submit):
    staff, task = ledger["staff"], ledger["task"]()
    report = submit(task)
    for actor in (staff["bureau_editor"], staff["other_editor"], staff["reviewer"]):
        with pytest.raises(LedgerNotPermitted, match="Only the ecological civilization office"):
            reports.accept_report(session, actor, report)
        with pytest.raises(LedgerNotPermitted):
            reports.return_report(session, actor, report, "不行")
    assert report.state is ReportState.SUBMITTED and task.progress is None
    reports.accept_report(session, staff["admin"], report)
    with pytest.raises(ReportNotAwaitingReview, match="already reviewed"):
        reports.return_report(session, staff["admin"], report, "再看看")


def test_the_office_clears_an_accepted_reports_file_or_keeps_it_in_house(session, ledger, submit):
    staff, task = ledger["staff"], ledger["task"]()
    report = submit(task, progress="done", files=[("整改前后对比.pdf", PDF), ("身份证.pdf", PDF)])
    photo, id_card = session.scalars(select(TaskEvidence).order_by(TaskEvidence.id)).all()
    with pytest.raises(ReportError, match="once the report is accepted"):
        reports.decide_evidence(session, staff["admin"], photo, True)
    reports.accept_report(session, staff["admin"], report)
    with pytest.raises(LedgerNotPermitted):
        reports.decide_evidence(session, staff["bureau_editor"], photo, True)
    reports.decide_evidence(session, staff["admin"], photo, True)
    reports.decide_evidence(session, staff["admin"], id_card, False, "显示身份证号码")
    assert (photo.public, photo.cleared_by_id) == (True, staff["admin"].id)
    assert (id_card.public, id_card.cleared_by_id) == (False, staff["admin"].id)
    assert audits(session, "rectification.evidence_publish")[0].object_id == str(photo.id)
    assert audits(session, "rectification.evidence_withhold")[0].note == "显示身份证号码"


def test_the_review_queue_lists_reports_awaiting_review_the_longest_waiting_first(session, ledger, submit):
    staff = ledger["staff"]
    first, second, third = (submit(ledger["task"]()) for _ in range(3))
    first.submitted_at, third.submitted_at = second.submitted_at + timedelta(hours=1), second.submitted_at
    second.submitted_at -= timedelta(hours=1)
    reports.accept_report(session, staff["admin"], third)
    assert reports.review_queue(session, limit=10) == [second, first]


# ----------------------------------------------------------------------------------------------- pages

def post(client, csrf, url, headers=None, **data):
    return client.post(url, data={"csrf_token": csrf.token(client, "/admin/"), **data},
                       content_type="multipart/form-data", headers=headers or {})


@pytest.fixture
def task(session, ledger):
    """A task of the editor's bureau being rectified, its next report due this month; committed."""
    row = ledger["task"](next_report_due=local_today().replace(day=1) + timedelta(days=40))
    session.commit()
    return row


def test_the_lead_unit_sees_the_form_with_the_period_of_its_next_report(client, auth, task):
    auth.login("editor")
    html = client.get(f"/admin/rectification/tasks/{task.id}/reports").get_data(as_text=True)
    assert "Send a progress report" in html and f'value="{month_of(task.next_report_due)}"' in html
    assert "No progress report yet." in html


def test_a_cooperating_unit_sees_the_reports_but_may_not_send_one(client, auth, csrf, session, ledger, task):
    task.units.append(TaskUnit(bureau_id=ledger["other"].id, role=UnitRole.COOPERATING))
    session.commit()
    auth.login("editor2")
    html = client.get(f"/admin/rectification/tasks/{task.id}/reports").get_data(as_text=True)
    assert "its lead unit sends the progress reports" in html and "Send a progress report" not in html
    response = post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period="2026-11",
                    progress="on_schedule", text="配合单位报送")
    assert response.status_code == 403 and count(session, ProgressReport) == 0
    assert audits(session, "rectification.refused")[-1].object_id == str(task.id)


def test_another_bureaus_task_is_refused_and_audited(client, auth, csrf, session, task):
    auth.login("editor2")
    assert client.get(f"/admin/rectification/tasks/{task.id}/reports").status_code == 403
    assert post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period="2026-11",
                progress="on_schedule", text="越权").status_code == 403
    refused = audits(session, "rectification.refused")
    assert len(refused) == 2 and {e.object_type for e in refused} == {"rectification_tasks"}
    assert client.get("/admin/rectification/tasks/999999/reports").status_code == 404


def test_sending_a_report_with_files_and_then_reviewing_it(client, auth, csrf, session, ledger, task):
    auth.login("editor")
    period = month_of(local_today())
    response = post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period=period,
                    progress="done", text="已完成整改",
                    files=[(io.BytesIO(PDF), "验收意见.pdf"), (io.BytesIO(PDF), "照片.pdf")])
    assert response.status_code == 303
    report = session.scalars(select(ProgressReport)).one()
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Report for {period} sent to the office." in html and "验收意见.pdf" in html and "Awaiting review" in html
    evidence = session.scalars(select(TaskEvidence).order_by(TaskEvidence.id)).first()
    download = client.get(f"/admin/rectification/evidence/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF and "no-store" in download.headers["Cache-Control"]
    assert post(client, csrf, f"/admin/rectification/reports/{report.id}/accept").status_code == 403
    assert audits(session, "rectification.refused")[-1].note == "Only the ecological civilization office can do this."
    auth.logout()
    auth.login("admin")
    assert report.task.code in client.get("/admin/rectification/reports").get_data(as_text=True)
    assert post(client, csrf, f"/admin/rectification/reports/{report.id}/accept").status_code == 303
    session.expire_all()
    assert report.state is ReportState.ACCEPTED and task.progress is Progress.DONE
    assert "No report is waiting for review." in client.get("/admin/rectification/reports").get_data(as_text=True)
    assert post(client, csrf, f"/admin/rectification/evidence/{evidence.id}/publish").status_code == 303
    session.expire_all()
    assert evidence.public
    auth.logout()
    auth.login("editor2")
    assert client.get(f"/admin/rectification/evidence/{evidence.id}").status_code == 403


def test_a_refused_report_comes_back_with_the_message_and_the_input_kept(client, auth, csrf, session, task):
    auth.login("editor")
    response = post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period=month_of(local_today()),
                    progress="basically_done", text="基本完成，待验收")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "needs at least one evidence file" in html
    assert "基本完成，待验收" in html and '<option selected value="basically_done">' in html
    response = post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period="11/2026",
                    progress="on_schedule", text="按序时推进")
    assert response.status_code == 422 and "Give the period as a month" in response.get_data(as_text=True)
    assert count(session, ProgressReport) == 0


def test_with_htmx_the_panel_answers_alone(client, auth, csrf, session, task):
    auth.login("editor")
    fragment = client.get(f"/admin/rectification/tasks/{task.id}/reports", headers=HTMX)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="task-reports"')
    assert "HX-Request" in fragment.headers["Vary"]
    response = post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", headers=HTMX,
                    period=month_of(local_today()), progress="on_schedule", text="按序时推进")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="task-reports"')
    assert "按序时推进" in html and "Awaiting review" in html


def test_the_office_returns_a_report_with_a_note_and_the_unit_sends_it_again(client, auth, csrf, session, task):
    auth.login("editor")
    period = month_of(local_today())
    post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period=period, progress="on_schedule",
         text="第一次报送")
    report = session.scalars(select(ProgressReport)).one()
    auth.logout()
    auth.login("admin")
    response = post(client, csrf, f"/admin/rectification/reports/{report.id}/return", note="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Say what the unit must correct or add." in html
    assert post(client, csrf, f"/admin/rectification/reports/{report.id}/return",
                note="请补充管网验收材料").status_code == 303
    auth.logout()
    auth.login("editor")
    html = client.get(f"/admin/rectification/tasks/{task.id}/reports").get_data(as_text=True)
    assert "请补充管网验收材料" in html and "Returned for correction" in html
    assert post(client, csrf, f"/admin/rectification/tasks/{task.id}/reports", period=period,
                progress="on_schedule", text="补充后报送").status_code == 303


def test_only_the_office_opens_the_review_queue(client, auth, task):
    auth.login("editor")
    assert client.get("/admin/rectification/reports").status_code == 403


def test_a_unit_sees_the_reports_due_of_the_tasks_it_leads(client, auth, session, ledger, task):
    other = ledger["task"](lead=ledger["other"], problem_zh_hans="他局任务")
    session.commit()
    auth.login("editor")
    html = client.get("/admin/rectification/reports/due").get_data(as_text=True)
    assert task.code in html and other.code not in html
    auth.logout()
    auth.login("admin")
    html = client.get("/admin/rectification/reports/due").get_data(as_text=True)
    assert task.code in html and other.code in html


def test_a_refusal_whose_form_is_gone_from_the_page_is_said_above_it(client, auth, csrf, session, ledger, task):
    report = reports.submit_report(session, ledger["staff"]["bureau_editor"], task, period=month_of(local_today()),
                                   progress="on_schedule", text="按序时推进", files=[], directory="/nonexistent",
                                   today=local_today(), max_bytes=1024)
    reports.accept_report(session, ledger["staff"]["admin"], report)
    closing = ledger["task"](state=TaskState.CLOSURE_REQUESTED)
    session.commit()
    auth.login("admin")
    response = post(client, csrf, f"/admin/rectification/reports/{report.id}/return", note="再看看")
    assert response.status_code == 422
    assert '<p class="flash flash-error">This report was already reviewed (“Accepted”).</p>' in response.get_data(
        as_text=True)
    auth.logout()
    auth.login("editor")
    response = post(client, csrf, f"/admin/rectification/tasks/{closing.id}/reports", period="2026-11",
                    progress="on_schedule", text="按序时推进")
    assert response.status_code == 422
    assert ('<p class="flash flash-error">Progress is reported while the task is being rectified; this task is '
            '“Closure applied for”.</p>') in response.get_data(as_text=True)
