"""CSRF on every form and on htmx requests (token in a header)."""


def test_post_without_token_is_refused_with_a_clear_page(client):
    response = client.post("/preferences/elder-mode?lang=en", data={"enable": "1"})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)


def test_post_with_form_token_is_accepted(client, csrf):
    token = csrf.token(client)
    response = client.post("/preferences/elder-mode", data={"enable": "1", "csrf_token": token, "next": "/privacy"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"


def test_htmx_request_with_header_token_is_accepted(client, csrf):
    token = csrf.token(client)
    response = client.post("/preferences/elder-mode", data={"enable": "1"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"


def test_every_form_in_the_layout_carries_a_token(client):
    import re

    html = client.get("/").get_data(as_text=True)
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
    assert forms
    assert all('name="csrf_token"' in form for form in forms)
    assert '"X-CSRFToken":' in html
