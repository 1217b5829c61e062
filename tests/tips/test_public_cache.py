"""The tips' public pages kept per process under the `tips` generation, and the bounded duplicate check."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.tips import cache, services
from app.tips.models import OPEN, Tip
from app.tips.workflow import TipState
from app.web.public_cache import Generation
from tests.sql import query_plans, recorded_statements
from tests.tips.conftest import add_handled_tips
from tests.tips.test_views import report_form, send_report

PAGES = ("/tips/", "/tips/?status=open", "/tips/stats", "/exposure")


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def fresh(client, path: str) -> str:
    """The page rendered without anything kept (the uncached rendering)."""
    cache.generation.clear()
    return client.get(path).get_data(as_text=True)


def test_a_change_bumps_the_generation_and_the_page_changes(app, client, session, report):
    before = cache.generation.current(session)
    first = client.get("/tips/").get_data(as_text=True)
    tip, _code = report()
    assert cache.generation.current(session) == before + 1
    after = client.get("/tips/").get_data(as_text=True)
    assert tip.public_number in after and tip.public_number not in first


def test_a_rolled_back_change_does_not_bump(app, client, session, report, city):
    tip, _code = report()
    before = cache.generation.current(session)
    tip.exposure_title = "never kept"
    session.flush()
    session.rollback()
    assert cache.generation.current(session) == before


def test_a_core_statement_on_a_watched_table_bumps_too(app, session, report):
    tip, _code = report()
    before = cache.generation.current(session)
    from sqlalchemy import update

    session.execute(update(Tip).where(Tip.id == tip.id).values(address="elsewhere"))
    session.commit()
    assert cache.generation.current(session) == before + 1


@pytest.mark.parametrize("path", PAGES)
def test_kept_pages_are_the_uncached_rendering(app, client, session, report, path):
    report()
    uncached = fresh(client, path)
    kept = client.get(path).get_data(as_text=True)
    assert kept == uncached
    assert client.get(path, headers={"HX-Request": "true"}).status_code == 200


def test_the_htmx_fragment_is_kept_apart_from_the_page(app, client, session, report):
    report()
    page = client.get("/tips/").get_data(as_text=True)
    fragment = client.get("/tips/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" in page and "<html" not in fragment and 'id="tip-list"' in fragment


def test_no_reporter_data_enters_a_kept_page(app, client, session, report, staff):
    tip, _code = report(anonymous=False, name="王秘密", phone="13912345678")
    tip.exposed_at, tip.exposure_title, tip.exposure_summary = utcnow(), "公开的案例", "查处情况"
    session.commit()
    for path in PAGES:
        client.get(path)
        client.get(path, headers={"HX-Request": "true"})
    kept = repr(cache.generation.kept())
    assert "公开的案例" in kept  # the exposure board was kept
    for private in ("王秘密", "13912345678", _code):
        assert private not in kept


def test_the_signed_in_user_and_csrf_token_never_enter_a_kept_page(app, client, session, report, staff, auth):
    report()
    admin = staff["admin"]
    auth.login(admin.username)
    page = client.get("/tips/").get_data(as_text=True)
    assert admin.username in page  # the signed-in user is on the page served…
    kept = repr(cache.generation.kept())
    assert "csrf" not in kept.lower() and admin.username not in kept  # …but not in what was kept


def test_a_generation_counts_per_domain():
    other = Generation("test-only", lambda obj: False, lambda: set())
    assert other.name == "test-only"


def test_the_duplicate_check_reads_its_window_through_the_index(app, session, report, city):
    tip, _code = report()
    add_handled_tips(session, tip)
    statement = services.duplicate_candidates(tip, services.Rules().duplicate_limits)
    [plan] = query_plans(lambda: session.execute(statement).all())
    if session.get_bind().dialect.name == "sqlite":
        assert "ix_tips_open_district_submitted (district_id=? AND submitted_at>?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # read newest first from the index: no sort of the window
    else:
        assert "ix_tips_open_district_submitted" in plan, plan
        assert "Index Cond: ((district_id =" in plan and "submitted_at >=" in plan, plan
    session.rollback()


def test_the_open_tips_index_condition_names_every_open_state_and_no_other():
    """The partial index's condition (and the duplicate check that repeats it) lists the open states as SQL text."""
    assert OPEN == "state IN ({})".format(", ".join(f"'{s.value}'" for s in TipState if s.is_open))


def test_the_duplicate_check_skips_tips_before_the_window(app, session, report, city):
    old, _code = report(now=utcnow() - timedelta(days=31))
    new, _code = report()
    assert new.duplicate_of_id is None
    recent, _code = report()
    assert recent.duplicate_of_id == new.id


def _statements(action) -> list[str]:
    with recorded_statements() as seen:
        action()
    return [" ".join(statement.split()) for statement, _parameters in seen]


def test_a_report_flagged_as_a_duplicate_takes_ten_statements(client, csrf, session, city):
    """The kinds and districts read once for the form and the report; the duplicate check (candidates, their kinds)
    before the INSERT, so the flag is part of it; the tip, its kind, its two timeline entries; the statistics and
    the pages' generation. No UPDATE of the new tip, no reload of the original, no lookup of ledger links for a
    tip that has none."""
    first = send_report(client, csrf, city)
    assert first.status_code == 303
    data = {**report_form(city), "csrf_token": csrf.token(client, "/tips/new")}
    statements = _statements(lambda: client.post("/tips/new", data=data, content_type="multipart/form-data"))
    listing = "\n".join(s[:100] for s in statements)
    assert not any(s.startswith("UPDATE") for s in statements), listing
    assert not any("rectification_task_tips" in s for s in statements), listing
    # PostgreSQL inserts the two timeline entries in one statement (insertmanyvalues), SQLite in two
    assert len(statements) == (10 if db.engine.dialect.name == "sqlite" else 9), listing
    session.expire_all()
    original, duplicate = session.scalars(select(Tip).order_by(Tip.id)).all()[-2:]
    assert duplicate.duplicate_of_id == original.id
    flagged = [e for e in duplicate.events if e.step == "possible_duplicate"]
    assert [e.note for e in flagged] == [original.public_number] and not flagged[0].public
    assert [e.step for e in duplicate.events] == ["submitted", "possible_duplicate"]
