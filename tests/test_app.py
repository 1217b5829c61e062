"""The factory, health check, security headers and error pages."""
import pytest
from flask import abort

from app import create_app
from tests.conftest import base_config


def test_refuses_to_start_without_a_real_secret_key(database_url):
    config = base_config(database_url)
    config.update(TESTING=False, SECRET_KEY="dev-only-insecure-key", PUBLIC_BASE_URL="https://eco.example.gov.cn")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)
    config["SECRET_KEY"] = ""
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_starts_outside_debug_with_a_strong_secret_key(database_url):
    config = base_config(database_url)
    config.update(TESTING=False, SECRET_KEY="x" * 40, PUBLIC_BASE_URL="https://eco.example.gov.cn")
    assert create_app(config).name == "app"


def test_postgres_urls_use_psycopg3(database_url):
    config = base_config(database_url)
    config["SQLALCHEMY_DATABASE_URI"] = "postgres://u@h/db"
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_redis_url_moves_rate_limit_storage(database_url):
    config = base_config(database_url)
    config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    assert create_app(config).config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_reports_unavailable_database(app, client, monkeypatch):
    from app.web import views

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "_database_answers", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_pages_load_nothing_from_other_hosts(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "/static/vendor/htmx-2.0.11.min.js" in html


def test_vendored_htmx_matches_recorded_checksum():
    import hashlib
    from pathlib import Path

    data = Path("static/vendor/htmx-2.0.11.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_not_found_page_in_users_language(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    response = client.get("/no-such-page?lang=zh_Hans")
    assert "页面不存在" in response.get_data(as_text=True)


def test_error_fragment_for_htmx_requests(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flashes"
    assert "<html" not in response.get_data(as_text=True)


def test_boosted_navigation_gets_the_whole_error_page(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_method_not_allowed_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Allow" in response.headers


def test_oversize_request_gets_friendly_413(database_url):
    config = base_config(database_url)
    config["MAX_CONTENT_LENGTH"] = 1000
    config["WTF_CSRF_ENABLED"] = False
    app = create_app(config)
    response = app.test_client().post("/login?lang=en", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_unexpected_error_shows_no_stack_trace(app, client):
    @app.get("/_boom")
    def boom():
        raise ValueError("secret internals")

    response = client.get("/_boom?lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body
    assert "Something went wrong" in body


@pytest.mark.parametrize("code", [400, 403, 429])
def test_error_pages_exist_for_common_codes(app, client, code):
    @app.get(f"/_fail{code}")
    def fail():
        abort(code)

    response = client.get(f"/_fail{code}")
    assert response.status_code == code
    assert "<main" in response.get_data(as_text=True)


def test_home_describes_the_programme(client):
    body = client.get("/?lang=en").get_data(as_text=True)
    assert "80%" in body and "12369" in body


def test_db_analyze_gives_the_planner_statistics(runner, session):
    from sqlalchemy import text

    result = runner.invoke(args=["db-analyze"])
    assert result.exit_code == 0 and "Planner statistics refreshed." in result.output
    if session.get_bind().dialect.name == "sqlite":
        assert session.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar() > 0


def test_refuses_to_start_outside_debug_without_a_public_base_url(database_url):
    config = base_config(database_url)
    config.update(TESTING=False, SECRET_KEY="x" * 40)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(config)
    for wrong in ("eco.example.gov.cn", "https://eco.example.gov.cn/path", "javascript:alert(1)",
                  "https://user:pw@eco.example.gov.cn"):
        config["PUBLIC_BASE_URL"] = wrong
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            create_app(config)
    config["PUBLIC_BASE_URL"] = "https://eco.example.gov.cn/"
    assert create_app(config).config["PUBLIC_BASE_URL"] == "https://eco.example.gov.cn"


def test_privacy_contact_is_shown_in_the_readers_language(client):
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert "Ecological Civilization Office · 0000-12345678" in english and "生态文明建设办公室" not in english
    assert "生態文明建設辦公室" in client.get("/privacy?lang=zh_Hant").get_data(as_text=True)


def test_privacy_contact_without_a_translation_is_marked_as_simplified_chinese(app, client):
    app.config["PRIVACY_CONTACTS"]["en"] = ""
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert '<span lang="zh-Hans">生态文明建设办公室 · 0000-12345678</span>' in english
