"""A resident asks for updates on a phone, with and without JavaScript: the refusal of an unfinished form keeps
what was typed and names what is missing, the good one ends on the page that names the masked address; the
office's notifications page; axe on each."""
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def _subscribe(page) -> None:
    page.goto("/notifications/subscribe?lang=en")
    page.fill("#address", "139 1234 5678")
    page.get_by_label("Heavy air pollution days").check()
    page.click("main button[type=submit]")
    expect(page.locator("#error-summary")).to_contain_text("Tick the box to agree")
    expect(page.locator("#address")).to_have_value("139 1234 5678")
    expect(page.get_by_label("Heavy air pollution days")).to_be_checked()


def test_a_resident_subscribes_on_a_phone(phone, page_errors):
    page = phone.new_page()
    _subscribe(page)
    assert_accessible(page)
    page.get_by_label("I agree to receive these messages").check()
    page.click("main button[type=submit]")
    expect(page.get_by_text("A confirmation link was sent to 139****5678.")).to_be_visible()
    assert "13912345678" not in page.content()
    assert_accessible(page)
    assert page_errors == []


def test_the_form_works_without_javascript(phone_without_js, assert_accessible_without_js):
    page = phone_without_js.new_page()
    page.goto("/notifications/subscribe?lang=en")
    assert_accessible_without_js(page)
    _subscribe(page)
    assert_accessible_without_js(page)
    page.get_by_label("I agree to receive these messages").check()
    page.click("main button[type=submit]")
    expect(page.get_by_text("A confirmation link was sent to 139****5678.")).to_be_visible()


def test_the_office_page_passes_axe(phone, page_errors):
    page = phone.new_page()
    sign_in(page, "admin")
    page.goto("/admin/notifications/?lang=en")
    expect(page.get_by_role("heading", name="Latest messages")).to_be_visible()
    assert_accessible(page)
    assert page_errors == []
