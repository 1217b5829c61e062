"""A double click on the application form files one request, and every click sees the same acknowledgement."""
import re
import threading

from tests.disclosure.test_views import count, form_data


def _form_page(client):
    html = client.get("/disclosure-requests/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    return csrf, submission


def _code_shown(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'<code id="tracking-code"[^>]*>([A-Z0-9-]+)<', page).group(1)


def test_the_same_application_posted_twice_files_one_request_and_shows_the_same_code(client, session, staff):
    csrf, submission = _form_page(client)
    data = {**form_data(staff), "csrf_token": csrf, "submission": submission}
    first = _code_shown(client, client.post("/disclosure-requests/new", data=data))
    second = _code_shown(client, client.post("/disclosure-requests/new", data=data))
    assert first == second
    assert count(session) == 1


def test_a_resubmission_with_htmx_is_sent_to_the_same_acknowledgement(client, session, staff):
    csrf, submission = _form_page(client)
    data = {**form_data(staff), "csrf_token": csrf, "submission": submission}
    client.post("/disclosure-requests/new", data=data)
    again = client.post("/disclosure-requests/new", data=data, headers={"HX-Request": "true"})
    assert again.headers["HX-Redirect"] == "/disclosure-requests/submitted"
    assert count(session) == 1


def test_concurrent_posts_of_the_same_application_file_one_request(app, session, staff):
    clients = [app.test_client() for _ in range(3)]
    csrf, submission = _form_page(clients[0])
    for other in clients[1:]:
        other.set_cookie("session", clients[0].get_cookie("session").value)
    data = {**form_data(staff), "csrf_token": csrf, "submission": submission}
    start, responses = threading.Barrier(len(clients)), [None] * len(clients)

    def post(n):
        start.wait()
        responses[n] = clients[n].post("/disclosure-requests/new", data=dict(data))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({_code_shown(c, r) for c, r in zip(clients, responses)}) == 1
    assert count(session) == 1
