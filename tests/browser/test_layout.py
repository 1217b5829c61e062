"""Layout on phones: every page with a table at 390 px, and at 320 px in large-text mode, has no horizontal
scroll and no axe violation (table regions scroll inside themselves and take the keyboard focus); one menu
entry is current; the large-text button says whether it is on; htmx filters are announced."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.org.models import Bureau
from app.tips import services as tip_services
from app.tips.models import TipCategory
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, live_admin, sign_in

ELDER_PHONE = {**PHONE, "viewport": {"width": 320, "height": 640}}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def survey_id(live_app):
    """A closed sampled survey with published results, and one pollution report, in the live database."""
    with live_app.app_context():
        survey = factories.survey(db.session, live_admin(), responses=12, state="closed", indicator_period="2025")
        category = db.session.scalar(select(TipCategory).where(TipCategory.code == "layout-air"))
        if category is None:
            home = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
            category = TipCategory(code="layout-air", name_zh_hans="大气污染", name_en="Air pollution",
                                   bureau_id=home.id)
            db.session.add(category)
            db.session.flush()
            district = next(p for p in factories_districts() if p.code == "hills")
            tip_services.submit_tip(db.session, tip_services.TipInput(
                categories=[category], description="工厂夜间冒黑烟，气味刺鼻", district=district, address="白河路1号"),
                [], tip_services.Rules(), "")
        db.session.commit()
        return survey.id


def factories_districts():
    from app.org.queries import districts
    return districts(db.session)


PUBLIC_PAGES = ["/", "/indicators/", "/indicators/districts", "/indicators/report", "/indicators/report/by-indicator",
                "/indicators/2", "/tips/",
                "/tips/stats", "/notices/", "/exposure", "/disclosure/annual-report/2025", "survey-results"]
STAFF_PAGES = ["/admin/tips/", "/admin/tips/overdue", "/admin/disclosure-requests/", "/admin/notices/",
               "/admin/notices/disclosure", "/admin/indicators/board", "/admin/surveys/", "/admin/audit"]


def address(path: str, survey_id: int) -> str:
    return f"/surveys/{survey_id}/results" if path == "survey-results" else path


@pytest.fixture
def elder_phone(browser, base_url):
    context = browser.new_context(base_url=base_url, **ELDER_PHONE)
    context.add_cookies([{"name": "elder", "value": "1", "url": base_url}])
    yield context
    context.close()


@pytest.mark.parametrize("large_text", [False, True], ids=["390 px", "320 px large text"])
def test_public_pages_with_tables_fit_a_phone_and_pass_axe(request, survey_id, large_text):
    context = request.getfixturevalue("elder_phone" if large_text else "phone")
    page = context.new_page()
    for path in PUBLIC_PAGES:
        page.goto(address(path, survey_id) + "?lang=zh_Hans")
        if large_text:
            expect(page.locator("html")).to_have_class(re.compile("elder"))
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{path} scrolls sideways"
        assert_accessible(page)


@pytest.mark.parametrize("large_text", [False, True], ids=["390 px", "320 px large text"])
def test_staff_queues_fit_a_phone_and_pass_axe(request, survey_id, large_text):
    context = request.getfixturevalue("elder_phone" if large_text else "phone")
    page = context.new_page()
    sign_in(page, "admin")
    for path in STAFF_PAGES:
        page.goto(path)
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{path} scrolls sideways"
        assert_accessible(page)


def test_a_wide_table_scrolls_inside_its_region_which_takes_the_keyboard(phone):
    page = phone.new_page()
    page.goto("/indicators/?lang=en")
    region = page.get_by_role("region", name="Indicators")
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # columns kept readable, not squeezed
    region.focus()
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    # The keyboard scroll may be smooth: poll (page.wait_for_function needs eval, which the CSP forbids).
    for _ in range(50):
        if region.evaluate("r => r.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert region.evaluate("r => r.scrollLeft") > 0


def test_one_menu_entry_is_current_and_the_large_text_button_says_so(phone):
    page = phone.new_page()
    page.goto("/tips/stats?lang=en")
    current = page.locator(".main-nav [aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Pollution reports and statistics")
    button = page.get_by_role("button", name="Large text")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_contain_text("switched off")
    button.click()
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    button = page.get_by_role("button", name="Large text")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_contain_text("switched on")
    page.wait_for_load_state("load")  # the toggle reloads the page: measure once its stylesheet has arrived
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    button.click()
    expect(page.get_by_role("button", name="Large text")).to_have_attribute("aria-pressed", "false")


def test_an_htmx_filter_announces_its_results_in_a_region_that_stays(phone, page_errors):
    page = phone.new_page()
    page.on("console", lambda message: message.type == "error" and page_errors.append(message.text))
    page.goto("/indicators/?lang=en")
    live = page.locator("#live-status")
    page.evaluate("window.liveRegion = document.getElementById('live-status')")
    page.select_option("#f-status", "met")
    expect(page).to_have_url(re.compile(r"status=met"))
    expect(live).to_have_text(re.compile(r"^Results updated\. .+ in \d{4}$"))
    assert page.evaluate("window.liveRegion === document.getElementById('live-status')")  # never swapped
    assert_accessible(page)
    assert page_errors == []


@pytest.mark.parametrize("large_text", [False, True], ids=["390 px", "320 px large text"])
def test_the_tracking_code_stays_on_one_line_and_the_copy_button_copies_it(request, base_url, survey_id, large_text):
    context = request.getfixturevalue("elder_phone" if large_text else "phone")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto("/tips/new?lang=en")
    page.fill("#description", "Black smoke from the chimney every night")
    page.locator("input[name=categories]").first.check()
    page.select_option("#district", index=1)
    page.fill("#address", "No. 1 Test Road")
    page.check("#consent")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/tips/submitted"))
    page.wait_for_load_state("load")  # the address changes before the stylesheet has arrived
    code = page.locator("#tracking-code")
    line_height = code.evaluate("c => parseFloat(getComputedStyle(c).lineHeight)")
    assert code.bounding_box()["height"] < 1.5 * line_height  # one line, never broken at a hyphen
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    page.get_by_role("button", name="Copy the code").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    expect(page.locator("#live-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == code.inner_text()
    assert_accessible(page)
