"""Sessions and sign-in abuse: signing out ends copied cookies too; unknown, wrong and locked sign-ins look
alike and each verify one Argon2 hash; an address is slowed before any account locks; a lock never keeps a
user out of the browser they signed in from before."""
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app import create_app
from app.accounts.models import User
from app.db_types import utcnow
from tests import factories
from tests.conftest import AuthActions, IsolatedClient, base_config

SAME_MESSAGE = "The username or password is wrong, or sign-in to this account is paused"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def _login(client, username, password=factories.PASSWORD):
    return AuthActions(client).login(username, password)


def test_signing_out_ends_a_copied_session_cookie_too(app, client, staff):
    assert _login(client, "admin").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/admin/").status_code == 200
    assert AuthActions(client).logout().status_code == 303
    assert thief.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.fixture
def verifications(monkeypatch):
    """Every Argon2 verification made, and every hash computed, while the test runs."""
    calls = {"verify": 0, "hash": 0}
    verify, hash_ = PasswordHasher.verify, PasswordHasher.hash

    def counting_verify(self, *args, **kwargs):
        calls["verify"] += 1
        return verify(self, *args, **kwargs)

    def counting_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return hash_(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    return calls


def _attempt(client, csrf, username, password):
    token = csrf.token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.mark.parametrize("case", ["unknown", "wrong password", "locked", "locked with the right password",
                                  "inactive"])
def test_every_refused_sign_in_verifies_one_hash_and_answers_alike(client, csrf, session, staff, verifications,
                                                                    case):
    user = staff["reviewer"]
    if case.startswith("locked"):
        user.locked_until = utcnow() + timedelta(minutes=5)
    if case == "inactive":
        user.active = False
    session.commit()
    _attempt(client, csrf, "someone-else", "warm-up")  # the dummy hash is made once per process
    verifications.update(verify=0, hash=0)
    username = "nobody-here" if case == "unknown" else "reviewer"
    password = factories.PASSWORD if case in ("locked with the right password", "inactive") else "wrong-password"
    response = _attempt(client, csrf, username, password)
    assert response.status_code == 422
    assert SAME_MESSAGE in response.get_data(as_text=True)
    assert verifications == {"verify": 1, "hash": 0}


def test_an_address_is_slowed_before_any_account_locks(database_url, staff):
    config = base_config(database_url)
    config.update(RATELIMIT_ENABLED=True, LOGIN_FAILURE_RATE_LIMIT="3 per 15 minutes", LOGIN_MAX_FAILURES=5)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    codes = [_login(client, "admin", "wrong-password").status_code for _ in range(5)]
    assert codes == [422, 422, 422, 429, 429]
    with app.app_context():
        from app.extensions import db

        admin = db.session.scalar(select(User).where(User.username == "admin"))
        assert admin.locked_until is None and admin.failed_logins == 3


def test_successful_sign_ins_do_not_count_against_the_address(database_url, staff):
    config = base_config(database_url)
    config.update(RATELIMIT_ENABLED=True, LOGIN_FAILURE_RATE_LIMIT="2 per 15 minutes")
    app = create_app(config)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    for _ in range(3):
        assert _login(client, "admin").status_code == 303
        assert AuthActions(client).logout().status_code == 303


def test_a_locked_account_still_signs_in_from_the_browser_it_used_before(app, client, session, staff):
    assert _login(client, "handler").status_code == 303
    AuthActions(client).logout()
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(attacker, "handler", "guess")
    session.expire_all()
    assert session.scalar(select(User.locked_until).where(User.username == "handler")) is not None
    assert _login(attacker, "handler").status_code == 422  # the right password, from elsewhere: locked
    assert _login(client, "handler").status_code == 303


def test_a_known_browser_cookie_for_another_user_does_not_unlock(app, client, session, staff):
    assert _login(client, "admin").status_code == 303
    AuthActions(client).logout()
    staff["reviewer"].locked_until = utcnow() + timedelta(minutes=5)
    session.commit()
    assert _login(client, "reviewer").status_code == 422


def test_a_forged_known_browser_cookie_is_ignored(client, session, staff):
    staff["reviewer"].locked_until = utcnow() + timedelta(minutes=5)
    session.commit()
    client.set_cookie("known_browser", f"{staff['reviewer'].id}.forged.signature")
    assert _login(client, "reviewer").status_code == 422


def test_the_lock_is_temporary(client, session, staff):
    staff["reviewer"].locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert _login(client, "reviewer").status_code == 303
