"""A double click on the report form files one tip, and every click lands on the same tracking-code page."""
import re
import threading

from sqlalchemy import select

from app.web.models import FormSubmission
from tests.tips.test_views import report_form, tip_count


def _form_page(client):
    html = client.get("/tips/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    return csrf, submission


def _code_shown(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'<code id="tracking-code"[^>]*>([A-Z0-9-]+)<', page).group(1)


def test_the_same_form_posted_twice_files_one_tip_and_shows_the_same_code(client, session, city):
    csrf, submission = _form_page(client)
    data = {**report_form(city), "csrf_token": csrf, "submission": submission}
    first = _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    second = _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    assert first == second
    assert tip_count(session) == 1


def test_the_claim_keeps_no_tracking_code_in_the_clear(client, session, city):
    csrf, submission = _form_page(client)
    data = {**report_form(city), "csrf_token": csrf, "submission": submission}
    code = _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    row = session.scalar(select(FormSubmission))
    assert submission not in (row.token_hash, row.sealed_result)
    assert code not in row.sealed_result and code.replace("-", "") not in row.sealed_result


def test_a_refused_form_keeps_its_token_so_the_corrected_post_counts_once(client, session, city):
    csrf, submission = _form_page(client)
    refused = client.post("/tips/new", data={**report_form(city, description=""), "csrf_token": csrf,
                                             "submission": submission}, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert f'name="submission" value="{submission}"' in refused.get_data(as_text=True)
    data = {**report_form(city), "csrf_token": csrf, "submission": submission}
    _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    assert tip_count(session) == 1


def test_two_different_forms_file_two_tips(client, session, city):
    for _ in range(2):
        csrf, submission = _form_page(client)
        data = {**report_form(city), "csrf_token": csrf, "submission": submission}
        _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    assert tip_count(session) == 2


def test_a_post_without_a_token_still_files_its_tip(client, csrf, session, city):
    data = {**report_form(city), "csrf_token": csrf.token(client, "/tips/new")}
    _code_shown(client, client.post("/tips/new", data=data, content_type="multipart/form-data"))
    assert tip_count(session) == 1


def test_concurrent_posts_of_the_same_form_file_one_tip_and_show_one_code(app, session, city):
    clients = [app.test_client() for _ in range(3)]
    first = clients[0]
    csrf, submission = _form_page(first)
    for other in clients[1:]:
        other.set_cookie("session", first.get_cookie("session").value)
    data = {**report_form(city), "csrf_token": csrf, "submission": submission}
    start, responses = threading.Barrier(len(clients)), [None] * len(clients)

    def post(n):
        start.wait()
        responses[n] = clients[n].post("/tips/new", data=dict(data), content_type="multipart/form-data")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = {_code_shown(c, r) for c, r in zip(clients, responses)}
    assert len(codes) == 1
    assert tip_count(session) == 1


def test_claims_older_than_a_day_are_removed_when_a_new_form_is_sent(client, session, city):
    from datetime import timedelta

    from app.db_types import utcnow

    session.add(FormSubmission(form="tips.new", token_hash="0" * 64, sealed_result="x",
                               created_at=utcnow() - timedelta(days=2)))
    session.commit()
    csrf, submission = _form_page(client)
    _code_shown(client, client.post("/tips/new", data={**report_form(city), "csrf_token": csrf,
                                                       "submission": submission},
                                    content_type="multipart/form-data"))
    session.expire_all()
    assert len(session.scalars(select(FormSubmission)).all()) == 1
    assert session.scalar(select(FormSubmission).where(FormSubmission.token_hash == "0" * 64)) is None
