"""The rectification ledger on the demo city (built by the real seed-demo), on a phone, checked with axe on every
page: a resident finds the task in public notice from the home page and objects with only the required fields,
with and without JavaScript; the task's lead unit signs in and sees what it has to report."""
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible


def object_to_the_task_in_notice(page, check=assert_accessible) -> None:
    page.goto("/")
    page.get_by_role("link", name="整改台账").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page)
    # The demo's task in public notice, among the first page's tasks (in ledger-number order).
    page.locator("li.card", has_text="垃圾填埋场渗滤液").get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("公示")
    check(page)
    page.get_by_role("link", name="对销号提出异议").click()
    check(page)
    page.get_by_label("您的异议").fill("调节池旁仍有渗滤液外溢，请核实后再销号。")
    page.get_by_label("电话或电子邮箱", exact=False).fill("13900000000")  # name and file left empty
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("异议已收到")
    check(page)


def test_resident_objects_to_a_closure_in_notice(demo_phone):
    object_to_the_task_in_notice(demo_phone.new_page())


def test_resident_objects_without_javascript(browser, demo_url, assert_accessible_without_js):
    # axe is JavaScript, which never runs in this context: the pages are checked as served, in a scratch page.
    context = browser.new_context(base_url=demo_url, locale="zh-CN", java_script_enabled=False, **PHONE)
    try:
        object_to_the_task_in_notice(context.new_page(), assert_accessible_without_js)
    finally:
        context.close()


def test_a_lead_unit_signs_in_and_sees_its_reports_due(demo_phone, demo_credentials):
    page = demo_phone.new_page()
    page.goto("/login")
    page.fill("#username", "water-editor")
    page.fill("#password", demo_credentials["water-editor"])
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/rectification/reports/due")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("CI2-YX-")
    assert_accessible(page)
