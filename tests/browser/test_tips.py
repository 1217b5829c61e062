"""A resident reports pollution on a phone and follows it; the office accepts it and a handler sees it."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.org.models import Bureau
from app.tips.models import Tip, TipCategory
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


@pytest.fixture(scope="module")
def demo_categories(live_app):
    """The demo city's tip categories (12 kinds and sub-types, as residents see them), added to the live database."""
    from app.demo.tips import CATEGORIES

    with live_app.app_context():
        bureaus = {b.code: b.id for b in db.session.scalars(select(Bureau))}
        by_code = {c.code: c for c in db.session.scalars(select(TipCategory))}
        for order, (code, hans, hant, en, bureau, parent) in enumerate(CATEGORIES, start=1):
            if code not in by_code:
                by_code[code] = TipCategory(code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en,
                                            sort_order=order, bureau_id=bureaus.get(bureau),
                                            parent=by_code.get(parent))
                db.session.add(by_code[code])
        db.session.commit()
        return {code: by_code[code].id for code, *_ in CATEGORIES}


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_resident_ticks_one_of_the_demo_kinds_and_sends_the_report_on_a_phone(request, phone, phone_without_js,
                                                                              demo_categories, javascript):
    check = assert_accessible if javascript else request.getfixturevalue("assert_accessible_without_js")
    page = (phone if javascript else phone_without_js).new_page()
    page.goto("/tips/new?lang=en")
    kinds = page.get_by_role("group", name="What kind of pollution? (one or more)")
    for category_id in demo_categories.values():
        expect(kinds.locator(f"input[type=checkbox][value='{category_id}']")).to_have_count(1)
    for name in ("Air pollution", "Factory smoke or dust", "Noise", "Construction noise", "Other"):
        expect(kinds.get_by_label(name, exact=True)).to_be_visible()
    # Each box sits beside its label, on the same line.
    box = kinds.get_by_label("Noise", exact=True).bounding_box()
    label = kinds.locator(f"label[for='{kinds.get_by_label('Noise', exact=True).get_attribute('id')}']").bounding_box()
    assert (label["x"] > box["x"] + box["width"] - 1
            and label["y"] < box["y"] + box["height"] / 2 < label["y"] + label["height"])
    # A sub-type is listed under its kind.
    expect(kinds.locator(f"li:has(> .field-check input[value='{demo_categories['air']}'])")
           .get_by_label("Open burning")).to_be_visible()
    named = page.locator("#named-fields")
    if javascript:
        expect(named).to_be_hidden()
        page.get_by_label("With my name and phone (needed for a reward)").check()
        expect(named).to_be_visible()
        page.get_by_label("Anonymously").check()
        expect(named).to_be_hidden()
    else:
        expect(named).to_be_visible()
        expect(named).to_contain_text("Only for a report with your name")
    check(page)
    kinds.get_by_label("Water pollution", exact=True).check()
    page.fill("#description", "Foam and a foul smell on the stream below the dye works")
    page.select_option("#district", index=1)
    page.fill("#address", "Stream below the dye works")
    page.check("#consent")
    page.get_by_role("button", name="Send the report").click()
    expect(page).to_have_url(re.compile(r"/tips/submitted"))
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", page.locator("#tracking-code").inner_text())
    with request.getfixturevalue("live_app").app_context():
        tip = db.session.scalar(select(Tip).where(Tip.description.startswith("Foam and a foul smell"))
                                .order_by(Tip.id.desc()))
        assert [c.code for c in tip.categories] == ["water"] and tip.anonymous


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
    handler.select_option("#finding", "substantiated")
    handler.fill("#findings", "Oil from a car wash drain")
    handler.click("form[action$='/step/conclude'] button[type=submit]")
    # Without the reply the step is refused: what was typed stays, the error sits by the field and in the summary.
    expect(handler.locator("#step-conclude .error-summary")).to_contain_text("Write the findings and the reply")
    expect(handler.locator("#findings")).to_have_value("Oil from a car wash drain")
    expect(handler.locator("#finding")).to_have_value("substantiated")
    expect(handler.locator("#reply")).to_have_attribute("aria-invalid", "true")
    assert_accessible(handler)
    handler.fill("#reply", "The car wash was ordered to fit an oil separator.")
    handler.click("form[action$='/step/conclude'] button[type=submit]")
    expect(handler.locator("#flashes")).to_contain_text("Done")
    assert_accessible(handler)

    resident.goto(f"/tips/track/{code}?lang=en")
    expect(resident.locator("main")).to_contain_text("The car wash was ordered to fit an oil separator.")
    resident.get_by_label("Satisfied", exact=True).check()
    resident.locator("#rating").get_by_role("button", name="Send", exact=True).click()
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
