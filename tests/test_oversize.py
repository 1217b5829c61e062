"""An upload larger than MAX_CONTENT_LENGTH: the tip form comes back with what was typed and a clear message;
other forms get the 413 page with a link back to the form; nothing is saved."""
import io

import pytest
from sqlalchemy import func, select

from app.tips.models import Tip
from tests.tips.conftest import city  # noqa: F401  (fixture)
from tests.tips.test_views import report_form

LIMIT = 50_000


@pytest.fixture(autouse=True)
def small_limit(app, client):
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    client.set_cookie("lang", "en")


def _tips(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Tip.id)))


def test_an_oversize_tip_report_comes_back_with_the_text_typed(client, csrf, session, city):
    data = report_form(city, description="河边工厂夜里排黑水，气味很重", address="滨江路8号")
    data["csrf_token"] = csrf.token(client, "/tips/new")
    data["submission"] = "a-one-time-token-0123456789"
    data["photos"] = [(io.BytesIO(b"\xff\xd8\xff" + b"x" * (LIMIT * 2)), "big.jpg")]
    response = client.post("/tips/new", data=data, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "河边工厂夜里排黑水，气味很重" in body and 'value="滨江路8号"' in body
    assert "nothing was sent yet: choose fewer or smaller photos (your text is kept)" in body
    assert 'name="submission" value="a-one-time-token-0123456789"' in body
    assert "Traceback" not in body
    assert _tips(session) == 0


def test_the_oversize_report_form_is_in_the_users_language(client, csrf, session, city):
    client.set_cookie("lang", "zh_Hans")
    data = report_form(city)
    data["csrf_token"] = csrf.token(client, "/tips/new")
    data["photos"] = [(io.BytesIO(b"\xff\xd8\xff" + b"x" * (LIMIT * 2)), "big.jpg")]
    body = client.post("/tips/new", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "您的文字已保留" in body


def test_a_request_beyond_the_read_limit_gets_the_page_with_a_way_back(app, client, csrf, city):
    app.config["OVERSIZE_READ_LIMIT"] = LIMIT * 2
    data = report_form(city)
    data["csrf_token"] = csrf.token(client, "/tips/new")
    data["photos"] = [(io.BytesIO(b"\xff\xd8\xff" + b"x" * (LIMIT * 3)), "big.jpg")]
    response = client.post("/tips/new", data=data, content_type="multipart/form-data",
                           headers={"Referer": "http://localhost/tips/new"})
    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "File too large" in body and 'href="/tips/new"' in body and "Back to the form" in body


def test_other_forms_get_the_413_page_with_a_link_back(client, csrf, staff):
    response = client.post("/login", data={"username": "x" * (LIMIT * 2), "password": "y"},
                           headers={"Referer": "http://localhost/login?next=/admin/"})
    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'href="/login?next=/admin/"' in body


def test_a_back_link_never_leaves_the_site(client, staff):
    response = client.post("/login", data={"username": "x" * (LIMIT * 2)},
                           headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 413
    assert "evil.example" not in response.get_data(as_text=True)
