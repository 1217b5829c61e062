"""XLSX imports of values and catalogues: checked row by row, applied whole or not at all."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.indicators import queries
from app.indicators.models import IndicatorCatalogue, IndicatorValue
from app.org.models import PlaceLevel
from tests import factories


def xlsx(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def world(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly")
    factories.place(session, code="hills", terrain="hilly")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    session.commit()
    return {"city": city, "catalogue": catalogue}


def upload(client, csrf, rows, url="/admin/indicators/import?period=2025&lang=en"):
    token = csrf.token(client, url)
    return client.post(url, data={"csrf_token": token, "file": (xlsx(rows), "values.xlsx")},
                       content_type="multipart/form-data")


HEADER = ["指标序号", "地区代码", "期间", "数值", "佐证材料", "数据来源"]


def test_valid_sheet_is_imported_and_submitted(client, auth, csrf, session, world):
    auth.login("editor")
    response = upload(client, csrf, [HEADER, ["2", "city", 2025, 99.5, "年报", "监测站"],
                                     ["1", "hills", "2025", "制定实施", "规划文件", ""],
                                     ["3", "city", "2025", "41", "", "林业调查"]])
    assert response.status_code == 303
    values = session.scalars(select(IndicatorValue)).all()
    assert len(values) == 3 and {v.state for v in values} == {"submitted"}


def test_every_bad_row_is_reported_and_nothing_is_saved(client, auth, csrf, session, world):
    auth.login("editor")
    response = upload(client, csrf, [
        HEADER,
        ["99", "city", "2025", "1", "x", ""],            # unknown code
        ["2", "nowhere", "2025", "1", "x", ""],          # unknown place
        ["2", "city", "2099", "1", "x", ""],             # future period
        ["2", "city", "2025", "很多", "x", ""],          # text in a number cell
        ["1", "city", "2025", "差不多", "x", ""],        # not a state
        ["2", "hills", "2025", "100", "x", ""],
        ["2", "hills", "2025", "100", "x", ""],          # duplicate
        ["6", "city", "2025", "90", "x", ""],            # computed indicator
        ["3", "city", "2025", "50", "", ""],             # no evidence
        ["2", "city", "2025", "100", "x", ""],           # a good row, not applied either
    ])
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for number, text in [(2, "Unknown indicator code 99"), (3, "Unknown place code nowhere"),
                         (4, "2099 is not a past or current period"), (5, "很多 is not a number"),
                         (6, "差不多 is not a recognised state"),
                         (8, "The same indicator, place and period appear twice"),
                         (9, "You cannot enter values for indicator 6"), (10, "Describe the evidence")]:
        assert f"<td>{number}</td><td>{text}" in body
    assert session.scalar(select(func.count(IndicatorValue.id))) == 0


def test_other_bureaus_indicators_are_refused(client, auth, csrf, session, world):
    auth.login("editor2")
    response = upload(client, csrf, [HEADER, ["2", "city", "2025", "100", "x", ""]])
    assert response.status_code == 422 and "You cannot enter values for indicator 2" in response.get_data(as_text=True)


def test_a_renamed_file_is_refused_by_content(client, auth, csrf, world):
    auth.login("editor")
    token = csrf.token(client, "/admin/indicators/import?period=2025&lang=en")
    response = client.post("/admin/indicators/import?period=2025&lang=en", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.7 not a sheet"), "values.xlsx")})
    assert response.status_code == 422 and "not a readable XLSX workbook" in response.get_data(as_text=True)


def test_template_lists_what_the_user_may_enter(client, auth, world):
    auth.login("editor")
    response = client.get("/admin/indicators/import/template.xlsx?period=2025")
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("code", "place", "period")
    assert ("2", "city", "2025") in {row[:3] for row in rows[1:]}
    assert all(row[0] != "6" for row in rows[1:])  # computed indicators are not entered


def test_admin_loads_a_catalogue_from_the_official_table(client, auth, csrf, session, world):
    auth.login("admin")
    url = "/admin/indicators/catalogues/import?lang=en"
    token = csrf.token(client, url)
    sheet = xlsx([["领域", "任务", "序号", "指标名称", "单位", "指标值", "指标属性", "适用范围", "牵头单位"],
                  ["生态制度", "(一)目标责任", "1", "生态文明建设工作占党政实绩考核的比例",
                   "%", "≥20", "", "市", "eeb"],
                  ["生态安全", "(二)环境质量", "2", "声环境功能区夜间达标率", "%", "≥85", "", "市", ""]])
    response = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "code": "2024-city", "name_zh_hans": "生态文明建设示范区（市）建设指标",
        "first_year": "2024", "file": (sheet, "2024.xlsx")})
    assert response.status_code == 303
    catalogue = session.scalar(select(IndicatorCatalogue).where(IndicatorCatalogue.code == "2024-city"))
    assert queries.catalogue_for_year(session, 2025).code == "2024-city"
    assert queries.catalogue_for_year(session, 2023).code == "test"  # past years keep their version
    assert [i.property_type for i in queries.catalogue_indicators(session, catalogue)] == [None, None]


def test_bad_catalogue_rows_are_reported(client, auth, csrf, session, world):
    auth.login("admin")
    url = "/admin/indicators/catalogues/import?lang=en"
    token = csrf.token(client, url)
    sheet = xlsx([["领域", "任务", "序号", "指标名称", "单位", "指标值", "指标属性", "适用范围"],
                  ["生态制度", "t", "1", "x", "%", "大约二十", "", "市"]])
    response = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "code": "bad", "name_zh_hans": "坏表", "first_year": "2024", "file": (sheet, "b.xlsx")})
    assert response.status_code == 422
    assert "<td>2</td><td>The target 大约二十 cannot be read" in response.get_data(as_text=True)
    assert session.scalar(select(IndicatorCatalogue).where(IndicatorCatalogue.code == "bad")) is None
