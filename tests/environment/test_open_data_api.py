"""The read-only JSON API v1 for air and water: shapes, states, defaults, bounds and errors."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as sites
from tests.environment import water_rows


@pytest.fixture
def places(session):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市", name_en="Yunxi",
                           sort_order=0)
    district = factories.place(session, code="hills", name_zh_hans="白河县", name_en="", sort_order=1)
    water_rows.place_day(session, city, date(2025, 3, 1), aqi=80)
    water_rows.place_day(session, city, date(2025, 3, 2), aqi=230, provisional=True, primary="pm25,pm10")
    water_rows.place_day(session, district, date(2025, 3, 1), aqi=45)
    session.commit()
    return city, district


def _error(response, status=400) -> str:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    return response.get_json()["error"]["message"]


def test_places_lists_city_and_districts_with_their_newest_day(client, places):
    data = client.get("/api/v1/air/places").get_json()
    assert data["api_version"] == "v1"
    city, district = data["places"]
    assert city["code"] == "city" and city["level"] == "city" and city["name"]["zh_Hans"] == "云溪市"
    assert district["name"]["en"] is None  # not translated: null, never a made-up name
    assert city["latest_day"]["date"] == "2025-03-02" and city["latest_day"]["aqi"] == 230
    assert city["latest_day"]["state"] == "provisional"
    assert city["latest_day"]["primary_pollutants"] == ["pm25", "pm10"]
    assert district["latest_day"]["state"] == "validated"


def test_places_without_days_has_null_latest_day(client, session):
    factories.place(session, level=PlaceLevel.CITY, code="city")
    session.commit()
    assert client.get("/api/v1/air/places").get_json()["places"][0]["latest_day"] is None


def test_days_returns_the_range_with_states(client, places):
    data = client.get("/api/v1/air/days?place=city&from=2025-03-01&to=2025-03-02").get_json()
    assert data["place"] == "city" and data["from"] == "2025-03-01" and data["to"] == "2025-03-02"
    assert [d["date"] for d in data["days"]] == ["2025-03-01", "2025-03-02"]
    assert [d["state"] for d in data["days"]] == ["validated", "provisional"]
    assert set(data["days"][0]) >= {"so2", "no2", "co", "pm10", "pm25", "o3_1h_max", "o3_8h_max", "aqi", "stations"}


def test_days_defaults_to_the_newest_month_of_the_place(client, places):
    data = client.get("/api/v1/air/days?place=city").get_json()
    assert data["to"] == "2025-03-02" and data["from"] == "2025-01-31"
    assert len(data["days"]) == 2


def test_days_allows_366_days_and_refuses_more(client, places):
    assert client.get("/api/v1/air/days?place=city&from=2024-01-01&to=2024-12-31").status_code == 200  # 366
    message = _error(client.get("/api/v1/air/days?place=city&from=2024-01-01&to=2025-01-01&lang=en"))
    assert "at most 366 days" in message


@pytest.mark.parametrize("query, words", [
    ("place=city&from=2025-02-30", "YYYY-MM-DD"),
    ("place=city&to=20250301", "YYYY-MM-DD"),
    ("place=city&from=２０２５-03-01", "YYYY-MM-DD"),
    ("place=city&from=2025-03-05&to=2025-03-01", "from must not be after to"),
    ("place=nowhere", "no place with the code nowhere"),
    ("", "place="),
])
def test_days_bad_parameters_are_json_400(client, places, query, words):
    assert words in _error(client.get(f"/api/v1/air/days?{query}&lang=en"))


def test_periods_returns_the_year_and_its_months(client, session, places):
    city = places[0]
    water_rows.place_period(session, city, "2024")
    water_rows.place_period(session, city, "2024-01", provisional=True)
    water_rows.place_period(session, city, "2024-02")
    water_rows.place_period(session, city, "2023")
    session.commit()
    data = client.get("/api/v1/air/periods?place=city").get_json()
    assert data["year"] == 2024
    assert data["year_period"]["period"] == "2024" and data["year_period"]["annual_valid"] is True
    assert data["year_period"]["days_by_level"] == [10, 18, 3, 0, 0, 0]
    assert [m["period"] for m in data["months"]] == ["2024-01", "2024-02"]
    assert data["months"][0]["state"] == "provisional" and data["months"][1]["state"] == "validated"
    older = client.get("/api/v1/air/periods?place=city&year=2023").get_json()
    assert older["year_period"]["period"] == "2023" and older["months"] == []
    assert "four digits" in _error(client.get("/api/v1/air/periods?place=city&year=24&lang=en"))


def test_periods_of_a_place_without_any(client, places):
    data = client.get("/api/v1/air/periods?place=hills").get_json()
    assert data["year"] is None and data["year_period"] is None and data["months"] == []


@pytest.fixture
def station(session, places):
    row = sites.station(session, place=places[1], code="ST1", name_zh_hans="一号站", control_level="provincial")
    session.commit()
    return row


def test_stations_lists_every_station(client, station):
    data = client.get("/api/v1/air/stations").get_json()
    assert data["stations"] == [{"code": "ST1", "name": {"zh_Hans": "一号站", "zh_Hant": station.name_zh_hant,
                                                          "en": station.name_en},
                                 "district": "hills", "control_level": "provincial", "counts_for_city": True,
                                 "latitude": station.latitude, "longitude": station.longitude, "active": True}]


def test_station_hours_are_one_city_day_labelled_by_the_hour_end(client, session, station):
    # Beijing 2025-03-01 runs from the hour ending 01:00 (17:00 UTC the day before) to the one ending 24:00
    # (16:00 UTC on the day).
    start = datetime(2025, 2, 28, 16, tzinfo=UTC)
    for hours in range(0, 26):
        water_rows.station_hour(session, station, start + timedelta(hours=hours), aqi=hours,
                                state="validated" if hours < 5 else "provisional")
    session.commit()
    data = client.get("/api/v1/air/stations/ST1/hours?date=2025-03-01").get_json()
    assert data["station"] == "ST1" and data["date"] == "2025-03-01"
    assert len(data["hours"]) == 24
    first, last = data["hours"][0], data["hours"][-1]
    assert first["hour_ending"] == "2025-03-01T01:00+08:00" and first["observed_at"] == "2025-02-28T17:00:00Z"
    assert last["hour_ending"] == "2025-03-02T00:00+08:00"
    assert first["state"] == "validated" and last["state"] == "provisional"
    default = client.get("/api/v1/air/stations/ST1/hours").get_json()
    assert default["date"] == "2025-03-02" and len(default["hours"]) == 1


def test_station_hours_bad_paths(client, station):
    assert client.get("/api/v1/air/stations/NOPE/hours").status_code == 404
    assert client.get("/api/v1/air/stations/NOPE/hours").mimetype == "application/json"
    assert "YYYY-MM-DD" in _error(client.get("/api/v1/air/stations/ST1/hours?date=yesterday&lang=en"))
    assert client.get("/api/v1/air/stations/ST1/hours?date=2025-03-01").get_json()["hours"] == []


def test_water_sections_with_values_as_reported_and_summary(client, session, places):
    section = sites.section(session, place=places[1], code="S1", water_zh_hans="清河", target_class=3)
    sites.section(session, place=places[1], code="S2")
    water_rows.section_sample(session, section, "2025-03", water_class=4, exceeding="nh3n:0.5",
                              state="provisional", values={"nh3n": "1.5", "cu": "0.01L"})
    water_rows.section_sample(session, section, "2025-02", water_class=2)
    session.commit()
    data = client.get("/api/v1/water/sections").get_json()
    assert data["month"] == "2025-03"
    assert data["summary"] == {"sections": 1, "share_class_1_to_3": 0.0, "share_worse_than_5": 0.0,
                               "status": "light", "share_rule_applies": False, "met_target": 0}
    first, second = data["sections"]
    assert first["water"]["zh_Hans"] == "清河" and first["target_label"] == "Ⅲ" and first["district"] == "hills"
    sample = first["sample"]
    assert sample["class_label"] == "Ⅳ" and sample["meets_target"] is False and sample["state"] == "provisional"
    assert sample["exceeding"] == [{"item": "nh3n", "multiple": 0.5}]
    assert {"item": "cu", "reported": "0.01L", "value": 0.01, "below_detection": True,
            "unit": "mg/L"} in sample["values"]
    assert second["sample"] is None
    older = client.get("/api/v1/water/sections?month=2025-02").get_json()
    assert older["sections"][0]["sample"]["state"] == "validated"
    assert "2025-03" in _error(client.get("/api/v1/water/sections?month=2025/03&lang=en"))


def test_water_sections_without_data(client, session):
    data = client.get("/api/v1/water/sections").get_json()
    assert data == {"api_version": "v1", "month": None, "summary": None, "sections": []}


def test_water_sources_by_quarter(client, session, places):
    source = sites.source(session, place=places[1], code="SRC1", kind="ground")
    water_rows.source_sample(session, source, "2025Q1", compliant=False, failing="mn")
    water_rows.source_sample(session, source, "2025Q2", state="provisional")
    session.commit()
    data = client.get("/api/v1/water/sources").get_json()
    assert data["quarter"] == "2025Q2"
    assert data["year_compliance"] == {"year": 2025, "share": 0.0, "sources_judged": 1, "sources_compliant": 0}
    assert data["sources"][0]["kind"] == "ground" and data["sources"][0]["sample"]["state"] == "provisional"
    q1 = client.get("/api/v1/water/sources?quarter=2025Q1").get_json()["sources"][0]["sample"]
    assert q1["compliant"] is False and q1["failing"] == ["mn"]
    assert "2025Q1" in _error(client.get("/api/v1/water/sources?quarter=2025Q9&lang=en"))
