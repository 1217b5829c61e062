"""A resident on a phone reads the surface-water table, a section's history, the drinking-water sources and the
open-data page; every page passes axe and none scrolls sideways."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.environment.models import WaterSection
from app.extensions import db
from app.org.models import Place
from tests.browser.conftest import assert_accessible
from tests.environment import factories as sites
from tests.environment import water_rows


@pytest.fixture(scope="module")
def water_data(live_app):
    """Two sections and a source in the shared live database; every section meets its target, so that the
    home page of the other browser tests shows no alert."""
    with live_app.app_context():
        district = db.session.scalar(select(Place).where(Place.code == "hills"))
        assert district is not None, "the live app has its district 'hills'"
        if db.session.scalar(select(WaterSection).where(WaterSection.code == "BRW1")) is None:
            first = sites.section(db.session, place=district, code="BRW1", name_zh_hans="白河大桥",
                                  water_zh_hans="白河", target_class=3)
            second = sites.section(db.session, place=district, code="BRW2", name_zh_hans="青石渡",
                                   water_zh_hans="青溪", target_class=5)
            water_rows.section_sample(db.session, first, "2025-02", water_class=2, values={"nh3n": "0.21"})
            water_rows.section_sample(db.session, first, "2025-03", water_class=3, state="provisional",
                                      values={"nh3n": "0.93", "cu": "0.01L"})
            water_rows.section_sample(db.session, second, "2025-03", water_class=4, exceeding="nh3n:0.2")
            source = sites.source(db.session, place=district, code="BRS1", name_zh_hans="白河水库")
            water_rows.source_sample(db.session, source, "2025Q1")
            db.session.commit()
        db.session.remove()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_resident_reads_water_quality_on_a_phone(phone, water_data):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/environment/water/?lang=zh_Hans")
    table = page.locator("#water-sections table")
    expect(table).to_contain_text("白河大桥")
    expect(table).to_contain_text("青石渡")
    assert_accessible(page)
    _no_sideways_scroll(page)

    page.evaluate("window.notReloaded = true")
    page.select_option("#f-month", "2025-02")
    expect(page).to_have_url(re.compile(r"month=2025-02"))
    expect(page.locator("#water-sections caption")).to_contain_text("2025-02")
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page)

    page.get_by_role("link", name="白河大桥").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("白河大桥")
    expect(page.locator("#water-values")).to_contain_text("0.01L")
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.evaluate("window.notReloaded = true")
    page.locator("#history-caption").locator("xpath=..").get_by_role("link", name="2025-02").click()
    expect(page.locator("#water-values")).to_contain_text("0.21")
    expect(page.locator("#water-values")).not_to_contain_text("0.93")
    assert page.evaluate("window.notReloaded") is True

    page.goto("/environment/water/sources?lang=zh_Hans")
    expect(page.locator("#sources-table")).to_contain_text("白河水库")
    assert_accessible(page)
    _no_sideways_scroll(page)

    page.goto("/environment/data?lang=zh_Hans")
    expect(page.locator("main")).to_contain_text("/api/v1/water/sections")
    assert_accessible(page)
    _no_sideways_scroll(page)
    assert errors == []


def test_water_page_works_without_javascript(phone_without_js, water_data, assert_accessible_without_js):
    page = phone_without_js.new_page()
    page.goto("/environment/water/?lang=en")
    page.select_option("#f-month", "2025-02")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"month=2025-02"))
    expect(page.locator("#water-sections caption")).to_contain_text("2025-02")
    assert_accessible_without_js(page)
