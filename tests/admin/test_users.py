"""Admins manage staff accounts; every change is audited."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import User
from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.errors import ActionRefused


def _new_user_form(csrf_token, **overrides):
    data = {"username": "newbie", "display_name": "新同事", "email": "", "role": "bureau_editor",
            "bureau_id": "0", "new_password": "a-long-password", "confirm": "a-long-password",
            "active": "y", "csrf_token": csrf_token}
    data.update(overrides)
    return data


def test_admin_creates_a_bureau_editor(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/users/new")
    bureau_id = staff["bureaus"]["home"].id
    response = client.post("/admin/users/new", data=_new_user_form(token, bureau_id=str(bureau_id)))
    assert response.status_code == 303
    user = session.scalar(select(User).where(User.username == "newbie"))
    assert user.bureau_id == bureau_id and user.role == "bureau_editor"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "accounts.create",
                                                    AuditEntry.object_id == str(user.id)))
    assert entry.after["username"] == "newbie" and "password" not in str(entry.after)


def test_bureau_role_without_bureau_is_refused_and_input_kept(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/users/new?lang=en")
    response = client.post("/admin/users/new?lang=en", data=_new_user_form(token))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This role acts for a bureau: choose one." in body
    assert 'value="newbie"' in body and 'value="新同事"' in body
    assert session.scalar(select(User).where(User.username == "newbie")) is None


def test_duplicate_username_is_refused(client, auth, csrf, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/users/new?lang=en")
    response = client.post("/admin/users/new?lang=en", data=_new_user_form(token, username="reviewer", role="reviewer"))
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)


def test_admin_cannot_demote_themselves(client, auth, csrf, staff):
    auth.login("admin")
    url = f"/admin/users/{staff['admin'].id}/edit?lang=en"
    token = csrf.token(client, url)
    response = client.post(url, data={"display_name": "x", "role": "reviewer", "bureau_id": "0",
                                      "active": "y", "csrf_token": token})
    assert response.status_code == 422
    assert "cannot demote" in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_session(app, client, auth, csrf, session, staff):
    from tests.conftest import AuthActions

    other = app.test_client()
    AuthActions(other).login("reviewer")
    assert other.get("/admin/").status_code == 200
    auth.login("admin")
    url = f"/admin/users/{staff['reviewer'].id}/edit"
    token = csrf.token(client, url)
    response = client.post(url, data={"display_name": "审核员", "role": "reviewer", "bureau_id": "0",
                                      "csrf_token": token})
    assert response.status_code == 303
    assert other.get("/admin/").status_code == 302
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "accounts.update"))
    assert entry.before["active"] is True and entry.after["active"] is False


def test_user_list_shows_roles_in_the_users_language(client, auth, staff):
    auth.login("admin")
    body = client.get("/admin/users/?lang=zh_Hans").get_data(as_text=True)
    assert "举报办理员" in body


def test_roles_read_back_as_titled_members_also_after_a_plain_string(app, session, staff):
    user = staff["reviewer"]
    session.expire_all()
    assert user.role is Role.REVIEWER and user.role == "reviewer"
    user.role = "tip_handler"
    assert user.role is Role.TIP_HANDLER
    with app.test_request_context("/"), force_locale("en"):
        assert str(user.role.title) == "Tip handler"
    session.rollback()


def test_account_refusals_name_the_field_they_are_about(session, staff):
    with pytest.raises(services.AccountError) as refused:
        services.create_user(session, staff["admin"], username="Reviewer", display_name="x",
                             password="a-long-password", role="reviewer")
    assert refused.value.field == "username"
    assert isinstance(refused.value, ActionRefused) and isinstance(refused.value, ValueError)


def test_a_refusal_stands_beside_its_field_and_the_input_is_kept(client, auth, csrf, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/users/new?lang=en")
    body = client.post("/admin/users/new?lang=en", data=_new_user_form(token)).get_data(as_text=True)
    assert '<p class="error" id="bureau_id-error">This role acts for a bureau: choose one.</p>' in body
    assert 'href="#bureau_id"' in body  # and in the error summary, linked to the field


def test_a_refusal_without_a_field_heads_the_form_with_the_input_kept_and_nothing_changes(client, auth, csrf,
                                                                                         session, staff):
    auth.login("admin")
    url = f"/admin/users/{staff['admin'].id}/edit?lang=en"
    token = csrf.token(client, url)
    response = client.post(url, data={"display_name": "renamed", "role": "admin", "bureau_id": "0",
                                      "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="renamed"' in body and "flash-error" not in body
    summary = body[body.index('id="error-summary"'):body.index("</div>", body.index('id="error-summary"'))]
    assert "<li>You cannot demote or deactivate your own account.</li>" in summary
    session.expire_all()
    assert staff["admin"].display_name != "renamed" and staff["admin"].active
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "accounts.update")) is None


def test_an_account_created_over_htmx_sends_the_browser_to_the_list(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/users/new")
    response = client.post("/admin/users/new", headers={"HX-Request": "true"},
                           data=_new_user_form(token, role="reviewer"))
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/admin/users/"
    assert session.scalar(select(User).where(User.username == "newbie")).role == "reviewer"


def test_setting_a_password_names_the_account_in_the_message(client, auth, csrf, staff):
    auth.login("admin")
    url = f"/admin/users/{staff['reviewer'].id}/password?lang=en"
    token = csrf.token(client, url)
    response = client.post(url, data={"new_password": "a-long-password", "confirm": "a-long-password",
                                      "csrf_token": token})
    assert response.status_code == 303
    body = client.get("/admin/users/?lang=en").get_data(as_text=True)
    assert "A new password has been set for reviewer" in body
