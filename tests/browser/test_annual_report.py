"""The yearly disclosure work report is readable on a phone and passes axe."""
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_annual_report_fits_a_phone_and_is_accessible(phone):
    page = phone.new_page()
    page.goto("/notices/?lang=en")
    page.get_by_role("link", name="Yearly disclosure work report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Government information disclosure work report")
    page.wait_for_load_state("load")  # measured once the stylesheet has arrived
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page)
