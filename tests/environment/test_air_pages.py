"""The public air pages: full pages and htmx fragments, empty states, provisional marks, bad parameters, languages."""
import re
from datetime import date

import pytest

from app.environment.aqi import CATEGORIES
from tests.environment import air_rows as rows
from tests.environment import factories as sites

HX = {"HX-Request": "true"}
PAGES = ["/environment/", "/environment/air/history", "/environment/air/history?view=month",
         "/environment/air/history?view=year", "/environment/air/ranking", "/environment/air/ranking?year=2025",
         "/environment/map"]


@pytest.fixture
def air(session):
    """A city with a district, two stations with hours and days, the city's and the district's days and periods."""
    city, district = rows.city_and_district(session)
    other = rows.factories.place(session, code="lake", name_zh_hans="湖滨区", name_en="Lakeside")
    national = sites.station(session, place=district, code="S1", name_zh_hans="白河监测站", name_en="Baihe Station")
    municipal = sites.station(session, place=other, code="S2", control_level="municipal", name_zh_hans="湖滨站",
                              name_en="")
    rows.hour(session, national, rows.utc(2025, 3, 14, 22), aqi=120, primary="pm25", state="provisional", pm25=90.0)
    rows.hour(session, national, rows.utc(2025, 3, 14, 23), aqi=160, primary="pm25", state="provisional", pm25=122.0)
    rows.hour(session, municipal, rows.utc(2025, 3, 14, 23), aqi=30)
    for number in range(1, 16):
        rows.station_day(session, national, date(2025, 3, number), aqi=40 + number)
        rows.place_day(session, city, date(2025, 3, number), aqi=30 + number * 5,
                       primary="" if number < 5 else "o3", provisional=number == 15)
    rows.place_day(session, city, date(2025, 2, 28), aqi=70, primary="pm25")
    for place, index, ratio in ((district, 4.1, 80.0), (other, 3.2, 93.3), (city, 3.6, 86.7)):
        rows.place_period(session, place, "2025-03", composite_index=index, good_ratio=ratio)
        rows.place_period(session, place, "2024-03", composite_index=index + 0.4, good_ratio=ratio - 5, pm25=40.0)
        rows.place_period(session, place, "2025-02", composite_index=index, good_ratio=ratio, provisional=True)
        rows.place_period(session, place, "2024", composite_index=index, good_ratio=ratio)
    session.commit()
    return {"city": city, "district": district, "other": other, "national": national, "municipal": municipal}


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES + ["/environment/air/stations/S1"])
def test_every_page_renders_whole_and_as_a_fragment(client, air, url):
    page = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert page.status_code == 200
    assert "<html" in text_of(page) and "environment.css" in text_of(page)
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in text_of(fragment) and "HX-Request" in fragment.headers["Vary"]
    assert re.match(r'\s*(?:<div id="(air-now|air-history|air-ranking|station-data|site-map)")', text_of(fragment))


@pytest.mark.parametrize("url", PAGES + ["/environment/air/stations/S9"])
def test_pages_without_any_data_say_so(client, session, url):
    response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    if url.endswith("S9"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert re.search(r"No (daily )?air quality figures|been set up yet|No monthly|No figures have been published",
                     text_of(response))


@pytest.mark.parametrize("locale", ["en", "zh_Hant", "zh_Hans"])
@pytest.mark.parametrize("url", PAGES + ["/environment/air/stations/S2"])
def test_pages_render_in_every_language(client, air, url, locale):
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={locale}")
    assert response.status_code == 200


def test_home_shows_the_city_day_with_advice_and_every_stations_latest_hour(client, air):
    body = text_of(client.get("/environment/?lang=en"))
    city_section = body.split('id="city-air-heading"')[1].split("</section>")[0]
    assert "AQI 105" in city_section and "Level 3, lightly polluted" in city_section  # 15 March, 30 + 75
    assert "Ozone, 8 hours" in city_section  # daily O3 from the 8-hour maximum
    assert "Children, the elderly and people with heart or respiratory disease" in city_section
    assert "Real-time data, not yet audited" in city_section  # the day is still provisional
    assert 'class="aqi aqi-3"' in city_section
    # The latest hour of each station: 160 (level 4) for S1, not its earlier 120.
    assert "AQI 160" in body and "AQI 120" not in body and 'class="aqi aqi-4"' in body
    assert "Level 4, moderately polluted" in body and "Fine particulate matter (PM2.5)" in body
    assert "/environment/air/stations/S1" in body
    city_part, other_part = body.split("Other stations")
    assert "Baihe Station" in city_part and "湖滨站" in other_part  # municipal: not a city station
    assert '<span lang="zh-Hans">湖滨站</span>' in other_part  # no English name: marked as Chinese
    assert 'href="/environment/water/"' in body


def test_a_validated_hour_is_not_marked_provisional(client, air):
    body = text_of(client.get("/environment/?lang=en"))
    other_part = body.split("Other stations")[1]
    assert "AQI 30" in other_part and "Audited" in other_part and "not yet audited" not in other_part


def test_a_new_station_without_hours_is_listed_with_no_values(client, air, session):
    sites.station(session, place=air["district"], code="NEW1", name_zh_hans="新站", name_en="")
    session.commit()
    body = text_of(client.get("/environment/?lang=en"))
    assert "新站" in body and "No values yet." in body
    station_page = client.get("/environment/air/stations/NEW1?lang=en")
    assert station_page.status_code == 200
    assert "has not reported any hourly values yet" in text_of(station_page)
    assert "No daily figures have been published for this station yet." in text_of(station_page)


def test_category_colours_follow_hj_633_with_readable_text(app):
    css = (app.static_folder + "/css/environment.css")
    with open(css, encoding="utf-8") as handle:
        sheet = handle.read()
    for category in CATEGORIES:
        rule = re.search(rf"\.aqi-{category.level} \{{ background: ([#0-9a-f]+); color: ([#0-9a-f]+); \}}", sheet)
        assert rule, category
        assert (rule.group(1), rule.group(2)) == (category.colour, category.text_colour)


def test_category_key_names_every_category(client, air):
    body = text_of(client.get("/environment/?lang=en"))
    key = body.split('class="aqi-key"')[1].split("</ul>")[0]
    for title in ("Level 1, excellent", "Level 2, good", "Level 3, lightly polluted", "Level 4, moderately polluted",
                  "Level 5, heavily polluted", "Level 6, severely polluted"):
        assert title in key
    assert "301+" in key


def test_history_day_view_shows_the_latest_month_as_chart_and_table(client, air):
    body = text_of(client.get("/environment/air/history?lang=en"))
    assert "daily AQI in 2025-03" in body
    assert '<svg viewBox="0 0 360 180" role="img" aria-labelledby="chart-aqi">' in body
    assert 'fill="#ff7e00"' in body  # a bar of a lightly polluted day in its category's colour
    assert body.count("<time datetime=\"2025-03-") == 15
    assert "Earlier month: 2025-02" in body and "Later month" not in body
    assert 'hx-get="/environment/air/history?place=city&amp;view=day&amp;month=2025-02"' in body
    assert "Real-time data, not yet audited" in body  # 15 March


def test_history_day_view_of_another_month_and_a_month_without_days(client, air):
    body = text_of(client.get("/environment/air/history?month=2025-02&lang=en"))
    assert "daily AQI in 2025-02" in body and "AQI 70" in body and "Later month: 2025-03" in body
    body = text_of(client.get("/environment/air/history?month=2019-01&lang=en"))
    assert "No daily figures for this month." in body


def test_history_month_and_year_views(client, air):
    body = text_of(client.get("/environment/air/history?view=month&place=hills&lang=en"))
    assert "Baihe County: months of 2025" in body
    assert "80.0 %" in body and 'aria-labelledby="chart-ratio"' in body and 'aria-labelledby="chart-pm25"' in body
    assert "Earlier year: 2024" in body
    assert "/environment/air/history?place=hills&amp;view=day&amp;month=2025-03" in body
    body = text_of(client.get("/environment/air/history?view=year&place=hills&lang=en"))
    assert "Baihe County: every year" in body and "<th scope=\"row\">2024</th>" in body
    assert "2025-03" not in body.split("<tbody>")[1]


@pytest.mark.parametrize("query, message", [
    ("place=nowhere", "There is no city or district with the code"),
    ("view=week", "The view must be one of"),
    ("month=2025-13", "The month must be written as year and month"),
    ("month=March", "The month must be written as year and month"),
    ("view=month&year=25", "The year must be written with four digits"),
    ("view=month&year=99999", "The year must be written with four digits"),
])
def test_history_refuses_bad_parameters_with_a_clear_400(client, air, query, message):
    response = client.get(f"/environment/air/history?{query}&lang=en")
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Traceback" not in text_of(response)


def test_bad_parameters_escape_what_was_typed(client, air):
    response = client.get("/environment/air/history?place=%3Cscript%3Ealert(1)%3C/script%3E&lang=en")
    assert response.status_code == 400
    assert "<script>alert(1)" not in text_of(response) and "&lt;script&gt;" in text_of(response)


def test_ranking_orders_districts_by_composite_index_and_by_good_days(client, air):
    body = text_of(client.get("/environment/air/ranking?lang=en"))
    assert "Ranking of 2025-03" in body
    by_index = body.split('id="rank-index-caption"')[1].split("</table>")[0]
    assert by_index.index("Lakeside") < by_index.index("Baihe County")
    assert "3.20" in by_index and "-11.1 %" in by_index  # 3.2 against 3.6 a year before
    assert "-25.0 %" in by_index  # PM2.5 30 against 40
    city_row = by_index.split("<tfoot>")[1]
    assert "Yunxi" in city_row and "3.60" in city_row
    by_ratio = body.split('id="rank-ratio-caption"')[1].split("</table>")[0]
    assert by_ratio.index("Lakeside") < by_ratio.index("Baihe County") and "+5.0" in by_ratio
    assert "Earlier: 2025-02" in body and "Yearly ranking: 2024" in body


def test_ranking_of_a_provisional_month_says_so(client, air):
    body = text_of(client.get("/environment/air/ranking?month=2025-02&lang=en"))
    assert "still rest on real-time data" in body
    assert "—" in body.split('id="rank-index-caption"')[1].split("</tbody>")[0]  # no year before: no change


def test_ranking_of_a_year_and_of_a_period_without_figures(client, air):
    body = text_of(client.get("/environment/air/ranking?year=2024&lang=en"))
    assert "Ranking of the year 2024" in body and "Monthly ranking" in body
    body = text_of(client.get("/environment/air/ranking?month=2019-05&lang=en"))
    assert "No figures have been published for this period." in body


@pytest.mark.parametrize("query, message", [
    ("month=2025-3", "The month must be written"),
    ("month=2025-03&year=2025", "Choose a month or a year, not both."),
    ("year=abcd", "The year must be written"),
])
def test_ranking_refuses_bad_parameters(client, air, query, message):
    response = client.get(f"/environment/air/ranking?{query}&lang=en")
    assert response.status_code == 400 and message in text_of(response)


def test_ranking_gives_equal_published_figures_equal_ranks(client, air, session):
    third = rows.factories.place(session, code="hill2", name_zh_hans="三区", name_en="Third")
    rows.place_period(session, third, "2025-03", composite_index=3.2049, good_ratio=70.0)
    session.commit()
    by_index = text_of(client.get("/environment/air/ranking?lang=en")).split('id="rank-index-caption"')[1]
    ranks = re.findall(r'<tr><td class="num">(\d+)</td>', by_index.split("</tbody>")[0])
    assert ranks == ["1", "1", "3"]


def test_station_page_shows_24_hours_30_days_level_and_district(client, air):
    body = text_of(client.get("/environment/air/stations/S1?lang=en"))
    assert "<h1>Baihe Station</h1>" in body and "National control" in body and "Baihe County" in body
    assert "(counts for the city" in body
    hours = body.split('id="hours-caption"')[1].split("</table>")[0]
    assert hours.index("AQI 160") < hours.index("AQI 120")  # newest first
    assert "Real-time data, not yet audited" in hours and "122" in hours
    days = body.split('id="days-caption"')[1].split("</table>")[0]
    assert days.count("<time") == 15 and "AQI 55" in days
    assert 'aria-labelledby="chart-hours"' in body and 'aria-labelledby="chart-days"' in body


def test_station_page_keeps_only_the_24_hours_up_to_the_latest(client, air, session):
    rows.hour(session, air["national"], rows.utc(2025, 3, 13, 23), aqi=77)  # exactly 24 hours before the latest
    rows.hour(session, air["national"], rows.utc(2025, 3, 14, 0), aqi=88)
    session.commit()
    body = text_of(client.get("/environment/air/stations/S1?lang=en"))
    assert "AQI 88" in body and "AQI 77" not in body


def test_unknown_or_inactive_station_is_not_found(client, air, session):
    air["municipal"].active = False
    session.commit()
    assert client.get("/environment/air/stations/S2").status_code == 404
    assert client.get("/environment/air/stations/nothing").status_code == 404


def test_site_map_draws_each_kind_and_lists_every_site(client, air, session):
    sites.section(session, place=air["district"], name_zh_hans="白河断面", name_en="Baihe Section", target_class=2)
    sites.source(session, place=air["district"], name_zh_hans="水库水源地", name_en="Reservoir Source", kind="ground")
    sites.station(session, place=air["district"], code="FAR", name_zh_hans="远站", name_en="", latitude=None,
                  longitude=None)
    session.commit()
    body = text_of(client.get("/environment/map?lang=en"))
    assert 'role="img" aria-labelledby="site-map-title"' in body
    assert body.count('class="site-air"') == 2 and 'class="site-water"' in body and 'class="site-source"' in body
    assert 'fill="#ff0000"' in body  # S1's latest AQI 160
    for name in ("Baihe Station", "Baihe Section", "Reservoir Source", "远站"):
        assert name in body
    assert "(not on the map: no position)" in body and "Ⅱ" in body and "Groundwater" in body
    air_only = text_of(client.get("/environment/map?kind=air&lang=en"))
    assert "Baihe Station" in air_only and "Baihe Section" not in air_only


def test_site_map_refuses_an_unknown_kind(client, air):
    response = client.get("/environment/map?kind=volcano&lang=en")
    assert response.status_code == 400 and "The kind of site must be one of" in text_of(response)


def test_names_are_escaped(client, session):
    city, district = rows.city_and_district(session, district_name="<b>区</b>")
    sites.station(session, place=district, code="X1", name_zh_hans="<script>站</script>")
    rows.place_period(session, district, "2025-03")
    session.commit()
    for url in ("/environment/", "/environment/air/stations/X1", "/environment/map", "/environment/air/ranking",
                "/environment/air/history?place=hills"):
        body = text_of(client.get(url))
        assert "<script>站" not in body and "<b>区</b>" not in body, url


def test_menu_has_the_environmental_quality_entry(client, air):
    body = text_of(client.get("/environment/air/ranking?lang=en"))
    nav = body.split('class="main-nav"')[1].split("</nav>")[0]
    assert '<a href="/environment/" aria-current="page">Environmental quality</a>' in nav


def test_names_inside_translated_sentences_are_escaped_once(client, session):
    city, district = rows.city_and_district(session, district_name="A&B<区>")
    rows.place_day(session, district, date(2025, 3, 1))
    session.commit()
    body = text_of(client.get("/environment/air/history?place=hills&lang=zh_Hans"))
    assert "A&amp;B&lt;区&gt;：2025-03 每日空气质量指数" in body and "&amp;amp;" not in body and "&amp;lt;" not in body
