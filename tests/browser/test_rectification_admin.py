"""The ledger's back office on a phone: the office drafts and publishes a round, registers a task (an unreadable
deadline comes back with the input kept), narrows the task list (with htmx, and as a plain form without
JavaScript), reads the task's page; a bureau's editor reads its own tasks. Every page is checked with axe."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.org.models import Bureau, Place
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def _district_name(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Place.name_en).where(Place.code == "hills"))


def _bureau_id(app, code: str) -> str:
    """A bureau's option value: other browser tests add bureaus to the shared live site, so not its position."""
    with app.app_context():
        return str(db.session.scalar(select(Bureau.id).where(Bureau.code == code)))


def test_the_office_enters_a_task_and_a_bureau_follows_it_on_a_phone(browser, base_url, live_app, phone):
    office = phone.new_page()
    sign_in(office, "admin")
    office.goto("/admin/rectification/rounds/new?lang=en")
    assert_accessible(office)
    office.fill("#code", "2026-BR")
    office.fill("#title_zh_hans", "第三轮中央生态环境保护督察反馈问题")
    office.fill("#title_en", "Third central inspection")
    office.get_by_role("button", name="Save").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Inspection rounds")
    assert_accessible(office)
    assert office.evaluate(FITS)
    office.get_by_role("button", name="Publish 2026-BR").click()
    expect(office.locator(".flash-success")).to_contain_text("The round is published")

    office.get_by_role("link", name="New task in 2026-BR").click()
    assert_accessible(office)
    office.fill("#source_ref", "第1项")
    office.fill("#problem_zh_hans", "白河县工业园区污水直排")
    office.fill("#problem_en", "Untreated waste water in the industrial park")
    office.select_option("#place_id", label=_district_name(live_app))
    office.select_option("#lead_bureau_id", _bureau_id(live_app, "eeb"))  # the editor's bureau
    office.fill("#deadline_text", "尽快")
    office.get_by_role("button", name="Save").click()
    expect(office.locator(".error-summary")).to_contain_text("cannot be read")
    expect(office.locator("#deadline_text")).to_have_value("尽快")
    expect(office.locator("#problem_zh_hans")).to_have_value("白河县工业园区污水直排")
    assert_accessible(office)
    office.fill("#deadline_text", "2026年12月底前，长期坚持")
    office.get_by_role("button", name="Save").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Task 2026-BR-001")
    expect(office.locator("main")).to_contain_text("Registered in the ledger")
    assert_accessible(office)
    assert office.evaluate(FITS)

    office.goto("/admin/rectification/tasks/?lang=en")
    assert_accessible(office)
    expect(office.locator("#task-rows")).to_contain_text("2026-BR-001")
    office.select_option("#state", "closed")  # htmx swaps the rows in place and keeps the address in step
    expect(office.locator("#task-rows")).not_to_contain_text("2026-BR-001")  # other tests add closed tasks
    expect(office).to_have_url(re.compile(r"state=closed"))
    assert_accessible(office)

    bureau = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}).new_page()
    sign_in(bureau, "editor")
    bureau.goto("/admin/rectification/?lang=en")
    expect(bureau.locator("#task-rows")).to_contain_text("2026-BR-001")  # the lead unit picked: 市生态环境局
    expect(bureau.get_by_role("heading", level=1)).to_contain_text("rectification tasks")
    assert_accessible(bureau)


def test_the_task_list_filters_without_javascript(browser, base_url, live_app, assert_accessible_without_js):
    context = browser.new_context(base_url=base_url, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/admin/rectification/tasks/?lang=en")
    page.select_option("#colour", "red")
    page.get_by_role("button", name="Show").click()
    assert "colour=red" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Rectification tasks")
    assert_accessible_without_js(page)
    context.close()
