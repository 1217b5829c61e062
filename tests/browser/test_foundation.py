"""A person's first walk through the site: languages, large text, sign-in, htmx filtering; axe on each page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


@pytest.mark.parametrize("lang, html_lang, heading", [
    ("zh_Hans", "zh-Hans", "关于示范市创建"),
    ("zh_Hant", "zh-Hant", "關於示範市創建"),
    ("en", "en", "About the programme"),
])
def test_home_page_in_three_languages_is_accessible(page, page_errors, lang, html_lang, heading):
    page.goto(f"/?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert_accessible(page)
    assert page_errors == []


def test_language_switch_is_remembered(page):
    page.goto("/privacy?lang=zh_Hans")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


def test_elder_mode_enlarges_text_and_persists(page):
    page.goto("/?lang=zh_Hans")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="长者模式").click()
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    # The button posts a form: the class is there as soon as the next page's HTML is, its stylesheet only at load.
    page.wait_for_load_state()
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= normal * 1.3
    assert_accessible(page)
    page.goto("/privacy")
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    expect(page.get_by_role("button", name="长者模式")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="长者模式").click()
    expect(page.locator("html")).not_to_have_class(re.compile("elder"))


def test_site_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto("/?lang=en")
    page.get_by_role("button", name="Large text").click()
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    page.goto("/login?lang=en")
    page.fill("#username", "nobody")
    page.fill("#password", "wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#error-summary")).to_contain_text("The username or password is wrong")
    expect(page.locator("#username")).to_have_value("nobody")
    context.close()


def test_sign_in_form_is_csrf_protected(page):
    page.goto("/login?lang=en")
    page.evaluate("document.querySelector('main input[name=csrf_token]').value = 'forged'")
    page.fill("#username", "admin")
    page.fill("#password", "correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The form has expired")


def test_staff_sign_in_and_filter_the_audit_log_with_htmx(page, page_errors):
    page.goto("/?lang=en")
    sign_in(page, "admin")
    assert_accessible(page)
    page.goto("/admin/audit")
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    page.fill("#action", "accounts.login")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=accounts.login"))
    expect(page.locator("#audit-results tbody tr").first).to_contain_text("accounts.login")
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not a page load
    assert_accessible(page)
    assert page_errors == []


def test_phone_viewport_has_no_horizontal_scroll(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base_url)
    page = context.new_page()
    page.goto("/?lang=zh_Hans")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    assert page.screenshot(full_page=True).startswith(b"\x89PNG")
    context.close()
