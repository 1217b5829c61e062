"""The air pages' read questions and chart geometry: parameters, readings, rankings, index use, flat cost."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from app.environment import charts, queries
from app.environment.aqi import Pollutant
from app.environment.models import AirDay, AirPlaceDay
from app.extensions import db
from tests.conftest import PG_URL
from tests.environment import air_rows as rows
from tests.environment import factories as sites


@pytest.mark.parametrize("value, expected", [("2025-03", (2025, 3)), ("2025-12", (2025, 12)), ("2025-13", None),
                                             ("2025-00", None), ("2025-3", None), ("1999-01", None),
                                             ("2025-03x", None), ("", None), ("２０２５-03", None)])
def test_parse_month(value, expected):
    assert queries.parse_month(value) == expected


@pytest.mark.parametrize("value, expected", [("2025", 2025), ("25", None), ("20250", None), ("abcd", None),
                                             ("2101", None), ("٢٠٢٥", None)])
def test_parse_year(value, expected):
    assert queries.parse_year(value) == expected


def test_periods_a_year_before_and_month_bounds():
    assert queries.year_before("2025-03") == "2024-03" and queries.year_before("2025") == "2024"
    assert queries.month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert queries.month_bounds(2025, 12) == (date(2025, 12, 1), date(2025, 12, 31))


def test_primary_pollutants_keep_the_standards_order_and_drop_unknown_keys():
    assert queries.primary_of("pm25,o3,bogus") == (Pollutant.O3, Pollutant.PM25)
    assert queries.primary_of("") == ()


def test_a_days_ozone_is_named_by_the_maximum_that_gave_its_index():
    eight = AirPlaceDay(aqi=120, primary_pollutants="o3", provisional=False, o3_8h_max=200.0, o3_1h_max=210.0)
    one = AirPlaceDay(aqi=160, primary_pollutants="o3", provisional=True, o3_8h_max=150.0, o3_1h_max=300.0)
    beyond = AirDay(aqi=400, primary_pollutants="o3", state="validated", o3_8h_max=900.0, o3_1h_max=1000.0)
    assert queries.day_reading(eight).o3_daily is True
    assert queries.day_reading(one).o3_daily is False and queries.day_reading(one).provisional is True
    assert queries.day_reading(beyond).o3_daily is False and queries.day_reading(beyond).category.level == 6


def test_a_day_without_aqi_has_no_category():
    reading = queries.day_reading(AirPlaceDay(aqi=None, primary_pollutants="", provisional=False))
    assert reading.aqi is None and reading.category is None


@pytest.mark.parametrize("high, top", [(0, 1), (3, 3), (45, 50), (160, 200), (301, 400), (100, 100), (12.5, 15),
                                       (0.7, 1)])
def test_nice_top(high, top):
    assert charts.nice_top(high) == pytest.approx(top)


def test_bar_chart_scales_bars_and_leaves_missing_values_empty():
    chart = charts.bar_chart([("1", 50, "#00e400"), ("2", None, None), ("3", 100, None)], reference=100)
    assert chart is not None and [bar.label for bar in chart.bars] == ["1", "3"]
    first, third = chart.bars
    assert third.height == pytest.approx(2 * first.height) and third.fill == charts.BAR_FILL
    assert first.y + first.height == pytest.approx(chart.baseline)
    assert chart.reference is not None and chart.reference.y == pytest.approx(third.y)
    assert [tick.label for tick in chart.ticks] == ["0", "20", "40", "60", "80", "100"]


def test_bar_chart_of_a_month_labels_every_fifth_day_and_keeps_high_values_inside():
    chart = charts.bar_chart([(str(n), 600 if n == 2 else 40, None) for n in range(1, 32)], top=500)
    assert [bar.label for bar in chart.bars if bar.show_label] == ["1", "6", "11", "16", "21", "26", "31"]
    assert min(bar.y for bar in chart.bars) >= charts.TOP - 0.1
    assert charts.bar_chart([("1", None, None)]) is None and charts.bar_chart([]) is None


def test_map_points_are_projected_north_up_and_outside_points_left_off():
    bounds = "29.0,32.5,111.0,116.5"
    point = charts.map_point(32.5, 111.0, bounds)
    assert (point.x, point.y) == (0, 0)
    point = charts.map_point(29.0, 116.5, bounds)
    assert (point.x, point.y) == (1000, 1000)
    assert charts.map_point(None, 112.0, bounds) is None and charts.map_point(40.0, 112.0, bounds) is None


def test_stations_now_takes_each_stations_latest_hour(session):
    city, district = rows.city_and_district(session)
    first = sites.station(session, place=district)
    second = sites.station(session, place=district)
    sites.station(session, place=district, active=False)
    for hour in range(5):
        rows.hour(session, first, rows.utc(2025, 3, 1, hour), aqi=10 + hour)
    rows.hour(session, second, rows.utc(2024, 1, 1, 0), aqi=99)
    found = {now.station.id: now for now in queries.stations_now(session)}
    assert set(found) == {first.id, second.id}
    assert found[first.id].hour.aqi == 14 and found[second.id].hour.aqi == 99


def _statements(session, call) -> int:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_page_cost_does_not_grow_with_years_of_data(client, session):
    city, district = rows.city_and_district(session)
    station = sites.station(session, place=district, code="S1")
    session.commit()
    urls = ["/environment/", "/environment/air/history", "/environment/air/history?view=month",
            "/environment/air/ranking", "/environment/air/stations/S1"]

    def add_year(year):
        start = date(year, 1, 1)
        for offset in range(0, 365, 3):
            day = start + timedelta(days=offset)
            rows.place_day(session, city, day)
            rows.station_day(session, station, day)
        for month in range(1, 13):
            for place in (city, district):
                rows.place_period(session, place, f"{year}-{month:02d}")
        for hour in range(0, 48):
            rows.hour(session, station, rows.utc(year, 12, 30, 0) + timedelta(hours=hour))
        session.commit()

    add_year(2024)
    before = {url: _statements(session, lambda url=url: client.get(url)) for url in urls}
    add_year(2022)
    add_year(2023)
    after = {url: _statements(session, lambda url=url: client.get(url)) for url in urls}
    assert before == after


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's query plan")
def test_latest_hours_are_read_through_the_unique_index_never_a_scan(session):
    city, district = rows.city_and_district(session)
    station = sites.station(session, place=district)
    rows.hour(session, station, rows.utc(2025, 3, 1, 1))
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "air_hours" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        queries.stations_now(session)
        queries.station_hours(session, station.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert captured
    connection = session.connection()
    for statement, parameters in captured:
        plan = " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                         parameters))
        assert "SCAN air_hours" not in plan, plan
        # The unique (station_id, observed_at) index (SQLite names it sqlite_autoindex_air_hours_…).
        assert "INDEX sqlite_autoindex_air_hours" in plan and "(station_id=?" in plan, plan


def test_ranking_compares_with_the_same_month_a_year_before(session):
    city, district = rows.city_and_district(session)
    rows.place_period(session, district, "2025-03", composite_index=3.0, good_ratio=90.0, pm25=30.0)
    rows.place_period(session, district, "2024-03", composite_index=4.0, good_ratio=85.0, pm25=40.0)
    rows.place_period(session, district, "2025-02", composite_index=1.0, good_ratio=100.0, pm25=10.0)
    result = queries.ranking(session, "2025-03")
    row = result.by_index[0]
    assert row.index_change == pytest.approx(-25.0) and row.ratio_change == pytest.approx(5.0)
    assert row.pm25_change == pytest.approx(-25.0) and result.city is None
    assert row.index_rank == 1 and row.ratio_rank == 1


def test_ranking_leaves_a_district_without_figures_unranked_and_last(session):
    city, district = rows.city_and_district(session)
    empty = rows.factories.place(session, code="empty")
    rows.place_period(session, district, "2025-03", composite_index=5.0, good_ratio=50.0)
    rows.place_period(session, empty, "2025-03", composite_index=None, good_ratio=None, pm25=None)
    result = queries.ranking(session, "2025-03")
    assert [(r.place.code, r.index_rank) for r in result.by_index] == [("hills", 1), ("empty", None)]
    assert result.by_index[1].index_change is None
