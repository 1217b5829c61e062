"""Reads: the tracking lookup, the staff queue (a bureau sees only its own), supervision colours and the
figures of the yearly report."""
from datetime import date, datetime, timezone

import pytest

from app.casework import codes
from app.disclosure import queries, services
from app.disclosure.services import Reply, Rules
from app.disclosure.workflow import ReplyType, RequestState, Step
from tests.disclosure.conftest import SECRET


def at(year, month, day) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=timezone.utc)  # 10:00 in the city


def test_find_by_code(session, apply):
    created, code = apply()
    assert queries.find_by_code_hash(session, codes.digest(code, SECRET)) is created
    assert queries.find_by_code_hash(session, codes.digest("WRONG-CODE", SECRET)) is None


def test_the_queue_shows_a_bureau_only_its_own_open_requests(session, apply, staff):
    mine, _ = apply()
    theirs, _ = apply(bureau=staff["bureaus"]["other"])
    done, _ = apply()
    services.withdraw(session, done, Rules())
    def queue(user, **filters):
        return session.scalars(queries.staff_queue(user, **filters)).all()
    assert queue(staff["bureau_editor"]) == [mine]
    assert set(queue(staff["admin"])) == {mine, theirs}
    assert queue(staff["admin"], state="withdrawn") == [done]


def test_supervision_colours_in_working_days(session, apply, staff):
    created, _ = apply(now=at(2026, 3, 2))  # due Monday 30 March
    rows = queries.supervise([created], date(2026, 3, 24), overrides={}, warn_days=5)
    assert (rows[0].due, rows[0].left, rows[0].colour) == (date(2026, 3, 30), 4, "yellow")
    assert queries.supervise([created], date(2026, 3, 2), overrides={}, warn_days=5)[0].colour == "green"
    assert queries.supervise([created], date(2026, 3, 31), overrides={}, warn_days=5)[0].colour == "red"
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    services.take_step(session, staff["admin"], created, Step.ANSWER, Rules(), reply=Reply(ReplyType.DUPLICATE, "重复"))
    assert queries.supervise([created], date(2026, 3, 31), overrides={}, warn_days=5)[0].colour == "grey"


@pytest.fixture
def year_of_requests(session, apply, staff):
    admin = staff["admin"]

    def answered(received, answered_at, reply):
        created, _ = apply(now=received)
        services.take_step(session, admin, created, Step.REGISTER, Rules(), now=received)
        services.take_step(session, admin, created, Step.ANSWER, Rules(), now=answered_at, reply=reply)
        return created

    answered(at(2025, 12, 22), at(2026, 1, 5), Reply(ReplyType.DISCLOSED, "见附件"))
    answered(at(2026, 3, 2), at(2026, 3, 4), Reply(ReplyType.DISCLOSED, "部分公开", partial=True,
                                                   legal_ground="第十五条"))
    answered(at(2026, 5, 4), at(2026, 6, 3), Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条",
                                                        outcome="withheld_security"))
    apply(now=at(2026, 12, 28))
    withdrawn, _ = apply(now=at(2026, 6, 1))
    services.withdraw(session, withdrawn, Rules(), now=at(2026, 6, 2))
    redirected, _ = apply(now=at(2026, 6, 1), description="举报偷排")
    services.take_step(session, admin, redirected, Step.REDIRECT, Rules(), now=at(2026, 6, 2))
    apply(now=at(2027, 1, 5))
    session.commit()


def test_annual_figures(session, year_of_requests):
    figures = queries.annual_figures(session, 2026, overrides={})
    assert figures.received == 5
    assert figures.carried_from_previous == 1
    assert figures.carried_to_next == 1
    assert figures.answered == 3
    assert figures.by_reply_type == {"already_public": 0, "disclosed": 2, "not_disclosed": 1, "not_exist": 0,
                                     "not_this_agency": 0, "duplicate": 0, "special_regime": 0}
    assert figures.partly_disclosed == 1
    assert (figures.withdrawn, figures.redirected, figures.abandoned) == (1, 1, 0)
    assert figures.on_time == 2 and figures.on_time_rate == pytest.approx(0.6667)
    assert figures.average_working_days == pytest.approx(11.3)  # (10 + 2 + 22) / 3


def test_annual_figures_of_the_previous_year_and_of_an_empty_year(session, year_of_requests):
    previous = queries.annual_figures(session, 2025, overrides={})
    assert (previous.received, previous.answered, previous.carried_to_next) == (1, 0, 1)
    assert previous.on_time_rate is None and previous.average_working_days is None
    empty = queries.annual_figures(session, 2020, overrides={})
    assert empty.received == empty.carried_to_next == 0


def test_working_days_taken_counts_from_the_clock_start(session, apply, staff):
    created, _ = apply(now=at(2026, 3, 2))
    assert services.working_days_taken(created, {}) is None
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    services.take_step(session, staff["admin"], created, Step.ANSWER, Rules(), now=at(2026, 3, 9),
                       reply=Reply(ReplyType.NOT_EXIST, "经检索，该信息不存在"))
    assert services.working_days_taken(created, {}) == 5
    assert created.state == RequestState.ANSWERED
