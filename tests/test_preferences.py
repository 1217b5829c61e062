"""Language choice and the large-text elder mode."""
import pytest


@pytest.mark.parametrize("query, html_lang, text", [
    ("?lang=zh_Hans", "zh-Hans", "首页"),
    ("?lang=zh_Hant", "zh-Hant", "首頁"),
    ("?lang=en", "en", "Home"),
])
def test_lang_parameter_sets_page_language(client, query, html_lang, text):
    body = client.get("/" + query).get_data(as_text=True)
    assert f'<html lang="{html_lang}"' in body
    assert text in body


def test_language_choice_is_remembered_in_a_cookie(client):
    client.get("/?lang=en")
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("header, html_lang", [
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("zh-TW,zh;q=0.9", "zh-Hant"),
    ("zh-HK", "zh-Hant"),
    ("en-GB,en;q=0.8", "en"),
    ("fr-FR", "zh-Hans"),
    ("fr-FR, en;q=0.5", "en"),
])
def test_accept_language_chooses_when_nothing_else_does(client, header, html_lang):
    body = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{html_lang}"' in body


def test_default_language_is_simplified_chinese(client):
    assert '<html lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_switcher_links_keep_the_current_page(client):
    body = client.get("/privacy").get_data(as_text=True)
    assert 'href="/privacy?lang=en"' in body and 'href="/privacy?lang=zh_Hant"' in body


def test_dates_and_numbers_follow_the_locale(app):
    from datetime import datetime, timezone

    from flask_babel import force_locale

    render = app.jinja_env.from_string("{{ when|date('long') }} {{ n|number }}")
    when = datetime(2026, 3, 5, 4, tzinfo=timezone.utc)
    with app.test_request_context("/"):
        with force_locale("en"):
            assert render.render(when=when, n=1234567) == "March 5, 2026 1,234,567"
        with force_locale("zh_Hans"):
            assert render.render(when=when, n=1234567) == "2026年3月5日 1,234,567"


def test_elder_mode_toggle_persists(client, csrf):
    token = csrf.token(client)
    response = client.post("/preferences/elder-mode", data={"enable": "1", "csrf_token": token, "next": "/"})
    assert response.status_code == 303
    body = client.get("/").get_data(as_text=True)
    assert 'class="elder"' in body and 'aria-pressed="true"' in body
    client.post("/preferences/elder-mode", data={"enable": "0", "csrf_token": token})
    assert 'class="elder"' not in client.get("/").get_data(as_text=True)


def test_elder_mode_never_redirects_off_site(client, csrf):
    token = csrf.token(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/preferences/elder-mode", data={"enable": "1", "csrf_token": token, "next": target})
        assert response.headers["Location"] == "/"
