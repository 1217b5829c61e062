"""Alerts: heavy-pollution days and sections below target on the home page and in the Atom feed."""
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import event

from app.environment import alerts
from app.extensions import db
from app.i18n import local_today
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as sites
from tests.environment import water_rows

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def places(session):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市", name_en="Yunxi")
    district = factories.place(session, code="hills", name_zh_hans="白河县", name_en="Baihe County")
    session.commit()
    return city, district


def _home(client) -> str:
    response = client.get("/?lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_home_has_no_alert_box_when_nothing_is_wrong(client, session, places):
    water_rows.place_day(session, places[0], local_today(), aqi=150)  # 中度污染 is not heavy
    session.commit()
    assert "Environmental alerts" not in _home(client)


def test_heavy_pollution_today_or_yesterday_is_on_the_home_page(client, session, places):
    city, district = places
    water_rows.place_day(session, district, local_today() - timedelta(days=1), aqi=201, provisional=True)
    water_rows.place_day(session, city, local_today(), aqi=200)  # exactly 200 is still 中度污染
    session.commit()
    html = _home(client)
    assert "Environmental alerts" in html and "Heavy air pollution:" in html
    assert "Baihe County" in html and "AQI 201" in html and "Level 5, heavily polluted" in html
    assert "AQI 200" not in html
    assert "(provisional)" in html


def test_a_heavy_day_older_than_yesterday_is_no_longer_current(client, session, places):
    row = water_rows.place_day(session, places[0], local_today() - timedelta(days=1), aqi=320)
    session.commit()
    assert "Level 6, severely polluted" in _home(client)
    row.day = local_today() - timedelta(days=2)
    session.commit()
    assert "Environmental alerts" not in _home(client)


def test_a_section_below_target_in_the_newest_month_is_an_alert_until_a_newer_month(client, session, places):
    section = sites.section(session, place=places[1], code="S1", name_en="Bridge", water_en="Clear River",
                            target_class=3)
    water_rows.section_sample(session, section, "2025-03", water_class=5)
    session.commit()
    html = _home(client)
    assert "Water below target:" in html
    assert "Bridge (Clear River, Baihe County) was class Ⅴ in 2025-03, worse than its target Ⅲ" in html
    assert "/environment/water/sections/S1?month=2025-03" in html
    water_rows.section_sample(session, section, "2025-04", water_class=3)
    session.commit()
    assert "Environmental alerts" not in _home(client)


def test_alerts_escape_names(client, session, places):
    section = sites.section(session, place=places[1], name_en="<img src=x onerror=alert(1)>", target_class=2)
    water_rows.section_sample(session, section, "2025-03", water_class=4)
    session.commit()
    html = _home(client)
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_current_alerts_cost_two_queries_however_much_data(client, session, places):
    section = sites.section(session, place=places[1], target_class=2)
    for month in range(1, 13):
        water_rows.section_sample(session, section, f"2024-{month:02d}", water_class=4)
    for days in range(30):
        water_rows.place_day(session, places[0], local_today() - timedelta(days=days), aqi=250)
    session.commit()
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = alerts.current_alerts(db.session)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [a.kind for a in found] == ["air", "air", "water"]
    assert len(seen) == 2
    assert re.search(r"air_place_days\.day >=", seen[0])


def test_alerts_on_the_water_page_and_the_data_page(client, session, places):
    water_rows.place_day(session, places[0], local_today(), aqi=260)
    session.commit()
    for url in ("/environment/water/?lang=en", "/environment/data?lang=en"):
        assert "Heavy air pollution:" in client.get(url).get_data(as_text=True)


def _feed(client):
    response = client.get("/environment/alerts.atom?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())


def test_feed_is_valid_atom_with_the_alerts_of_90_days(client, session, places):
    city, district = places
    today = local_today()
    water_rows.place_day(session, city, today - timedelta(days=89), aqi=240)
    water_rows.place_day(session, city, today - timedelta(days=90), aqi=240)  # too old
    water_rows.place_day(session, district, today - timedelta(days=3), aqi=180)  # not heavy
    section = sites.section(session, place=district, code="S7", name_en="Bridge", target_class=3)
    month = f"{today.year:04d}-{today.month:02d}"
    water_rows.section_sample(session, section, month, water_class=6, state="provisional")
    session.commit()
    root = _feed(client)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text.startswith("Environmental alerts")
    assert root.find(f"{ATOM}id").text.startswith("urn:uuid:")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0].startswith("Bridge") and "劣Ⅴ" in titles[0] and titles[0].endswith("(provisional)")
    assert "AQI 240" in titles[1]
    for entry in entries:
        for tag in ("id", "updated", "published", "summary"):
            assert entry.find(f"{ATOM}{tag}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/environment/water/sections/S7?month={month}")
    assert len({e.find(f"{ATOM}id").text for e in entries}) == 2


def test_feed_without_alerts_is_an_empty_valid_feed(client, session, places):
    root = _feed(client)
    assert root.findall(f"{ATOM}entry") == [] and root.find(f"{ATOM}updated").text


def test_feed_ids_stay_the_same_between_requests(client, session, places):
    water_rows.place_day(session, places[0], local_today(), aqi=260)
    session.commit()
    first = [e.find(f"{ATOM}id").text for e in _feed(client).findall(f"{ATOM}entry")]
    assert first == [e.find(f"{ATOM}id").text for e in _feed(client).findall(f"{ATOM}entry")]


def test_alert_names_only_in_chinese_are_marked_on_english_pages(client, session, places):
    section = sites.section(session, place=places[1], name_zh_hans="青石渡", name_en="", target_class=3)
    water_rows.section_sample(session, section, "2025-03", water_class=6)
    session.commit()
    html = _home(client)
    assert '<span lang="zh-Hans">青石渡</span>' in html and '<span lang="zh-Hans">劣Ⅴ</span>' in html
