"""The layout kept per process around public pages (app.web.shell): the same page as base.html renders it, for
anonymous visitors only, with this request's CSRF token, per language, large-text mode and address."""
import re

import pytest
from flask import current_app

from app.web import shell

PAGES = ("/tips/", "/tips/?status=open&page=1", "/tips/stats", "/exposure", "/notices/")
TOKEN = re.compile(r'(name="csrf_token" value="|"X-CSRFToken": ")[^"]+"')


def _without_tokens(html: str) -> str:
    return TOKEN.sub(r'\1…"', html)


def _page(client, path: str, *, kept: bool) -> str:
    current_app.config["LAYOUT_CACHE"] = kept
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def fresh_layouts(app):
    app.extensions.pop("layout_shells", None)
    yield
    app.config["LAYOUT_CACHE"] = True


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_the_kept_layout_gives_the_page_base_html_gives(app, client, path, lang):
    client.set_cookie("lang", lang)
    kept = _page(client, path, kept=True)
    assert current_app.extensions["layout_shells"], "the page was not set into a kept layout"
    assert _without_tokens(kept) == _without_tokens(_page(client, path, kept=False))
    assert _without_tokens(_page(client, path, kept=True)) == _without_tokens(kept)  # served from the store


def test_each_request_gets_its_own_sessions_csrf_token(app):
    first, second = app.test_client(), app.test_client()
    tokens = [re.findall(r'name="csrf_token" value="([^"]+)"', browser.get("/tips/").get_data(as_text=True))
              for browser in (first, second)]
    assert len(app.extensions["layout_shells"]) == 1  # one layout for both visitors…
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]  # …each with their own token
    assert shell._CSRF not in first.get("/tips/").get_data(as_text=True)


def test_large_text_and_the_address_have_layouts_of_their_own(client):
    plain = client.get("/tips/?page=1").get_data(as_text=True)
    client.set_cookie("elder", "1")
    large = client.get("/tips/?page=1").get_data(as_text=True)
    assert 'class="elder"' in large and 'class="elder"' not in plain
    other = client.get("/tips/?page=2").get_data(as_text=True)
    assert 'name="next" value="/tips/?page=2"' in other and 'name="next" value="/tips/?page=1"' in large


def test_a_signed_in_user_and_a_waiting_message_get_base_html(app, client, auth, staff):
    auth.login(staff["admin"].username)
    page = client.get("/tips/").get_data(as_text=True)
    assert staff["admin"].display_name in page and not app.extensions.get("layout_shells")
    auth.logout()  # leaves a flash ("signed out") for the next page
    after = client.get("/tips/").get_data(as_text=True)
    assert 'class="flash' in after and not app.extensions.get("layout_shells")
