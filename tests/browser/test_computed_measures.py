"""A resident reads indicators 7 and 8 of the demo city on a phone: each measure computed from the monitoring
data with its method and sample, the target the province set, and whether it is met (issue 16)."""
import re

from playwright.sync_api import expect

from app.i18n import local_today
from tests.browser.conftest import assert_accessible


def test_resident_reads_air_and_water_quality_computed_against_the_provinces_targets(demo_app, demo_phone):
    page = demo_phone.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    with demo_app.app_context():
        year = local_today().year - 1  # the last full year of the demo's monitoring data
    page.goto(f"/indicators/7?period={year}&lang=en")
    city = page.locator("tr", has=page.locator("th", has_text="Yunxi City"))
    expect(city).to_contain_text("good-day ratio")
    expect(city).to_contain_text("Target set by the higher authority: at least 80")
    expect(city).to_contain_text("Computed by this site from the air monitoring data")
    expect(city).to_contain_text("sample size")
    expect(city.locator(".status").last).to_have_text(re.compile("^(Met|Not met)$"))
    assert_accessible(page)
    page.goto(f"/indicators/8?period={year}&lang=en")
    city = page.locator("tr", has=page.locator("th", has_text="Yunxi City"))
    expect(city).to_contain_text("Computed by this site from the surface-water monitoring data")
    expect(city).to_contain_text("black-odorous water elimination")
    assert_accessible(page)
    assert errors == []
