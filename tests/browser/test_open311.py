"""An admin issues an Open311 key, sees it once, and revokes it; axe on each page."""
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_admin_issues_and_revokes_an_open311_key(page, page_errors):
    sign_in(page, "admin")
    page.goto("/admin/open311/keys?lang=en")
    assert_accessible(page)
    page.fill("#name", "12369 app (browser test)")
    page.click("main form.card button[type=submit]")
    key = page.locator(".callout .tracking-code strong")
    expect(key).to_be_visible()
    assert len(key.inner_text()) >= 40
    assert_accessible(page)
    row = page.locator("#open311-keys tr", has_text="12369 app (browser test)")
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator("#open311-keys tr", has_text="12369 app (browser test)")).to_contain_text("Revoked")
    expect(page.locator(".callout .tracking-code")).to_have_count(0)
    assert_accessible(page)
    assert page_errors == []
