"""Public indicator pages (full page and htmx fragment), exports, the JSON API and the staff workflow views."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit import AuditEntry
from app.indicators import queries
from app.indicators.models import IndicatorValue
from app.org.models import PlaceLevel
from tests import factories
from tests.tips.conftest import image_bytes


@pytest.fixture
def world(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_zh_hans="云溪市")
    hills = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县")
    plain = factories.place(session, code="plain", terrain="plain", name_zh_hans="梅溪县")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    ind = {i.code: i for i in queries.catalogue_indicators(session, catalogue)}
    for place, waste in ((city, "100"), (hills, "92"), (plain, "100")):
        factories.approved_value(session, ind["2"].measures[0], place, numeric_value=Decimal(waste),
                                 evidence="年度报告", source="市生态环境局")
    factories.approved_value(session, ind["2"].measures[0], city, period="2024", numeric_value=Decimal("90"))
    session.commit()
    return {"city": city, "hills": hills, "plain": plain, "ind": ind, **staff}


def test_overview_shows_counts_statuses_and_changes(client, world):
    body = client.get("/indicators/?lang=en").get_data(as_text=True)
    assert "1 / 5" in body and "indicators met" in body  # the coastal indicator does not apply inland
    assert "危险废物利用处置率" in body and 'class="status status-met"' in body
    assert "Changed since the previous period" in body  # 2024 not met → 2025 met


def test_overview_filters_by_status_and_place_with_shareable_urls(client, world):
    body = client.get("/indicators/?place=hills&status=not_met&lang=en").get_data(as_text=True)
    assert "危险废物利用处置率" in body and "short by 8" in body
    assert "生态文明建设规划" not in body.split('id="indicator-results"')[1]
    body = client.get("/indicators/?domain=d1&lang=en").get_data(as_text=True)
    assert "生态文明建设规划" in body and "林草覆盖率" not in body.split('id="indicator-results"')[1]


def test_overview_filter_answers_htmx_with_the_results_fragment(client, world):
    response = client.get("/indicators/?status=met", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="indicator-results"')
    assert "<html" not in body and response.headers["Vary"].count("HX-Request") >= 1


def test_district_comparison_ranks_and_lists_failing(client, world):
    body = client.get("/indicators/districts?lang=zh_Hans").get_data(as_text=True)
    assert body.index("梅溪县") < body.index("白河县")
    assert "2 危险废物利用处置率" in body


def test_indicator_page_has_chart_with_table_alternative_and_history(client, world):
    body = client.get("/indicators/2?lang=en").get_data(as_text=True)
    assert "<svg" in body and 'role="img"' in body and "<table" in body
    assert "年度报告" in body and "Entered by the lead bureau" in body
    assert client.get("/indicators/99").status_code == 404


@pytest.mark.parametrize("url", ["/indicators/?period=2099", "/indicators/?period=x"])
def test_bad_period_is_not_found(client, world, url):
    assert client.get(url).status_code == 404


def test_exports_as_csv_and_xlsx(client, world):
    response = client.get("/indicators/?format=csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and "危险废物利用处置率" in text
    response = client.get("/indicators/districts?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[1][1] == "梅溪县" and rows[1][0] == 1


def test_api_lists_indicators_with_status(client, world):
    data = client.get("/api/v1/indicators").get_json()
    assert data["api_version"] == "v1" and data["period"] == "2025"
    by_code = {item["code"]: item for item in data["indicators"]}
    assert by_code["2"]["status"] == "met" and by_code["2"]["measures"][0]["value"]["number"] == 100.0
    assert by_code["6"]["data_source"] == "computed"


def test_api_district_compliance(client, world):
    data = client.get("/api/v1/districts/compliance?period=2025").get_json()
    assert [(d["code"], d["rank"], d["failing"]) for d in data["districts"]][:1] == [("plain", 1, [])]
    assert data["districts"][1]["failing"] == ["2"]


def test_editor_enters_and_submits_a_value(client, auth, csrf, session, world):
    auth.login("editor")
    measure = world["ind"]["1"].measures[0]
    url = f"/admin/indicators/values/{measure.id}/{world['city'].id}/2025"
    token = csrf.token(client, url)
    response = client.post(url, data={"state_value": "制定实施", "evidence": "规划已印发", "submit_for_review": "y",
                                      "csrf_token": token})
    assert response.status_code == 303
    value = session.scalar(select(IndicatorValue).where(IndicatorValue.measure_id == measure.id))
    assert value.state == "submitted" and value.state_value == "制定实施"


def test_bad_value_input_is_explained_and_kept(client, auth, csrf, session, world):
    auth.login("editor")
    measure = world["ind"]["2"].measures[0]
    url = f"/admin/indicators/values/{measure.id}/{world['city'].id}/2025?lang=en"
    token = csrf.token(client, url)
    response = client.post(url, data={"numeric_value": "很多", "evidence": "我的证据", "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "我的证据" in body and "Not a valid decimal value" in body
    future = f"/admin/indicators/values/{measure.id}/{world['city'].id}/2099?lang=en"
    response = client.post(future, data={"numeric_value": "5", "evidence": "x", "csrf_token": token})
    assert response.status_code == 422 and "has not started yet" in response.get_data(as_text=True)


def test_editor_of_another_bureau_gets_403_and_an_audit_entry(client, auth, session, world):
    auth.login("editor2")
    measure = world["ind"]["2"].measures[0]
    response = client.get(f"/admin/indicators/values/{measure.id}/{world['city'].id}/2025")
    assert response.status_code == 403
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "indicators.edit_denied"))
    assert entry.actor_label == "editor2"


def test_task_list_shows_only_own_bureaus_indicators(client, auth, world):
    auth.login("editor2")
    body = client.get("/admin/indicators/?period=2025").get_data(as_text=True)
    assert "危险废物利用处置率" not in body
    auth.logout()
    auth.login("editor")
    body = client.get("/admin/indicators/?period=2025").get_data(as_text=True)
    assert "危险废物利用处置率" in body and "公众对生态文明建设的满意度" not in body  # computed: not entered


def test_reviewer_approves_and_value_is_published(client, auth, csrf, session, world):
    from app.indicators import services

    measure = world["ind"]["1"].measures[0]
    value = services.save_draft(session, world["bureau_editor"], measure, world["city"], "2025",
                                services.ValueInput(state_value="制定实施", evidence="规划"),
                                today=__import__("datetime").date(2026, 1, 1))
    services.submit_value(session, world["bureau_editor"], value)
    session.commit()
    auth.login("reviewer")
    token = csrf.token(client, "/admin/indicators/review")
    assert client.post(f"/admin/indicators/values/{value.id}/approve", data={"csrf_token": token}).status_code == 303
    body = client.get("/indicators/1?lang=en").get_data(as_text=True)
    assert "规划" in body


def test_review_return_without_comment_is_refused(client, auth, csrf, session, world):
    from app.indicators import services

    measure = world["ind"]["1"].measures[0]
    value = services.save_draft(session, world["bureau_editor"], measure, world["city"], "2025",
                                services.ValueInput(state_value="建立", evidence="x"),
                                today=__import__("datetime").date(2026, 1, 1))
    services.submit_value(session, world["bureau_editor"], value)
    session.commit()
    auth.login("reviewer")
    token = csrf.token(client, "/admin/indicators/review?lang=en")
    response = client.post(f"/admin/indicators/values/{value.id}/return?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Say what must be changed." in client.get("/admin/indicators/review?lang=en").get_data(as_text=True)
    session.refresh(value)
    assert value.state == "submitted"


def test_gap_report_lists_failing_indicators_with_gap_by_domain(client, world):
    body = client.get("/indicators/report?period=2025&lang=zh_Hans").get_data(as_text=True)
    hills = body.split('id="place-hills"')[1].split("</section>")[0]
    assert "危险废物利用处置率" in hills and ">8\xa0%<" in hills.replace(" ", "")  # the gap with its unit
    plain = body.split('id="place-plain"')[1].split("</section>")[0]
    assert "没有未达标的指标" in plain and "新达标： 2 危险废物利用处置率" in plain


def test_gap_report_downloads_as_an_editable_docx(client, world):
    from docx import Document

    response = client.get("/indicators/report?period=2025&format=docx&lang=zh_Hans")
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025" in document.paragraphs[0].text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "危险废物利用处置率" in cells and "8\xa0%" in cells and "不低于100\xa0%" in cells
    assert "白河县" in text or "白河县" in cells


def test_admin_board_counts_values_per_bureau_and_place(client, auth, session, world):
    from app.indicators import services

    services.save_draft(session, world["bureau_editor"], world["ind"]["1"].measures[0], world["city"], "2025",
                        services.ValueInput(state_value="建立", evidence="x"),
                        today=__import__("datetime").date(2026, 1, 1))
    session.commit()
    auth.login("admin")
    body = client.get("/admin/indicators/board?period=2025&lang=zh_Hans").get_data(as_text=True)
    assert "前报送" in body and "已逾期" in body  # 2025 values were due by 31 March 2026
    city_row = body.split("<th scope=\"row\">云溪市")[1].split("</tr>")[0]
    # city: indicators 1-4 entered by hand (5 is coastal, the city is not), 2 approved, 1 draft, 3-4 missing
    assert [int(n) for n in __import__("re").findall(r"<td>(\d+)</td>", city_row)] == [2, 1, 0, 0, 1]


PNG = image_bytes("PNG")  # a real image: stored images are decoded and re-encoded


def test_evidence_files_are_checked_attached_and_published_with_the_value(client, auth, csrf, session, world):
    from app.indicators import services
    from app.indicators.models import IndicatorEvidenceFile

    auth.login("editor")
    measure = world["ind"]["1"].measures[0]
    url = f"/admin/indicators/values/{measure.id}/{world['city'].id}/2025?lang=en"
    token = csrf.token(client, url)
    response = client.post(url, content_type="multipart/form-data", data={
        "state_value": "建立", "evidence": "会议纪要", "csrf_token": token,
        "evidence_files": [(io.BytesIO(b"not really a pdf"), "minutes.pdf")]})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "minutes.pdf is not a PDF" in body and "会议纪要" in body
    assert session.scalar(select(IndicatorValue).where(IndicatorValue.measure_id == measure.id)) is None

    response = client.post(url, content_type="multipart/form-data", data={
        "state_value": "建立", "evidence": "会议纪要", "submit_for_review": "y", "csrf_token": token,
        "evidence_files": [(io.BytesIO(PNG), "photo.png"), (io.BytesIO(b"%PDF-1.7 minutes"), "minutes.pdf")]})
    assert response.status_code == 303
    files = session.scalars(select(IndicatorEvidenceFile).order_by(IndicatorEvidenceFile.id)).all()
    assert [f.original_name for f in files] == ["photo.png", "minutes.pdf"]
    auth.logout()

    assert client.get(f"/indicators/evidence/{files[0].id}").status_code == 404  # not published yet
    value = files[0].value
    services.approve_value(session, world["reviewer"], value)
    session.commit()
    response = client.get(f"/indicators/evidence/{files[1].id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "minutes.pdf" in client.get("/indicators/1?period=2025").get_data(as_text=True)


def test_overview_explains_when_nothing_is_set_up_yet(client):
    response = client.get("/indicators/?lang=en")
    assert response.status_code == 200
    assert "have not been set up yet" in response.get_data(as_text=True)
    assert client.get("/indicators/?period=2025").status_code == 404


@pytest.mark.parametrize("url", [
    "/indicators/?format=pdf", "/indicators/?format=", "/indicators/?format=csv&format=pdf",
    "/indicators/districts?format=pdf", "/indicators/report?format=pdf", "/indicators/2?format=pdf",
])
def test_unknown_download_format_is_a_clear_400_not_a_500(client, world, url):
    response = client.get(url + "&lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unknown download format" in body and ("CSV / XLSX" in body or "DOCX" in body or "no download" in body)


ODD_QUERIES = ("period=2025-13", "period=２０２５", "period=2025&period=x", "period=0001", "period=2025-Q9",
               "period=%00", "place=nowhere", "place=", "domain=<script>", "status=zzz", "property=99", "format=CSV",
               "place=hills&period=2025-Q3", "period=2018", "format=csv&format=pdf")


@pytest.mark.parametrize("path", ["/indicators/", "/indicators/districts", "/indicators/report", "/indicators/2",
                                  "/api/v1/indicators", "/api/v1/districts/compliance"])
def test_odd_query_parameters_never_give_a_server_error(client, world, path):
    for query in ODD_QUERIES:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(f"{path}?{query}", headers=headers)
            assert response.status_code in (200, 400, 404), (query, headers, response.status_code)
