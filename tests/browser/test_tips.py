"""A resident reports pollution on a phone and follows it; the office accepts it and a handler sees it."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.org.models import Bureau
from app.tips.models import TipCategory
from tests.browser.conftest import assert_accessible, sign_in

@pytest.fixture(scope="module")
def category(live_app):
    with live_app.app_context():
        existing = db.session.scalar(select(TipCategory).where(TipCategory.code == "browser-air"))
        if existing is None:
            home = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
            existing = TipCategory(code="browser-air", name_zh_hans="大气污染", name_en="Air pollution",
                                   bureau_id=home.id)
            db.session.add(existing)
            db.session.commit()
        return existing.id


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_resident_reports_on_a_phone_and_follows_the_report(request, phone, phone_without_js, category, javascript):
    # axe runs in the page, so without JavaScript the HTML is checked in a scratch page instead.
    check = assert_accessible if javascript else request.getfixturevalue("assert_accessible_without_js")
    page = (phone if javascript else phone_without_js).new_page()
    page.goto("/tips/new?lang=en")
    check(page)
    page.fill("#description", "Black smoke from the chimney every night")
    page.check(f"input[name=categories][value='{category}']")
    page.select_option("#district", index=1)
    page.fill("#address", "No. 1 Test Road")
    page.check("#consent")
    check(page)
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/tips/submitted"))
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", code)
    check(page)
    page.click("text=Your private status page")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your report")
    expect(page.locator("main")).to_contain_text("Received, awaiting acceptance")
    check(page)


def test_office_accepts_and_the_handler_sees_the_deadline(browser, base_url, category):
    reporter = browser.new_context(base_url=base_url).new_page()
    reporter.goto("/tips/new?lang=en")
    reporter.fill("#description", "Waste water pipe into the river")
    reporter.check(f"input[name=categories][value='{category}']")
    reporter.select_option("#district", index=1)
    reporter.fill("#address", "River bank")
    reporter.check("#consent")
    reporter.click("main button[type=submit]")
    expect(reporter).to_have_url(re.compile(r"/tips/submitted"))

    admin = browser.new_context(base_url=base_url).new_page()
    sign_in(admin, "admin")
    admin.goto("/admin/tips/?lang=en")
    assert_accessible(admin)
    admin.locator("#tip-rows a").first.click()
    expect(admin.locator("main")).to_contain_text("Waste water pipe into the river")
    assert_accessible(admin)
    admin.click("form[action$='/step/accept'] button[type=submit]")
    expect(admin.locator("#flashes")).to_contain_text("Done")

    handler = browser.new_context(base_url=base_url).new_page()
    sign_in(handler, "handler")
    handler.goto("/admin/tips/?lang=en")
    expect(handler.locator("#tip-rows")).to_contain_text("days left")
    assert_accessible(handler)


def test_a_report_is_handled_to_its_end_and_the_reporter_rates_it_on_a_phone(browser, base_url, phone, category):
    resident = phone.new_page()
    resident.goto("/tips/new?lang=en")
    resident.fill("#description", "Oily film on the canal behind the market")
    resident.check(f"input[name=categories][value='{category}']")
    resident.select_option("#district", index=1)
    resident.fill("#address", "Canal behind the market")
    resident.check("#consent")
    resident.click("main button[type=submit]")
    code = resident.locator("#tracking-code").inner_text()

    office = browser.new_context(base_url=base_url).new_page()
    sign_in(office, "admin")
    office.goto("/admin/tips/?lang=en")
    office.locator("#tip-rows a").first.click()
    expect(office.locator("main")).to_contain_text("Oily film on the canal")
    for step in ("accept", "assign"):
        office.click(f"form[action$='/step/{step}'] button[type=submit]")
        expect(office.locator("#flashes")).to_contain_text("Done")
    case = office.url

    handler = browser.new_context(base_url=base_url).new_page()
    sign_in(handler, "handler")
    handler.goto(case)
    handler.click("form[action$='/step/investigate'] button[type=submit]")
    expect(handler.locator("#flashes")).to_contain_text("Done")
    handler.fill("#findings", "Oil from a car wash drain")
    handler.fill("#reply", "The car wash was ordered to fit an oil separator.")
    handler.click("form[action$='/step/conclude'] button[type=submit]")
    expect(handler.locator("#flashes")).to_contain_text("Done")
    assert_accessible(handler)

    resident.goto(f"/tips/track/{code}?lang=en")
    expect(resident.locator("main")).to_contain_text("The car wash was ordered to fit an oil separator.")
    resident.get_by_label("Satisfied", exact=True).check()
    resident.get_by_role("button", name="Send my rating").click()
    expect(resident.locator("main")).to_contain_text("Closed")
    assert_accessible(resident)


@pytest.mark.parametrize("address", ["/tips/?lang=en", "/tips/stats?lang=en", "/exposure?lang=en"])
def test_the_public_tip_pages_are_accessible_on_a_phone(phone, category, address):
    page = phone.new_page()
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page)


def test_filtering_the_public_list_with_htmx_keeps_a_shareable_address(phone, category):
    page = phone.new_page()
    page.goto("/tips/?lang=en")
    page.evaluate("window.notReloaded = true")
    page.select_option("#f-status", "closed")
    expect(page).to_have_url(re.compile(r"status=closed"))
    assert page.evaluate("window.notReloaded") is True
