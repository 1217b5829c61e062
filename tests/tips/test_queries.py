"""Reads for tips: the running deadline, the three-colour supervision, the bureau-scoped queue, the public list."""
from datetime import date, timedelta

import pytest

from app.casework import codes
from app.tips import queries, services
from app.tips.services import Rules
from app.tips.workflow import Step, TipState
from tests.tips.conftest import NATIONAL_DAY

KEY = "a-test-key-of-the-site-0123456789"


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_the_running_deadline_is_acceptance_then_conclusion_then_none(session, staff, report):
    tip, _ = report()
    assert queries.current_due(tip) == tip.accept_due
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, Rules())
    for step in (None, Step.ASSIGN, Step.INVESTIGATE):
        if step:
            services.take_step(session, staff["admin"] if step == Step.ASSIGN else staff["tip_handler"], tip, step,
                               Rules(), bureau=staff["bureaus"]["home"])
        assert tip.conclude_due is not None and queries.current_due(tip) == tip.conclude_due
    services.take_step(session, staff["tip_handler"], tip, Step.CONCLUDE, Rules(), findings="属实", reply="已处理",
                       finding="substantiated")
    assert queries.current_due(tip) is None
    services.take_step(session, staff["admin"], tip, Step.CLOSE, Rules())
    assert queries.current_due(tip) is None


def test_a_tip_not_accepted_has_no_running_deadline(session, staff, report):
    tip, _ = report()
    services.take_step(session, staff["admin"], tip, Step.REJECT, Rules(), note="不属于环境问题")
    assert queries.current_due(tip) is None


def test_supervision_colours_each_tip_by_its_running_deadline(session, staff, report):
    today = date(2026, 9, 28)
    late, soon, far, done = (report()[0] for _ in range(4))
    late.accept_due, soon.accept_due, far.accept_due = today - timedelta(days=1), today + timedelta(days=3), \
        today + timedelta(days=4)
    services.take_step(session, staff["admin"], done, Step.REJECT, Rules(), note="重复举报")
    rows = queries.supervise([late, soon, far, done], today, working=False, overrides={}, warn_days=3)
    assert [(r.left, r.colour) for r in rows] == [(-1, "red"), (3, "yellow"), (4, "green"), (None, "grey")]
    assert [r.due for r in rows] == [late.accept_due, soon.accept_due, far.accept_due, None]


def test_supervision_in_working_days_counts_the_holiday_week_out(session, report):
    tip, _ = report()
    tip.accept_due = date(2026, 10, 8)
    [row] = queries.supervise([tip], date(2026, 9, 30), working=True, overrides=NATIONAL_DAY, warn_days=3)
    assert (row.left, row.colour) == (1, "yellow")
    [row] = queries.supervise([tip], date(2026, 9, 30), working=False, overrides=NATIONAL_DAY, warn_days=3)
    assert (row.left, row.colour) == (8, "green")


def test_a_handlers_queue_holds_only_their_bureaus_open_tips(session, staff, city, report, other_handler):
    home, _ = report(categories=[city.air])
    away, _ = report(categories=[city.water])
    unrouted, _ = report(categories=[city.other])
    rejected, _ = report(categories=[city.air])
    services.take_step(session, staff["admin"], rejected, Step.REJECT, Rules(), note="重复")
    session.commit()
    assert queries.staff_queue(session, staff["tip_handler"]) == [home]
    assert queries.staff_queue(session, other_handler) == [away]
    assert queries.staff_queue(session, staff["admin"]) == [unrouted, away, home]  # newest first
    assert queries.staff_queue(session, staff["admin"], state="not_accepted") == [rejected]
    assert queries.staff_queue(session, staff["tip_handler"], state="not_accepted") == [rejected]
    assert queries.staff_queue(session, other_handler, state="not_accepted") == []


def test_the_public_list_is_newest_first_and_paged(session, report):
    tips = [report()[0] for _ in range(3)]
    assert queries.public_list(session, limit=2) == [tips[2], tips[1]]
    assert queries.public_list(session, limit=2, offset=2) == [tips[0]]


def test_only_active_categories_are_offered(session, city):
    city.water.active = False
    session.commit()
    assert [c.code for c in queries.categories(session)] == ["air", "other"]
    assert [c.code for c in queries.categories(session, active_only=False)] == ["air", "water", "other"]


def test_a_tip_is_found_by_the_hash_of_its_code_only(session, report):
    tip, code = report(rules=Rules(code_key=KEY))
    assert queries.find_by_code(session, code.lower(), KEY) == tip
    assert queries.find_by_code(session, tip.code_hash, KEY) is None
    assert queries.find_by_code(session, "2222-2222-2222-2222", KEY) is None


def test_a_tip_filed_without_a_key_in_the_rules_is_keyed_with_the_sites(app, session, report):
    tip, code = report()
    assert tip.code_hash == codes.digest(code, app.config["SECRET_KEY"]) != codes.legacy_digest(code)


def test_a_code_filed_under_another_key_opens_nothing(session, report):
    _, code = report(rules=Rules(code_key=KEY))
    assert queries.find_by_code(session, code, "another-key-of-another-site-0123") is None


def test_a_tip_filed_before_codes_were_keyed_is_found_and_re_keyed(session, report):
    tip, code = report(rules=Rules(code_key=KEY))
    tip.code_hash = codes.legacy_digest(code)  # as stored before codes were keyed
    session.commit()
    assert queries.find_by_code(session, code, KEY) == tip
    session.commit()
    assert tip.code_hash == codes.digest(code, KEY)
    session.expire_all()
    assert queries.find_by_code(session, code, KEY) == tip  # now by the keyed hash
    assert queries.find_by_code(session, codes.legacy_digest(code), KEY) is None


def test_the_public_number_is_the_year_and_the_id(report):
    tip, _ = report()
    assert tip.public_number == f"{tip.submitted_at:%Y}-{tip.id:06d}"
    assert tip.state == TipState.SUBMITTED
