"""The pages of consultations and suggestions: full pages and fragments, submitting as a person (422 with the
input kept, a double click, closed consultations), the code page by POST, the back office with its 403s, and
personal data never on a public page."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.i18n import local_today
from app.participation import suggestions
from app.participation.models import ConsultationState, Suggestion, SuggestionState
from tests.participation.consultations_fixtures import consultation, published, suggestion

HTMX = {"HX-Request": "true"}


def count(session) -> int:
    return session.scalar(select(func.count(Suggestion.id)))


def _tokens(client, url):
    html = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', html)
    return csrf, submission.group(1) if submission else None


def _submit(client, url, **values):
    csrf, submission = _tokens(client, url)
    data = {"title": "增加湿地", "body": "建议增加湿地。", "place_id": "0", "csrf_token": csrf,
            "submission": submission, **values}
    return client.post(url, data=data)


def _code_shown(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'<code id="tracking-code"[^>]*>([A-Z0-9-]+)<', page).group(1)


@pytest.fixture
def open_consultation(session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"])
    session.commit()
    return row


# --- public pages -----------------------------------------------------------------------------------------------

def test_index_lists_open_then_closed_and_hides_drafts(client, session, staff):
    admin, home = staff["admin"], staff["bureaus"]["home"]
    consultation(session, admin, home, state="closed", title_zh_hans="已结束的征求意见")
    consultation(session, admin, home, title_zh_hans="正在征求意见")
    consultation(session, admin, home, state="draft", title_zh_hans="草稿征求意见")
    session.commit()
    html = client.get("/participation/consultations/?lang=zh_Hans").get_data(as_text=True)
    assert html.index("正在征求意见") < html.index("已结束的征求意见")
    assert "草稿征求意见" not in html
    fragment = client.get("/participation/consultations/", headers=HTMX)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="consultation-list">')
    assert "HX-Request" in fragment.headers["Vary"]


def test_draft_consultation_is_not_public(client, session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state="draft")
    session.commit()
    assert client.get(f"/participation/consultations/{row.id}").status_code == 404
    assert client.get(f"/participation/consultations/{row.id}/suggest").status_code == 404


def test_consultation_page_shows_notice_answers_and_never_personal_data(client, session, staff, open_consultation):
    row, _ = published(session, staff["admin"], open_consultation, name="王小明", phone="13900001111",
                       body="我的电话13812345678，建议增加湿地。")
    suggestions.answer_suggestion(session, staff["bureau_editor"], row, adoption="adopted", answer="已采纳，明年实施。")
    hidden, _ = suggestion(session, open_consultation, title="未审核的建议")
    session.commit()
    html = client.get(f"/participation/consultations/{open_consultation.id}?lang=zh_Hans").get_data(as_text=True)
    for shown in ("市生态环境局 0571-88886666", "本网站、信函", "已采纳，明年实施。", "138****5678"):
        assert shown in html
    for secret in ("王小明", "13900001111", "13812345678", "未审核的建议"):
        assert secret not in html
    fragment = client.get(f"/participation/consultations/{open_consultation.id}", headers=HTMX)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="suggestion-list">')


def test_closed_consultation_shows_the_summary(client, session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state="closed")
    session.commit()
    html = client.get(f"/participation/consultations/{row.id}?lang=zh_Hans").get_data(as_text=True)
    assert "采纳了增加湿地面积的建议。" in html
    assert f"/participation/consultations/{row.id}/suggest" not in html


def test_consultation_page_is_paged(client, session, staff, open_consultation):
    for n in range(21):
        published(session, staff["admin"], open_consultation, title=f"建议第{n}号")
    session.commit()
    first = client.get(f"/participation/consultations/{open_consultation.id}").get_data(as_text=True)
    second = client.get(f"/participation/consultations/{open_consultation.id}?page=2").get_data(as_text=True)
    assert "建议第20号" in first and "建议第0号" not in first and "建议第0号" in second


# --- submitting -------------------------------------------------------------------------------------------------

def test_person_submits_title_and_text_and_follows_by_code(client, session, open_consultation):
    url = f"/participation/consultations/{open_consultation.id}/suggest"
    code = _code_shown(client, _submit(client, url))
    assert count(session) == 1
    assert code not in client.get("/participation/suggestions/code").get_data(as_text=True)
    csrf, _ = _tokens(client, "/participation/suggestions/code")
    page = client.post("/participation/suggestions/code", data={"code": code, "csrf_token": csrf})
    assert page.status_code == 200 and "增加湿地" in page.get_data(as_text=True)
    # The submitted page shows the code once only.
    assert client.get("/participation/suggestions/submitted").status_code == 302


def test_double_click_creates_one_suggestion(client, session, open_consultation):
    url = f"/participation/consultations/{open_consultation.id}/suggest"
    csrf, submission = _tokens(client, url)
    data = {"title": "t", "body": "b", "place_id": "0", "csrf_token": csrf, "submission": submission}
    first = _code_shown(client, client.post(url, data=data))
    second = _code_shown(client, client.post(url, data=data))
    assert first == second and count(session) == 1


@pytest.mark.parametrize("values, message", [({"body": ""}, "Write your suggestion."),
                                             ({"body": "字" * 3001}, "at most 3000 characters"),
                                             ({"title": ""}, "Give your suggestion a title.")])
def test_bad_input_comes_back_422_with_input_kept(client, session, open_consultation, values, message):
    response = _submit(client, f"/participation/consultations/{open_consultation.id}/suggest?lang=en",
                       name="王小明", **values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and 'value="王小明"' in html
    assert count(session) == 0


def test_submitting_after_the_end_date_is_refused(client, session, staff):
    today = local_today()
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], starts_on=today - timedelta(days=10),
                       ends_on=today - timedelta(days=1))
    session.commit()
    response = _submit(client, f"/participation/consultations/{row.id}/suggest?lang=en", body="我的建议")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "not open for suggestions" in html and "我的建议" in html
    assert count(session) == 0


def test_submitting_to_a_closed_consultation_is_refused(client, session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state="closed")
    session.commit()
    assert _submit(client, f"/participation/consultations/{row.id}/suggest").status_code == 422
    assert count(session) == 0


def test_standing_suggestion_and_its_public_list(client, session, staff):
    code = _code_shown(client, _submit(client, "/participation/suggestions/new", title="公园增设分类垃圾桶"))
    row = session.scalar(select(Suggestion))
    assert row.consultation_id is None and row.bureau_id is None and code
    assert "公园增设分类垃圾桶" not in client.get("/participation/suggestions/").get_data(as_text=True)
    suggestions.publish_suggestion(session, staff["admin"], row, public_body=row.public_body,
                                   rules=suggestions.deadline_rules(session), bureau_id=staff["bureaus"]["home"].id)
    session.commit()
    html = client.get("/participation/suggestions/").get_data(as_text=True)
    assert "公园增设分类垃圾桶" in html


def test_unknown_code_is_422_and_code_never_in_url(client, session, open_consultation):
    csrf, _ = _tokens(client, "/participation/suggestions/code")
    response = client.post("/participation/suggestions/code?lang=en", data={"code": "AAAA-BBBB", "csrf_token": csrf})
    assert response.status_code == 422 and "No suggestion has this code" in response.get_data(as_text=True)
    assert client.get("/participation/suggestions/code?code=AAAA").status_code == 200  # a GET never looks up


def test_code_page_shows_the_reject_reason_to_the_submitter_only(client, session, staff, open_consultation):
    row, code = suggestion(session, open_consultation)
    suggestions.reject_suggestion(session, staff["admin"], row, reason="含有广告内容")
    session.commit()
    csrf, _ = _tokens(client, "/participation/suggestions/code")
    html = client.post("/participation/suggestions/code", data={"code": code, "csrf_token": csrf})
    assert "含有广告内容" in html.get_data(as_text=True)
    public = client.get(f"/participation/consultations/{open_consultation.id}")
    assert "含有广告内容" not in public.get_data(as_text=True)


# --- back office ------------------------------------------------------------------------------------------------

def _post(client, url, **data):
    csrf, _ = _tokens(client, "/admin/participation/suggestions/")
    return client.post(url, data={"csrf_token": csrf, **data})


def test_editor_creates_publishes_and_closes_a_consultation(client, auth, session, staff):
    auth.login("editor")
    today = local_today()
    csrf, _ = _tokens(client, "/admin/participation/consultations/new")
    data = {"bureau_id": staff["bureaus"]["home"].id, "title_zh_hans": "湿地公园规划", "background_zh_hans": "背景",
            "how_to_submit_zh_hans": "本网站", "contact": "市生态环境局", "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(), "answer_days": "15", "csrf_token": csrf}
    bad = client.post("/admin/participation/consultations/new?lang=en", data=data)
    assert bad.status_code == 422 and "cannot be before the start" in bad.get_data(as_text=True)
    data["ends_on"] = (today + timedelta(days=30)).isoformat()
    created = client.post("/admin/participation/consultations/new", data=data)
    assert created.status_code == 303
    from app.participation.models import Consultation
    row = session.scalar(select(Consultation))
    assert _post(client, f"/admin/participation/consultations/{row.id}/publish").status_code == 303
    empty = _post(client, f"/admin/participation/consultations/{row.id}/close?lang=en", summary_zh_hans="")
    assert empty.status_code == 422
    done = _post(client, f"/admin/participation/consultations/{row.id}/close", summary_zh_hans="采纳两条")
    assert done.status_code == 303
    session.refresh(row)
    assert row.state == ConsultationState.CLOSED


def test_other_bureau_cannot_see_or_publish_a_consultation(client, auth, session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state="draft")
    session.commit()
    auth.login("editor2")
    assert client.get(f"/admin/participation/consultations/{row.id}").status_code == 403
    assert _post(client, f"/admin/participation/consultations/{row.id}/publish").status_code == 403
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "participation.access_denied"))


def test_office_moderates_and_the_bureau_answers(client, auth, session, staff, open_consultation):
    row, _ = suggestion(session, open_consultation, name="王小明", phone="13900001111")
    session.commit()
    auth.login("admin")
    moderation = client.get("/admin/participation/suggestions/moderation").get_data(as_text=True)
    assert "增加湿地" in moderation and "王小明" not in moderation
    page = client.get(f"/admin/participation/suggestions/{row.id}").get_data(as_text=True)
    assert "13812345678" in page and "138****5678" in page and "王小明" not in page
    shown = _post(client, f"/admin/participation/suggestions/{row.id}/contact")
    assert "王小明" in shown.get_data(as_text=True)
    empty = _post(client, f"/admin/participation/suggestions/{row.id}/publish?lang=en", public_body="")
    assert empty.status_code == 422
    assert _post(client, f"/admin/participation/suggestions/{row.id}/publish",
                 public_body="建议增加湿地，电话138****5678。").status_code == 303
    auth.logout()
    auth.login("editor")
    queue = client.get("/admin/participation/suggestions/")
    assert "增加湿地" in queue.get_data(as_text=True)
    assert client.get("/admin/participation/suggestions/", headers=HTMX).get_data(as_text=True).lstrip().startswith(
        '<div id="suggestion-rows">')
    no_text = _post(client, f"/admin/participation/suggestions/{row.id}/answer?lang=en", adoption="not_adopted",
                    answer="")
    assert no_text.status_code == 422
    assert _post(client, f"/admin/participation/suggestions/{row.id}/answer", adoption="not_adopted",
                 answer="不予采纳：该河段已列入计划。").status_code == 303
    session.refresh(row)
    assert row.state == SuggestionState.ANSWERED


def test_answer_by_another_bureau_is_403_and_audited(client, auth, session, staff, open_consultation):
    row, _ = published(session, staff["admin"], open_consultation)
    session.commit()
    auth.login("editor2")
    response = _post(client, f"/admin/participation/suggestions/{row.id}/answer", adoption="adopted", answer="好")
    assert response.status_code == 403
    assert client.get(f"/admin/participation/suggestions/{row.id}").status_code == 403
    session.refresh(row)
    assert row.state == SuggestionState.PUBLISHED
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "participation.access_denied"))


def test_editor_cannot_moderate(client, auth, session, staff, open_consultation):
    row, _ = suggestion(session, open_consultation)
    session.commit()
    auth.login("editor")
    assert client.get("/admin/participation/suggestions/moderation").status_code == 403
    assert _post(client, f"/admin/participation/suggestions/{row.id}/publish", public_body="x").status_code == 403


def test_answering_an_unpublished_suggestion_is_refused(client, auth, session, staff, open_consultation):
    row, _ = suggestion(session, open_consultation)
    session.commit()
    auth.login("editor")
    response = _post(client, f"/admin/participation/suggestions/{row.id}/answer?lang=en", adoption="adopted",
                     answer="好")
    assert response.status_code == 422 and "Only a published suggestion" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    assert client.get("/admin/participation/suggestions/").status_code in (302, 303)


def test_answer_queue_shows_the_colours_counted_over_the_whole_queue(client, auth, session, staff, open_consultation):
    today = local_today()
    for due in (today - timedelta(days=5), today - timedelta(days=2), today + timedelta(days=60)):
        row, _ = published(session, staff["admin"], open_consultation)
        row.answer_due = due
    session.commit()
    auth.login("editor")
    html = client.get("/admin/participation/suggestions/?lang=en").get_data(as_text=True)
    assert "Overdue: 2" in html and "On track: 1" in html and "Due soon: 0" in html
    red = client.get("/admin/participation/suggestions/?colour=red&lang=en").get_data(as_text=True)
    assert red.count("supervision-red\">Overdue by") == 2
    auth.logout()
    auth.login("editor2")
    assert "Overdue: 0" in client.get("/admin/participation/suggestions/?lang=en").get_data(as_text=True)


def test_standing_list_and_code_page_never_show_the_name_or_phone(client, session, staff):
    row, code = published(session, staff["admin"], None, bureau_id=staff["bureaus"]["home"].id, name="王小明",
                          phone="13900001111")
    session.commit()
    assert "王小明" not in client.get("/participation/suggestions/").get_data(as_text=True)
    csrf, _ = _tokens(client, "/participation/suggestions/code")
    response = client.post("/participation/suggestions/code", data={"code": code, "csrf_token": csrf})
    html = response.get_data(as_text=True)
    assert "增加湿地" in html and "王小明" not in html and "13900001111" not in html


def test_form_of_a_closed_consultation_says_it_is_closed(client, session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state="closed")
    session.commit()
    html = client.get(f"/participation/consultations/{row.id}/suggest?lang=en").get_data(as_text=True)
    assert "not open for suggestions" in html


def test_public_page_says_whether_the_answer_came_on_time(client, session, staff, open_consultation):
    row, _ = published(session, staff["admin"], open_consultation)
    suggestions.answer_suggestion(session, staff["admin"], row, adoption="adopted", answer="采纳")
    late, _ = published(session, staff["admin"], open_consultation, title="迟到的答复")
    late.answer_due = local_today() - timedelta(days=10)
    suggestions.answer_suggestion(session, staff["admin"], late, adoption="not_adopted", answer="不采纳，理由……")
    waiting, _ = published(session, staff["admin"], open_consultation, title="等待答复")
    session.commit()
    html = client.get(f"/participation/consultations/{open_consultation.id}?lang=en").get_data(as_text=True)
    assert "answered on time" in html and "answered late: the deadline was" in html
    assert "Answer due by" in html
