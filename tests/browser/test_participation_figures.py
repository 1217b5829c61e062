"""A resident on a phone opens “Take part”, follows the figures by district and picks another year; each page
checked with axe and for a page that never scrolls sideways (the table scrolls inside its own region)."""
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.i18n import local_today
from app.org.models import Bureau, Place
from app.participation.models import ActivityState
from tests.browser.conftest import PHONE, assert_accessible
from tests.participation import figures_fixtures as make
from tests.participation.figures_fixtures import at


def _participation(app) -> int:
    """This year's held activity (attendance 41), one to come, an open day and last year's activity; the year."""
    with app.app_context():
        hills = db.session.scalar(select(Place).where(Place.code == "hills"))
        bureau = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
        today = local_today()
        make.activity(db.session, bureau=bureau, place=hills, starts_at=at(today.year, 1, 1, 10), attendance=41,
                      title_en="New year clean-up")
        make.activity(db.session, bureau=bureau, place=hills, state=ActivityState.PUBLISHED,
                      starts_at=datetime.now(timezone.utc) + timedelta(days=9), title_en="Winter tree care")
        make.activity(db.session, bureau=bureau, place=hills, starts_at=at(today.year - 1, 6, 5), attendance=17)
        plant = make.facility(db.session, bureau=bureau, place=hills, name_en="East sewage plant")
        make.slot(db.session, plant, today + timedelta(days=12), capacity=30, taken=4)
        make.slot(db.session, plant, date(today.year, 1, 2), visitors=12)
        make.tallied(db.session)  # the figures read tallies; these rows were built by hand
        return today.year


def test_a_resident_finds_the_figures_on_a_phone(browser, base_url, live_app):
    year = _participation(live_app)
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    page.goto("/participation/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take part")
    expect(page.locator("main")).to_contain_text("Winter tree care")
    expect(page.locator("main")).to_contain_text("East sewage plant")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="Participation figures by district").click()
    page.wait_for_url(f"**/participation/figures?year={year}*")
    expect(page.locator("#figures-caption")).to_have_text(f"Participation in {year}")
    expect(page.locator("table tbody tr").first).to_contain_text("41")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.select_option("#f-year", str(year - 1))  # htmx swaps the table and pushes the address
    expect(page.locator("#figures-caption")).to_have_text(f"Participation in {year - 1}")
    expect(page.locator("table tbody tr").first).to_contain_text("17")
    page.wait_for_url(f"**year={year - 1}*")
    assert_accessible(page)
    context.close()


def test_the_pages_work_without_javascript_in_chinese(browser, base_url, live_app):
    with live_app.app_context():
        last_year = local_today().year - 1
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto("/participation/")
    expect(page.locator("main")).to_be_visible()
    page.goto("/participation/figures")
    page.select_option("#f-year", str(last_year))
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(f"**year={last_year}*")
    expect(page.locator("table")).to_be_visible()
    context.close()
