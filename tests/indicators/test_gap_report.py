"""The gap report: the preconditions (基本条件) checklist first, the target variant that applies at each place, the
status of a task set by the higher authorities, and the failing indicators across the districts; the office's
checklist form."""
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.indicators import preconditions, queries
from app.indicators.catalogue_import import import_catalogue
from app.indicators.models import IndicatorPrecondition, PreconditionCheck
from app.org.models import PlaceLevel
from tests import factories

TODAY = date(2026, 6, 1)


@pytest.fixture
def world(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_zh_hans="云溪市")
    hills = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县")
    plain = factories.place(session, code="plain", terrain="plain", name_zh_hans="梅溪县")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    ind = {i.code: i for i in queries.catalogue_indicators(session, catalogue)}
    for place, waste, cover in ((city, "100", "45"), (hills, "92", "30"), (plain, "97", "30")):
        factories.approved_value(session, ind["2"].measures[0], place, numeric_value=Decimal(waste))
        factories.approved_value(session, ind["3"].measures[0], place, numeric_value=Decimal(cover))
    plan = IndicatorPrecondition(catalogue=catalogue, code="plan", sort_order=1,
                                 name_zh_hans="生态文明建设规划经同级人大或本级人民政府审议后颁布实施",
                                 name_en="The eco-civilization plan was adopted", source="管理规程第六条")
    incident = IndicatorPrecondition(catalogue=catalogue, code="incident", sort_order=2,
                                     name_zh_hans="近三年未发生重大、特大突发环境事件",
                                     name_en="No major environmental emergency in three years")
    session.add_all([plan, incident])
    session.commit()
    return {"city": city, "hills": hills, "plain": plain, "ind": ind, "catalogue": catalogue, "plan": plan,
            "incident": incident, **staff}


def _section(body: str, code: str) -> str:
    return body.split(f'id="place-{code}"')[1].split('<section id="place-')[0]


def test_failing_precondition_is_shown_prominently_before_the_indicators(client, session, world):
    """The 基本条件 come before the indicators: a place whose plan was not adopted (《国家生态文明建设示范市县管理
    规程》环生态〔2019〕76号 第六条: the plan is adopted by the people's congress or the government) or that had a
    major environmental emergency cannot be named, whatever its indicators show."""
    preconditions.record_check(session, world["admin"], world["incident"], world["hills"], 2025, "not_met",
                               "2024年发生重大突发环境事件", today=TODAY)
    preconditions.record_check(session, world["admin"], world["plan"], world["hills"], 2025, "met", "人大常委会决议",
                               today=TODAY)
    session.commit()
    body = client.get("/indicators/report?period=2025&lang=zh_Hans").get_data(as_text=True)
    top = body.split('id="by-place-caption"')[0]
    assert "callout-alert" in top and "近三年未发生重大、特大突发环境事件" in top  # said before the ranking
    hills = _section(body, "hills")
    assert hills.index("callout-alert") < hills.index("近三年未发生") < hills.index("危险废物利用处置率")
    assert "2024年发生重大突发环境事件" in hills and "人大常委会决议" in hills
    assert ">符合</span>" in hills and ">不符合</span>" in hills  # a precondition is 符合, not 达标 like an indicator
    plain = _section(body, "plain")
    assert "callout-alert" not in plain and "尚未核查" in plain  # never checked is said, not taken as met


def test_gap_report_shows_the_target_variant_that_applies_at_the_place(client, world):
    """Targets with place variants (2019 table, 林草覆盖率: 山区≥60; 丘陵地区≥40; 平原地区≥18) are judged by the
    variant of the place's terrain; the report names that variant, not the whole list."""
    body = client.get("/indicators/report?period=2025&lang=en").get_data(as_text=True)
    hills = _section(body, "hills")
    assert "hilly areas: at least 40" in hills and "mountain areas" not in hills
    assert re.search(r"<dt>Gap</dt><dd>10\xa0%</dd>", hills)


def test_an_unfinished_higher_task_is_shown_not_hidden_behind_a_number(client, session, world):
    """"完成上级规定的考核任务; 保持稳定或持续改善" (2019 table, e.g. 单位GDP能耗) is one target:
    the task AND the trend.
    A place whose trend improved but whose task is not confirmed fails on the task, and says so."""
    result = import_catalogue(session, None, code="task", name_zh_hans="任务", first_year=2030, last_year=None, rows=[
        {"domain": "生态经济", "task": "(一)资源", "code": "20", "name_zh_hans": "单位地区生产总值能耗", "unit": "%",
         "target": "完成上级规定的考核任务; 保持稳定或持续改善", "property": "约束性", "scope": "市县",
         "higher_is_better": "0"}])
    assert not result.errors
    measure = queries.catalogue_indicators(session, result.catalogue)[0].measures[0]
    factories.approved_value(session, measure, world["hills"], period="2029", numeric_value=Decimal("0.60"),
                             task_completed=True)
    factories.approved_value(session, measure, world["hills"], period="2030", numeric_value=Decimal("0.55"),
                             task_completed=False)
    session.commit()
    from app.indicators import report

    result_ = __import__("app.indicators.queries", fromlist=["x"]).compliance(
        session, result.catalogue, "2030", [world["hills"]])
    [shortfall] = report.shortfalls_at(result_, measure.indicator, world["hills"])
    assert shortfall.task == report.TaskStatus.NOT_COMPLETED
    assert shortfall.gap is None  # the trend improved: no "gap" of -0.05 standing in for the reason


def test_failing_indicators_across_the_districts_list_each_place_with_value_and_target(client, world):
    """What the offices write by hand: for each failing indicator, which districts fail it, with the value against
    the target that applies there — as a list readable on a phone, not a wide table."""
    response = client.get("/indicators/report/by-indicator?period=2025&lang=zh_Hans")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    waste = body.split('id="indicator-2"')[1].split("</li>\n  \n")[0]
    assert "白河县" in waste and "梅溪县" in waste and "云溪市" not in waste  # the city meets it
    assert "92\xa0%" in waste and "97\xa0%" in waste and "在适用的 2 个区县中有 2 个未达标" in waste
    assert "8\xa0%" in waste and "3\xa0%" in waste  # the gaps
    assert "<table" not in body.split("<main")[1]
    cover = body.split('id="indicator-3"')[1]
    assert "云溪市" not in cover.split("</li>\n  \n")[0]


def test_by_indicator_view_refuses_a_download_format(client, world):
    assert client.get("/indicators/report/by-indicator?format=pdf").status_code == 400


def test_gap_report_docx_has_the_preconditions_and_the_target_here(client, session, world):
    from docx import Document

    preconditions.record_check(session, world["admin"], world["incident"], world["hills"], 2025, "not_met",
                               "重大事件", today=TODAY)
    session.commit()
    document = Document(io.BytesIO(client.get("/indicators/report?period=2025&format=docx&lang=en").data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Preconditions not met: No major environmental emergency in three years" in text
    assert "重大事件" in cells and "hilly areas: at least 40\xa0%" in cells


def test_office_records_a_finding_and_it_is_audited(client, auth, csrf, session, world):
    auth.login("admin")
    url = "/admin/indicators/preconditions?year=2025&place=hills&lang=en"
    page = client.get(url).get_data(as_text=True)
    assert "No major environmental emergency in three years" in page and "Not yet checked" in page
    token = csrf.token(client, url)
    pid = world["incident"].id
    response = client.post(f"/admin/indicators/preconditions/2025/{world['hills'].id}/{pid}",
                           data={f"c{pid}-status": "not_met", f"c{pid}-notes": "事件台账", "csrf_token": token})
    assert response.status_code == 303
    check = session.scalar(select(PreconditionCheck))
    assert (check.status, check.notes, check.year) == ("not_met", "事件台账", 2025)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "indicators.precondition_record"))
    assert entry.before is None and entry.after["status"] == "not_met"


def test_finding_without_evidence_is_refused_kept_and_nothing_saved(client, auth, csrf, session, world):
    auth.login("admin")
    url = "/admin/indicators/preconditions?year=2025&place=hills&lang=en"
    token = csrf.token(client, url)
    pid = world["plan"].id
    response = client.post(f"/admin/indicators/preconditions/2025/{world['hills'].id}/{pid}?lang=en",
                           data={f"c{pid}-status": "met", f"c{pid}-notes": "  ", "csrf_token": token})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Say what the finding rests on" in body, body[body.find("<main"):body.find("</main>")]
    assert re.search(r'<option selected value="met">|<option value="met" selected', body)
    assert session.scalar(select(PreconditionCheck)) is None


def test_finding_without_a_status_is_refused(client, auth, csrf, session, world):
    auth.login("admin")
    token = csrf.token(client, "/admin/indicators/preconditions?year=2025")
    pid = world["plan"].id
    response = client.post(f"/admin/indicators/preconditions/2025/{world['city'].id}/{pid}?lang=en",
                           data={f"c{pid}-status": "", f"c{pid}-notes": "x", "csrf_token": token})
    assert response.status_code == 422 and "Choose whether the precondition is met." in response.get_data(as_text=True)
    assert session.scalar(select(PreconditionCheck)) is None


def test_findings_for_a_future_year_are_refused(session, world):
    with pytest.raises(preconditions.PreconditionError):
        preconditions.record_check(session, world["admin"], world["plan"], world["city"], 2027, "met", "x",
                                   today=TODAY)


def test_a_changed_finding_is_audited_with_before_and_after(session, world):
    preconditions.record_check(session, world["admin"], world["plan"], world["city"], 2025, "pending", "", today=TODAY)
    preconditions.record_check(session, world["admin"], world["plan"], world["city"], 2025, "met", "决议", today=TODAY)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "indicators.precondition_record")
                              .order_by(AuditEntry.id)).all()
    assert [e.after["status"] for e in entries] == ["pending", "met"] and entries[1].before["status"] == "pending"
    assert session.scalar(select(PreconditionCheck).where(PreconditionCheck.year == 2025)).notes == "决议"


@pytest.mark.parametrize("role", ["bureau_editor", "reviewer", "tip_handler", "interviewer"])
def test_only_the_office_records_findings(client, auth, csrf, session, world, role):
    auth.login({"bureau_editor": "editor", "tip_handler": "handler"}.get(role, role))
    token = csrf.token(client, "/")
    pid = world["plan"].id
    assert client.get("/admin/indicators/preconditions").status_code == 403
    response = client.post(f"/admin/indicators/preconditions/2025/{world['city'].id}/{pid}",
                           data={f"c{pid}-status": "met", f"c{pid}-notes": "x", "csrf_token": token})
    assert response.status_code == 403 and session.scalar(select(PreconditionCheck)) is None


def test_office_adds_a_precondition_to_the_catalogue_in_force(client, auth, csrf, session, world):
    auth.login("admin")
    token = csrf.token(client, "/admin/indicators/preconditions?year=2025&place=city")
    url = f"/admin/indicators/preconditions/2025/{world['city'].id}/new?lang=en"
    fields = {"new-code": "inspection", "new-name_zh_hans": "督察反馈问题按期完成整改",
              "new-name_en": "Inspection problems rectified",
              "new-source": "管理规程", "csrf_token": token}
    assert client.post(url, data=fields).status_code == 303
    row = session.scalar(select(IndicatorPrecondition).where(IndicatorPrecondition.code == "inspection"))
    assert row.catalogue_id == world["catalogue"].id and row.sort_order == 3
    assert session.scalar(select(AuditEntry).where(
        AuditEntry.action == "indicators.precondition_add")).after["code"] == "inspection"
    page = client.get("/admin/indicators/preconditions?year=2025&place=hills&lang=en").get_data(as_text=True)
    assert "Inspection problems rectified" in page
    again = client.post(url, data={**fields, "new-name_zh_hans": "另一项"})
    assert (again.status_code == 422 and "already used" in again.get_data(as_text=True)
            and "另一项" in again.get_data(as_text=True))
    assert len(session.scalars(select(IndicatorPrecondition)).all()) == 3


def test_findings_are_recorded_only_for_the_city_and_its_active_districts(client, auth, csrf, session, world):
    """The preconditions are checked for the places assessed (the city and its districts), never another row
    of the places table such as a district no longer active."""
    gone = factories.place(session, code="gone", name_zh_hans="旧区", active=False)
    session.commit()
    auth.login("admin")
    token = csrf.token(client, "/admin/indicators/preconditions?year=2025&place=hills&lang=en")
    pid = world["incident"].id
    response = client.post(f"/admin/indicators/preconditions/2025/{gone.id}/{pid}",
                           data={f"c{pid}-status": "met", f"c{pid}-notes": "台账", "csrf_token": token})
    assert response.status_code == 404 and session.scalar(select(PreconditionCheck)) is None
