"""Re-assigning lead bureaus from the task-breakdown table (任务分解表):
checked row by row, applied whole or not at all."""
import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.audit import AuditEntry
from app.indicators import queries
from app.indicators.assignments_import import import_assignments
from tests import factories

OFFICIAL = ["领域", "任务", "序号", "指标名称", "单位", "指标要求", "指标属性", "牵头单位"]


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
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    session.commit()
    return {"catalogue": catalogue, **staff}


@pytest.fixture
def english(app):
    """Service messages in English, as the views give them with ?lang=en."""
    with force_locale("en"):
        yield


def leads(session, catalogue) -> dict[str, str | None]:
    session.expire_all()
    return {i.code: i.lead_bureau.code if i.lead_bureau else None
            for i in queries.catalogue_indicators(session, catalogue)}


def assignment_audits(session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "indicators.lead_bureau_assigned")
                                .order_by(AuditEntry.id)))


# The service


def test_valid_rows_change_lead_bureaus_and_audit_each_change(session, world):
    result = import_assignments(session, world["admin"], world["catalogue"], [
        {"code": "1", "name": "生态文明建设规划", "lead_bureau": "water"},
        {"code": "2", "name": "", "lead_bureau": "市水利和湖泊局"},  # by Chinese name, no name to check
        {"code": "3", "name": "林草覆盖率", "lead_bureau": "eeb"},  # unchanged
    ])
    session.commit()
    assert result.errors == [] and result.changed == 2
    assert leads(session, world["catalogue"]) == {"1": "water", "2": "water", "3": "eeb", "4": "eeb", "5": "eeb",
                                                  "6": "eeb"}
    entries = assignment_audits(session)
    water, eeb = world["bureaus"]["other"], world["bureaus"]["home"]
    assert [(e.object_type, e.actor_id, e.before, e.after) for e in entries] == [
        ("indicators", world["admin"].id, {"lead_bureau_id": eeb.id, "lead_bureau": "eeb"},
         {"lead_bureau_id": water.id, "lead_bureau": "water"})] * 2
    changed = [i for i in queries.catalogue_indicators(session, world["catalogue"]) if i.code in ("1", "2")]
    assert {e.object_id for e in entries} == {str(i.id) for i in changed}


def test_unchanged_rows_are_not_audited(session, world):
    result = import_assignments(session, world["admin"], world["catalogue"],
                                [{"code": code, "lead_bureau": "eeb"} for code in "123456"])
    assert result.errors == [] and result.changed == 0
    assert assignment_audits(session) == []


def test_every_bad_row_is_reported_with_its_number_and_nothing_changes(session, world, english):
    factories.bureau(session, code="closed", name_zh_hans="已撤销局", active=False)
    result = import_assignments(session, world["admin"], world["catalogue"], [
        {"code": "1", "name": "生态文明建设规划", "lead_bureau": "water"},  # good, but not applied either
        {"code": "99", "name": "", "lead_bureau": "water"},
        {"code": "2", "name": "林草覆盖率", "lead_bureau": "water"},
        {"code": "3", "name": "", "lead_bureau": ""},
        {"code": "4", "name": "", "lead_bureau": "市林业局"},
        {"code": "1", "name": "", "lead_bureau": "water"},
        {"code": "5", "name": "", "lead_bureau": "closed"},
        {"code": "", "name": "一行没有序号", "lead_bureau": "water"},
    ])
    assert result.changed == 0
    assert result.errors == [
        (3, "Unknown indicator code 99."),
        (4, "The row says 林草覆盖率 but indicator 2 is 危险废物利用处置率."),
        (5, "The lead bureau is empty."),
        (6, "Unknown lead bureau 市林业局."),
        (7, "Indicator number 1 appears twice."),
        (8, "The bureau closed is no longer active."),
        (9, "Unknown indicator code ∅."),
    ]
    session.commit()
    assert set(leads(session, world["catalogue"]).values()) == {"eeb"}
    assert assignment_audits(session) == []


def test_one_row_may_have_several_problems(session, world, english):
    result = import_assignments(session, world["admin"], world["catalogue"],
                                [{"code": "99", "name": "x", "lead_bureau": ""}])
    assert result.errors == [(2, "Unknown indicator code 99."), (2, "The lead bureau is empty.")]


def test_official_chinese_headers_work_and_other_columns_are_ignored(session, world):
    result = import_assignments(session, world["admin"], world["catalogue"], [
        dict(zip(OFFICIAL, ["生态制度", "(一)目标责任体系与制度建设", 1, "生态文明建设 规划", "-", "制定实施", "约束性",
                            "市水利和湖泊局"])),
        dict(zip(OFFICIAL, [None] * 8)),  # blank rows are skipped, numbering goes on
        dict(zip(OFFICIAL, ["生态安全", "(三)生态系统保护", 3.0, "林草覆盖率（山区；平原地区）", "%", "≥60", "参考性",
                            "water"])),
    ])
    assert result.errors == [] and result.changed == 2
    session.commit()
    assert leads(session, world["catalogue"])["1"] == "water" and leads(session, world["catalogue"])["3"] == "water"


def test_row_numbers_count_skipped_blank_rows(session, world, english):
    result = import_assignments(session, world["admin"], world["catalogue"], [
        {"序号": None, "牵头单位": None}, {"序号": "", "牵头单位": "  "}, {"序号": "77", "牵头单位": "eeb"}])
    assert result.errors == [(4, "Unknown indicator code 77.")]


@pytest.mark.parametrize("rows", [[], [{"序号": None, "指标名称": None, "牵头单位": None}]])
def test_an_empty_file_is_refused(session, world, english, rows):
    result = import_assignments(session, world["admin"], world["catalogue"], rows)
    assert result.errors == [(0, "The file has no rows.")] and result.changed == 0


def test_a_sheet_without_the_needed_columns_is_refused(session, world, english):
    result = import_assignments(session, world["admin"], world["catalogue"], [{"指标": "1", "单位": "water"}])
    assert result.errors == [(1, "The first row must name the columns 序号 and 牵头单位 (or code and lead_bureau).")]


def test_only_the_chosen_catalogue_changes(session, world):
    newer = factories.catalogue(session, lead_bureau=world["bureaus"]["home"], code="2024", first_year=2024)
    result = import_assignments(session, world["admin"], newer, [{"code": "2", "lead_bureau": "water"}])
    session.commit()
    assert result.changed == 1
    assert leads(session, newer)["2"] == "water" and leads(session, world["catalogue"])["2"] == "eeb"


# The views


def url(world, suffix="", lang="en") -> str:
    return f"/admin/indicators/catalogues/{world['catalogue'].id}/assignments{suffix}?lang={lang}"


def upload(client, csrf, world, sheet: io.BytesIO):
    token = csrf.token(client, url(world))
    return client.post(url(world), data={"csrf_token": token, "file": (sheet, "任务分解表.xlsx")},
                       content_type="multipart/form-data")


def test_admin_uploads_the_table_and_lead_bureaus_change(client, auth, csrf, session, world):
    auth.login("admin")
    response = upload(client, csrf, world, xlsx([
        OFFICIAL, ["生态制度", "(一)制度", "1", "生态文明建设规划", "-", "制定实施", "约束性", "市水利和湖泊局"],
        ["生态安全", "(二)质量", "2", "危险废物利用处置率", "%", "100", "约束性", "water"]]))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/indicators/catalogues/{world['catalogue'].id}/assignments"
    assert leads(session, world["catalogue"])["1"] == "water" and leads(session, world["catalogue"])["2"] == "water"
    assert len(assignment_audits(session)) == 2
    page = client.get(url(world)).get_data(as_text=True)
    assert "Lead bureaus imported: 2 indicators changed." in page


def test_the_page_shows_the_current_assignments_and_the_board_links_to_it(client, auth, world):
    auth.login("admin")
    page = client.get(url(world, lang="zh_Hans")).get_data(as_text=True)
    assert "<td>2</td><th scope=\"row\">危险废物利用处置率</th>" in page and "市生态环境局 <span" in page
    board = client.get("/admin/indicators/board?period=2025&lang=en").get_data(as_text=True)
    assert f'href="/admin/indicators/catalogues/{world["catalogue"].id}/assignments"' in board


def test_bad_file_is_refused_with_row_errors_and_nothing_changes(client, auth, csrf, session, world):
    auth.login("admin")
    response = upload(client, csrf, world, xlsx([
        ["序号", "指标名称", "牵头单位"], ["1", "生态文明建设规划", "water"], ["2", "", "nowhere"],
        ["3", "林草覆盖率", ""]]))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<td>3</td><td>Unknown lead bureau nowhere.</td>" in body
    assert "<td>4</td><td>The lead bureau is empty.</td>" in body
    assert set(leads(session, world["catalogue"]).values()) == {"eeb"}
    assert assignment_audits(session) == []


def test_a_file_that_is_not_xlsx_is_refused(client, auth, csrf, session, world):
    auth.login("admin")
    response = upload(client, csrf, world, io.BytesIO("序号,牵头单位\n1,water\n".encode()))  # a CSV renamed
    assert response.status_code == 422
    assert "The file is not a readable XLSX workbook." in response.get_data(as_text=True)
    assert set(leads(session, world["catalogue"]).values()) == {"eeb"}


def test_an_upload_without_a_file_is_refused(client, auth, csrf, world):
    auth.login("admin")
    response = client.post(url(world), data={"csrf_token": csrf.token(client, url(world))},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose an XLSX file." in response.get_data(as_text=True)


def test_the_downloaded_table_round_trips_through_the_import(client, auth, csrf, session, world):
    auth.login("admin")
    response = client.get(url(world, "/template.xlsx"))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="lead-bureaus-test.xlsx"' in response.headers["Content-Disposition"]
    rows = [list(row) for row in load_workbook(io.BytesIO(response.data)).active.values]
    assert rows[0][:3] == ["序号", "指标名称", "牵头单位"]
    assert rows[2] == ["2", "危险废物利用处置率", "eeb", "市生态环境局"]
    unchanged = upload(client, csrf, world, xlsx(rows))
    assert unchanged.status_code == 303 and assignment_audits(session) == []
    rows[2][2] = "water"
    assert upload(client, csrf, world, xlsx(rows)).status_code == 303
    assert leads(session, world["catalogue"]) == {"1": "eeb", "2": "water", "3": "eeb", "4": "eeb", "5": "eeb",
                                                  "6": "eeb"}
    assert len(assignment_audits(session)) == 1


def test_an_unknown_catalogue_is_not_found(client, auth, world):
    auth.login("admin")
    assert client.get("/admin/indicators/catalogues/999999/assignments").status_code == 404
    assert client.get("/admin/indicators/catalogues/999999/assignments/template.xlsx").status_code == 404


def test_a_bureau_editor_can_neither_import_nor_download(client, auth, csrf, session, world):
    auth.login("editor")
    token = csrf.token(client, "/admin/indicators/")
    response = client.post(url(world), content_type="multipart/form-data", data={
        "csrf_token": token, "file": (xlsx([["序号", "牵头单位"], ["1", "water"]]), "t.xlsx")})
    assert response.status_code == 403
    assert client.get(url(world)).status_code == 403
    assert client.get(url(world, "/template.xlsx")).status_code == 403
    assert set(leads(session, world["catalogue"]).values()) == {"eeb"}
