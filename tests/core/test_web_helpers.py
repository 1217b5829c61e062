"""The view helpers every domain uses: running an action (commit and go on, or roll back and answer with the
input kept) and serving a stored file with one header policy."""
import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound
from wtforms import StringField

from app.accounts.models import User
from app.audit import AuditEntry
from app.errors import ActionRefused, NotPermitted
from app.web import uploads
from app.web.actions import act
from app.web.files import serve_stored
from app.web.forms import BaseForm
from app.web.pagination import paginate
from tests import factories


class NoteForm(BaseForm):
    note = StringField()


def _users(session) -> int:
    return session.scalar(select(func.count(User.id)))


def test_a_successful_action_is_committed_and_goes_on(app, session):
    with app.test_request_context("/", method="POST"):
        response = act(lambda: factories.user(session, username="kept"), success="Saved.",
                       then=lambda user: f"/users/{user.id}", refused=lambda error: pytest.fail("refused"))
        assert response.status_code == 303 and response.location.startswith("/users/")
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]
    session.rollback()
    assert _users(session) == 1


def test_a_refused_action_is_rolled_back_and_its_message_goes_beside_the_field(app, session):
    def action():
        factories.user(session, username="half")
        raise ActionRefused("Write a note.", field="note")
    with app.test_request_context("/", method="POST", data={"note": "typed"}):
        form = NoteForm(meta={"csrf": False})
        answer = act(action, success="Saved.", then="/", refused=lambda error: ("page", 422), form=form)
        assert answer == ("page", 422)
        assert form.note.errors == ["Write a note."] and form.note.data == "typed"
        assert get_flashed_messages() == []
    assert _users(session) == 0


def _refuse(message: str):
    raise ActionRefused(message)


def test_a_refusal_naming_no_field_goes_in_the_forms_error_summary_when_asked(app, session):
    with app.test_request_context("/", method="POST", data={"note": "typed"}):
        form = NoteForm(meta={"csrf": False})
        answer = act(lambda: _refuse("Not while the case is closed."), success="Saved.", then="/",
                     refused=lambda error: ("page", 422), form=form, summary=True)
        assert answer == ("page", 422)
        assert form.form_errors == ["Not while the case is closed."] and form.note.data == "typed"
        assert not form.note.errors and get_flashed_messages() == []


def test_a_refusal_naming_no_field_is_flashed_by_default_and_without_a_form(app, session):
    for summary in (False, True):
        with app.test_request_context("/", method="POST", data={"note": "typed"}):
            form = NoteForm(meta={"csrf": False}) if not summary else None
            act(lambda: _refuse("Not now."), success=None, then="/", refused=lambda error: ("page", 422),
                form=form, summary=summary)
            assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]
            assert form is None or form.form_errors == []


def test_a_refusal_for_want_of_permission_is_audited_and_said(app, session):
    with app.test_request_context("/", method="POST"):
        act(lambda: (_ for _ in ()).throw(NotPermitted("Not your bureau's.")), success=None, then="/",
            refused=lambda error: ("page", 422), audit_as="tips.step_refused")
        assert get_flashed_messages(with_categories=True) == [("error", "Not your bureau's.")]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "tips.step_refused"))
    assert entry is not None and entry.note == "Not your bureau's."


def test_a_stored_file_is_served_sandboxed_and_cached_only_when_public(app, tmp_path):
    stored = uploads.store(b"%PDF-1.4\n%%EOF\n", "报告.pdf", "pdf", str(tmp_path))
    with app.test_request_context("/"):
        public = serve_stored(str(tmp_path), stored.stored_name, "pdf", public=True, download_name="报告.pdf")
        private = serve_stored(str(tmp_path), stored.stored_name, "pdf", public=False, attachment=False)
        for response in (public, private):
            assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            response.close()
        assert public.headers["Cache-Control"] == "public, max-age=3600"
        assert public.headers["Content-Disposition"].startswith("attachment")
        assert private.headers["Cache-Control"] == "private, no-store"
        assert private.headers["Content-Disposition"].startswith("inline")
        with pytest.raises(NotFound):
            serve_stored(str(tmp_path), "0" * 32 + ".pdf", "pdf", public=True)


def test_the_success_message_may_name_what_the_action_made_and_a_refusal_its_own_audit_action(app, session):
    with app.test_request_context("/", method="POST"):
        act(lambda: factories.user(session, username="named"), success=lambda user: f"{user.username} created.",
            then="/", refused=lambda error: pytest.fail("refused"))
        assert get_flashed_messages() == ["named created."]
    refusal = NotPermitted("Not yours.")
    refusal.audit_as = "notices.review_denied"
    with app.test_request_context("/", method="POST"):
        act(lambda: (_ for _ in ()).throw(refusal), success=None, then="/", refused=lambda error: None)
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "notices.review_denied")) == 1


def test_a_page_of_a_list_query_asks_one_row_more_to_know_whether_another_follows(app):
    asked = []

    def fetch(*, limit, offset):
        asked.append((limit, offset))
        return list(range(offset, min(offset + limit, 7)))
    with app.test_request_context("/tips/?page=2"):
        page = paginate(fetch, 3)
    assert asked == [(4, 3)] and page.items == [3, 4, 5] and page.has_previous and page.has_next
    with app.test_request_context("/tips/?page=3"):
        last = paginate(fetch, 3)
    assert last.items == [6] and last.has_previous and not last.has_next


def test_a_page_of_a_select_statement_is_read_the_same_way(app, session):
    users = [factories.user(session, username=f"u{number}") for number in range(5)]
    session.flush()
    with app.test_request_context("/?page=2"):
        page = paginate(select(User).order_by(User.id), 2, session=session)
    assert page.items == users[2:4] and page.has_previous and page.has_next and page.number == 2
    with app.test_request_context("/?page=3"):
        last = paginate(select(User).order_by(User.id), 2)
    assert last.items == users[4:] and not last.has_next


def test_after_success_htmx_gets_the_fragment_and_a_plain_form_the_redirect(app, session):
    for headers, expected in (({"HX-Request": "true"}, ("panel", 1)), ({}, None)):
        with app.test_request_context("/", method="POST", headers=headers):
            answer = act(lambda: 1, success="Done.", then="/case", refused=lambda error: pytest.fail("refused"),
                         fragment=lambda result: ("panel", result))
            if expected:
                assert answer == expected
            else:
                assert answer.status_code == 303 and answer.location == "/case"
            assert get_flashed_messages() == ["Done."]
