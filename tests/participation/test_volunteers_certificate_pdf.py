"""The volunteer certificate as a PDF beside the Word one (《志愿服务条例》 art. 19): it opens, holds the volunteer's
name, the year's activities with their organisers (a registered organisation among them) and hours, and is offered
where the Word document is."""
import io
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from app.participation import certificates, volunteers
from app.participation.volunteers import ServiceLine, ServiceYear
from tests.participation.organisation_fixtures import organisation, organiser
from tests.participation.volunteer_fixtures import activity, registration

PHONE = "13800138000"


@pytest.fixture
def record(session, staff):
    """A volunteer with 2026 hours at a bureau's activity and at a registered organisation's; and their code."""
    bureau_activity = activity(session, staff["bureaus"]["home"],
                               starts_at=datetime(2026, 6, 5, 1, tzinfo=timezone.utc), title_zh_hans="世界环境日植树",
                               title_en="Environment Day planting")
    first = registration(session, bureau_activity, name="王丽华", enrol=False)
    code = volunteers.enrol(session, first)
    volunteers.confirm_hours(session, staff["admin"], first, 3)
    youth = organisation(session, staff["admin"], name_zh_hans="云溪市青年志愿者协会",
                         name_en="Yunxi Youth Volunteers Association")
    org_activity = activity(session, youth, organisation_id=youth.id, bureau_id=None,
                            starts_at=datetime(2026, 8, 16, 1, tzinfo=timezone.utc), title_zh_hans="云溪河净滩",
                            title_en="Yunxi river clean-up")
    volunteers.confirm_hours(session, organiser(session, youth), registration(session, org_activity), 1.5)
    session.commit()
    return first.volunteer, code


def _look_up(client, csrf, code):
    token = csrf.token(client, "/participation/volunteers/")
    return client.post("/participation/volunteers/", data={"csrf_token": token, "phone": PHONE, "code": code})


def _text(data: bytes) -> str:
    """The PDF's text, its lines joined with single spaces (a table cell or a sentence wraps where it must)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_certificate_opens_with_the_name_activities_organisers_and_hours(client, csrf, record):
    volunteer, code = record
    _look_up(client, csrf, code)
    response = client.get("/participation/volunteers/record/2026.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="volunteer-hours-2026.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == "Volunteer service record certificate"
    text = _text(response.data)
    assert "王丽华" in text and "4.5 hours" in text
    assert "Environment Day planting" in text and "Yunxi river clean-up" in text
    assert "Yunxi Youth Volunteers Association" in text and "Regulations on Volunteer Service" in text
    assert "Date of issue:" in text and "Total for 2026" in text


@pytest.mark.chinese_pages
def test_the_chinese_certificate_sets_chinese_text_in_the_cid_font(client, csrf, record):
    _look_up(client, csrf, record[1])
    data = client.get("/participation/volunteers/record/2026.pdf").data
    text = _text(data)
    assert "王丽华" in text and "世界环境日植树" in text and "云溪市青年志愿者协会" in text and "4.5" in text
    assert b"/STSong-Light" in data


def test_the_record_page_offers_the_pdf_beside_the_word_document(client, csrf, record):
    _look_up(client, csrf, record[1])
    html = client.get("/participation/volunteers/record").get_data(as_text=True)
    pdf = html.find("/participation/volunteers/record/2026.pdf")
    docx = html.find("/participation/volunteers/record/2026.docx")
    assert pdf > 0 and docx > 0 and abs(pdf - docx) < 400
    assert "Download the certificate for 2026 (PDF)" in html


def test_the_pdf_needs_the_lookup_and_a_year_with_hours(client, csrf, record):
    assert client.get("/participation/volunteers/record/2026.pdf").status_code == 302
    _look_up(client, csrf, record[1])
    response = client.get("/participation/volunteers/record/2024.pdf")
    assert response.status_code == 302 and response.location.endswith("/participation/volunteers/record")
    assert client.get("/participation/volunteers/record/2026.odt").status_code == 404


def test_text_that_looks_like_markup_is_printed_as_it_is(app):
    year = ServiceYear(2026, [ServiceLine(1, "<b>河道</b> & 清理", "协会 <i>", date(2026, 3, 1), 2.0)])
    data = certificates.certificate_pdf("王<丽>华 & Co", year, office="生态办", site="平台", issued_on=date(2026, 3, 2))
    text = _text(data)
    assert "王<丽>华 & Co" in text and "<b>河道</b> & 清理" in text and "协会 <i>" in text


def test_a_long_year_runs_onto_more_pages_with_every_line(app):
    lines = [ServiceLine(n, f"活动第{n}次", "云溪市青年志愿者协会", date(2026, 1 + n % 12, 1 + n % 28), 1.0)
             for n in range(80)]
    data = certificates.certificate_pdf("王丽华", ServiceYear(2026, lines), office="生态办", site="平台",
                                        issued_on=date(2026, 12, 31))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    text = _text(data)
    assert all(f"活动第{n}次" in text for n in range(80)) and "80" in text
