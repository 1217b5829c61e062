"""A bureau editor drafts a notice, a different reviewer approves it, and the public finds it by browsing and
searching; axe on every page visited."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.notices.models import NoticeCategory
from tests.browser.conftest import assert_accessible, sign_in


@pytest.fixture(scope="module")
def categories(live_app):
    with live_app.app_context():
        if db.session.query(NoticeCategory).filter_by(code="quality").first() is None:
            db.session.add_all([NoticeCategory(code="quality", name_zh_hans="环境质量", sort_order=1),
                                NoticeCategory(code="penalties", name_zh_hans="行政处罚", sort_order=2)])
            db.session.commit()


def test_draft_submit_approve_then_public_list_and_search(browser, base_url, categories):
    editor = browser.new_context(base_url=base_url).new_page()
    sign_in(editor, "editor")
    editor.goto("/admin/notices/new?lang=zh_Hans")
    assert_accessible(editor)
    editor.select_option("#category_id", label="环境质量")
    editor.fill("#title_zh_hans", "白河县饮用水水源地水质季报")
    editor.fill("#summary_zh_hans", "第三季度水源地水质全部达到或优于III类标准。")
    editor.fill("#body_zh_hans", "## 监测结果\n\n共监测 **12** 项指标，全部达标。")
    editor.get_by_role("button", name="保存").click()
    expect(editor.locator("#flashes")).to_contain_text("草稿已保存")
    assert_accessible(editor)
    editor.get_by_role("button", name="提交审核").click()
    expect(editor.locator("main")).to_contain_text("待审核")
    expect(editor.get_by_role("button", name="审核通过并公开")).to_have_count(0)

    reviewer = browser.new_context(base_url=base_url).new_page()
    sign_in(reviewer, "reviewer")
    reviewer.goto("/admin/notices/?state=submitted&lang=zh_Hans")
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name="白河县饮用水水源地水质季报").click()
    expect(reviewer.locator(".notice-body h2")).to_have_text("监测结果")
    reviewer.get_by_role("button", name="审核通过并公开").click()
    expect(reviewer.locator("#flashes")).to_contain_text("审核通过并公开")
    expect(reviewer.locator("main")).to_contain_text(re.compile(r"eeb/\d{4}-\d{5}"))

    public = browser.new_context(base_url=base_url).new_page()
    public.goto("/notices/?lang=zh_Hans")
    expect(public.locator("#notice-results")).to_contain_text("白河县饮用水水源地水质季报")
    assert_accessible(public)
    public.evaluate("window.notReloaded = true")
    public.fill("#f-q", "水源地水质")
    public.press("#f-q", "Enter")
    expect(public).to_have_url(re.compile(r"q=%E6%B0%B4"))
    expect(public.locator("#notice-results mark").first).to_have_text("水源地水质")
    assert public.evaluate("window.notReloaded") is True
    assert_accessible(public)
    public.select_option("#f-category", "penalties")
    expect(public.locator("#notice-results")).to_contain_text("没有符合条件的公告")
    public.goto("/notices/?q=水源地水质&lang=zh_Hans")
    public.get_by_role("link", name="白河县饮用水水源地水质季报").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("白河县饮用水水源地水质季报")
    assert_accessible(public)
    public.goto(public.url.split("?")[0] + "?lang=en")
    expect(public.locator("main")).to_contain_text("missing parts are shown in Simplified Chinese")
    assert_accessible(public)


def test_admin_defines_a_catalogue_item_and_the_editor_sees_it_due(browser, base_url, categories):
    admin = browser.new_context(base_url=base_url).new_page()
    sign_in(admin, "admin")
    admin.goto("/admin/notices/catalogue?lang=zh_Hans")
    assert_accessible(admin)
    admin.fill("#code", "air-bulletin")
    admin.select_option("#bureau_id", label="市生态环境局")
    admin.fill("#name_zh_hans", "环境空气质量月报")
    admin.select_option("#schedule", "monthly")
    admin.fill("#due_day", "15")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("#flashes")).to_contain_text("已保存")
    expect(admin.get_by_role("table")).to_contain_text("每月 15 日前")

    editor = browser.new_context(base_url=base_url).new_page()
    sign_in(editor, "editor")
    editor.goto("/admin/notices/disclosure?lang=zh_Hans")
    expect(editor.get_by_role("table")).to_contain_text("环境空气质量月报")
    expect(editor.locator(".supervision").first).to_be_visible()
    assert_accessible(editor)


def test_a_correction_waits_for_another_reviewer_before_the_public_sees_it(browser, base_url, live_app, categories):
    from datetime import date

    from app.accounts.models import User
    from app.notices import services
    from app.notices.workflow import Step
    from app.org.models import Bureau

    with live_app.app_context():
        editor_user = db.session.query(User).filter_by(username="editor").one()
        reviewer_user = db.session.query(User).filter_by(username="reviewer").one()
        notice = services.create_notice(db.session, editor_user, services.NoticeInput(
            category=db.session.query(NoticeCategory).filter_by(code="quality").one(),
            bureau=db.session.get(Bureau, editor_user.bureau_id), created_on=date.today(),
            titles={"zh_hans": "白河县声环境质量公报"}, summaries={"zh_hans": "昼间达标率为95.0%。"}))
        services.take_step(db.session, editor_user, notice, Step.SUBMIT)
        services.take_step(db.session, reviewer_user, notice, Step.APPROVE,
                           index_scheme="{bureau_code}/{year}-{seq:05d}")
        db.session.commit()
        notice_id = notice.id

    editor = browser.new_context(base_url=base_url).new_page()
    sign_in(editor, "editor")
    editor.goto(f"/admin/notices/{notice_id}/edit?lang=zh_Hans")
    assert_accessible(editor)
    editor.fill("#summary_zh_hans", "昼间达标率为96.0%。")
    editor.fill("#correction_note", "达标率计算有误")
    editor.get_by_role("button", name="提交更正审核").click()
    expect(editor.locator("#flashes")).to_contain_text("更正已提交审核")
    expect(editor.locator("#change")).to_contain_text("昼间达标率为96.0%。")
    expect(editor.get_by_role("button", name="批准此变更")).to_have_count(0)
    assert_accessible(editor)

    public = browser.new_context(base_url=base_url).new_page()
    public.goto(f"/notices/{notice_id}?lang=zh_Hans")
    expect(public.locator("main")).to_contain_text("昼间达标率为95.0%。")
    expect(public.locator("main")).not_to_contain_text("96.0%")

    reviewer = browser.new_context(base_url=base_url).new_page()
    sign_in(reviewer, "reviewer")
    reviewer.goto("/admin/notices/?state=change&lang=zh_Hans")
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name="白河县声环境质量公报").click()
    assert_accessible(reviewer)
    reviewer.get_by_role("button", name="批准此变更").click()
    expect(reviewer.locator("#flashes")).to_contain_text("批准此变更")
    expect(reviewer.locator("#change")).to_have_count(0)

    public.reload()
    expect(public.locator("main")).to_contain_text("昼间达标率为96.0%。")
    expect(public.locator("main")).to_contain_text("达标率计算有误")
    assert_accessible(public)
