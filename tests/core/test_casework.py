"""The casework core: tracking codes, deadline rules, supervision counted in SQL as judged in Python, the
audited identity look and the public actor."""
from datetime import date, datetime, timezone

import pytest
from flask_login import login_user
from sqlalchemy import Date, String, create_engine, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from app.audit import AuditEntry, record
from app.casework import codes, identity
from app.casework.actors import APPLICANT, REPORTER, is_public
from app.casework.deadlines import DeadlineRules
from app.casework.supervision import colour_condition, count_by_colour, supervise
from app.workdays.days import colour_bounds
from tests import factories


def test_a_code_is_sixteen_characters_in_groups_read_without_ambiguity():
    code = codes.new_code()
    assert len(code) == 19 and code.count("-") == 3
    assert set(code.replace("-", "")) <= set(codes.ALPHABET)
    assert codes.normalise(code.lower().replace("-", " ")) == code.replace("-", "")


def test_a_digest_is_keyed_and_compared_whole():
    code = "ABCD-EFGH-JKMN-PQRS"
    stored = codes.digest(code, "key one")
    assert codes.same(stored, codes.digest("abcd efgh jkmn pqrs", "key one"))
    assert not codes.same(stored, codes.digest(code, "key two"))
    assert not codes.same(stored, codes.legacy_digest(code))
    assert not codes.same(None, stored)


def test_deadline_rules_count_working_days_on_the_calendar():
    rules = DeadlineRules(working_days=True, overrides={date(2026, 10, 1): False})
    assert rules.due(date(2026, 9, 29), 2) == date(2026, 10, 2)  # Wed 30 Sep, then Fri 2 Oct (1 Oct a holiday)
    calendar = DeadlineRules()
    assert calendar.due(date(2026, 9, 29), 2) == date(2026, 10, 1)
    late = datetime(2026, 10, 1, 17, 0, tzinfo=timezone.utc)  # already 2 October in the city
    assert calendar.local_date(late) == date(2026, 10, 2)
    assert calendar.passed(date(2026, 10, 1), late) and not calendar.passed(None, late)


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(8))
    first_due: Mapped[date | None] = mapped_column(Date)
    second_due: Mapped[date | None] = mapped_column(Date)


def _running_due(case):
    return {"first": case.first_due, "second": case.second_due}.get(case.state)


def test_the_database_counts_each_colour_as_python_judges_each_row():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    today = date(2026, 12, 7)
    rows = [{"id": n, "state": state, "first_due": date(2026, 11, 20 + n % 30 // 3),
             "second_due": date(2026, 12, 1 + n % 25)}
            for n, state in enumerate(["first", "second", "closed"] * 120)]  # more than any page
    with Session(engine) as session:
        session.execute(insert(Case), rows)
        branches = [(Case.state == "first", Case.first_due), (Case.state == "second", Case.second_due)]
        bounds = colour_bounds(today, 3, working=False, overrides={})
        counted = count_by_colour(session, lambda statement: statement, branches, bounds, Case.id)
        judged = supervise(session.scalars(select(Case)), today, _running_due, working=False, overrides={},
                           warn_days=3)
        for colour in ("red", "yellow", "green"):
            assert counted[colour] == sum(row.colour == colour for row in judged) > 0
            listed = session.scalars(select(Case.id).where(colour_condition(colour, branches, bounds))).all()
            assert sorted(listed) == sorted(row.case.id for row in judged if row.colour == colour)
        assert sum(row.colour == "grey" for row in judged) == 120


def test_a_stopped_clock_is_grey_and_never_late():
    case = Case(id=1, state="first", first_due=date(2026, 1, 1))
    [row] = supervise([case], date(2026, 12, 7), _running_due, working=False, overrides={}, warn_days=3,
                      paused=lambda c: date(2027, 1, 1))
    assert (row.colour, row.paused, row.due, row.left) == ("grey", True, date(2027, 1, 1), None)


def test_a_public_party_is_audited_as_itself_even_with_staff_signed_in(app, session):
    admin = factories.user(session)
    session.commit()
    with app.test_request_context("/"):
        login_user(admin)
        entry = record(session, "tips.rate", admin, actor=REPORTER)
        unnamed = record(session, "tips.note", admin)
    assert (entry.actor_id, entry.actor_label) == (None, "(reporter)")
    assert unnamed.actor_id == admin.id  # without an actor, the signed-in user, as before
    assert is_public(APPLICANT) and not APPLICANT.can("anything") and not is_public(admin)


def test_every_look_at_an_identity_is_audited(app, session):
    admin = factories.user(session)
    session.commit()
    shown = identity.reveal(session, admin, admin, "accounts.identity_viewed", {"name": "张三"})
    session.commit()
    assert shown == {"name": "张三"}
    looked = select(AuditEntry.actor_id).where(AuditEntry.action == "accounts.identity_viewed")
    assert session.scalar(looked) == admin.id
    with pytest.raises(ValueError):
        identity.reveal(session, None, admin, "accounts.identity_viewed", {})
