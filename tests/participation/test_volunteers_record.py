"""A volunteer's own record: the phone and code pair opens it (one generic message for any wrong pair, rate
limited, no code in an address), the yearly totals, and the certificate per year."""
import io
import re
import time
from datetime import datetime, timezone

import pytest
from docx import Document

from app import create_app
from app.participation import volunteers
from app.participation.volunteer_views import SESSION_KEY
from tests.conftest import base_config
from tests.participation.volunteer_fixtures import activity, registration

PHONE = "13800138000"


@pytest.fixture
def record(session, staff):
    """A volunteer with hours in 2025 (one activity) and 2026 (two), one more without confirmed hours; and the code."""
    home = staff["bureaus"]["home"]
    first = activity(session, home, starts_at=datetime(2025, 3, 12, 1, tzinfo=timezone.utc),
                     title_zh_hans="植树节义务植树", title_en="Arbor Day planting")
    reg = registration(session, first, enrol=False)
    code = volunteers.enrol(session, reg)
    volunteers.confirm_hours(session, staff["admin"], reg, 2.5)
    for day, hours in ((5, 3), (20, 1.5)):
        held = activity(session, home, starts_at=datetime(2026, 6, day, 1, tzinfo=timezone.utc),
                        organiser_name="市青年志愿者协会")
        volunteers.confirm_hours(session, staff["admin"], registration(session, held, phone="+86 138 0013 8000"), hours)
    registration(session, activity(session, home))  # attended, hours not yet confirmed
    session.commit()
    return reg.volunteer, code


def _look_up(client, csrf, phone, code):
    token = csrf.token(client, "/participation/volunteers/")
    return client.post("/participation/volunteers/", data={"csrf_token": token, "phone": phone, "code": code})


def test_the_yearly_totals_count_confirmed_hours_only(session, record):
    volunteer, _ = record
    years = volunteers.service_record(session, volunteer.id)
    assert [(y.year, y.total, len(y.lines)) for y in years] == [(2026, 4.5, 2), (2025, 2.5, 1)]
    assert years[0].organisers == ["市青年志愿者协会"]


def test_the_right_pair_opens_the_record_without_the_code_in_any_address(client, csrf, record):
    volunteer, code = record
    response = _look_up(client, csrf, "138-0013-8000", code.lower())
    assert response.status_code == 303 and response.location.endswith("/participation/volunteers/record")
    page = client.get(response.location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and volunteer.name in html and "植树节义务植树" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert code not in html and code not in response.location
    assert re.search(r"2026\D+4\.5", html) and re.search(r"2025\D+2\.5", html)
    assert "/participation/volunteers/record/2026.docx" in html


@pytest.mark.parametrize("which", ["phone", "code", "both"])
def test_a_wrong_pair_gives_one_generic_message(client, csrf, record, which):
    _, code = record
    phone = "13900139000" if which in ("phone", "both") else PHONE
    typed = "2222-2222-2222-2222" if which in ("code", "both") else code
    client.set_cookie("lang", "en")
    response = _look_up(client, csrf, phone, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No volunteer record matches this phone number and volunteer code" in html
    assert phone in html and typed not in html  # the phone is kept, the code is not echoed
    with client.session_transaction() as cookie:
        assert SESSION_KEY not in cookie


def test_an_empty_form_is_422_with_messages(client, csrf, record):
    client.set_cookie("lang", "en")
    response = _look_up(client, csrf, "", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter the phone number you signed up with" in html


def test_the_record_needs_a_lookup_and_forgets_it_after_a_while(client, csrf, record):
    assert client.get("/participation/volunteers/record").status_code == 302
    assert client.get("/participation/volunteers/record/2026.docx").status_code == 302
    _look_up(client, csrf, PHONE, record[1])
    with client.session_transaction() as cookie:
        cookie[SESSION_KEY] = {**cookie[SESSION_KEY], "until": int(time.time()) - 1}
    assert client.get("/participation/volunteers/record").status_code == 302


def test_closing_the_record_forgets_it(client, csrf, record):
    _look_up(client, csrf, PHONE, record[1])
    token = csrf.token(client, "/participation/volunteers/record")
    assert client.post("/participation/volunteers/record/leave", data={"csrf_token": token}).status_code == 303
    assert client.get("/participation/volunteers/record").status_code == 302


def test_the_lookup_is_rate_limited(database_url, record):
    config = base_config(database_url)
    config.update(RATELIMIT_ENABLED=True, PARTICIPATION_LOOKUP_RATE_LIMIT="2 per minute", WTF_CSRF_ENABLED=False)
    client = create_app(config).test_client()
    codes = [client.post("/participation/volunteers/", data={"phone": PHONE, "code": "2222-2222-2222-2222"}).status_code
             for _ in range(3)]
    assert codes == [422, 422, 429]
    assert client.get("/participation/volunteers/").status_code == 200  # the form itself stays readable


def test_the_certificate_opens_and_holds_the_name_activities_and_hours(client, csrf, record):
    volunteer, code = record
    client.set_cookie("lang", "en")
    _look_up(client, csrf, PHONE, code)
    response = client.get("/participation/volunteers/record/2026.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert volunteer.name in text and "4.5 hours" in text and "市青年志愿者协会" in text
    assert "Issued from the records of" in text and "Issued by:" in text and "Date of issue:" in text
    assert [row[3] for row in cells[1:]] == ["3", "1.5", "4.5"]
    assert "植树节义务植树" not in text + str(cells)  # 2025's activity is not on 2026's certificate


def test_a_year_without_hours_has_no_certificate(client, csrf, record):
    _look_up(client, csrf, PHONE, record[1])
    response = client.get("/participation/volunteers/record/2024.docx")
    assert response.status_code == 302 and response.location.endswith("/participation/volunteers/record")
