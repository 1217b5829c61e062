"""Importing the files monitoring centres export: every bad row listed, nothing applied unless all are valid."""
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.environment import imports
from app.environment.models import AirDay, AirHour, DataState, WaterSample, WaterValue
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

BEIJING = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=BEIJING)
HOUR_HEADERS = ["站点编码", "站点名称", "监测时间", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)", "O3(μg/m³)",
                "PM10(μg/m³)", "PM2.5(μg/m³)"]


@pytest.fixture
def setup(app):
    factories.place(db.session, level=PlaceLevel.CITY)
    editor = factories.user(db.session, role=Role.BUREAU_EDITOR)
    station = env.station(db.session, bureau=editor.bureau, code="320100051")
    return {"editor": editor, "station": station}


def csv_bytes(headers, rows, encoding="utf-8-sig"):
    lines = [",".join(headers)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hour_row(code="320100051", at="2026-12-07 10:00", **values):
    items = {"so2": 8, "no2": 30, "co": 0.6, "o3": 40, "pm10": 50, "pm25": 30, **values}
    return [code, "测试站", at, *items.values()]


def run(setup, kind, data, state=DataState.PROVISIONAL, user=None):
    return imports.import_file(db.session, user or setup["editor"], kind, data, state=state, filename="f.csv",
                               now=NOW)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def messages(result):
    return [f"{row}: {message}" for row, message in result.errors]


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_air_hours_import_from_csv_and_xlsx(setup, make):
    data = make(HOUR_HEADERS, [hour_row(at=f"2026-12-07 {h:02d}:00") for h in range(1, 11)])
    result = run(setup, "air_hourly", data)
    assert result.errors == []
    assert result.outcome.counts() == {"inserted": 10, "replaced": 0, "unchanged": 0, "refused": 0}
    first = db.session.scalars(select(AirHour).order_by(AirHour.observed_at)).first()
    assert first.observed_at == datetime(2026, 12, 6, 17, tzinfo=timezone.utc) and first.pm25 == 30
    assert first.co == 0.6 and first.state == DataState.PROVISIONAL
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.import")).one()
    assert entry.actor_id == setup["editor"].id and entry.after["inserted"] == 10
    assert entry.after["kind"] == "air_hourly"
    # The same file again: nothing changes.
    assert run(setup, "air_hourly", data).outcome.counts()["unchanged"] == 10


def test_gb18030_csv_is_read(setup):
    data = csv_bytes(HOUR_HEADERS, [hour_row()], encoding="gb18030")
    assert run(setup, "air_hourly", data).outcome.inserted == 1


def test_one_bad_row_applies_nothing_and_every_bad_row_is_listed(setup):
    other_bureau_station = env.station(db.session, code="OTHER1")
    rows = [
        hour_row(at="2026-12-07 01:00"),
        hour_row(code="NOPE", at="2026-12-07 02:00"),
        hour_row(code="OTHER1", at="2026-12-07 03:00"),
        hour_row(at="2026-12-07 18:00"),
        hour_row(at="2026-12-07 01:00"),
        hour_row(at="2026-12-07 05:00", pm25=-3),
        hour_row(at="2026-12-07 06:00", no2="abc"),
        hour_row(at="2026-12-07 07:00", so2="0.5L"),
        hour_row(at="2026-12-07 08:30"),
        hour_row(at="yesterday"),
        hour_row(at="2026-12-07 09:00", co=800),
    ]
    result = run(setup, "air_hourly", csv_bytes(HOUR_HEADERS, rows))
    text = messages(result)
    assert [row for row, _m in result.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "Unknown site code NOPE" in text[0]
    assert f"Site {other_bureau_station.code} belongs to another bureau" in text[1]
    assert "in the future" in text[2]
    assert "already in row 2" in text[3]
    assert "cannot be negative" in text[4] and "PM2.5(μg/m³)" in text[4]
    assert "“abc” is not a number" in text[5]
    assert "air values are never below detection" in text[6]
    assert "full hour" in text[7]
    assert "not a date and time" in text[8]
    assert "was it given in μg/m³" in text[9]
    assert count(AirHour) == 0
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "environment.import")) == 0


def test_header_unit_mismatch_and_missing_column_are_file_errors(setup):
    headers = ["站点编码", "监测时间", "SO2(μg/m³)", "CO(μg/m³)", "PM2.5(mg/m³)"]
    result = run(setup, "air_hourly", csv_bytes(headers, [["320100051", "2026-12-07 10:00", 5, 600, 30]]))
    assert result.errors == [(1, "Column CO(μg/m³): the unit must be mg/m³."),
                             (1, "Column PM2.5(mg/m³): the unit must be μg/m³.")]
    result = run(setup, "air_hourly", csv_bytes(["站点编码", "PM2.5"], [["320100051", 30]]))
    assert result.errors == [(1, "The column 监测时间 is missing.")]
    assert count(AirHour) == 0


def test_a_refusal_by_the_rules_is_a_row_error_and_nothing_is_applied(setup):
    run(setup, "air_hourly", csv_bytes(HOUR_HEADERS, [hour_row(pm25=30)]), state=DataState.VALIDATED)
    db.session.commit()
    data = csv_bytes(HOUR_HEADERS, [hour_row(at="2026-12-07 09:00"), hour_row(pm25=99)])
    result = run(setup, "air_hourly", data)
    assert result.errors and result.errors[0][0] == 3
    assert "provisional value cannot replace a validated" in result.errors[0][1]
    db.session.rollback()  # what the view does with errors
    assert count(AirHour) == 1


def test_air_daily_import_with_o3_maxima(setup):
    headers = ["站点编码", "日期", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)", "PM10(μg/m³)", "PM2.5(μg/m³)",
               "O3最大1小时(μg/m³)", "O3最大8小时滑动平均(μg/m³)"]
    data = xlsx_bytes(headers, [["320100051", "2026-12-01", 8, 30, 0.8, 60, 40, 120, 100],
                                ["320100051", date(2026, 12, 2), 8, 30, 0.8, 60, 40, 120, 100]])
    result = run(setup, "air_daily", data, state=DataState.VALIDATED)
    assert result.errors == [] and result.outcome.inserted == 2
    day = db.session.scalars(select(AirDay).order_by(AirDay.day)).first()
    assert (day.day, day.o3_8h_max, day.o3_1h_max, day.aqi) == (date(2026, 12, 1), 100, 120, 57)
    future = run(setup, "air_daily", csv_bytes(headers, [["320100051", "2026-12-08", 8, 30, 0.8, 60, 40, 1, 1]]))
    assert "the date is in the future" in future.errors[0][1]


WATER_HEADERS = ["断面编码", "监测月份", "采样日期", "pH", "溶解氧(mg/L)", "氨氮(mg/L)", "总磷(mg/L)",
                 "铬(六价)(mg/L)"]


def test_water_monthly_keeps_below_detection_and_classes_the_sample(setup):
    section = env.section(db.session, bureau=setup["editor"].bureau, code="WS01")
    data = csv_bytes(WATER_HEADERS, [["WS01", "2026年11月", "2026-11-05", "7.4", "6.5", "0.42", "0.05", "0.004L"]])
    result = run(setup, "water_monthly", data)
    assert result.errors == []
    sample = db.session.scalars(select(WaterSample)).one()
    assert (sample.section_id, sample.period, sample.sampled_on) == (section.id, "2026-11", date(2026, 11, 5))
    assert sample.water_class == 2
    cr6 = db.session.scalars(select(WaterValue).where(WaterValue.item == "cr6")).one()
    assert (cr6.reported, cr6.below_detection, cr6.value) == ("0.004L", True, 0.004)


@pytest.mark.parametrize("value", ["<0.01", "ND", "未检出"])
def test_water_below_detection_in_another_form_is_refused(setup, value):
    env.section(db.session, bureau=setup["editor"].bureau, code="WS01")
    data = csv_bytes(WATER_HEADERS, [["WS01", "2026-11", "", "7.4", "6.5", value, "0.05", ""]])
    result = run(setup, "water_monthly", data)
    assert result.errors == [(2, f"氨氮(mg/L): write a value below the detection limit as the limit followed by L, "
                                 f"e.g. 0.01L (not {value}).")]
    assert count(WaterSample) == 0


def test_water_unit_mismatch_and_unknown_section(setup):
    headers = ["断面编码", "监测月份", "氨氮(μg/L)"]
    assert run(setup, "water_monthly", csv_bytes(headers, [["WS01", "2026-11", "1"]])).errors == [
        (1, "Column 氨氮(μg/L): the unit must be mg/L.")]
    headers = ["断面编码", "监测月份", "氨氮(mg/L)"]
    result = run(setup, "water_monthly", csv_bytes(headers, [["WS99", "2026-11", "1"], ["WS99", "2027-01", "1"]]))
    assert [m for _r, m in result.errors] == ["Unknown site code WS99.", "Unknown site code WS99.",
                                              "监测月份: the period is in the future."]


@pytest.mark.parametrize("quarter", ["2026Q1", "2026年第1季度", "2026年一季度", "2026-Q1"])
def test_drinking_quarter_forms(setup, quarter):
    source = env.source(db.session, bureau=setup["editor"].bureau, code="DS01", kind="surface")
    headers = ["水源地编码", "季度", "pH", "氨氮(mg/L)", "铁(mg/L)", "硝酸盐(以N计)(mg/L)"]
    result = run(setup, "drinking_quarterly", csv_bytes(headers, [["DS01", quarter, "7.1", "0.2", "0.03L", "1.2"]]),
                 state=DataState.VALIDATED)
    assert result.errors == []
    sample = db.session.scalars(select(WaterSample)).one()
    assert (sample.source_id, sample.period, sample.compliant) == (source.id, "2026Q1", True)
    assert {v.item for v in sample.values} == {"ph", "nh3n", "fe", "nitrate"}


def test_bad_quarter_and_duplicate_site_period(setup):
    env.source(db.session, bureau=setup["editor"].bureau, code="DS01")
    headers = ["水源地编码", "季度", "氨氮(mg/L)"]
    result = run(setup, "drinking_quarterly", csv_bytes(headers, [["DS01", "2026Q5", "0.2"], ["DS01", "2026Q1", "0.2"],
                                                                   ["DS01", "2026Q1", "0.3"]]))
    assert result.errors[0] == (2, "季度: “2026Q5” is not a period such as 2025Q1.")
    assert result.errors[1] == (4, "The same site and period are already in row 3.")


def test_unreadable_and_empty_files(setup):
    assert run(setup, "air_hourly", b"PK\x03\x04garbage").errors[0][0] == 0
    assert run(setup, "air_hourly", b"\x00\x01\x02").errors[0][1].startswith("The file is neither")
    assert run(setup, "air_hourly", csv_bytes(HOUR_HEADERS, [])).errors == [(0, "The file has no rows.")]


def test_admin_imports_for_every_bureau(setup):
    env.station(db.session, code="OTHER1")
    admin = factories.user(db.session, role=Role.ADMIN)
    result = run(setup, "air_hourly", csv_bytes(HOUR_HEADERS, [hour_row(code="OTHER1")]), user=admin)
    assert result.errors == [] and result.outcome.inserted == 1


def test_header_names_and_units_are_split():
    assert imports.split_header("PM2.5(μg/m³)") == ("PM2.5", "μg/m³")
    assert imports.split_header("CO（mg/m³）") == ("CO", "mg/m³")
    assert imports.split_header("硝酸盐(以N计)(mg/L)") == ("硝酸盐(以N计)", "mg/L")
    assert imports.split_header("站点编码") == ("站点编码", None)
    assert imports.parse_month("202603") == "2026-03" and imports.parse_month("2026-13") is None


def test_import_of_several_stations_refreshes_the_city_once_for_all(setup):
    from app.environment.models import AirPlaceDay

    env.station(db.session, bureau=setup["editor"].bureau, code="320100052")
    rows = [hour_row(code=code, at=f"2026-12-06 {h:02d}:00", pm25=pm25)
            for code, pm25 in (("320100051", 20), ("320100052", 60)) for h in range(1, 24)]
    rows += [hour_row(code=code, at="2026-12-07 00:00", pm25=pm25) for code, pm25 in (("320100051", 20),
                                                                                      ("320100052", 60))]
    assert run(setup, "air_hourly", csv_bytes(HOUR_HEADERS, rows)).outcome.inserted == 48
    days = db.session.scalars(select(AirPlaceDay).where(AirPlaceDay.day == date(2026, 12, 6))).all()
    # The city over both stations; each station's own district over it alone.
    assert sorted((row.place.level.value, row.pm25, row.stations) for row in days) == [
        ("city", 40, 2), ("district", 20, 1), ("district", 60, 1)]
