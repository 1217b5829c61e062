"""The yearly environment bulletin of the demo city on a phone: readable, accessible, its DOCX downloadable."""
from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_bulletin_fits_a_phone_passes_axe_and_downloads(demo_phone):
    page = demo_phone.new_page()
    year = date.today().year - 1
    page.goto(f"/environment/bulletin/{year}?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"ecological environment bulletin {year}")
    expect(page.get_by_text("Demonstration data (fictional)")).to_be_visible()
    expect(page.get_by_role("region", name="Sections: annual class against the target")).to_contain_text(
        "Shimen Sluice")
    page.wait_for_load_state("load")  # measured once the stylesheet has arrived
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as DOCX to edit").click()
    assert download.value.suggested_filename == f"environment-bulletin-{year}.docx"


def test_the_bulletin_reads_without_script_in_chinese(demo_phone, assert_accessible_without_js):
    page = demo_phone.new_page()
    page.route("**/*.js", lambda route: route.abort())
    year = date.today().year - 1
    page.goto(f"/environment/bulletin/{year}?lang=zh_Hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_text("石门闸").first).to_be_visible()
    assert_accessible_without_js(page)
