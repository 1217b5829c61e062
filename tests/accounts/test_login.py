"""Staff sign-in: Argon2, lockout, rate limit, cookie flags, sign-out, own password."""
import pytest
from sqlalchemy import select

from app import create_app
from app.accounts import services
from app.accounts.models import User
from app.audit import AuditEntry
from tests import factories
from tests.conftest import base_config


def test_passwords_are_stored_as_argon2_hashes(session, staff):
    assert staff["admin"].password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in staff["admin"].password_hash


def test_login_and_land_in_the_staff_area(client, auth, staff):
    response = auth.login("admin")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_login_is_case_insensitive_on_username(client, auth, staff):
    assert auth.login("ADMIN").status_code == 303


def test_login_follows_a_local_next_but_not_an_external_one(client, csrf, staff):
    token = csrf.token(client, "/login")
    data = {"username": "admin", "password": factories.PASSWORD, "csrf_token": token}
    response = client.post("/login?next=/admin/audit", data=data)
    assert response.headers["Location"] == "/admin/audit"
    client.post("/logout", data={"csrf_token": csrf.token(client)})
    token = csrf.token(client, "/login")
    data["csrf_token"] = token
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_keeps_the_username_and_says_why(client, csrf, staff):
    token = csrf.token(client, "/login?lang=en")
    response = client.post("/login?lang=en", data={"username": "admin", "password": "nope", "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The username or password is wrong" in body
    assert 'value="admin"' in body


def test_empty_form_gets_messages_in_chinese(client, csrf, staff):
    token = csrf.token(client, "/login")
    body = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "请输入用户名" in body


def test_account_locks_after_repeated_failures(app, client, auth, session, staff):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert auth.login("admin", "wrong-password").status_code == 422
    response = auth.login("admin")
    assert response.status_code == 422
    assert "暂停" in response.get_data(as_text=True)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == staff["admin"].id)).all()
    assert "accounts.locked" in actions and "accounts.login_refused_locked" in actions


def test_admin_password_reset_unlocks(app, client, auth, session, staff):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("reviewer", "wrong-password")
    user = session.scalar(select(User).where(User.username == "reviewer"))
    services.set_password(session, staff["admin"], user, "a-brand-new-password")
    session.commit()
    assert auth.login("reviewer", "a-brand-new-password").status_code == 303


def test_inactive_user_cannot_sign_in(client, auth, session, staff):
    staff["reviewer"].active = False
    session.commit()
    assert auth.login("reviewer").status_code == 422


def test_login_is_rate_limited_per_address(database_url, staff):
    config = base_config(database_url)
    config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", WTF_CSRF_ENABLED=False)
    client = create_app(config).test_client()
    codes = [client.post("/login?lang=en", data={"username": "nobody", "password": "x"}).status_code
             for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert "Too many requests" in client.post("/login?lang=en", data={}).get_data(as_text=True)


def test_session_cookie_flags(client, auth, staff):
    response = auth.login("admin")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_secure_when_configured(database_url, staff):
    config = base_config(database_url)
    config["SESSION_COOKIE_SECURE"] = True
    client = create_app(config).test_client()
    from tests.conftest import AuthActions

    response = AuthActions(client).login("admin")
    assert "Secure" in response.headers.get("Set-Cookie")


def test_staff_pages_are_not_cached(client, auth, staff):
    auth.login("admin")
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


def test_logout_needs_post_with_token(client, auth, staff):
    auth.login("admin")
    assert client.post("/logout").status_code == 400
    assert auth.logout().status_code == 303
    assert client.get("/admin/").status_code == 302


def test_changing_password_ends_other_sessions(app, client, auth, csrf, staff):
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("reviewer")
    auth.login("reviewer")
    token = csrf.token(client, "/account/password")
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "another-long-password",
        "confirm": "another-long-password", "csrf_token": token})
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302


def test_change_password_refuses_wrong_current_password(client, auth, csrf, staff):
    auth.login("reviewer")
    token = csrf.token(client, "/account/password?lang=en")
    response = client.post("/account/password?lang=en", data={
        "current_password": "wrong", "new_password": "another-long-password",
        "confirm": "another-long-password", "csrf_token": token})
    assert response.status_code == 422
    assert "The current password is wrong." in response.get_data(as_text=True)


def test_create_admin_command(runner, session):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--name", "主任",
                                 "--password", "a-long-password!"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "boss"))
    assert user.role == "admin"


def test_create_admin_refuses_a_short_password(runner, session):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--name", "主任", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_the_own_password_changes_only_with_the_current_one(session, staff):
    user = staff["reviewer"]
    old_hash, version = user.password_hash, user.session_version
    with pytest.raises(services.AccountError) as refused:
        services.change_own_password(session, user, "not-my-password", "another-long-password")
    assert refused.value.field == "current_password"
    assert (user.password_hash, user.session_version) == (old_hash, version)
    services.change_own_password(session, user, factories.PASSWORD, "another-long-password")
    assert services.verify_password(user, "another-long-password") and user.session_version == version + 1
