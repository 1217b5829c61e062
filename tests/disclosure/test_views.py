"""Disclosure-request pages: the public application form with its bad paths, the acknowledgement shown once,
the tracking page (completing, withdrawing, documents); the handlers' queue and request page, the audited look
at the applicant, and every refused attempt."""
import io
import re

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.disclosure import services
from app.disclosure.models import DisclosureDocument, DisclosureRequest
from app.disclosure.services import Reply, Rules
from app.disclosure.workflow import ReplyType, RequestState, Step
from tests import factories
from tests.disclosure.conftest import PDF
from tests.pages import form_defaults

HTMX = {"HX-Request": "true"}
ID_NUMBER = "420102199001011234"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def form_data(staff, **changes) -> dict:
    data = {"applicant_type": "citizen", "name": "李四", "id_type": "resident_id", "id_number": ID_NUMBER,
            "phone": "13900000000", "address": "和平大道1号", "email": "li@example.cn",
            "bureau_id": str(staff["bureaus"]["home"].id), "description": "请公开2025年度环评批复文件清单",
            "delivery_form": "electronic", "delivery_method": "email", "consent": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def send(client, csrf, staff, *, token=True, **changes):
    data = form_data(staff, **changes)
    if token:
        data["csrf_token"] = csrf.token(client, "/disclosure-requests/new")
    return client.post("/disclosure-requests/new", data=data)


def count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(DisclosureRequest.id)))


def audits(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def applied(client, csrf, staff, **changes) -> tuple[str, str]:
    """Apply through the form; returns (tracking code, acknowledgement page)."""
    response = send(client, csrf, staff, **changes)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'<code id="tracking-code"[^>]*>([A-Z0-9-]+)<', page).group(1)
    return code, page


def test_the_form_page_works_and_is_linked_from_home(client, staff):
    page = client.get("/disclosure-requests/new")
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' in html and 'href="/tips/new"' in html
    assert f'<option value="{staff["bureaus"]["home"].id}">' in html
    assert "/disclosure-requests/new" in client.get("/").get_data(as_text=True)


def test_a_citizen_applies_and_sees_the_acknowledgement_once(client, csrf, session, staff):
    code, page = applied(client, csrf, staff)
    assert "Date received" in page and "Answer due by" in page
    row = session.scalars(select(DisclosureRequest)).one()
    assert row.number in page and row.name == "李四" and row.id_number == ID_NUMBER
    assert code not in row.code_hash
    assert client.get("/disclosure-requests/submitted").status_code == 302  # shown once
    assert client.get(f"/disclosure-requests/track/{code}").status_code == 200


def test_an_organisation_applies(client, csrf, session, staff):
    applied(client, csrf, staff, applicant_type="organisation", name="", id_number="",
            organisation_name="绿色环保协会", credit_code="51420100MJ0000000X", legal_representative="王五",
            organisation_kind="public_interest")
    row = session.scalars(select(DisclosureRequest)).one()
    assert (row.applicant_type, row.name, row.id_number) == ("organisation", "绿色环保协会", "")
    assert row.organisation_kind == "public_interest"


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Give your name."),
    ({"id_number": ""}, "Give the number of your identity document."),
    ({"id_number": "<script>"}, "letters and digits"),
    ({"phone": ""}, "Give a phone number"),
    ({"phone": "call me"}, "digits only"),
    ({"address": " "}, "postal address"),
    ({"email": "not-an-email"}, "valid e-mail"),
    ({"email": "", "delivery_method": "email"}, "to receive the information by e-mail"),
    ({"delivery_form": "paper", "delivery_method": "email"}, "Only electronic files"),
    ({"delivery_form": "inspection", "delivery_method": "post"}, "come in person"),
    ({"bureau_id": "0"}, "Choose the agency."),
    ({"description": "文件"}, "5 to 3000 characters"),
    ({"description": ""}, "Describe the information you seek."),
    ({"consent": None}, "privacy notice"),
    ({"applicant_type": "organisation", "organisation_name": "协会"}, "unified social credit code"),
    ({"applicant_type": "organisation", "credit_code": "123"}, "18 digits"),
])
def test_bad_input_is_refused_with_the_input_kept(client, csrf, session, staff, changes, message):
    response = send(client, csrf, staff, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "和平大道1号" in html or changes.get("address")
    assert count(session) == 0


def test_a_citizen_who_leaves_every_optional_field_and_choice_as_offered_can_apply(client, session, staff):
    html = client.get("/disclosure-requests/new").get_data(as_text=True)
    data = form_defaults(html, "/disclosure-requests/new")
    assert data["email"] == [""] and data["purpose"] == [""]
    data.update(name="李四", id_number=ID_NUMBER, phone="13900000000", address="和平大道1号",
                bureau_id=str(staff["bureaus"]["home"].id), description="请公开2025年度环评批复文件清单", consent="y")
    response = client.post("/disclosure-requests/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    row = session.scalars(select(DisclosureRequest)).one()
    assert row.email == "" and row.delivery_method != "email"


def test_the_optional_email_says_when_it_is_needed(client):
    html = client.get("/disclosure-requests/new").get_data(as_text=True)
    assert "E-mail (optional)" in html and "Needed only to receive the information by e-mail." in html


def test_a_complaint_gets_the_tip_form_offered_and_may_still_be_sent(client, csrf, session, staff):
    response = send(client, csrf, staff, description="我要举报化工厂夜间偷排污水")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="complaint-notice"' in html and 'href="/tips/new"' in html and "我要举报化工厂夜间偷排污水" in html
    assert count(session) == 0
    applied(client, csrf, staff, description="我要举报化工厂夜间偷排污水", not_a_complaint="y")
    assert session.scalars(select(DisclosureRequest)).one().looks_like_complaint


def test_without_the_csrf_token_nothing_is_saved(client, csrf, session, staff):
    assert send(client, csrf, staff, token=False).status_code == 400
    assert count(session) == 0


def test_an_unknown_code_is_not_found(client):
    response = client.get("/disclosure-requests/track/AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404
    assert "No application has this tracking code" in response.get_data(as_text=True)


def test_the_track_form_redirects_to_the_tracking_page(client):
    response = client.get("/disclosure-requests/track?code=abcd-efgh")
    assert response.status_code == 302 and response.headers["Location"].endswith("/track/ABCDEFGH")


def test_the_tracking_page_hides_the_identity(client, csrf, staff):
    code, _page = applied(client, csrf, staff)
    html = client.get(f"/disclosure-requests/track/{code}").get_data(as_text=True)
    assert "4201**********1234" in html
    assert ID_NUMBER not in html and "13900000000" not in html and "李四" not in html and "li@example.cn" not in html


def test_the_applicant_completes_the_application(client, csrf, session, staff):
    code, _page = applied(client, csrf, staff)
    row = session.scalars(select(DisclosureRequest)).one()
    services.take_step(session, staff["admin"], row, Step.REGISTER, Rules())
    services.take_step(session, staff["admin"], row, Step.REQUEST_COMPLETION, Rules(), note="请写明年份", days=7)
    session.commit()
    url = f"/disclosure-requests/track/{code}"
    assert "请写明年份" in client.get(url).get_data(as_text=True)
    token = csrf.token(client, url)
    short = client.post(url, data={"csrf_token": token, "action": "complete", "text": "短"})
    assert short.status_code == 422 and "at least 5 characters" in short.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "action": "complete", "text": "需要2025年度的文件"})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(DisclosureRequest, row.id).state == RequestState.REGISTERED


def test_a_refused_completion_keeps_what_the_applicant_typed_with_the_reason_above_it(
        client, csrf, session, staff, monkeypatch):
    code, _page = applied(client, csrf, staff)
    row = session.scalars(select(DisclosureRequest)).one()
    services.take_step(session, staff["admin"], row, Step.REGISTER, Rules())
    services.take_step(session, staff["admin"], row, Step.REQUEST_COMPLETION, Rules(), note="请写明年份", days=7)
    session.commit()

    def refuse(*args, **kwargs):
        raise services.DisclosureError("The agency cannot take the completion today.")
    monkeypatch.setattr(services, "complete", refuse)
    url = f"/disclosure-requests/track/{code}"
    response = client.post(url, data={"csrf_token": csrf.token(client, url), "action": "complete",
                                      "text": "需要2025年度的文件"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "需要2025年度的文件</textarea>" in html
    summary = html[html.index('id="error-summary"'):]
    assert summary.index("The agency cannot take the completion today.") < summary.index("</ul>")
    assert 'class="flash flash-error' not in html


def test_the_applicant_withdraws_and_cannot_twice(client, csrf, session, staff):
    code, _page = applied(client, csrf, staff)
    url = f"/disclosure-requests/track/{code}"
    token = csrf.token(client, url)
    assert client.post(url, data={"csrf_token": token, "action": "withdraw"}).status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert "Your application was withdrawn." in html and "Withdraw my application" not in html
    again = client.post(url, data={"csrf_token": token, "action": "withdraw"})
    assert again.status_code == 303 and "not possible" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"action": "withdraw"}).status_code == 400  # no CSRF token


# Staff side.

@pytest.fixture
def received(session, staff):
    created, code = services.submit_request(
        session, services.Application(applicant_type="citizen", name="李四", phone="13900000000",
                                      address="和平大道1号", bureau_id=staff["bureaus"]["home"].id,
                                      description="请公开<script>alert(1)</script>名录", delivery_form="electronic",
                                      delivery_method="email", email="li@example.cn", id_type="resident_id",
                                      id_number=ID_NUMBER), Rules(), "test-secret-key-not-for-production")
    session.commit()
    return created, code


def test_the_queue_as_page_and_fragment(client, auth, received, staff):
    auth.login("editor")
    page = client.get("/admin/disclosure-requests/")
    assert page.status_code == 200 and received[0].number in page.get_data(as_text=True)
    fragment = client.get("/admin/disclosure-requests/?state=received", headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert html.startswith('<div id="disclosure-rows"') and "<html" not in html
    assert received[0].number in html
    assert "supervision-green" in html


def test_another_bureau_sees_nothing_and_is_refused(client, auth, session, received):
    auth.login("editor2")
    assert received[0].number not in client.get("/admin/disclosure-requests/").get_data(as_text=True)
    assert client.get(f"/admin/disclosure-requests/{received[0].id}").status_code == 403
    denied = audits(session, "disclosure.access_denied")
    assert denied and denied[-1].object_id == str(received[0].id)


def test_staff_page_escapes_text_and_hides_identity_until_asked(client, auth, session, received):
    auth.login("editor")
    html = client.get(f"/admin/disclosure-requests/{received[0].id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert ID_NUMBER not in html and "13900000000" not in html
    assert audits(session, "disclosure.applicant_viewed") == []


def test_revealing_the_applicant_is_audited(client, auth, csrf, session, received):
    auth.login("editor")
    url = f"/admin/disclosure-requests/{received[0].id}"
    token = csrf.token(client, url)
    fragment = client.post(url + "/applicant", data={"csrf_token": token}, headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.startswith('<div id="applicant">')
    assert ID_NUMBER in html and "13900000000" in html
    page = client.post(url + "/applicant", data={"csrf_token": token})
    assert "<html" in page.get_data(as_text=True) and ID_NUMBER in page.get_data(as_text=True)
    assert len(audits(session, "disclosure.applicant_viewed")) == 2
    assert client.post(url + "/applicant", data={}).status_code == 400


def test_another_bureau_cannot_reveal_or_step(client, auth, csrf, session, received):
    auth.login("editor2")
    token = csrf.token(client, "/admin/disclosure-requests/")
    url = f"/admin/disclosure-requests/{received[0].id}"
    assert client.post(url + "/applicant", data={"csrf_token": token}).status_code == 403
    assert client.post(url + "/step/register", data={"csrf_token": token}).status_code == 403
    assert len(audits(session, "disclosure.access_denied")) == 2
    session.expire_all()
    assert session.get(DisclosureRequest, received[0].id).state == RequestState.RECEIVED


def test_register_and_answer_with_a_document_the_applicant_downloads(client, auth, csrf, session, received):
    created, code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    response = client.post(url + "/step/register", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Done: Register." in client.get(url).get_data(as_text=True)
    response = client.post(url + "/step/answer", content_type="multipart/form-data", data={
        "csrf_token": token, "reply_type": "disclosed", "reply_text": "见附件名录。",
        "documents": [(io.BytesIO(PDF), "名录.pdf")]})
    assert response.status_code == 303
    session.expire_all()
    row = session.get(DisclosureRequest, created.id)
    assert row.state == RequestState.ANSWERED
    [document] = row.documents
    page = client.get(f"/disclosure-requests/track/{code}").get_data(as_text=True)
    assert "Disclosed" in page and "见附件名录。" in page
    download = client.get(f"/disclosure-requests/track/{code}/documents/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/disclosure-requests/track/WRONG/documents/{document.id}").status_code == 404
    staff_copy = client.get(f"/admin/disclosure-requests/documents/{document.id}")
    assert staff_copy.status_code == 200 and staff_copy.data == PDF


def test_a_mislabelled_document_is_refused_and_nothing_saved(client, auth, csrf, session, received):
    created, _code = received
    auth.login("admin")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    client.post(url + "/step/register", data={"csrf_token": token})
    response = client.post(url + "/step/answer", content_type="multipart/form-data", data={
        "csrf_token": token, "reply_type": "disclosed", "reply_text": "见附件",
        "documents": [(io.BytesIO(b"<html><script>x</script></html>"), "report.pdf")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="documents-error">report.pdf: send PDF' in html and "见附件</textarea>" in html
    session.expire_all()
    assert session.get(DisclosureRequest, created.id).state == RequestState.REGISTERED
    assert session.scalar(select(func.count(DisclosureDocument.id))) == 0


def test_answering_without_a_reply_type_keeps_the_reply_typed(client, auth, csrf, session, received):
    created, _code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    client.post(url + "/step/register", data={"csrf_token": token})
    response = client.post(url + "/step/answer", content_type="multipart/form-data", data={
        "csrf_token": token, "reply_type": "", "reply_text": "经查，该名录<已公开>", "legal_ground": "第十四条",
        "competent_body": "市统计局", "note": "内部：已核对"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    answer = re.search(r'<form[^>]*id="step-answer".*?</form>', html, re.S).group(0)
    assert "经查，该名录&lt;已公开&gt;</textarea>" in answer and "第十四条</textarea>" in answer
    assert 'value="市统计局"' in answer and "内部：已核对</textarea>" in answer
    assert 'id="reply_type-error">Choose the reply type and write the reply.' in answer
    assert 'aria-describedby="reply_type-error"' in answer
    summary = re.search(r'<div class="error-summary".*?</div>', answer, re.S).group(0)
    assert 'href="#reply_type"' in summary
    session.expire_all()
    assert session.get(DisclosureRequest, created.id).state == RequestState.REGISTERED


def test_a_withheld_reply_without_its_legal_ground_keeps_the_choice(client, auth, csrf, session, received):
    created, _code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    client.post(url + "/step/register", data={"csrf_token": token})
    response = client.post(url + "/step/answer", content_type="multipart/form-data", data={
        "csrf_token": token, "reply_type": "not_disclosed", "reply_text": "不予公开"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="legal_ground-error">Give the legal ground' in html
    assert '<option value="not_disclosed" selected>' in html and "不予公开</textarea>" in html


def test_with_htmx_a_step_answers_the_action_panel_with_the_summary_timeline_and_flash_out_of_band(
        client, auth, csrf, session, received):
    created, _code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/step/register" hx-post="{url}/step/register"' in page
    assert '<div id="request-actions" hx-target="this" hx-swap="outerHTML">' in page and "hx-swap-oob" not in page
    response = client.post(url + "/step/register", headers=HTMX, data={"csrf_token": token, "note": "已登记"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Redirect" not in response.headers and "Location" not in response.headers
    assert html.lstrip().startswith('<div id="request-actions"') and "<!doctype" not in html.lower()
    assert "/step/register" not in html and "/step/answer" in html  # the panel of the new state
    summary = re.search(r'<div id="request-summary" hx-swap-oob="true">.*?</p>', html, re.S).group(0)
    assert "Registered, being handled" in summary
    assert re.search(r'<div id="request-timeline" hx-swap-oob="true">.*已登记', html, re.S)
    assert re.search(r'id="flashes"[^>]*hx-swap-oob="true".*Done: Register\.', html, re.S)
    session.expire_all()
    assert session.get(DisclosureRequest, created.id).state == RequestState.REGISTERED
    plain = client.post(url + "/step/request_completion", data={"csrf_token": token, "note": "请写明年份", "days": "5"})
    assert plain.status_code == 303 and plain.headers["Location"] == url  # without JavaScript: post, redirect


def test_with_htmx_a_refused_step_answers_the_panel_with_422_and_the_input_kept(client, auth, csrf, session,
                                                                                received):
    created, _code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    client.post(url + "/step/register", data={"csrf_token": token})
    response = client.post(url + "/step/request_completion", headers=HTMX,
                           data={"csrf_token": token, "note": "  ", "days": "6"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.lstrip().startswith('<div id="request-actions"')
    assert 'id="note-request_completion-error">Say what the applicant must add' in html
    assert 'id="days-request_completion"' in html and 'value="6"' in html and "<!doctype" not in html.lower()


def test_asking_for_completion_without_saying_what_keeps_the_page(client, auth, csrf, session, received):
    created, _code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    client.post(url + "/step/register", data={"csrf_token": token})
    response = client.post(url + "/step/request_completion", data={"csrf_token": token, "note": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="note-request_completion-error">Say what the applicant must add' in html
    assert 'href="#note-request_completion"' in html


def test_an_illegal_step_gets_a_clear_message(client, auth, csrf, received):
    auth.login("editor")
    url = f"/admin/disclosure-requests/{received[0].id}"
    token = csrf.token(client, url)
    response = client.post(url + "/step/close", data={"csrf_token": token})
    assert response.status_code == 422
    assert "This step is not possible while the request is" in response.get_data(as_text=True)
    assert client.post(url + "/step/fly", data={"csrf_token": token}).status_code == 400
    assert client.post(url + "/step/register", data={}).status_code == 400


def test_a_tip_handler_has_no_access(client, auth, received):
    auth.login("handler")
    assert client.get("/admin/disclosure-requests/").status_code == 403
    assert client.get(f"/admin/disclosure-requests/{received[0].id}").status_code == 403


def test_the_staff_nav_lists_disclosure_requests_for_editors(client, auth, staff):
    auth.login("editor")
    assert "/admin/disclosure-requests/" in client.get("/admin/").get_data(as_text=True)


def test_documents_of_other_requests_are_not_served(client, auth, session, staff, received, tmp_path):
    other = factories.disclosure_request(session, bureau_=staff["bureaus"]["other"])
    services.take_step(session, staff["admin"], other, Step.REGISTER, Rules())
    services.take_step(session, staff["admin"], other, Step.ANSWER, Rules(), reply=Reply(ReplyType.DISCLOSED, "附件"),
                       documents=[(PDF, "水质.pdf")], upload_dir=str(tmp_path))
    session.commit()
    document_id = other.documents[0].id
    assert client.get(f"/disclosure-requests/track/{received[1]}/documents/{document_id}").status_code == 404
    auth.login("editor")
    assert client.get(f"/admin/disclosure-requests/documents/{document_id}").status_code == 403


def test_extend_and_ask_for_completion_through_the_page(client, auth, csrf, session, received):
    created, code = received
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    client.post(url + "/step/register", data={"csrf_token": token})
    client.post(url + "/step/request_completion", data={"csrf_token": token, "note": "请写明文件年份", "days": "10"})
    session.expire_all()
    row = session.get(DisclosureRequest, created.id)
    assert row.state == RequestState.COMPLETION_REQUESTED and row.completion_request == "请写明文件年份"
    track = f"/disclosure-requests/track/{code}"
    client.post(track, data={"csrf_token": csrf.token(client, track), "action": "complete", "text": "2025年度"})
    refused = client.post(url + "/step/extend", data={"csrf_token": token, "days": "5", "note": "第三方意见"})
    assert refused.status_code == 422 and "approval of the head of the disclosure office" in refused.get_data(
        as_text=True)
    auth.logout()
    auth.login("head")
    token = csrf.token(client, url)
    bad = client.post(url + "/step/extend", data={"csrf_token": token, "days": "21", "note": "第三方意见"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="days-extend-error">An extension is between 1 and 20 working days' in html
    assert 'value="21"' in html and "第三方意见</textarea>" in html and 'href="#days-extend"' in html
    client.post(url + "/step/extend", data={"csrf_token": token, "days": "5", "note": "需征求第三方意见"})
    session.expire_all()
    row = session.get(DisclosureRequest, created.id)
    assert row.state == RequestState.EXTENDED and row.extension_days == 5
    assert row.extension_approved_by.username == "head" and row.extension_approved_at is not None
    page = client.get(track).get_data(as_text=True)
    assert "需征求第三方意见" in page and "5 working days" in page


def test_the_queue_filters_by_colour_and_admins_see_every_bureau(client, auth, session, staff, received):
    factories.disclosure_request(session, bureau_=staff["bureaus"]["other"])
    session.commit()
    auth.login("admin")
    html = client.get("/admin/disclosure-requests/").get_data(as_text=True)
    assert html.count("YSQ-") == 2 and "On track: 2" in html
    assert "YSQ-" not in client.get("/admin/disclosure-requests/?colour=red").get_data(as_text=True)


def test_tracking_lookups_are_rate_limited(database_url, tmp_path):
    from app import create_app
    from tests.conftest import IsolatedClient, base_config

    config = base_config(database_url) | {"RATELIMIT_ENABLED": True, "DISCLOSURE_TRACK_RATE_LIMIT": "3 per minute",
                                          "UPLOAD_DIR": str(tmp_path)}
    limited = create_app(config)
    limited.test_client_class = IsolatedClient
    client = limited.test_client()
    codes = [client.get(f"/disclosure-requests/track/GUESS-{n}").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]


def test_the_complaint_notice_appears_while_typing(client, csrf, staff):
    token = csrf.token(client, "/disclosure-requests/new")
    page = client.get("/disclosure-requests/new").get_data(as_text=True)
    assert 'hx-post="/disclosure-requests/screen"' in page and '<div id="complaint-notice"' in page
    fragment = client.post("/disclosure-requests/screen", data={"csrf_token": token, "description": "举报工厂偷排"},
                           headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.startswith('<div id="complaint-notice"')
    assert 'href="/tips/new"' in html and 'name="not_a_complaint"' in html and "<html" not in html
    calm = client.post("/disclosure-requests/screen", data={"csrf_token": token, "description": "请公开环评批复"},
                       headers=HTMX).get_data(as_text=True)
    assert "/tips/new" not in calm
    assert client.post("/disclosure-requests/screen", data={"description": "举报"}, headers=HTMX).status_code == 400
