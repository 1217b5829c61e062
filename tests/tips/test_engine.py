"""Tips on the casework core: the engine's table and handlers, the policy, the reporter acting as the reporter
(never as whoever is signed in), the errors' places in the one hierarchy, the rules and the model's predicates."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_login import login_user
from sqlalchemy import text

from app.casework.actors import REPORTER
from app.casework.deadlines import DeadlineRules
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.tips import policy, queries, services, steps
from app.tips.errors import TipError, TipNotPermitted, TipStepNotAllowed
from app.tips.settings import Rules, rules_from
from app.tips.steps import TIP_WORKFLOW
from app.tips.workflow import (HANDLING_STATES, REPORTER_STEPS, REVIEW_STATES, REWARD_TRANSITIONS,
                               TRANSITIONS, Finding, RewardState, Step, TipState)
from tests.tips.conftest import MONDAY
from tests.tips.test_casework import LATER, TO_CONCLUDED, audits, walk



@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


# The engine

def test_every_step_of_the_table_has_a_handler_but_investigating_which_needs_only_a_note():
    TIP_WORKFLOW.check()
    assert set(TIP_WORKFLOW.handlers) | {Step.INVESTIGATE} == {step for (_, step) in TRANSITIONS} == set(Step)


def test_the_engine_holds_the_documented_table():
    assert TIP_WORKFLOW.table.table == TRANSITIONS
    assert TIP_WORKFLOW.allowed_steps(TipState.SUBMITTED) == [Step.ACCEPT, Step.REJECT, Step.MERGE]


def test_a_step_the_state_does_not_allow_is_a_tip_error_and_a_step_not_allowed(session, staff, report):
    tip, _ = report()
    with pytest.raises(TipStepNotAllowed, match="This step is not possible") as refused:
        TIP_WORKFLOW.take(session, staff["admin"], tip, Step.CLOSE, rules=Rules())
    assert isinstance(refused.value, TipError) and isinstance(refused.value, StepNotAllowed)


def test_a_step_needs_an_actor(session, report):
    tip, _ = report()
    with pytest.raises(TypeError):
        TIP_WORKFLOW.take(session, None, tip, Step.ACCEPT, rules=Rules())


def test_merging_through_the_plain_step_asks_for_the_tip_to_merge_into(session, staff, report):
    tip, _ = report()
    with pytest.raises(TipError, match="Choose the tip"):
        TIP_WORKFLOW.take(session, staff["admin"], tip, Step.MERGE, rules=Rules())
    assert tip.state == TipState.SUBMITTED


# The policy

def test_tip_errors_are_refusals_and_want_of_permission_is_not_permitted():
    assert issubclass(TipError, ActionRefused)
    assert issubclass(TipNotPermitted, TipError) and issubclass(TipNotPermitted, NotPermitted)


@pytest.mark.parametrize("step", sorted(set(Step) - REPORTER_STEPS), ids=str)
def test_the_reporter_takes_no_staff_step(session, report, step):
    tip, _ = report()
    with pytest.raises(TipNotPermitted):
        policy.check(REPORTER, tip, step)


@pytest.mark.parametrize("step", sorted(REPORTER_STEPS), ids=str)
def test_staff_take_no_reporter_step_and_that_is_want_of_permission(session, staff, report, step):
    tip, _ = report()
    with pytest.raises(TipNotPermitted, match="Only the reporter"):
        policy.check(staff["admin"], tip, step)
    policy.check(REPORTER, tip, step)  # the reporter's own


def test_another_bureaus_handler_is_not_permitted(session, staff, city, report, other_handler):
    tip, _ = report(categories=[city.air])
    with pytest.raises(TipNotPermitted, match="You cannot act on this tip"):
        policy.check(other_handler, tip, Step.INVESTIGATE)
    assert not policy.can_handle(REPORTER, tip)
    assert policy.is_office(staff["admin"]) and not policy.is_office(staff["tip_handler"])


def test_office_only_refusals_are_not_permitted(session, staff, report):
    first, _ = report()
    second, _ = report()
    with pytest.raises(TipNotPermitted):
        services.merge_tip(session, staff["tip_handler"], second, first, Rules())
    with pytest.raises(TipNotPermitted):
        services.escalate(session, staff["tip_handler"], first, MONDAY.date(), LATER.date())


# The reporter acts as the reporter

def test_a_review_request_is_audited_with_no_user_while_staff_are_signed_in(app, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    with app.test_request_context("/?lang=en"):
        login_user(staff["admin"])
        services.request_review(session, tip, "仍在排放", Rules(), now=LATER + timedelta(days=1))
        session.commit()
    [entry] = audits(session, "tips.request_review")
    assert entry.actor_id is None and entry.actor_label == "(reporter)"
    assert [e.actor_id for e in tip.events if e.step in ("review_requested", "review_reason")] == [None, None]


def test_a_rating_is_audited_with_no_user_while_staff_are_signed_in(app, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    with app.test_request_context("/?lang=en"):
        login_user(staff["tip_handler"])
        services.rate(session, tip, True, "好")
        session.commit()
    [entry] = audits(session, "tips.rate")
    assert entry.actor_id is None and entry.actor_label == "(reporter)"


def test_a_signed_in_handler_rating_on_the_tracking_page_is_recorded_as_the_reporter(client, auth, csrf, session,
                                                                                    staff, report):
    tip, code = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    auth.login("handler")
    page = f"/tips/track/{code}"
    response = client.post(page, data={"csrf_token": csrf.token(client, page), "satisfied": "yes"})
    assert response.status_code == 303
    [entry] = audits(session, "tips.rate")
    assert entry.actor_id is None


# Rules

def test_the_rules_are_deadline_rules_built_from_the_configuration(app, session):
    assert issubclass(Rules, DeadlineRules)
    app.config.update(TIP_ACCEPT_DAYS=10, TIP_CONCLUDE_DAYS=50, TIP_EXTENSION_MAX_DAYS=20,
                      TIP_DUPLICATE_RADIUS_M=300.0, TIP_DUPLICATE_DAYS=14)
    rules = rules_from(app.config, session)
    assert (rules.accept_days, rules.conclude_days, rules.extension_max_days) == (10, 50, 20)
    assert (rules.duplicate_limits.radius_m, rules.duplicate_limits.window_days) == (300.0, 14)
    assert rules.code_key == app.config["SECRET_KEY"] == rules.tracking_key()
    assert rules.zone == ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]) and rules.overrides == {}


def test_a_deadline_passes_once_its_whole_day_is_over_in_the_city():
    due = date(2026, 10, 8)
    assert not Rules().passed(due, MONDAY + timedelta(days=10, hours=13))  # 23:00 on the 8th in Beijing
    assert Rules().passed(due, MONDAY + timedelta(days=10, hours=14))      # midnight: the 9th


# The model

def test_states_come_back_as_members_and_a_plain_string_becomes_one(session, report):
    tip, _ = report()
    tip.state = "accepted"
    assert tip.state is TipState.ACCEPTED and tip.state.title == "Accepted"
    session.commit()
    session.expire_all()
    assert tip.state is TipState.ACCEPTED
    assert session.execute(text("SELECT state FROM tips WHERE id = :id"), {"id": tip.id}).scalar() == "accepted"


@pytest.mark.parametrize("state", list(TipState), ids=str)
def test_the_running_deadline_and_the_predicates_follow_the_state(session, report, state):
    tip, _ = report()
    tip.conclude_due, tip.review_due = date(2026, 12, 1), date(2026, 12, 2)
    tip.state = state
    expected = {TipState.SUBMITTED: tip.accept_due, **{s: tip.conclude_due for s in HANDLING_STATES},
                **{s: tip.review_due for s in REVIEW_STATES}}.get(state)
    assert tip.running_due == expected == queries.current_due(tip)
    assert tip.is_open == state.is_open and tip.in_handling == (state in HANDLING_STATES)
    assert tip.in_review == (state in REVIEW_STATES) and tip.in_first_review == (state == TipState.REVIEWING)
    assert tip.awaiting_rating == (state in (TipState.CONCLUDED, TipState.REVIEWED, TipState.RE_REVIEWED))
    assert tip.may_ask_extension == (state in HANDLING_STATES)


def test_the_predicates_for_the_exposure_board_the_extension_and_the_reward(session, staff, report):
    tip, _ = report(anonymous=False)
    assert not tip.publishable
    walk(session, staff, tip, *TO_CONCLUDED)
    assert tip.publishable and not tip.extension_pending and not tip.reward_has_amount
    tip.finding = "unsubstantiated"
    assert tip.finding is Finding.UNSUBSTANTIATED and not tip.publishable
    tip.finding, tip.reward_state = None, "granted"
    assert tip.publishable and tip.reward_has_amount and tip.reward_to_be_paid


def test_supervised_rows_give_the_tip_as_the_case(session, report):
    tip, _ = report()
    [row] = queries.supervise([tip], date(2026, 9, 28), working=False, overrides={}, warn_days=3)
    assert row.case is tip and row.due == tip.accept_due


# Rewards

@pytest.mark.parametrize("state, allowed", [
    (None, [RewardState.ELIGIBLE, RewardState.DECLINED]),
    (RewardState.ELIGIBLE, [RewardState.GRANTED, RewardState.DECLINED]),
    (RewardState.GRANTED, [RewardState.PAID]),
    (RewardState.PAID, []),
    (RewardState.DECLINED, []),
], ids=str)
def test_the_reward_transitions(state, allowed):
    assert REWARD_TRANSITIONS.allowed_steps(state) == allowed


def test_the_engine_checks_a_merge_without_writing(session, staff, report):
    tip, _ = report()
    assert steps.check(staff["admin"], tip, Step.MERGE) == TipState.MERGED and tip.state == TipState.SUBMITTED
