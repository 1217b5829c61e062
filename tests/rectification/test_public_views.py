"""The public ledger: the counts bulletins publish, the filters, page and htmx fragment, each task's page, and
what is never public (draft rounds, evidence not cleared, objectors' and reporters' personal data)."""
import re
from datetime import timedelta

import pytest

from app.i18n import local_today
from app.indicators import queries as indicator_queries
from app.rectification import public
from app.rectification.models import (Acceptance, AcceptanceLevel, Objection, ProgressReport, ReportState,
                                      TaskIndicator, TaskTip, TaskUnit, UnitRole)
from app.rectification.workflow import Progress, Status, Step
from tests import factories
from tests.rectification import public_data


@pytest.fixture
def tasks(session, ledger):
    built = public_data.build(session, ledger)
    session.commit()
    return built


def listed(html: str) -> list[str]:
    """The task codes the index lists, in order."""
    return re.findall(r'<h3><a href="/rectification/tasks/([^"]+)">', html)


def figure(html: str, label: str) -> int:
    match = re.search(r"<strong>([\d,]+)</strong> " + re.escape(label), html)
    assert match, f"no figure {label!r}"
    return int(match.group(1).replace(",", ""))


def codes(tasks, *names) -> set[str]:
    return {tasks[name].code for name in names}


def test_the_index_counts_what_bulletins_publish(client, tasks):
    html = client.get("/rectification/").get_data(as_text=True)
    assert figure(html, "tasks in all") == 8
    assert figure(html, "Done") == 3
    assert "of which closed: 1" in html
    assert figure(html, "On schedule") == 2
    assert figure(html, "Behind schedule") == 2
    assert figure(html, "Long-term") == 1
    assert figure(html, "in public notice now") == 1
    assert set(listed(html)) == codes(tasks, "on_time", "late", "reported_behind", "long_term", "closed",
                                      "in_notice", "reported_done", "elsewhere")


def test_the_counts_agree_with_the_status_of_every_listed_task(session, tasks):
    today = local_today()
    rows = list(session.scalars(public.ledger_tasks(public.Filters(), today)))
    counts = public.counts(session, public.Filters(), today)
    for status in Status:
        by_task = [t for t in rows if public_status(t, today) is status]
        assert counts.of(status) == len(by_task), status
    assert counts.total == len(rows) == 8


def public_status(task, today):
    from app.rectification.status import task_status
    return task_status(task.state, task.progress, task.due_on, task.long_term, today)


@pytest.mark.parametrize("query, names", [
    ("status=behind", ("late", "reported_behind")),
    ("status=done", ("closed", "in_notice", "reported_done")),
    ("status=long_term", ("long_term",)),
    ("status=on_schedule", ("on_time", "elsewhere")),
    ("district=hills", ("elsewhere",)),
    ("unit=water", ("elsewhere",)),
    ("round=PROV", ("elsewhere",)),
    ("unit=eeb&status=on_schedule", ("on_time",)),
])
def test_filters_narrow_the_list(client, tasks, query, names):
    html = client.get(f"/rectification/?{query}").get_data(as_text=True)
    assert set(listed(html)) == codes(tasks, *names)


def test_counts_follow_the_other_filters_but_not_the_status(client, tasks):
    html = client.get("/rectification/?unit=eeb&status=behind").get_data(as_text=True)
    assert figure(html, "tasks in all") == 7
    assert figure(html, "On schedule") == 1
    assert 'href="/rectification/?status=on_schedule&amp;unit=eeb"' in html


def test_unknown_filter_values_are_ignored(client, tasks):
    html = client.get("/rectification/?district=nowhere&status=purple&unit=&round=zzz").get_data(as_text=True)
    assert figure(html, "tasks in all") == 8


def test_a_draft_round_is_never_public(client, tasks):
    draft = tasks["draft"]
    html = client.get("/rectification/").get_data(as_text=True)
    assert draft.code not in html and "草稿" not in html and "Draft round" not in html
    # Asking for the draft round by its code shows the whole (public) ledger, not the draft's tasks.
    html = client.get("/rectification/?round=DRAFT").get_data(as_text=True)
    assert draft.code not in listed(html) and figure(html, "tasks in all") == 8
    assert client.get(f"/rectification/tasks/{draft.code}").status_code == 404
    assert draft.code not in client.get("/rectification/?format=csv").get_data(as_text=True)


def test_subtasks_are_shown_on_their_task_and_not_counted(client, tasks):
    sub, parent = tasks["sub"], tasks["on_time"]
    assert sub.code not in listed(client.get("/rectification/").get_data(as_text=True))
    html = client.get(f"/rectification/tasks/{parent.code}").get_data(as_text=True)
    assert f'href="/rectification/tasks/{sub.code}"' in html and "Sub-tasks" in html
    html = client.get(f"/rectification/tasks/{sub.code}").get_data(as_text=True)
    assert "Part of task" in html and f'href="/rectification/tasks/{parent.code}"' in html
    assert "Behind schedule" in html  # its own deadline has passed


def test_the_index_pages_through_the_tasks_keeping_the_filters(client, session, ledger, monkeypatch):
    from app.rectification import views
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = sorted(ledger["task"]().code for _ in range(5))
    session.commit()
    first = client.get("/rectification/?status=on_schedule").get_data(as_text=True)
    assert listed(first) == made[:2]
    assert 'href="/rectification/?page=2&amp;status=on_schedule"' in first
    third = client.get("/rectification/?status=on_schedule&page=3").get_data(as_text=True)
    assert listed(third) == made[4:] and "Next page" not in third and "Previous page" in third


def test_one_url_serves_the_page_or_the_results_fragment(client, tasks):
    page = client.get("/rectification/?status=behind")
    assert "HX-Request" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert "<html" in html and 'hx-get="/rectification/"' in html and 'id="ledger-results"' in html
    fragment = client.get("/rectification/?status=behind", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in body and body.lstrip().startswith('<div id="ledger-results">')
    assert set(listed(body)) == codes(tasks, "late", "reported_behind")
    boosted = client.get("/rectification/?status=behind", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_the_filters_work_as_a_plain_get_form(client, tasks):
    html = client.get("/rectification/").get_data(as_text=True)
    form = html[html.index('<form class="filters"'):html.index("</form>", html.index('<form class="filters"'))]
    assert 'method="get" action="/rectification/"' in form
    for name in ("round", "district", "unit", "status"):
        assert f'name="{name}"' in form
    assert '<option value="PROV">Provincial inspection</option>' in form
    assert "DRAFT" not in form


def test_the_index_marks_untranslated_stored_text_as_chinese(client, session, ledger):
    ledger["task"](problem_zh_hans="某化工园区未批先建", problem_en="")
    session.commit()
    html = client.get("/rectification/").get_data(as_text=True)
    assert '<span lang="zh-Hans">某化工园区未批先建</span>' in html


@pytest.mark.chinese_pages
def test_the_index_reads_in_chinese(client, tasks):
    html = client.get("/rectification/").get_data(as_text=True)
    assert "某工业园区污水直排问题" in html and '<span lang="zh-Hans">某工业园区' not in html


def test_a_task_page_shows_its_public_record(app, client, session, ledger, tasks):
    task = tasks["on_time"]
    task.responsible_text = "市生态环境局,白河县党委、政府"
    task.units.append(TaskUnit(bureau_id=ledger["other"].id, role=UnitRole.COOPERATING))
    catalogue = factories.catalogue(session)
    indicator = indicator_queries.catalogue_indicators(session, catalogue)[1]
    session.add(TaskIndicator(task_id=task.id, indicator_id=indicator.id))
    session.add(ProgressReport(task_id=task.id, bureau_id=ledger["lead"].id, period="2026-10",
                               progress=Progress.ON_SCHEDULE, text="管网铺设完成百分之六十",
                               state=ReportState.ACCEPTED))
    session.add(ProgressReport(task_id=task.id, bureau_id=ledger["lead"].id, period="2026-11",
                               progress=Progress.DONE, text="尚未审核的报告", state=ReportState.SUBMITTED))
    session.add(ProgressReport(task_id=task.id, bureau_id=ledger["lead"].id, period="2026-09",
                               progress=Progress.DONE, text="退回的报告", state=ReportState.RETURNED,
                               review_note="内部审核意见"))
    session.add(Acceptance(task_id=task.id, level=AcceptanceLevel.DISTRICT, accepted_on=local_today(),
                           body="区验收组", opinion="已完成整改,同意销号", passed=True))
    public_data.event(session, task, Step.APPLY_CLOSURE.value, note="申请销号")
    public_data.event(session, task, "internal_note", public=False, note="内部讨论不公开")
    session.commit()
    html = client.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
    assert f"Task {task.code}" in html and "Untreated waste water from an industrial park" in html
    assert "<dt>Lead unit</dt><dd>Test Bureau" in html and "<dt>Co-operating unit</dt>" in html
    assert '<dd lang="zh-Hans">市生态环境局,白河县党委、政府</dd>' in html
    assert '<span lang="zh-Hans">2027年6月底前</span>' in html and "by the end of" in html
    assert "On schedule" in html and "Yellow: work is under way and on schedule." in html
    assert f'href="/indicators/{indicator.code}"' in html
    assert "管网铺设完成百分之六十" in html
    assert "尚未审核的报告" not in html and "退回的报告" not in html and "内部审核意见" not in html
    assert "已完成整改,同意销号" in html and "District acceptance" in html
    assert "Closure applied for by the lead unit" in html and "申请销号" in html
    assert "内部讨论不公开" not in html
    assert 'href="/rectification/tasks/' + task.code + '/objection"' not in html  # not in notice


def test_a_task_in_notice_shows_the_notice_and_the_objection_link(client, session, tasks):
    task = tasks["in_notice"]
    task.round.rule_zh_hans = "某省生态环境保护督察整改工作实施办法"
    session.commit()
    html = client.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
    notice = html[html.index('id="notice"'):html.index("</section>", html.index('id="notice"'))]
    assert "Public notice before closure" in notice
    assert "污水管网已建成并投入运行" in notice
    assert "《<span lang=\"zh-Hans\">某省生态环境保护督察整改工作实施办法</span>》" in notice
    assert f'href="/rectification/tasks/{task.code}/objection"' in notice
    assert "never published" in notice


@pytest.mark.parametrize("starts, ends, expected", [
    (3, 10, "Objections can be sent from"),
    (-10, -1, "The notice period has ended"),
])
def test_the_objection_link_is_offered_only_within_the_notice_period(client, session, tasks, starts, ends, expected):
    task = tasks["in_notice"]
    today = local_today()
    task.notice_starts_on, task.notice_ends_on = today + timedelta(days=starts), today + timedelta(days=ends)
    session.commit()
    html = client.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
    assert expected in html and "/objection" not in html


def test_an_unknown_task_is_not_found(client, tasks):
    assert client.get("/rectification/tasks/NOPE-1").status_code == 404


def test_evidence_cleared_for_publication_is_served_with_the_public_file_policy(app, client, session, tasks):
    shown = public_data.evidence(session, app, tasks["on_time"], public=True, description="整改前后对比照片")
    session.commit()
    html = client.get(f"/rectification/tasks/{tasks['on_time'].code}").get_data(as_text=True)
    assert f'href="/rectification/evidence/{shown.id}"' in html and "整改前后对比照片" in html
    response = client.get(f"/rectification/evidence/{shown.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"].startswith("public")
    assert "attachment" in response.headers["Content-Disposition"]


def test_evidence_not_cleared_or_of_a_draft_round_is_not_found(app, client, auth, session, tasks):
    hidden = public_data.evidence(session, app, tasks["on_time"], public=False, description="未公开的材料")
    drafted = public_data.evidence(session, app, tasks["draft"], public=True)
    objection = public_data.evidence(session, app, tasks["in_notice"], public=False, purpose="objection")
    session.commit()
    html = client.get(f"/rectification/tasks/{tasks['on_time'].code}").get_data(as_text=True)
    assert "未公开的材料" not in html and f"/rectification/evidence/{hidden.id}" not in html
    for row in (hidden, drafted, objection):
        assert client.get(f"/rectification/evidence/{row.id}").status_code == 404
    auth.login("admin")  # not even the office reads it through the public address
    assert client.get(f"/rectification/evidence/{hidden.id}").status_code == 404


def test_no_personal_data_of_objectors_or_reporters_is_ever_public(app, client, session, ledger, tasks):
    task = tasks["in_notice"]
    editor = ledger["staff"]["bureau_editor"]
    session.add(Objection(task_id=task.id, code_digest="x" * 64, text="我家门口的管网还没有接通", name="王小明",
                          contact="13912345678"))
    session.add(ProgressReport(task_id=task.id, bureau_id=ledger["lead"].id, period="2026-10",
                               progress=Progress.DONE, text="已完成", state=ReportState.ACCEPTED,
                               submitted_by_id=editor.id, review_note="审核人内部意见"))
    tip = factories.tip(session, anonymous=False)
    session.add(TaskTip(task_id=task.id, tip_id=tip.id))
    public_data.event(session, task, Step.START_NOTICE.value)
    session.commit()
    personal = ["王小明", "13912345678", "我家门口的管网还没有接通", editor.display_name, editor.username,
                "审核人内部意见", tip.reporter_name, tip.reporter_phone, tip.description, tip.address]
    pages = [client.get(path).get_data(as_text=True) for path in (
        "/rectification/", f"/rectification/tasks/{task.code}", "/rectification/feed.atom",
        "/rectification/?format=csv")]
    for page in pages:
        for text in personal:
            assert text not in page, text
    assert tip.public_number in pages[1]
