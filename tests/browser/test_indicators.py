"""Citizens filter indicator progress; a bureau editor submits a value, a reviewer publishes it."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_citizen_filters_the_overview_without_a_reload(page, page_errors):
    page.goto("/indicators/?lang=zh_Hans")
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    page.select_option("#f-place", "hills")
    expect(page).to_have_url(re.compile(r"place=hills"))
    page.select_option("#f-status", "not_met")
    expect(page).to_have_url(re.compile(r"status=not_met"))
    results = page.locator("#indicator-results")
    expect(results).to_contain_text("危险废物利用处置率")
    expect(results).to_contain_text("差距 8.5")
    expect(results).not_to_contain_text("生态文明建设规划")
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page)
    page.reload()  # the URL is shareable: the same filters come back
    expect(page.locator("#f-status")).to_have_value("not_met")
    assert page_errors == []


def test_district_comparison_and_indicator_page_are_accessible(page):
    page.goto("/indicators/districts?lang=zh_Hans")
    expect(page.get_by_role("table")).to_contain_text("白河县")
    assert_accessible(page)
    page.goto("/indicators/2?lang=zh_Hant")
    expect(page.get_by_role("heading", level=1)).to_contain_text("危险废物利用处置率")  # no zh_Hant name: falls back
    expect(page.get_by_role("heading", level=2).first).to_have_text("目標值及判定方法")
    assert_accessible(page)


def test_editor_submits_and_reviewer_publishes(browser, base_url):
    editor = browser.new_context(base_url=base_url).new_page()
    sign_in(editor, "editor")
    editor.goto("/admin/indicators/?period=2025&lang=zh_Hans")
    assert_accessible(editor)
    editor.get_by_role("link", name=re.compile("填报 生态文明建设规划")).first.click()
    editor.select_option("#state_value", "制定实施")
    editor.fill("#evidence", "《云溪市生态文明建设规划》已印发")
    editor.check("#submit_for_review")
    assert_accessible(editor)
    editor.get_by_role("button", name="保存").click()
    expect(editor.locator("#flashes")).to_contain_text("已提交审核")

    reviewer = browser.new_context(base_url=base_url).new_page()
    sign_in(reviewer, "reviewer")
    reviewer.goto("/admin/indicators/review?lang=zh_Hans")
    expect(reviewer.locator("main")).to_contain_text("已印发")
    assert_accessible(reviewer)
    reviewer.get_by_role("button", name="审核通过并公开").first.click()
    expect(reviewer.locator("#flashes")).to_contain_text("已审核通过并公开")

    reviewer.goto("/indicators/1?period=2025&lang=zh_Hans")
    expect(reviewer.locator("main")).to_contain_text("已印发")


def test_gap_report_page_and_docx_download(page):
    page.goto("/indicators/report?lang=zh_Hans")
    expect(page.get_by_role("heading", level=1)).to_contain_text("差距分析报告")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Word 文档（DOCX）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"


# Text nodes with Han characters that are not inside an element marked as Chinese (lang="zh-…").
UNMARKED_CHINESE = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const marked = node.parentElement.closest('[lang^="zh"]');
    if (/[\\u3400-\\u9fff]/.test(node.textContent) && !marked) found.push(node.textContent.trim());
  }
  return found;
}"""


def test_english_overview_on_a_phone_has_no_unmarked_chinese(phone):
    page = phone.new_page()
    page.goto("/indicators/?lang=en")
    results = page.locator("#indicator-results")
    expect(results).to_contain_text("at least 100\u00a0%")
    expect(results).to_contain_text("not translated")
    assert page.evaluate(UNMARKED_CHINESE) == []
    page.select_option("#f-place", "hills")  # the htmx swap brings English too
    expect(page).to_have_url(re.compile(r"place=hills"))
    expect(results).to_contain_text("short by 8.5\u00a0%")
    assert page.evaluate(UNMARKED_CHINESE) == []
    assert_accessible(page)
