"""Residents read the air pages on a phone: today's air, the history, the ranking, a station and the site map.

DATA ADDED HERE: the shared `live_app` has no environment data, so `air_data` (once per session) adds to its
database two air stations in the district "hills" (one national, one new without hours), a water section and a
drinking-water source, the latest 24 hours of one station, 40 days of the city's and the station's days
(ending yesterday) and three months of evaluated periods for the city and "hills". Nothing else reads them.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, DrinkingSource,
                                    WaterSection)
from app.extensions import db
from app.i18n import local_today
from app.org.models import Bureau, Place
from tests.browser.conftest import assert_accessible

PAGES = ["/environment/", "/environment/air/history", "/environment/air/history?view=month",
         "/environment/air/history?view=year", "/environment/air/ranking", "/environment/air/stations/B-AIR1",
         "/environment/air/stations/B-AIR2", "/environment/map"]


@pytest.fixture(scope="session")
def air_data(live_app):
    with live_app.app_context():
        session = db.session
        if session.scalar(select(AirStation).where(AirStation.code == "B-AIR1")):
            return
        city = session.scalar(select(Place).where(Place.code == "city"))
        district = session.scalar(select(Place).where(Place.code == "hills"))
        bureau = session.scalar(select(Bureau).where(Bureau.code == "eeb"))
        common = dict(place=district, bureau=bureau)
        station = AirStation(code="B-AIR1", name_zh_hans="白河监测站", name_en="Baihe Station", latitude=30.2,
                             longitude=113.1, control_level="national", **common)
        fresh = AirStation(code="B-AIR2", name_zh_hans="新建站", latitude=30.8, longitude=114.0,
                           control_level="municipal", **common)
        session.add_all([station, fresh,
                         WaterSection(code="B-WAT1", name_zh_hans="白河断面", water_zh_hans="白河", latitude=31.0,
                                      longitude=112.5, control_level="provincial", body="river", target_class=3,
                                      **common),
                         DrinkingSource(code="B-SRC1", name_zh_hans="白河水库水源地", latitude=29.8, longitude=114.6,
                                        kind="surface", body="lake", **common)])
        now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        aqis = [35, 62, 118, 160, 230, 320]
        for back in range(24):
            aqi = aqis[back % 6]
            session.add(AirHour(station=station, observed_at=now - timedelta(hours=back), aqi=aqi,
                                primary_pollutants="" if aqi <= 50 else "pm25", pm25=aqi * 0.6, pm10=aqi, o3=50.0,
                                state="provisional", origin="demo"))
        today = local_today()
        for back in range(1, 41):
            day, aqi = today - timedelta(days=back), aqis[back % 6]
            values = dict(aqi=aqi, primary_pollutants="" if aqi <= 50 else "o3", pm25=aqi * 0.5, pm10=aqi * 0.9,
                          o3_8h_max=aqi * 1.2, o3_1h_max=aqi * 1.3)
            session.add(AirDay(station=station, day=day, state="validated" if back > 3 else "provisional",
                               origin="demo", **values))
            session.add(AirPlaceDay(place=city, day=day, stations=1, provisional=back <= 3, **values))
        for place, index in ((city, 3.9), (district, 4.2)):
            for months_back in range(1, 4):
                month = (today.replace(day=1) - timedelta(days=28 * months_back)).strftime("%Y-%m")
                for period, offset in ((month, 0), (f"{int(month[:4]) - 1}{month[4:]}", 0.5)):
                    if session.scalar(select(AirPlacePeriod).where(AirPlacePeriod.place == place,
                                                                   AirPlacePeriod.period == period)):
                        continue
                    session.add(AirPlacePeriod(place=place, period=period, pm25=32.0 + offset * 10, pm10=60.0,
                                               so2=8.0, no2=24.0, co_p95=1.0, o3_8h_p90=150.0, valid_days=30,
                                               good_days=26, days_by_level="12,14,4,0,0,0", good_ratio=86.7,
                                               composite_index=index + offset, meets_grade2=None,
                                               provisional=months_back == 1))
        session.commit()


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("url", PAGES)
def test_air_pages_on_a_phone_are_accessible_and_fit(phone, air_data, url):
    page = phone.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    response = page.goto(url + ("&" if "?" in url else "?") + "lang=zh_Hans")
    assert response.status == 200
    assert_accessible(page)
    _fits_the_screen(page)
    assert errors == []


def test_today_shows_the_category_in_words_and_the_provisional_mark(phone, air_data):
    page = phone.new_page()
    page.goto("/environment/?lang=en")
    headline = page.locator(".aqi-headline")
    expect(headline).to_contain_text(re.compile(r"AQI \d+ Level \d"))
    expect(page.locator("main")).to_contain_text("Real-time data, not yet audited")
    expect(page.get_by_role("link", name="Baihe Station")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Environmental quality")) \
        .to_have_attribute("aria-current", "page")


def test_switching_months_swaps_the_history_without_a_reload(phone, air_data):
    page = phone.new_page()
    page.goto("/environment/air/history?lang=en")
    heading = page.locator("#air-history h2")
    first = heading.inner_text()
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name=re.compile("Earlier month")).click()
    expect(heading).not_to_have_text(first)
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page)
    page.select_option("#f-view", "month")
    expect(heading).to_contain_text("months of")
    assert page.evaluate("window.notReloaded") is True


def test_history_and_map_work_without_javascript(phone_without_js, air_data):
    page = phone_without_js.new_page()
    page.goto("/environment/air/history?lang=en")
    page.get_by_role("link", name=re.compile("Earlier month")).click()
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))
    page.goto("/environment/map?lang=en")
    page.select_option("#f-kind", "water")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"kind=water"))
    expect(page.locator("main")).to_contain_text("白河断面")
    expect(page.locator("main")).not_to_contain_text("Baihe Station")
