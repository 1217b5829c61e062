"""Notice pages: the public list (page and htmx fragment), search, the notice page, attachments, feeds and the
sitemap; the back office with its forbidden actions and bad input."""
import io
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.notices import services
from app.notices.models import Notice, NoticeChange
from app.notices.workflow import NoticeState, Step
from tests.notices.conftest import PDF, SCHEME

ATOM = "{http://www.w3.org/2005/Atom}"
HX = {"HX-Request": "true"}


@pytest.fixture
def published(session, draft, staff, city):
    """A notice published now (the tests' clock is the real one here), with a district and a PDF."""
    def make(**values):
        notice = draft(**values)
        notice.created_at = utcnow()
        services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
        services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
        session.commit()
        return notice
    return make


def denied(session, action: str) -> list[AuditEntry]:
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_public_list_shows_published_notices_only(client, draft, published):
    notice = published(places=[])
    draft(title="尚未审核的草稿")
    html = client.get("/notices/").get_data(as_text=True)
    assert "2026年9月空气质量月报" in html and notice.index_number in html and "尚未审核的草稿" not in html
    assert 'hx-push-url="true"' in html and 'href="/notices/feed.atom"' in html


def test_list_filters_come_back_as_a_fragment_for_htmx_with_vary(client, published, city):
    published(places=[city.district])
    published(category=city.penalties, title="行政处罚决定书")
    response = client.get("/notices/?category=penalties", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<section id="notice-results"') and "<html" not in html
    assert "行政处罚决定书" in html and "空气质量月报" not in html
    page = client.get("/notices/?district=wuchang&category=quality&bureau=eeb&year=2026").get_data(as_text=True)
    assert "<html" in page and "空气质量月报" in page and "行政处罚决定书" not in page
    assert 'value="quality" selected' in page


def test_unknown_filter_values_are_ignored(client, published):
    published()
    html = client.get("/notices/?category=nope&year=abc&district=x&bureau=&page=-3").get_data(as_text=True)
    assert "空气质量月报" in html


def test_search_highlights_matches_and_escapes_the_query(client, published):
    published()
    html = client.get("/notices/?q=空气质量").get_data(as_text=True)
    assert "<mark>空气质量</mark>" in html
    html = client.get("/notices/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "没有符合条件的公告" in client.get("/notices/?q=不存在的词语").get_data(as_text=True)


def test_the_list_pages_without_counting(client, app, published):
    app.config["NOTICE_PAGE_SIZE"] = 1
    published()
    published(title="第二份月报")
    first = client.get("/notices/").get_data(as_text=True)
    assert 'rel="next"' in first and "第二份月报" in first
    second = client.get("/notices/?page=2").get_data(as_text=True)
    assert "2026年9月空气质量月报" in second and 'rel="prev"' in second


def test_notice_page_renders_sanitised_markdown_attachments_and_districts(client, session, draft, staff, city,
                                                                          published, app):
    notice = draft(body="## 监测结果\n\n<script>alert(1)</script><img src=x onerror=alert(2)>**优良**",
                   places=[city.district])
    services.add_attachment(session, staff["bureau_editor"], notice, PDF, "月报.pdf",
                            services.attachment_dir(app.config["UPLOAD_DIR"]), 10_000)
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
    services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    html = client.get(f"/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)
    assert "<h2>监测结果</h2>" in html and "<strong>优良</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html
    assert "月报.pdf" in html and "武昌区" in html and notice.index_number in html
    assert "未翻译" not in html


def test_a_missing_translation_falls_back_visibly_in_the_readers_language(client, published):
    notice = published()
    html = client.get(f"/notices/{notice.id}?lang=en").get_data(as_text=True)
    assert "2026年9月空气质量月报" in html
    assert "not fully translated into your language: the missing parts are shown in Simplified Chinese" in html
    assert '<h1 lang="zh-Hans">' in html and '<div class="notice-body" lang="zh-Hans">' in html


def test_the_list_marks_a_summary_shown_in_simplified_chinese(client, published):
    published()
    english = client.get("/notices/?lang=en").get_data(as_text=True)
    assert '<p lang="zh-Hans">全市空气质量优良天数比例为92.3%。</p>' in english
    assert '<p>全市空气质量优良天数比例为92.3%。</p>' in client.get("/notices/?lang=zh_Hans").get_data(as_text=True)


def test_drafts_scheduled_and_unknown_notices_are_not_public(client, session, draft, staff):
    notice = draft()
    assert client.get(f"/notices/{notice.id}").status_code == 404
    later = draft(title="定时发布", publish_at=utcnow() + timedelta(days=1))
    services.take_step(session, staff["bureau_editor"], later, Step.SUBMIT)
    services.take_step(session, staff["reviewer"], later, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    assert later.state == NoticeState.PUBLISHED
    assert client.get(f"/notices/{later.id}").status_code == 404
    assert "定时发布" not in client.get("/notices/").get_data(as_text=True)
    assert client.get("/notices/999999").status_code == 404


def test_a_withdrawn_notice_is_a_stub_with_its_reason(client, session, published, withdraw):
    notice = published()
    withdraw(notice, "数据有误", now=utcnow())
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "数据有误" in html and "监测结果" not in html and "已撤回" in html


def test_a_correction_shows_its_note_and_the_earlier_version(client, session, published, correct):
    from tests.notices.conftest import notice_input

    notice = published()
    correct(notice, notice_input(notice, summaries={"zh_hans": "改后"}), "比例有误", now=utcnow())
    html = client.get(f"/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)
    assert "更正" in html and "比例有误" in html and "全市空气质量优良天数比例为92.3%。" in html and "改后" in html


def test_attachments_are_served_with_safe_headers_and_only_when_public(client, auth, session, draft, staff, app):
    notice = draft()
    row = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "月报.pdf",
                                  services.attachment_dir(app.config["UPLOAD_DIR"]), 10_000)
    session.commit()
    assert client.get(f"/notices/attachments/{row.id}").status_code == 404
    auth.login("editor2")
    assert client.get(f"/notices/attachments/{row.id}").status_code == 404
    auth.logout()
    auth.login("editor")
    private = client.get(f"/notices/attachments/{row.id}")
    assert private.status_code == 200 and private.headers["Cache-Control"] == "private, no-store"
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
    services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    auth.logout()
    response = client.get(f"/notices/attachments/{row.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _check_atom(xml: bytes) -> ET.Element:
    """Atom 1.0 (RFC 4287): the required feed and entry elements, links and unique ids."""
    root = ET.fromstring(xml)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert rels["self"].startswith("http") and rels["alternate"].startswith("http")
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{tag}").text, tag
        assert entry.find(f"{ATOM}link").get("rel") == "alternate"
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", entry.find(f"{ATOM}updated").text)
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    return root


def test_the_atom_feed_is_valid_and_entry_ids_are_stable(client, published, city):
    notice = published(title="<标题> & “引号”")
    published(category=city.penalties, title="行政处罚决定书")
    response = client.get("/notices/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = _check_atom(response.data)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert "<标题> & “引号”" in titles and "行政处罚决定书" in titles
    again = _check_atom(client.get("/notices/feed.atom", base_url="https://other.example").data)
    first_ids = {e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")}
    assert first_ids == {e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")}
    assert notice.id


def test_the_category_feed_holds_that_category_and_its_children(client, published, city):
    published()
    published(category=city.penalties, title="行政处罚决定书")
    root = _check_atom(client.get("/notices/categories/quality/feed.atom").data)
    assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == ["2026年9月空气质量月报"]
    assert client.get("/notices/categories/nope/feed.atom").status_code == 404


def test_an_empty_feed_is_still_valid(client, city):
    _check_atom(client.get("/notices/feed.atom").data)


def test_the_sitemap_lists_the_sections_and_every_published_notice(client, session, draft, published, withdraw):
    shown = published()
    hidden = draft(title="草稿")
    withdrawn = published(title="撤回的")
    withdraw(withdrawn, "有误", now=utcnow())
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.data)
    locations = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for path in ("/", "/indicators/", "/surveys/", "/tips/", "/notices/", f"/notices/{shown.id}"):
        assert f"http://localhost{path}" in locations, path
    assert f"http://localhost/notices/{hidden.id}" not in locations
    assert f"http://localhost/notices/{withdrawn.id}" not in locations


def test_a_large_sitemap_becomes_an_index_of_parts(client, monkeypatch, published):
    from app.notices import views

    notices = [published(title=f"公告{n}") for n in range(3)]
    monkeypatch.setattr(views, "SITEMAP_PART", 2)
    root = ET.fromstring(client.get("/sitemap.xml").data)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert root.tag == f"{namespace}sitemapindex"
    parts = [loc.text for loc in root.iter(f"{namespace}loc")]
    assert parts == ["http://localhost/sitemap-1.xml", "http://localhost/sitemap-2.xml"]
    first = [loc.text for loc in ET.fromstring(client.get("/sitemap-1.xml").data).iter(f"{namespace}loc")]
    second = [loc.text for loc in ET.fromstring(client.get("/sitemap-2.xml").data).iter(f"{namespace}loc")]
    assert "http://localhost/" in first and len(first) == 5 + 2
    assert second == [f"http://localhost/notices/{notices[2].id}"]
    assert client.get("/sitemap-3.xml").status_code == 404 and client.get("/sitemap-0.xml").status_code == 404


# The back office.

def _form(client, csrf, url, **values):
    data = {"csrf_token": csrf.token(client, url), "category_id": values.pop("category_id"),
            "bureau_id": values.pop("bureau_id"), "created_on": "2026-09-25", "title_zh_hans": "九月空气质量月报",
            "summary_zh_hans": "摘要", "body_zh_hans": "正文", "disclosure_item_id": "0"}
    data.update(values)
    return client.post(url, data=data)


def test_an_editor_drafts_a_notice_through_the_form(client, auth, csrf, session, city):
    auth.login("editor")
    response = _form(client, csrf, "/admin/notices/new", category_id=city.air.id, bureau_id=city.home.id,
                     place_ids=[city.district.id], publish_at="")
    assert response.status_code == 303
    notice = session.scalar(select(Notice))
    assert notice.title_zh_hans == "九月空气质量月报" and notice.places == [city.district]
    assert client.get(f"/admin/notices/{notice.id}").status_code == 200


def test_the_related_districts_are_a_fieldset_with_a_legend(client, auth, city):
    auth.login("editor")
    html = client.get("/admin/notices/new?lang=en").get_data(as_text=True)
    group = re.search(r'<fieldset class="field checkbox-group" id="place_ids">.*?</fieldset>', html, re.S).group(0)
    assert "<legend>Related districts</legend>" in group and "Wuchang District" in group
    assert 'for="place_ids"' not in html and "required" not in group


@pytest.mark.parametrize("field, value, message", [
    ("title_zh_hans", "<script>alert(1)</script>", "纯文本"),
    ("summary_zh_hans", '<img src=x onerror="alert(1)">', "纯文本"),
    ("title_zh_hans", "", "请填写简体中文标题"),
    ("publish_at", "2020-01-01T08:00", "发布时间不能早于现在"),
    ("created_on", "not-a-date", "created_on"),
])
def test_bad_input_comes_back_422_with_the_input_kept_and_nothing_saved(client, auth, csrf, session, city, field,
                                                                         value, message):
    auth.login("editor")
    response = _form(client, csrf, "/admin/notices/new?lang=zh_Hans", category_id=city.air.id,
                     bureau_id=city.home.id, **{field: value, "summary_en": "kept summary"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "kept summary" in html
    assert message in html or f'id="{message}"' in html
    assert session.scalar(select(Notice.id)) is None
    assert "<script>alert(1)</script>" not in html


def test_an_editor_cannot_pick_another_bureau_in_the_form(client, auth, csrf, session, city):
    auth.login("editor")
    response = _form(client, csrf, "/admin/notices/new", category_id=city.air.id, bureau_id=city.other.id)
    assert response.status_code == 422 and session.scalar(select(Notice.id)) is None
    assert denied(session, "notices.bureau_denied")[0].note == f"bureau {city.other.id}"


def test_another_bureaus_notice_is_forbidden_and_the_attempt_audited(client, auth, csrf, session, draft, staff):
    notice = draft()
    auth.login("editor2")
    assert client.get(f"/admin/notices/{notice.id}").status_code == 403
    assert client.get(f"/admin/notices/{notice.id}/edit").status_code == 403
    token = csrf.token(client, "/admin/notices/")
    assert client.post(f"/admin/notices/{notice.id}/step/submit", data={"csrf_token": token}).status_code == 403
    assert len(denied(session, "notices.access_denied")) == 3
    assert "2026年9月空气质量月报" not in client.get("/admin/notices/").get_data(as_text=True)


def test_a_reviewer_cannot_edit(client, auth, draft):
    notice = draft()
    auth.login("reviewer")
    assert client.get(f"/admin/notices/{notice.id}").status_code == 200
    assert client.get(f"/admin/notices/{notice.id}/edit").status_code == 403


def test_review_through_the_pages_and_self_approval_refused_and_audited(client, auth, csrf, session, draft, staff):
    notice = draft(author=staff["admin"])
    auth.login("admin")
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    assert client.post(f"/admin/notices/{notice.id}/step/submit", data={"csrf_token": token}).status_code == 303
    response = client.post(f"/admin/notices/{notice.id}/step/approve?lang=zh_Hans", data={"csrf_token": token},
                           follow_redirects=True)
    assert "您撰写了这条公告" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Notice, notice.id).state == NoticeState.SUBMITTED
    assert denied(session, "notices.self_review_denied")[0].actor_id == staff["admin"].id
    auth.logout()
    auth.login("reviewer")
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    client.post(f"/admin/notices/{notice.id}/step/return", data={"csrf_token": token, "comment": "请补充"})
    session.expire_all()
    assert session.get(Notice, notice.id).state == NoticeState.RETURNED
    assert client.post(f"/admin/notices/{notice.id}/step/bogus", data={"csrf_token": token}).status_code == 400
    assert client.post(f"/admin/notices/{notice.id}/step/return", data={}).status_code == 400


def test_a_correction_without_a_note_is_refused_with_422(client, auth, csrf, session, published, city):
    notice = published()
    auth.login("editor")
    url = f"/admin/notices/{notice.id}/edit?lang=zh_Hans"
    response = _form(client, csrf, url, category_id=city.air.id, bureau_id=city.home.id, correction_note="")
    assert response.status_code == 422 and "更正" in response.get_data(as_text=True)
    response = _form(client, csrf, url, category_id=city.air.id, bureau_id=city.home.id, correction_note="标题有误")
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Notice, notice.id).revision == 1  # submitted for review, not yet live


def test_attachment_upload_by_content_through_the_page(client, auth, csrf, session, draft):
    notice = draft()
    auth.login("editor")
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    response = client.post(f"/admin/notices/{notice.id}/attachments?lang=zh_Hans", follow_redirects=True,
                           data={"csrf_token": token, "file": (io.BytesIO(b"<script>x</script>"), "evil.pdf")})
    assert "只能附加" in response.get_data(as_text=True)
    client.post(f"/admin/notices/{notice.id}/attachments", data={"csrf_token": token,
                                                                 "file": (io.BytesIO(PDF), "月报.pdf")})
    session.expire_all()
    [row] = session.get(Notice, notice.id).attachments
    assert row.kind == "pdf"
    client.post(f"/admin/notices/attachments/{row.id}/delete", data={"csrf_token": token})
    session.expire_all()
    assert session.get(Notice, notice.id).attachments == []


def test_the_staff_list_filters_by_state_as_page_and_fragment(client, auth, draft, staff, session):
    draft()
    submitted = draft(title="待审核的公告")
    services.take_step(session, staff["bureau_editor"], submitted, Step.SUBMIT)
    session.commit()
    auth.login("reviewer")
    response = client.get("/admin/notices/?state=submitted", headers=HX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="notice-rows"') and "待审核的公告" in html
    assert "2026年9月空气质量月报" not in html


def test_admins_manage_categories_with_bad_input_refused(client, auth, csrf, session, city):
    auth.login("admin")
    token = csrf.token(client, "/admin/notices/categories")
    response = client.post("/admin/notices/categories", data={"csrf_token": token, "code": "Bad Code!",
                                                              "name_zh_hans": "水", "parent_id": "0"})
    assert response.status_code == 422 and 'value="Bad Code!"' in response.get_data(as_text=True)
    response = client.post("/admin/notices/categories", data={"csrf_token": token, "code": "water",
                                                              "name_zh_hans": "水环境", "parent_id": city.quality.id,
                                                              "active": "y"})
    assert response.status_code == 303
    response = client.post(f"/admin/notices/categories/{city.quality.id}",
                           data={"csrf_token": token, "code": "quality", "name_zh_hans": "环境质量",
                                 "parent_id": city.air.id, "active": "y"})
    assert response.status_code == 422


def _public_html(client, notice) -> str:
    return client.get(f"/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)


def test_a_correction_through_the_pages_goes_live_only_when_another_reviewer_approves(client, auth, csrf, session,
                                                                                     published, city, staff):
    notice = published()
    auth.login("editor")
    response = _form(client, csrf, f"/admin/notices/{notice.id}/edit", category_id=city.air.id,
                     bureau_id=city.home.id, summary_zh_hans="更正后的摘要", correction_note="摘要有误")
    assert response.status_code == 303
    change = session.scalar(select(NoticeChange))
    page = client.get(f"/admin/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)
    assert "更正后的摘要" in page and "摘要有误" in page and f"/changes/{change.id}/approve" not in page
    assert "更正后的摘要" not in _public_html(client, notice)
    # The editor cannot approve, even by posting the form by hand: refused and audited.
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    assert client.post(f"/admin/notices/changes/{change.id}/approve", data={"csrf_token": token}).status_code == 303
    assert denied(session, "notices.review_denied") and "更正后的摘要" not in _public_html(client, notice)
    auth.logout()
    auth.login("reviewer")
    listed = client.get("/admin/notices/?state=change", headers=HX).get_data(as_text=True)
    assert f"/admin/notices/{notice.id}" in listed
    page = client.get(f"/admin/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)
    assert f"/changes/{change.id}/approve" in page and "批准此变更" in page
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    assert client.post(f"/admin/notices/changes/{change.id}/approve", data={"csrf_token": token}).status_code == 303
    html = _public_html(client, notice)
    assert "更正后的摘要" in html and "摘要有误" in html
    assert client.post(f"/admin/notices/changes/{change.id}/bogus", data={"csrf_token": token}).status_code == 400
    assert client.post(f"/admin/notices/changes/{change.id}/approve", data={}).status_code == 400


def test_the_author_of_a_change_gets_no_approve_button_and_is_refused(client, auth, csrf, session, published):
    notice = published()
    auth.login("admin")
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    client.post(f"/admin/notices/{notice.id}/step/withdraw", data={"csrf_token": token, "comment": "数据有误"})
    change = session.scalar(select(NoticeChange))
    page = client.get(f"/admin/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)
    assert "数据有误" in page and f"/changes/{change.id}/approve" not in page
    assert f"/changes/{change.id}/cancel" in page
    response = client.post(f"/admin/notices/changes/{change.id}/approve?lang=zh_Hans", data={"csrf_token": token},
                           follow_redirects=True)
    assert "您提出了这项变更" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Notice, notice.id).state == NoticeState.PUBLISHED
    assert denied(session, "notices.self_review_denied")
    assert "监测结果" in _public_html(client, notice)


def test_a_withdrawal_returned_through_the_pages_shows_the_reason_and_the_notice_stays(client, auth, csrf, session,
                                                                                      published):
    notice = published()
    auth.login("editor")
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    client.post(f"/admin/notices/{notice.id}/step/withdraw", data={"csrf_token": token, "comment": "数据有误"})
    change = session.scalar(select(NoticeChange))
    auth.logout()
    auth.login("reviewer")
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    client.post(f"/admin/notices/changes/{change.id}/return", data={"csrf_token": token, "comment": "请说明哪项数据"})
    auth.logout()
    auth.login("editor")
    page = client.get(f"/admin/notices/{notice.id}?lang=zh_Hans").get_data(as_text=True)
    assert "请说明哪项数据" in page and "取消此变更" in page
    html = _public_html(client, notice)
    assert "监测结果" in html and "已撤回" not in html
    token = csrf.token(client, f"/admin/notices/{notice.id}")
    client.post(f"/admin/notices/{notice.id}/step/withdraw", data={"csrf_token": token, "comment": "第3项数据有误"})
    session.expire_all()
    assert session.get(NoticeChange, change.id).state == "submitted"
    assert session.get(NoticeChange, change.id).note == "第3项数据有误"
