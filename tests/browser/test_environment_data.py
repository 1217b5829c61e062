"""A bureau editor adds an air station, imports its hours (first a file with a bad row, then a good one), sees
the values, and creates a station key shown once; axe on each page, on a phone."""
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

HEADERS = "站点编码,站点名称,监测时间,SO2(μg/m³),NO2(μg/m³),CO(mg/m³),O3(μg/m³),PM10(μg/m³),PM2.5(μg/m³)"


def csv_file(*rows: str) -> dict:
    return {"name": "hours.csv", "mimeType": "text/csv",
            "buffer": "\r\n".join([HEADERS, *rows]).encode("utf-8")}


def test_editor_adds_a_station_imports_hours_and_creates_a_key(phone, page_errors):
    page = phone.new_page()
    sign_in(page, "editor")
    page.goto("/admin/environment/?lang=en")
    assert_accessible(page)

    page.get_by_role("link", name="New air monitoring station").click()
    assert_accessible(page)
    page.fill("#code", "BRW01")
    page.fill("#name_zh_hans", "浏览器测试站")
    page.fill("#name_en", "Browser Test Station")
    page.select_option("#control_level", "national")
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Browser Test Station")

    # The same code again: the form comes back with the message and what was typed.
    page.get_by_role("link", name="New air monitoring station").click()
    page.fill("#code", "BRW01")
    page.fill("#name_zh_hans", "重复")
    page.click("main form button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("Another site already has the code BRW01.")
    expect(page.locator("#name_zh_hans")).to_have_value("重复")
    assert_accessible(page)

    page.goto("/admin/environment/import?lang=en")
    assert_accessible(page)
    page.select_option("#kind", "air_hourly")
    page.set_input_files("#file", files=[csv_file("BRW01,,2026-12-01 10:00,8,30,0.6,40,50,30",
                                                  "BRW01,,2026-12-01 11:00,8,abc,0.6,40,50,30")])
    page.click("main form button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("“abc” is not a number")
    assert_accessible(page)
    page.set_input_files("#file", files=[csv_file("BRW01,,2026-12-01 10:00,8,30,0.6,40,50,30",
                                                  "BRW01,,2026-12-01 11:00,8,31,0.6,40,50,30")])
    page.click("main form button[type=submit]")
    expect(page.locator("body")).to_contain_text("Imported: 2 new")

    page.goto("/admin/environment/?lang=en")
    page.get_by_role("link", name="Browser Test Station", exact=True).click()
    expect(page.locator("main")).to_contain_text("Latest hourly values")
    expect(page.locator("main table").first).to_contain_text("31")
    assert_accessible(page)

    page.goto("/admin/environment/keys?lang=en")
    assert_accessible(page)
    page.fill("#name", "Browser station house")
    page.click("main form.card button[type=submit]")
    key = page.locator(".callout .tracking-code strong")
    expect(key).to_be_visible()
    assert key.inner_text().startswith("esk_")
    assert_accessible(page)
    page.reload()
    expect(page.locator(".callout .tracking-code")).to_have_count(0)
    assert page_errors == []
