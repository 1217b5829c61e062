"""The closure pages: the task's closure panel (whole page and htmx fragment) for the office and the lead unit, each
step as a form with its refusals (422 with the input kept, 403 audited for want of permission), acceptance records,
answers to objections and the audited look at the objector's contact, evidence files, the office's queue; the
public objection form during the notice only, the personal code shown once, the objector's page, the rate limit."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.i18n import local_today
from app.rectification import closure
from app.rectification.models import (EvidencePurpose, InspectionRound, Objection, ObjectionState, RoundState,
                                      TaskEvidence, TaskUnit, UnitRole)
from app.rectification.workflow import TaskState
from tests.conftest import base_config
from tests.rectification.closure_fixtures import (EMAIL, NAME, PDF, PHONE, add_objection, audits, events,
                                                  in_notice_now, stored_files, task_in)

HTMX = {"HX-Request": "true"}


def _token(client, csrf, url="/admin/"):
    return csrf.token(client, url)


def _panel_url(task):
    return f"/admin/rectification/tasks/{task.id}/closure"


def _step(client, csrf, task, step: str, data=None, headers=None, **kwargs):
    token = _token(client, csrf, _panel_url(task))
    form = {f"{step}-csrf_token": token, **{f"{step}-{name}": value for name, value in (data or {}).items()}}
    return client.post(f"{_panel_url(task)}/step/{step}", data=form, headers=headers or {}, **kwargs)


def _pdf(name="验收材料.pdf"):
    return (io.BytesIO(PDF), name)


# --- the panel ---------------------------------------------------------------------------------------------------

def test_the_office_sees_the_application_acceptances_objections_and_its_steps_but_no_contact(
        client, auth, session, ledger):
    task = in_notice_now(ledger, session)
    task.completion_zh_hans = "园区污水管网已建成"
    add_objection(session, task, text="东侧排口仍有污水")
    session.commit()
    auth.login("admin")
    response = client.get(_panel_url(task))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "园区污水管网已建成" in html and "东侧排口仍有污水" in html
    assert "Show the objector&#39;s contact (recorded)" in html or "Show the objector's contact (recorded)" in html
    assert NAME not in html and PHONE not in html
    assert 'id="step-close"' in html and "Objections still open: 1" in html
    assert "<html" in html


def test_the_panel_answers_an_htmx_request_with_the_fragment_alone(client, auth, session, ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("admin")
    response = client.get(_panel_url(task), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert 'id="closure-panel"' in html and "<html" not in html


def test_the_lead_unit_sees_its_application_form_and_no_objections(client, auth, session, ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("editor")
    html = client.get(_panel_url(task)).get_data(as_text=True)
    assert 'id="step-apply_closure"' in html and 'enctype="multipart/form-data"' in html
    assert 'id="closure-objections"' not in html and 'id="step-accept"' not in html


def test_another_bureaus_editor_gets_403_and_the_refusal_is_audited(client, auth, session, ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("editor2")
    assert client.get(_panel_url(task)).status_code == 403
    (entry,) = audits(session, "rectification.refused")
    assert (entry.object_id, entry.actor_id) == (str(task.id), ledger["staff"]["other_editor"].id)


def test_a_missing_task_is_404(client, auth, session, ledger):
    session.commit()
    auth.login("admin")
    assert client.get("/admin/rectification/tasks/999999/closure").status_code == 404


# --- the steps -----------------------------------------------------------------------------------------------------

def test_the_lead_unit_applies_with_its_evidence(app, client, auth, csrf, session, ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("editor")
    response = _step(client, csrf, task, "apply_closure",
                     {"completion_zh_hans": "已完成整改", "completion_en": "Done", "files": [_pdf(), _pdf("b.pdf")]},
                     content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == _panel_url(task)
    session.refresh(task)
    assert (task.state, task.completion_zh_hans, task.completion_en) == (TaskState.CLOSURE_REQUESTED, "已完成整改",
                                                                         "Done")
    assert len(closure.evidence(session, task, EvidencePurpose.CLOSURE)) == 2 and len(stored_files(app)) == 2


def test_an_application_without_evidence_comes_back_422_with_the_text_kept_and_nothing_saved(
        app, client, auth, csrf, session, ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("editor")
    response = _step(client, csrf, task, "apply_closure", {"completion_zh_hans": "已完成整改,请验收"},
                     content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Attach at least one file of evidence" in html and "已完成整改,请验收" in html
    session.refresh(task)
    assert task.state == TaskState.IN_PROGRESS and task.completion_zh_hans == ""
    assert session.scalar(select(func.count(TaskEvidence.id))) == 0 and stored_files(app) == []


def test_a_cooperating_unit_sees_the_task_but_cannot_apply(client, auth, csrf, session, ledger):
    task = ledger["task"](lead=ledger["other"])
    session.add(TaskUnit(task_id=task.id, bureau_id=ledger["lead"].id, role=UnitRole.COOPERATING))
    session.commit()
    auth.login("editor")
    html = client.get(_panel_url(task)).get_data(as_text=True)
    assert 'id="step-apply_closure"' not in html
    response = _step(client, csrf, task, "apply_closure", {"completion_zh_hans": "已完成", "files": [_pdf()]},
                     content_type="multipart/form-data")
    assert response.status_code == 403
    assert audits(session, "rectification.refused")[-1].object_id == str(task.id)
    session.refresh(task)
    assert task.state == TaskState.IN_PROGRESS


@pytest.mark.parametrize(("state", "step"), [(TaskState.CLOSURE_REQUESTED, "accept"),
                                             (TaskState.CLOSURE_REQUESTED, "return_application"),
                                             (TaskState.ACCEPTED, "start_notice"), (TaskState.IN_NOTICE, "close"),
                                             (TaskState.CLOSED, "reopen")])
def test_an_office_step_by_a_bureau_editor_is_403_and_audited(client, auth, csrf, session, ledger, state, step):
    task = task_in(ledger, session, state)
    session.commit()
    auth.login("editor")
    assert _step(client, csrf, task, step, {"reason": "x"}).status_code == 403
    entry = audits(session, "rectification.refused")[-1]
    assert (entry.object_id, entry.actor_id) == (str(task.id), ledger["staff"]["bureau_editor"].id)
    session.refresh(task)
    assert task.state == state


def test_an_unknown_step_is_404(client, auth, csrf, session, ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("admin")
    assert _step(client, csrf, task, "sustain_objection").status_code == 404
    assert _step(client, csrf, task, "explode").status_code == 404


def test_accepting_before_the_acceptance_is_refused_then_recorded_and_accepted(client, auth, csrf, session, ledger):
    task = ledger["task"](state=TaskState.CLOSURE_REQUESTED)
    closure.record(session, task, "apply_closure")
    session.commit()
    auth.login("admin")
    response = _step(client, csrf, task, "accept")
    assert response.status_code == 422
    assert "Record a passed acceptance of this application first" in response.get_data(as_text=True)
    token = _token(client, csrf, _panel_url(task))
    response = client.post(f"{_panel_url(task)}/acceptances", data={
        "acceptance-csrf_token": token, "acceptance-level": "district",
        "acceptance-accepted_on": local_today().isoformat(), "acceptance-body": "区验收组",
        "acceptance-opinion": "已完成整改,同意销号", "acceptance-file": _pdf("区级验收意见.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert len(closure.evidence(session, task, EvidencePurpose.ACCEPTANCE)) == 1
    assert _step(client, csrf, task, "accept").status_code == 303
    session.refresh(task)
    assert task.state == TaskState.ACCEPTED


def test_a_bad_acceptance_record_comes_back_422_with_the_input_kept(client, auth, csrf, session, ledger):
    task = ledger["task"](state=TaskState.CLOSURE_REQUESTED)
    session.commit()
    auth.login("admin")
    token = _token(client, csrf, _panel_url(task))
    response = client.post(f"{_panel_url(task)}/acceptances", data={
        "acceptance-csrf_token": token, "acceptance-level": "district",
        "acceptance-accepted_on": (local_today() + timedelta(days=3)).isoformat(), "acceptance-body": "区验收组",
        "acceptance-opinion": "同意销号"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "cannot be in the future" in html and "区验收组" in html


def test_an_acceptance_for_a_task_without_an_application_is_refused_above_the_panel(client, auth, csrf, session,
                                                                                   ledger):
    task = ledger["task"]()
    session.commit()
    auth.login("admin")
    token = _token(client, csrf, _panel_url(task))
    response = client.post(f"{_panel_url(task)}/acceptances", data={
        "acceptance-csrf_token": token, "acceptance-level": "district",
        "acceptance-accepted_on": local_today().isoformat(), "acceptance-body": "区验收组",
        "acceptance-opinion": "同意销号"}, headers=HTMX)
    assert response.status_code == 422
    assert "Acceptance records are added while a closure application awaits" in response.get_data(as_text=True)


def test_a_step_through_htmx_answers_with_the_panel_in_its_new_state(client, auth, csrf, session, ledger):
    task = task_in(ledger, session, TaskState.ACCEPTED)
    session.commit()
    auth.login("admin")
    response = _step(client, csrf, task, "start_notice", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="closure-panel"' in html and "<html" not in html
    assert "In public notice" in html and 'hx-swap-oob' in html  # the flash rides along out of band
    session.refresh(task)
    assert task.notice_starts_on == local_today()


def test_closing_during_the_notice_says_from_when(client, auth, csrf, session, ledger):
    task = in_notice_now(ledger, session, days_left=2)
    session.commit()
    auth.login("admin")
    response = _step(client, csrf, task, "close", headers=HTMX)
    assert response.status_code == 422 and "The public notice runs until" in response.get_data(as_text=True)
    session.refresh(task)
    assert task.state == TaskState.IN_NOTICE


def test_reopening_needs_its_reason(client, auth, csrf, session, ledger):
    task = task_in(ledger, session, TaskState.CLOSED)
    session.commit()
    auth.login("admin")
    response = _step(client, csrf, task, "reopen", {"reason": ""})
    assert response.status_code == 422 and "Say why the task is reopened." in response.get_data(as_text=True)
    assert _step(client, csrf, task, "reopen", {"reason": "整改后反弹"}).status_code == 303
    session.refresh(task)
    assert (task.state, task.reopen_reason) == (TaskState.REOPENED, "整改后反弹")


# --- objections in the back office ----------------------------------------------------------------------------------

def _answer(client, csrf, task, objection, decision, answer):
    token = _token(client, csrf, _panel_url(task))
    prefix = f"objection-{objection.id}"
    return client.post(f"/admin/rectification/objections/{objection.id}/answer", data={
        f"{prefix}-csrf_token": token, f"{prefix}-decision": decision, f"{prefix}-answer": answer})


def test_the_office_dismisses_or_sustains_an_objection(client, auth, csrf, session, ledger):
    task = in_notice_now(ledger, session)
    first, second = add_objection(session, task), add_objection(session, task)
    session.commit()
    auth.login("admin")
    response = _answer(client, csrf, task, first, "dismiss", "")
    assert response.status_code == 422 and "Write the answer to the objector." in response.get_data(as_text=True)
    assert _answer(client, csrf, task, first, "dismiss", "经核查不属实").status_code == 303
    assert _answer(client, csrf, task, second, "sustain", "异议属实").status_code == 303
    session.refresh(first), session.refresh(second), session.refresh(task)
    assert (first.state, second.state, task.state) == (ObjectionState.DISMISSED, ObjectionState.SUSTAINED,
                                                       TaskState.IN_PROGRESS)


def test_a_bureau_editor_cannot_answer_an_objection(client, auth, csrf, session, ledger):
    task = in_notice_now(ledger, session)
    objection = add_objection(session, task)
    session.commit()
    auth.login("editor")
    assert _answer(client, csrf, task, objection, "dismiss", "不属实").status_code == 403
    session.refresh(objection)
    assert objection.state == ObjectionState.OPEN


def test_the_objectors_contact_is_shown_on_request_and_the_look_audited(client, auth, csrf, session, ledger):
    task = in_notice_now(ledger, session)
    objection = add_objection(session, task, contact=EMAIL)
    session.commit()
    auth.login("admin")
    response = client.post(f"/admin/rectification/objections/{objection.id}/contact",
                           data={"csrf_token": _token(client, csrf)}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and EMAIL in html and NAME in html and "<html" not in html
    assert html.strip().startswith(f'<div id="objection-contact-{objection.id}">')
    (look,) = audits(session, "rectification.objection_contact_viewed")
    assert look.actor_id == ledger["staff"]["admin"].id
    # Without JavaScript the whole page answers, the contact beside its objection.
    page = client.post(f"/admin/rectification/objections/{objection.id}/contact",
                       data={"csrf_token": _token(client, csrf)}).get_data(as_text=True)
    assert "<html" in page and EMAIL in page
    auth.logout()
    auth.login("editor")
    assert client.post(f"/admin/rectification/objections/{objection.id}/contact",
                       data={"csrf_token": _token(client, csrf)}).status_code == 403


# --- evidence -----------------------------------------------------------------------------------------------------

def _evidence(app, session, task, purpose, objection=None):
    checked = closure.check_files([closure.Upload("证据.pdf", PDF)], 1 << 20, field="files")
    from tests.rectification.closure_fixtures import upload_dir
    (item,) = closure.store_evidence(session, None, task, checked, purpose, upload_dir(app), objection=objection)
    return item


def test_evidence_files_open_for_the_tasks_staff_and_objection_evidence_for_the_office_only(
        app, client, auth, session, ledger):
    task = in_notice_now(ledger, session)
    mine = _evidence(app, session, task, EvidencePurpose.CLOSURE)
    objection = add_objection(session, task)
    theirs = _evidence(app, session, task, EvidencePurpose.OBJECTION, objection)
    session.commit()
    url = f"{_panel_url(task)}/evidence/"
    auth.login("editor")
    response = client.get(url + str(mine.id))
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(url + str(theirs.id)).status_code == 403
    auth.logout()
    auth.login("editor2")
    assert client.get(url + str(mine.id)).status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.get(url + str(theirs.id)).status_code == 200
    assert audits(session, "rectification.objection_evidence_viewed")[-1].object_id == str(theirs.id)
    assert client.get(url + "999999").status_code == 404


def test_the_office_clears_a_closure_file_for_the_public_pages(app, client, auth, csrf, session, ledger):
    task = task_in(ledger, session, TaskState.CLOSURE_REQUESTED)
    item = _evidence(app, session, task, EvidencePurpose.CLOSURE)
    session.commit()
    auth.login("admin")
    url = f"{_panel_url(task)}/evidence/{item.id}/clear"
    assert client.post(url, data={"csrf_token": _token(client, csrf)}).status_code == 303
    session.refresh(item)
    assert item.public
    auth.logout()
    auth.login("editor")
    assert client.post(f"{_panel_url(task)}/evidence/{item.id}/hide",
                       data={"csrf_token": _token(client, csrf)}).status_code == 403


# --- the queue ----------------------------------------------------------------------------------------------------

def test_the_office_queue_shows_each_list_with_its_count(client, auth, session, ledger):
    applied = task_in(ledger, session, TaskState.CLOSURE_REQUESTED)
    accepted = task_in(ledger, session, TaskState.ACCEPTED)
    noticed = in_notice_now(ledger, session, days_left=5)
    add_objection(session, noticed)
    session.commit()
    auth.login("admin")
    expected = {"applications": applied.code, "accepted": accepted.code, "notice": noticed.code,
                "objections": noticed.code}
    for show, code in expected.items():
        response = client.get(f"/admin/rectification/closures?show={show}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and code in html, show
    html = client.get("/admin/rectification/closures?show=notice").get_data(as_text=True)
    assert "5 days left" in html
    assert "Applications to check: 1" in client.get("/admin/rectification/closures?show=nonsense").get_data(
        as_text=True)


# --- the public objection form ------------------------------------------------------------------------------------

def _objection_url(task):
    return f"/rectification/tasks/{task.code}/objection"


def _post_objection(client, csrf, task, **values):
    token = csrf.token(client, _objection_url(task))
    data = {"csrf_token": token, "text": "园区东侧仍有污水直排", "name": NAME, "contact": PHONE}
    data.update(values)
    return client.post(_objection_url(task), data=data, content_type="multipart/form-data")


def test_a_resident_objects_during_the_notice_and_gets_the_code_once(app, client, csrf, session, ledger):
    task = in_notice_now(ledger, session)
    session.commit()
    page = client.get(_objection_url(task)).get_data(as_text=True)
    assert "Send the objection" in page
    response = _post_objection(client, csrf, task, file=(io.BytesIO(PDF), "照片.pdf"))
    assert response.status_code == 303 and response.headers["Location"] == "/rectification/objections/submitted"
    shown = client.get("/rectification/objections/submitted").get_data(as_text=True)
    code = re.search(r'id="tracking-code"[^>]*>([^<]+)<', shown).group(1)
    assert NAME not in shown and PHONE not in shown
    assert client.get("/rectification/objections/submitted").status_code == 302  # shown once
    (row,) = session.scalars(select(Objection)).all()
    assert (row.task_id, row.contact, row.state) == (task.id, PHONE, ObjectionState.OPEN)
    assert len(closure.evidence(session, task, EvidencePurpose.OBJECTION)) == 1 and len(stored_files(app)) == 1
    # The objector's page, by the code.
    token = csrf.token(client, "/rectification/objections/follow")
    follow = client.post("/rectification/objections/follow", data={"csrf_token": token, "code": code})
    html = follow.get_data(as_text=True)
    assert follow.status_code == 200 and "Received, being checked" in html and "园区东侧仍有污水直排" in html
    assert PHONE not in html and NAME not in html
    from app.rectification import objections
    objections.dismiss_objection(session, ledger["staff"]["admin"], session.get(Objection, row.id), "该排口为雨水排口")
    session.commit()
    html = client.post("/rectification/objections/follow", data={"csrf_token": token, "code": code}) \
        .get_data(as_text=True)
    assert "Not sustained" in html and "该排口为雨水排口" in html


def test_a_double_post_of_the_objection_form_keeps_one_objection(client, csrf, session, ledger):
    task = in_notice_now(ledger, session)
    session.commit()
    page = client.get(_objection_url(task)).get_data(as_text=True)
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    token = csrf.token(client, _objection_url(task))
    data = {"csrf_token": token, "submission": submission, "text": "仍有污水", "contact": PHONE}
    assert client.post(_objection_url(task), data=data).status_code == 303
    assert client.post(_objection_url(task), data=data).status_code == 303
    assert session.scalar(select(func.count(Objection.id))) == 1


def test_a_wrong_code_is_422_with_a_clear_message(client, csrf):
    token = csrf.token(client, "/rectification/objections/follow")
    response = client.post("/rectification/objections/follow", data={"csrf_token": token, "code": "AAAA-BBBB"})
    assert response.status_code == 422 and "No objection has this code" in response.get_data(as_text=True)


def test_bad_objection_input_comes_back_422_with_the_text_kept_and_nothing_saved(app, client, csrf, session, ledger):
    task = in_notice_now(ledger, session)
    session.commit()
    response = _post_objection(client, csrf, task, contact="12345", text="河道仍黑臭")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "mobile or landline number" in html and "河道仍黑臭" in html
    response = _post_objection(client, csrf, task, file=(io.BytesIO(b"not a pdf"), "x.exe"))
    assert response.status_code == 422 and "x.exe is not a PDF" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Objection.id))) == 0 and stored_files(app) == []


@pytest.mark.parametrize("when", ["before", "after", "not_in_notice"])
def test_outside_the_notice_the_form_says_when_objections_are_taken(client, csrf, session, ledger, when):
    today = local_today()
    if when == "not_in_notice":
        task = ledger["task"]()
        message = "not in public notice"
    else:
        start = today + timedelta(days=2) if when == "before" else today - timedelta(days=9)
        task = ledger["task"](state=TaskState.IN_NOTICE, notice_starts_on=start,
                              notice_ends_on=start + timedelta(days=6))
        message = "Objections to this task&#39;s closure are taken from"
    session.commit()
    page = client.get(_objection_url(task))
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert "Send the objection" not in page.get_data(as_text=True)
    response = _post_objection(client, csrf, task)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Objection.id))) == 0
    assert events(session, task) == []


def test_unknown_or_unpublished_tasks_have_no_objection_form(client, session, ledger):
    assert client.get("/rectification/tasks/NO-SUCH/objection").status_code == 404
    draft = InspectionRound(code="DRAFT", kind="city", state=RoundState.DRAFT, title_zh_hans="草稿")
    session.add(draft)
    session.flush()
    from tests.rectification.conftest import make_task
    task = make_task(session, draft, ledger["district"], ledger["lead"], state=TaskState.IN_NOTICE,
                     notice_starts_on=local_today(), notice_ends_on=local_today() + timedelta(days=6))
    session.commit()
    assert client.get(_objection_url(task)).status_code == 404


def test_objections_are_rate_limited(database_url, session, ledger):
    task = in_notice_now(ledger, session)
    session.commit()
    config = base_config(database_url)
    config.update(RATELIMIT_ENABLED=True, RECTIFICATION_OBJECTION_RATE_LIMIT="2 per minute", WTF_CSRF_ENABLED=False)
    other = create_app(config).test_client()
    codes = [other.post(_objection_url(task), data={"text": "", "contact": ""}).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    assert other.get(_objection_url(task)).status_code == 200  # the form itself stays readable
