"""Site-wide layout: one current menu entry, the large-text button's state, named focusable table regions, the
persistent live region for htmx filters, unique chart ids, and the tracking code."""
import re
from decimal import Decimal

import pytest
from flask import render_template_string

from app.org.models import PlaceLevel
from tests import factories

REGION = re.compile(r'<div\b[^>]*class="table-scroll"[^>]*>')


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def city(session, staff):
    """The city, a district and a catalogue with values for 2024 and 2025, and a published sampled survey."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly")
    district = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    measure = catalogue.domains[1].task_groups[0].indicators[0].measures[0]
    for period, number in (("2024", "98"), ("2025", "100")):
        for place in (city, district):
            factories.approved_value(session, measure, place, period=period, numeric_value=Decimal(number),
                                     evidence="年报")
    survey = factories.survey(session, staff["admin"], responses=10, state="closed", indicator_period="2025")
    session.commit()
    return survey


def current_menu_entries(html: str) -> list[str]:
    menu = html[html.index('<nav class="main-nav"'):html.index("</nav>", html.index('<nav class="main-nav"'))]
    return re.findall(r'<a href="([^"]+)" aria-current="page"', menu)


@pytest.mark.parametrize("path, current", [
    ("/", "/"),
    ("/tips/new", "/tips/new"),
    ("/tips/", "/tips/"),
    ("/tips/stats", "/tips/"),
    ("/tips/track", "/tips/"),
    ("/notices/", "/notices/"),
    ("/privacy", None),
])
def test_one_menu_entry_at_most_is_the_current_page(client, path, current):
    entries = current_menu_entries(client.get(path).get_data(as_text=True))
    assert entries == ([current] if current else [])


def test_the_staff_area_is_the_current_entry_in_the_back_office(client, auth, staff):
    auth.login("admin")
    assert current_menu_entries(client.get("/admin/audit").get_data(as_text=True)) == ["/admin/"]


def test_the_large_text_button_says_whether_it_is_on(client):
    off = client.get("/").get_data(as_text=True)
    assert re.search(r'aria-pressed="false">Large text <span class="toggle-state" aria-hidden="true">switched off', off)
    client.set_cookie("elder", "1")
    on = client.get("/").get_data(as_text=True)
    assert '<html lang="en" class="elder">' in on
    assert re.search(r'aria-pressed="true">Large text <span class="toggle-state" aria-hidden="true">switched on', on)


@pytest.mark.parametrize("path", ["/indicators/", "/indicators/districts", "/indicators/report", "/indicators/2",
                                  "/tips/", "/tips/stats", "/disclosure/annual-report/2025", "survey-results"])
def test_every_table_region_is_focusable_and_named(client, city, path):
    if path == "survey-results":
        path = f"/surveys/{city.id}/results"
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    regions = REGION.findall(html)
    assert regions and html.count("<table") == len(regions), "every table sits in a scrolling region"
    for region in regions:
        assert 'tabindex="0"' in region and 'role="region"' in region, region
        named_by = re.search(r'aria-labelledby="([^"]+)"', region)
        assert named_by or re.search(r'aria-label="[^"]+"', region), region
        if named_by:
            assert f'id="{named_by.group(1)}"' in html, region
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique"


@pytest.mark.parametrize("path, target", [("/indicators/", "indicator-results"),
                                          ("/indicators/districts", "district-table"),
                                          ("/tips/", "tip-list"), ("/tips/stats", "tip-stats"),
                                          ("/notices/", "notice-results")])
def test_filter_results_are_announced_by_a_live_region_outside_the_swap(client, city, path, target):
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'<div id="live-status" class="visually-hidden" role="status" aria-live="polite" '
                     r'data-updated="Results updated.">', html)
    assert f'hx-target="#{target}"' in html
    fragment = client.get(path, headers={"HX-Request": "true"}).get_data(as_text=True).split('<div id="flashes"')[0]
    assert f'id="{target}"' in fragment and "aria-live" not in fragment and "live-status" not in fragment


def test_two_charts_on_a_page_have_their_own_title_ids(app):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "_macros/indicators.html" import line_chart %}'
            '{{ line_chart(points, "PM2.5", "μg/m³", "chart-1") }}{{ line_chart(points, "PM10", "μg/m³", "chart-2") }}',
            points=[("2024", 30), ("2025", 28)])
    assert re.findall(r'aria-labelledby="([^"]+)"', html) == ["chart-1", "chart-2"]
    assert re.findall(r'<title id="([^"]+)"', html) == ["chart-1", "chart-2"]


def test_the_tracking_code_stays_whole_and_can_be_copied(client):
    with client.session_transaction() as cookie_session:
        cookie_session["new_tip_code"] = "ABCD-EFGH-JKMN-PQRS"
    html = client.get("/tips/submitted").get_data(as_text=True)
    assert '<code id="tracking-code" class="code-value" translate="no">ABCD-EFGH-JKMN-PQRS</code>' in html
    # The copy button needs the script, so it starts hidden; without it the code is selected with one click.
    assert re.search(r'<button type="button" class="button copy-button" data-copy="tracking-code" '
                     r'data-copied="Copied" hidden>Copy the code</button>', html)
