"""Services beyond the basic workflow: duplicates flagged and merged, rewards, the exposure board, escalation,
and the statistics tallies kept up to date by every step (checked against a recount of the tips)."""
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.tips import queries, services
from app.tips.models import RewardState, Tip, TipTally
from app.tips.services import Rules, TipError
from app.tips.workflow import OFFICE_STEPS, Step, TipState
from tests.sql import query_plans
from tests.tips.conftest import LATITUDE, LONGITUDE, MONDAY, add_handled_tips

LATER = MONDAY + timedelta(days=10)
TO_CONCLUDED = (Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def walk(session, staff, tip, *steps, now=LATER):
    for step in steps:
        actor = staff["admin"] if step in OFFICE_STEPS else staff["tip_handler"]
        extra = {"bureau": staff["bureaus"]["home"]} if step == Step.ASSIGN else {}
        if step == Step.CONCLUDE:
            extra = {"findings": "现场检查属实", "reply": "已责令整改", "measures_taken": "罚款五万元",
                     "finding": "substantiated"}
        services.take_step(session, actor, tip, step, Rules(), now=now, **extra)
    session.commit()


def audits(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def tallies(session) -> Counter:
    return Counter({(t.month, t.category_id, t.name): t.total for t in session.scalars(select(TipTally))})


# Duplicates

def test_a_similar_tip_nearby_is_flagged_for_the_handler_but_not_merged(session, report):
    first, _ = report(latitude=LATITUDE, longitude=LONGITUDE, now=MONDAY)
    second, _ = report(description="和平大道化工厂晚上排黄烟，很刺鼻", latitude=LATITUDE, longitude=LONGITUDE,
                       now=MONDAY + timedelta(hours=3))
    assert second.duplicate_of_id == first.id and second.state == TipState.SUBMITTED
    note = [(e.step, e.public, e.note) for e in second.events if e.step == "possible_duplicate"]
    assert note == [("possible_duplicate", False, first.public_number)]


def test_a_different_kind_or_a_closed_tip_is_not_flagged(session, staff, city, report):
    first, _ = report(now=MONDAY)
    assert report(categories=[city.water], now=MONDAY)[0].duplicate_of_id is None
    services.take_step(session, staff["admin"], first, Step.REJECT, Rules(), note="不属于本市")
    session.commit()
    assert report(now=MONDAY)[0].duplicate_of_id is None


def test_the_office_merges_a_duplicate_and_the_reporter_follows_the_other_case(session, staff, report):
    first, _ = report(now=MONDAY)
    second, _ = report(now=MONDAY + timedelta(hours=1))
    services.merge_tip(session, staff["admin"], second, first, Rules())
    session.commit()
    assert (second.state, second.merged_into_id) == (TipState.MERGED, first.id)
    assert ("merge", True, first.public_number) in [(e.step, e.public, e.note) for e in second.events]
    assert ("merged_in", False, second.public_number) in [(e.step, e.public, e.note) for e in first.events]
    assert audits(session, "tips.merge")[0].object_id == str(second.id)
    assert second not in queries.staff_queue(session, staff["admin"])


def test_reports_merged_earlier_follow_their_tip_when_it_is_merged_in_turn(session, staff, report):
    a, b, c = (report(now=MONDAY + timedelta(hours=n))[0] for n in range(3))
    services.merge_tip(session, staff["admin"], c, b, Rules())
    services.merge_tip(session, staff["admin"], b, a, Rules())
    session.commit()
    session.refresh(c)
    assert c.merged_into_id == a.id and b.merged_into_id == a.id


@pytest.mark.parametrize("case", ["itself", "closed", "merged", "concluded source"])
def test_a_merge_that_makes_no_sense_is_refused(session, staff, report, case):
    first, _ = report()
    second, _ = report()
    if case == "closed":
        services.take_step(session, staff["admin"], first, Step.REJECT, Rules(), note="重复")
    if case == "merged":
        third, _ = report()
        services.merge_tip(session, staff["admin"], first, third, Rules())
    if case == "concluded source":
        walk(session, staff, second, *TO_CONCLUDED)
    with pytest.raises(TipError):
        services.merge_tip(session, staff["admin"], second, second if case == "itself" else first, Rules())


def test_only_the_office_merges(session, staff, report):
    first, _ = report()
    second, _ = report()
    with pytest.raises(TipError, match="Only the office"):
        services.merge_tip(session, staff["tip_handler"], second, first, Rules())
    with pytest.raises(TipError, match="Choose the tip"):
        services.take_step(session, staff["admin"], second, Step.MERGE, Rules())


# Rewards (有奖举报)

def test_a_verified_real_name_tip_is_rewarded_step_by_step(session, staff, report):
    tip, _ = report(anonymous=False)
    walk(session, staff, tip, *TO_CONCLUDED)
    handler = staff["tip_handler"]
    services.set_reward(session, handler, tip, RewardState.ELIGIBLE)
    services.set_reward(session, staff["admin"], tip, RewardState.GRANTED, Decimal("500"), note="按办法第五条")
    services.set_reward(session, handler, tip, RewardState.PAID)
    session.commit()
    assert (tip.reward_state, tip.reward_amount) == ("paid", Decimal("500.00"))
    public = [e.note for e in tip.events if e.step == "reward" and e.public]
    assert public == ["Eligible for a reward", "Reward granted", "Reward paid"]
    assert len(audits(session, "tips.reward")) == 3


@pytest.mark.parametrize("anonymous, steps, state, amount, message", [
    (True, TO_CONCLUDED, RewardState.ELIGIBLE, None, "real-name"),
    (False, (Step.ACCEPT,), RewardState.ELIGIBLE, None, "verified and concluded"),
    (False, TO_CONCLUDED, RewardState.PAID, None, "cannot go from"),
    (False, TO_CONCLUDED, RewardState.GRANTED, None, "cannot go from"),
])
def test_a_reward_out_of_order_or_for_an_anonymous_tip_is_refused(session, staff, report, anonymous, steps, state,
                                                                  amount, message):
    tip, _ = report(anonymous=anonymous)
    walk(session, staff, tip, *steps)
    with pytest.raises(TipError, match=message):
        services.set_reward(session, staff["tip_handler"], tip, state, amount)
    assert tip.reward_state is None


@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("-5"), Decimal("NaN")])
def test_granting_needs_an_amount_above_zero(session, staff, report, amount):
    tip, _ = report(anonymous=False)
    walk(session, staff, tip, *TO_CONCLUDED)
    services.set_reward(session, staff["tip_handler"], tip, RewardState.ELIGIBLE)
    with pytest.raises(TipError, match="amount"):
        services.set_reward(session, staff["admin"], tip, RewardState.GRANTED, amount)


def test_another_bureaus_handler_cannot_reward(session, staff, report, other_handler):
    tip, _ = report(anonymous=False)
    walk(session, staff, tip, *TO_CONCLUDED)
    with pytest.raises(TipError, match="cannot act"):
        services.set_reward(session, other_handler, tip, RewardState.ELIGIBLE)


# The exposure board and escalation

def test_the_office_publishes_a_concluded_case_and_can_withdraw_it(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    services.publish_exposure(session, staff["admin"], tip, " 某化工厂夜间偷排废气 ", "经查属实，已罚款五万元。")
    session.commit()
    assert tip.exposure_title == "某化工厂夜间偷排废气" and queries.exposure_board(session, limit=10) == [tip]
    services.withdraw_exposure(session, staff["admin"], tip, "企业已整改完毕")
    session.commit()
    assert queries.exposure_board(session, limit=10) == []
    assert [len(audits(session, a)) for a in ("tips.expose", "tips.expose_withdraw")] == [1, 1]


@pytest.mark.parametrize("actor, steps, title, message", [
    ("tip_handler", TO_CONCLUDED, "标题", "Only the office"),
    ("admin", (Step.ACCEPT,), "标题", "concluded case"),
    ("admin", TO_CONCLUDED, "  ", "title"),
])
def test_publishing_is_refused_when_it_should_be(session, staff, report, actor, steps, title, message):
    tip, _ = report()
    walk(session, staff, tip, *steps)
    with pytest.raises(TipError, match=message):
        services.publish_exposure(session, staff[actor], tip, title, "摘要")
    assert tip.exposed_at is None


def test_an_overdue_tip_is_escalated_and_the_bureau_sees_it_on_the_timeline(session, staff, report):
    tip, _ = report()
    services.escalate(session, staff["admin"], tip, tip.accept_due, tip.accept_due + timedelta(days=1), "请三日内受理")
    session.commit()
    assert tip.escalations == 1
    assert [(e.step, e.public, e.note) for e in tip.events][-1] == ("escalated", False, "请三日内受理")
    assert audits(session, "tips.escalate")


def test_a_tip_on_time_cannot_be_escalated_nor_by_a_handler(session, staff, report):
    tip, _ = report()
    with pytest.raises(TipError, match="overdue"):
        services.escalate(session, staff["admin"], tip, tip.accept_due, tip.accept_due)
    with pytest.raises(TipError, match="Only the office"):
        services.escalate(session, staff["tip_handler"], tip, tip.accept_due, date(2099, 1, 1))


def test_the_overdue_board_lists_only_open_tips_past_their_running_deadline(session, staff, report):
    late, _ = report(now=MONDAY)
    on_time, _ = report(now=MONDAY)
    closed, _ = report(now=MONDAY)
    services.take_step(session, staff["admin"], closed, Step.REJECT, Rules(), note="不属于本市")
    on_time.accept_due = date(2099, 1, 1)
    session.commit()
    today = late.accept_due + timedelta(days=1)
    assert queries.overdue(session, today) == [late]
    assert queries.overdue_by_bureau(session, today) == [(late.bureau_id, 1)]


# Statistics tallies

def test_every_step_keeps_the_tallies_of_the_month_received(session, staff, city, report):
    satisfied, _ = report(categories=[city.air, city.water], now=MONDAY)
    rejected, _ = report(now=MONDAY)
    merged, _ = report(now=MONDAY)
    services.merge_tip(session, staff["admin"], merged, satisfied, Rules())
    walk(session, staff, satisfied, *TO_CONCLUDED)
    services.rate(session, satisfied, True, "")
    services.take_step(session, staff["admin"], rejected, Step.REJECT, Rules(), note="不属于本市", now=LATER)
    session.commit()
    counts = tallies(session)
    month = "2026-09"
    assert counts[(month, 0, "received")] == 3
    assert counts[(month, city.air.id, "received")] == 3 and counts[(month, city.water.id, "received")] == 1
    assert (counts[(month, 0, "decided")], counts[(month, 0, "accepted")],
            counts[(month, 0, "not_accepted")]) == (2, 1, 1)
    assert counts[(month, 0, "decide_days")] == 20 and counts[(month, 0, "decided_on_time")] == 2
    assert (counts[(month, 0, "concluded")], counts[(month, 0, "conclude_days")]) == (1, 10)
    assert (counts[(month, 0, "satisfied")], counts[(month, 0, "merged")]) == (1, 1)

    figures = queries.statistics(session, 2026).total
    assert figures.acceptance_rate == 0.5 and figures.days_to_decide == 10 and figures.satisfaction_rate == 1
    assert figures.on_time == 1 and figures.days_to_conclude == 10
    assert queries.statistics(session, 2025).total.counts == Counter()
    assert queries.statistics_years(session) == [2026]


def test_a_review_counts_the_conclusion_once_and_the_final_rating_only(session, staff, report):
    tip, _ = report(now=MONDAY)
    walk(session, staff, tip, *TO_CONCLUDED)
    services.request_review(session, tip, "还在排放", Rules(), now=LATER + timedelta(days=1))
    services.take_step(session, staff["admin"], tip, Step.ANSWER_REVIEW, Rules(), reply="复查维持原处理意见",
                       now=LATER + timedelta(days=5))
    services.rate(session, tip, False, "仍不满意")
    session.commit()
    counts = tallies(session)
    assert counts[("2026-09", 0, "concluded")] == 1
    assert (counts[("2026-09", 0, "satisfied")], counts[("2026-09", 0, "unsatisfied")]) == (0, 1)


def test_a_late_decision_is_counted_as_late(session, staff, report):
    tip, _ = report(now=MONDAY)
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, Rules(), now=MONDAY + timedelta(days=20))
    session.commit()
    counts = tallies(session)
    assert (counts[("2026-09", 0, "decided")], counts[("2026-09", 0, "decided_on_time")]) == (1, 0)


def test_the_tallies_match_a_recount_of_the_tips(session, staff, city, report):
    for n in range(6):
        tip, _ = report(categories=[city.air] if n % 2 else [city.water, city.other], now=MONDAY + timedelta(days=n))
        if n % 3 == 0:
            walk(session, staff, tip, Step.ACCEPT)
    tips = session.scalars(select(Tip)).all()
    counts = tallies(session)
    assert counts[("2026-09", 0, "received")] + counts[("2026-10", 0, "received")] == len(tips)
    by_kind = Counter(c.id for t in tips for c in t.categories)
    for category_id, n in by_kind.items():
        assert counts[("2026-09", category_id, "received")] + counts[("2026-10", category_id, "received")] == n
    accepted = sum(1 for t in tips if t.accepted_at is not None)
    assert counts[("2026-09", 0, "accepted")] + counts[("2026-10", 0, "accepted")] == accepted


def test_the_queue_counts_and_the_overdue_counts_read_index_entries_alone(session, staff, report):
    """However many tips are open, the colour counts (a bureau's, one state's) and the overdue board's counts by
    bureau read the deadlines' partial indexes, which carry the bureau and the state, and never fetch a tip; the
    board's page of overdue tips takes its ids from them."""
    from app.workdays.days import colour_bounds

    add_handled_tips(session, report()[0])
    day = date(2026, 12, 7)
    bounds = colour_bounds(day, 3, working=False, overrides={})
    for action in (lambda: queries.queue_counts(session, staff["tip_handler"], bounds, state="accepted"),
                   lambda: queries.queue_counts(session, staff["admin"], bounds),
                   lambda: queries.overdue_by_bureau(session, day),
                   lambda: queries.overdue(session, day)):
        plans = query_plans(action, reading="FROM tips")  # not a reload of the signed-in user
        assert len(plans) == 1, plans
        if db.engine.dialect.name == "sqlite":
            assert plans[0].count("COVERING INDEX ix_tips_") >= 3 and "SCAN tips" not in plans[0], plans[0]
        else:  # an index-only scan once VACUUM has marked the pages visible; every condition in the index
            assert plans[0].count("using ix_tips_") >= 3, plans[0]
            assert not any(name in plans[0] for name in ("Seq Scan", "ix_tips_state", "ix_tips_bureau_id")), plans[0]


def test_the_queue_colours_are_counted_over_every_open_tip_not_one_page(session, staff, report):
    from app.workdays.days import colour_bounds

    tips = [report()[0] for _ in range(5)]
    today = tips[0].accept_due - timedelta(days=10)
    tips[0].accept_due = today - timedelta(days=1)   # red
    tips[1].accept_due = today + timedelta(days=2)   # yellow (3 warning days)
    session.commit()
    bounds = colour_bounds(today, 3, working=False, overrides={})
    assert queries.queue_counts(session, staff["admin"], bounds) == {"red": 1, "yellow": 1, "green": 3}
    assert queries.queue_counts(session, staff["tip_handler"], bounds, state="accepted") == \
        {"red": 0, "yellow": 0, "green": 0}
    assert queries.staff_queue(session, staff["admin"], colour="red", bounds=bounds) == [tips[0]]
    assert len(queries.staff_queue(session, staff["admin"], limit=2)) == 2
