"""CSV and XLSX downloads of the environmental data and the data page that lists them."""
import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as sites
from tests.environment import water_rows


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # so that Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def data(session):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市", name_en="Yunxi")
    district = factories.place(session, code="hills", name_zh_hans="白河县", name_en="Baihe County")
    station = sites.station(session, place=district, code="ST1", name_en="=HYPERLINK(\"x\")")
    water_rows.place_day(session, city, date(2024, 12, 31), aqi=70)
    water_rows.place_day(session, city, date(2025, 1, 1), aqi=88)
    water_rows.place_day(session, district, date(2025, 1, 1), aqi=230, provisional=True)
    water_rows.station_day(session, station, date(2025, 1, 1), state="provisional")
    water_rows.station_day(session, station, date(2025, 1, 2))
    water_rows.place_period(session, city, "2025-01")
    water_rows.place_period(session, city, "2025")
    section = sites.section(session, place=district, code="S1", name_en="Bridge", water_en="Clear River")
    water_rows.section_sample(session, section, "2025-01", water_class=4, exceeding="nh3n:0.5", state="provisional",
                              values={"nh3n": "1.5", "cu": "0.01L"})
    water_rows.section_sample(session, section, "2024-12")
    source = sites.source(session, place=district, code="SRC1", name_en="Wells", kind="ground")
    water_rows.source_sample(session, source, "2025Q1", compliant=False, failing="mn", values={"mn": "0.3"})
    session.commit()
    return {"city": city, "district": district, "station": station}


def test_place_days_csv_holds_one_year_with_states(client, data):
    rows = _csv(client.get("/environment/data/place-days.csv?year=2025&lang=en"))
    header, *body = rows
    assert header[:4] == ["Date", "Place code", "Place", "Stations"] and header[-1] == "State"
    assert [r[0] for r in body] == ["2025-01-01", "2025-01-01"]  # not 2024-12-31
    states = {r[1]: r[-1] for r in body}
    assert states == {"city": "validated", "hills": "provisional"}
    assert "Baihe County" in {r[2] for r in body}


def test_place_days_xlsx_keeps_numbers_as_numbers(client, data):
    response = client.get("/environment/data/place-days.xlsx?year=2025&lang=en")
    assert 'filename="place-days-2025.xlsx"' in response.headers["Content-Disposition"]
    header, *body = _xlsx(response)
    aqi = header.index("AQI")
    assert sorted(r[aqi] for r in body) == [88, 230]
    assert {r[-1] for r in body} == {"validated", "provisional"}


def test_downloads_default_to_the_newest_year(client, data):
    rows = _csv(client.get("/environment/data/place-days.csv"))
    assert {r[0][:4] for r in rows[1:]} == {"2025"}


def test_station_days_neutralise_formulas(client, data):
    header, *body = _csv(client.get("/environment/data/station-days.csv?year=2025&lang=en"))
    assert body[0][2] == "'=HYPERLINK(\"x\")"
    assert [r[-1] for r in body] == ["provisional", "validated"]
    xlsx = _xlsx(client.get("/environment/data/station-days.xlsx?year=2025&lang=en"))
    assert xlsx[1][2] == "'=HYPERLINK(\"x\")"


def test_periods_download_has_the_year_and_its_months(client, data):
    header, *body = _csv(client.get("/environment/data/periods.csv?year=2025&lang=en"))
    assert [r[0] for r in body] == ["2025", "2025-01"]
    assert "Good-day ratio (%)" in header and body[0][header.index("Valid for a year")] == "yes"


def test_water_samples_one_row_per_item_as_reported(client, data):
    header, *body = _csv(client.get("/environment/data/water-samples.csv?year=2025&lang=en"))
    assert len(body) == 2 and {r[0] for r in body} == {"2025-01"}
    copper = next(r for r in body if r[header.index("Item key")] == "cu")
    assert copper[header.index("Reported value")] == "0.01L"
    assert copper[header.index("Below the detection limit")] == "yes"
    assert copper[header.index("Class")] == "Ⅳ" and copper[header.index("Target met")] == "no"
    assert copper[header.index("Items beyond class Ⅲ (times over)")] == "Ammonia nitrogen (0.5)"
    assert copper[-1] == "provisional"
    xlsx = _xlsx(client.get("/environment/data/water-samples.xlsx?year=2025&lang=en"))
    assert xlsx[0] == tuple(header) and len(xlsx) == 3
    assert "0.01L" in {row[header.index("Reported value")] for row in xlsx}


def test_source_samples_download(client, data):
    header, *body = _csv(client.get("/environment/data/source-samples.csv?year=2025&lang=en"))
    assert body == [["2025Q1", "SRC1", "Wells", "Groundwater", "Baihe County", "no", "Manganese", "Manganese", "mn",
                     "0.3", "no", "mg/L", "validated"]]


def test_station_hours_one_month_in_city_time(client, session, data):
    # the hour ending 2025-02-01 00:00 Beijing (16:00 UTC on 31 January) is January's last hour
    start = datetime(2025, 1, 31, 15, tzinfo=UTC)
    for n in range(3):
        water_rows.station_hour(session, data["station"], start + timedelta(hours=n))
    session.commit()
    header, *body = _csv(client.get("/environment/data/station-hours.csv?month=2025-01&lang=en"))
    assert [r[0] for r in body] == ["2025-01-31T23:00+08:00", "2025-02-01T00:00+08:00"]
    assert {r[-1] for r in body} == {"provisional"}
    february = _csv(client.get("/environment/data/station-hours.csv?month=2025-02"))
    assert len(february) == 2


@pytest.mark.parametrize("url, words", [
    ("/environment/data/place-days.csv?year=25", "four digits"),
    ("/environment/data/water-samples.xlsx?year=abcd", "four digits"),
    ("/environment/data/station-hours.csv", "one month at a time"),
    ("/environment/data/station-hours.xlsx?month=2025-1", "for example 2025-03"),
])
def test_bad_download_parameters_give_400_with_a_message(client, data, url, words):
    response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_unknown_dataset_or_format_is_404(client, data):
    assert client.get("/environment/data/everything.csv").status_code == 404
    assert client.get("/environment/data/place-days.json").status_code == 404


def test_empty_year_gives_a_header_only_file(client, data):
    assert len(_csv(client.get("/environment/data/place-days.csv?year=1999"))) == 1


def test_data_page_lists_each_dataset_by_year_with_terms_and_the_api(client, data):
    html = client.get("/environment/data?lang=en").get_data(as_text=True)
    assert "Terms of use" in html and "provisional" in html
    assert "/environment/data/place-days.csv?year=2025" in html and "/environment/data/place-days.csv?year=2024" in html
    assert "/environment/data/source-samples.xlsx?year=2025" in html
    assert "/api/v1/air/days" in html and "/api/v1/water/sources" in html


def test_data_page_without_data(client, session):
    html = client.get("/environment/data?lang=en").get_data(as_text=True)
    assert html.count("No data published yet.") == 5
