"""The official rules for handling tips: extensions only before the deadline expires, review (复查) and re-review
(复核) on their own deadlines, and rewards tied to the finding, the first reporter and the office.

Sources (copied here, not read from elsewhere):
- 《信访工作条例》 (2022) art. 34: a case is concluded within 60 days of acceptance; where complex, with the
  approval of the body's head, the period may be extended by at most 30 days and the petitioner told why.
- art. 35: not satisfied with the handling opinion, the petitioner may ask for a review (复查) within 30 days of
  receiving the written reply; the reviewing body answers within 30 days of receiving the request.
- art. 36: not satisfied with the review opinion, a re-review (复核) on the same 30 + 30 days, by the body above
  the reviewer; its opinion is final.
- 《关于实施生态环境违法行为举报奖励制度的指导意见》 (环办执法〔2020〕8号): real-name reporters whose reports are
  verified (查证属实) are rewarded; local rules (e.g. Shandong 2019) reward the first reporter of the same violation.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.tips import queries, services
from app.tips.models import RewardState, Tip
from app.tips.services import Rules, TipError
from app.tips.workflow import OFFICE_STEPS, Step, TipState
from tests.tips.conftest import MONDAY

ACCEPTED = MONDAY                       # conclusion due 60 days later: 27 November 2026
DUE = (MONDAY + timedelta(days=60)).date()
AFTER_DUE = MONDAY + timedelta(days=63)  # 30 November 2026, three days late
TO_INVESTIGATING = (Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE)


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def walk(session, staff, tip, *steps, now=ACCEPTED, finding="substantiated"):
    for step in steps:
        actor = staff["admin"] if step in OFFICE_STEPS else staff["tip_handler"]
        extra = {"bureau": staff["bureaus"]["home"]} if step == Step.ASSIGN else {}
        if step == Step.CONCLUDE:
            extra = {"findings": "现场检查", "reply": "已处理", "finding": finding}
        services.take_step(session, actor, tip, step, Rules(), now=now, **extra)
    session.commit()


def post(client, csrf, url, page, **data):
    return client.post(url, data={"csrf_token": csrf.token(client, page), **data})


# Extensions (art. 34)

def test_an_extension_cannot_be_asked_for_once_the_deadline_has_passed(session, staff, report):
    """信访工作条例 art. 34: the 60-day period may be extended (延长办理期限); an expired period no longer can be."""
    tip, _ = report(now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING)
    assert tip.conclude_due == DUE
    with pytest.raises(TipError, match="The deadline passed on") as refused:
        services.request_extension(session, staff["tip_handler"], tip, 10, "补充检测", Rules(), now=AFTER_DUE)
    assert refused.value.field == "days" and tip.extension_state is None and tip.conclude_due == DUE
    services.request_extension(session, staff["tip_handler"], tip, 10, "补充检测", Rules(),
                               now=MONDAY + timedelta(days=60))  # the last day still counts
    assert tip.extension_state == "requested"


def test_an_extension_asked_in_time_cannot_be_approved_after_the_deadline(session, staff, report):
    """信访工作条例 art. 34: the extension needs the head's approval within the period being extended."""
    tip, _ = report(now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING)
    services.request_extension(session, staff["tip_handler"], tip, 10, "补充检测", Rules(),
                               now=MONDAY + timedelta(days=50))
    with pytest.raises(TipError, match="can only be approved before it expires"):
        services.decide_extension(session, staff["admin"], tip, True, Rules(), now=AFTER_DUE)
    assert tip.conclude_due == DUE and tip.extension_state == "requested"
    services.decide_extension(session, staff["admin"], tip, False, Rules(), now=AFTER_DUE)  # refusing still can
    assert tip.extension_state == "refused"


def test_a_late_conclusion_is_late_in_the_published_on_time_rate(client, session, staff, report):
    """信访工作条例 art. 34: a case concluded after its deadline (as it stood before any late extension) is late
    on the public statistics page (按期办结率), while one concluded within an extension approved in time is not."""
    late, _ = report(now=MONDAY)
    extended, _ = report(now=MONDAY, description="河道排污口夜间排黑水")
    for tip in (late, extended):
        walk(session, staff, tip, *TO_INVESTIGATING)
    with pytest.raises(TipError):
        services.request_extension(session, staff["tip_handler"], late, 10, "补充检测", Rules(), now=AFTER_DUE)
    services.request_extension(session, staff["tip_handler"], extended, 10, "补充检测", Rules(),
                               now=MONDAY + timedelta(days=55))
    services.decide_extension(session, staff["admin"], extended, True, Rules(), now=MONDAY + timedelta(days=56))
    walk(session, staff, late, Step.CONCLUDE, now=AFTER_DUE)
    walk(session, staff, extended, Step.CONCLUDE, now=AFTER_DUE)
    client.set_cookie("lang", "en")
    html = client.get("/tips/stats?year=2026").get_data(as_text=True)
    assert 'id="concluded-on-time">50.0%</strong>' in html


def test_a_late_extension_request_comes_back_in_place_with_what_was_typed(client, auth, csrf, session, staff,
                                                                         report):
    tip, _ = report(now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING)
    auth.login("handler")
    client.set_cookie("lang", "en")
    page = f"/admin/tips/{tip.id}"
    response = post(client, csrf, f"/admin/tips/{tip.id}/extension", page, days="12", reason="需要省站检测水样")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "The deadline passed on" in html
    assert 'id="days-error"' in html and 'value="12"' in html and "需要省站检测水样</textarea>" in html
    session.refresh(tip)
    assert tip.extension_state is None


def test_a_late_approval_is_refused_on_the_decision_itself(client, auth, csrf, session, staff, report):
    tip, _ = report(now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING)
    services.request_extension(session, staff["tip_handler"], tip, 10, "补充检测", Rules(),
                               now=MONDAY + timedelta(days=50))
    session.commit()
    auth.login("admin")
    client.set_cookie("lang", "en")
    page = f"/admin/tips/{tip.id}"
    response = post(client, csrf, f"/admin/tips/{tip.id}/extension/approve", page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "can only be approved before it expires" in html
    assert html.index("Extension requested: 10 days") < html.index("can only be approved before it expires")
    session.refresh(tip)
    assert tip.conclude_due == DUE and tip.extension_state == "requested"


# Review (复查, art. 35) and re-review (复核, art. 36)

def concluded(session, staff, report, **values):
    tip, code = report(now=MONDAY, **values)
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE)
    return tip, code


def test_a_review_runs_on_its_own_thirty_day_deadline_not_the_expired_one(session, staff, report):
    """信访工作条例 art. 35: the review is asked within 30 days of the reply and answered within 30 days of the
    request; the handling deadline that expired does not come back."""
    tip, _ = concluded(session, staff, report)
    asked = MONDAY + timedelta(days=20)
    services.request_review(session, tip, "河水仍然发黑", Rules(), now=asked)
    session.commit()
    assert tip.state == TipState.REVIEWING and tip.review_due == (asked + timedelta(days=30)).date()
    assert queries.current_due(tip) == tip.review_due != tip.conclude_due
    public = [(e.step, e.note) for e in tip.events if e.public][-1]
    assert public[0] == "review_requested" and "Opinion due by" in public[1]
    assert [e.note for e in tip.events if e.step == "review_reason"] == ["河水仍然发黑"]
    assert not [e for e in tip.events if e.step == "review_reason" and e.public]  # the reasons stay in-house
    today = tip.review_due + timedelta(days=1)
    assert queries.overdue(session, today) == [tip]  # an unanswered review is overdue in the staff queues


def test_a_review_is_refused_after_thirty_days_from_the_reply(session, staff, report):
    """信访工作条例 art. 35: 可以自收到书面答复之日起30日内请求复查."""
    tip, _ = concluded(session, staff, report)
    with pytest.raises(TipError, match="had to be asked for by") as refused:
        services.request_review(session, tip, "不满意", Rules(), now=MONDAY + timedelta(days=31))
    assert refused.value.field == "satisfied" and tip.state == TipState.CONCLUDED and tip.review_due is None
    services.request_review(session, tip, "不满意", Rules(), now=MONDAY + timedelta(days=30))
    assert tip.state == TipState.REVIEWING


def test_a_review_needs_the_reporters_reasons(session, staff, report):
    tip, _ = concluded(session, staff, report)
    with pytest.raises(TipError, match="Say why") as refused:
        services.request_review(session, tip, "  ", Rules(), now=MONDAY + timedelta(days=1))
    assert refused.value.field == "comment" and tip.state == TipState.CONCLUDED


def test_the_office_answers_the_review_and_then_the_re_review_which_is_final(session, staff, report):
    """信访工作条例 arts. 35–36: 复查 by the body above the one that handled the case, 复核 by the body above the
    reviewer, each within 30 days; after 复核 the same request is not taken again."""
    tip, _ = concluded(session, staff, report)
    services.request_review(session, tip, "仍有异味", Rules(), now=MONDAY + timedelta(days=5))
    with pytest.raises(TipError, match="Only the office"):
        services.take_step(session, staff["tip_handler"], tip, Step.ANSWER_REVIEW, Rules(), reply="维持")
    with pytest.raises(TipError, match="Write the opinion") as refused:
        services.take_step(session, staff["admin"], tip, Step.ANSWER_REVIEW, Rules(), reply="  ")
    assert refused.value.field == "reply"
    answered = MONDAY + timedelta(days=20)
    services.take_step(session, staff["admin"], tip, Step.ANSWER_REVIEW, Rules(), reply="经复查，维持原处理意见",
                       now=answered)
    assert tip.state == TipState.REVIEWED and tip.review_opinion == "经复查，维持原处理意见" and tip.review_due is None
    assert queries.current_due(tip) is None
    assert services.review_window_end(tip, Rules()) == (answered + timedelta(days=30)).date()
    services.request_review(session, tip, "复查走过场", Rules(), now=answered + timedelta(days=10))
    assert tip.state == TipState.RE_REVIEWING
    assert tip.review_due == (answered + timedelta(days=40)).date()
    services.take_step(session, staff["admin"], tip, Step.ANSWER_REVIEW, Rules(), reply="经复核，维持复查意见",
                       now=answered + timedelta(days=20))
    session.commit()
    assert tip.state == TipState.RE_REVIEWED and tip.re_review_opinion == "经复核，维持复查意见"
    assert [e.step for e in tip.events if e.public][-4:] == [
        "review_requested", "review_answered", "re_review_requested", "re_review_answered"]
    with pytest.raises(TipError, match="final"):
        services.request_review(session, tip, "还是不满意", Rules(), now=answered + timedelta(days=21))
    services.rate(session, tip, False, "")
    assert tip.state == TipState.CLOSED


def test_closing_a_case_does_not_take_the_reporters_thirty_days_away(session, staff, report):
    """信访工作条例 art. 35: the 30 days run from the reply, whatever the office does with the file meanwhile."""
    tip, _ = concluded(session, staff, report)
    services.take_step(session, staff["admin"], tip, Step.CLOSE, Rules(), now=MONDAY + timedelta(days=2))
    services.request_review(session, tip, "没有整改", Rules(), now=MONDAY + timedelta(days=10))
    assert tip.state == TipState.REVIEWING


def test_the_reporter_asks_for_a_review_on_the_tracking_page_and_sees_its_deadline(client, csrf, session, staff,
                                                                                 report):
    tip, code = report()
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE, now=None)
    client.set_cookie("lang", "en")
    page = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "Not satisfied: I ask for a review by the higher authority" in page
    response = post(client, csrf, f"/tips/track/{code}", f"/tips/track/{code}", satisfied="review", comment="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="comment-error"' in html and "Say why you are not satisfied" in html
    response = post(client, csrf, f"/tips/track/{code}", f"/tips/track/{code}", satisfied="review",
                    comment="排污口仍在排放")
    assert response.status_code == 303
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "Under review" in html and "The higher authority gives its opinion by" in html
    assert "排污口仍在排放" not in html  # the reasons go to staff, not into the public timeline


def test_a_late_review_request_comes_back_in_place_with_the_reasons_kept(client, csrf, session, staff, report):
    tip, code = concluded(session, staff, report)  # concluded on 28 September 2026: long past 30 days
    client.set_cookie("lang", "en")
    page = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "I ask for a review" not in page and 'value="yes"' in page  # no longer offered, rating still is
    response = post(client, csrf, f"/tips/track/{code}", f"/tips/track/{code}", satisfied="review",
                    comment="河水仍然发黑")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="satisfied-error"' in html and "had to be asked for by" in html
    assert "河水仍然发黑</textarea>" in html
    session.refresh(tip)
    assert tip.state == TipState.CONCLUDED


def test_a_review_shows_in_the_staff_queue_with_its_deadline(client, auth, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE, now=None)
    services.request_review(session, tip, "不满意", Rules())
    session.commit()
    auth.login("admin")
    client.set_cookie("lang", "en")
    html = client.get("/admin/tips/?state=reviewing").get_data(as_text=True)
    row = html[html.index(tip.public_number):]
    assert "Under review" in row[:600] and "30 days left" in row[:900]
    detail = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "/step/answer_review" in detail and "30 days left" in detail


# Rewards (有奖举报)

def test_a_conclusion_needs_the_finding_and_keeps_what_was_typed(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING, now=None)
    auth.login("handler")
    page = f"/admin/tips/{tip.id}"
    response = client.post(f"/admin/tips/{tip.id}/step/conclude", content_type="multipart/form-data", data={
        "csrf_token": csrf.token(client, page), "findings": "现场检查未发现排放", "reply": "未发现问题"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="finding-error"' in html
    assert "现场检查未发现排放</textarea>" in html
    session.refresh(tip)
    assert tip.state == TipState.INVESTIGATING


def test_an_unsubstantiated_report_is_not_rewarded(session, staff, report):
    """环办执法〔2020〕8号: a reward is for a report verified as true (属实 or 部分属实)."""
    tip, _ = report(anonymous=False, now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE, finding="unsubstantiated")
    with pytest.raises(TipError, match="not substantiated"):
        services.set_reward(session, staff["tip_handler"], tip, RewardState.ELIGIBLE)
    services.set_reward(session, staff["tip_handler"], tip, RewardState.DECLINED)
    partly, _ = report(anonymous=False, now=MONDAY, description="工地夜间施工噪声扰民")
    walk(session, staff, partly, *TO_INVESTIGATING, Step.CONCLUDE, finding="partly")
    services.set_reward(session, staff["tip_handler"], partly, RewardState.ELIGIBLE)
    assert (tip.reward_state, partly.reward_state) == ("declined", "eligible")


def test_a_tip_concluded_without_a_finding_is_not_rewarded(session, staff, report):
    tip, _ = report(anonymous=False, now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE, finding=None)
    with pytest.raises(TipError, match="verified and concluded"):
        services.set_reward(session, staff["tip_handler"], tip, RewardState.ELIGIBLE)


def test_the_reward_goes_to_the_first_reporter_of_merged_duplicates(session, staff, report):
    """Shandong 2019 rules (first reporter of the same violation): when the office merged an earlier report
    into a later one, the earlier reporter is the one rewarded."""
    first, _ = report(anonymous=False, now=MONDAY, name="李四")
    later, _ = report(anonymous=False, now=MONDAY + timedelta(hours=5), description="化工厂又在排黄烟")
    services.merge_tip(session, staff["admin"], first, later, Rules())
    walk(session, staff, later, *TO_INVESTIGATING, Step.CONCLUDE)
    with pytest.raises(TipError, match=f"first reporter: report No. {first.public_number}"):
        services.set_reward(session, staff["admin"], later, RewardState.ELIGIBLE)
    services.set_reward(session, staff["admin"], first, RewardState.ELIGIBLE)
    services.set_reward(session, staff["admin"], first, RewardState.GRANTED, Decimal("1000"))
    session.commit()
    assert (first.reward_state, first.reward_amount, later.reward_state) == ("granted", Decimal("1000.00"), None)
    assert services.first_reporter(session, later).id == first.id


def test_an_anonymous_first_report_leaves_no_reward_to_a_later_one(session, staff, report):
    first, _ = report(anonymous=True, now=MONDAY)
    later, _ = report(anonymous=False, now=MONDAY + timedelta(hours=5), description="化工厂又在排黄烟")
    services.merge_tip(session, staff["admin"], later, first, Rules())
    walk(session, staff, first, *TO_INVESTIGATING, Step.CONCLUDE)
    with pytest.raises(TipError, match="first reporter"):
        services.set_reward(session, staff["admin"], later, RewardState.ELIGIBLE)
    with pytest.raises(TipError, match="real-name"):
        services.set_reward(session, staff["admin"], first, RewardState.ELIGIBLE)


def test_only_the_office_grants_an_amount(client, auth, csrf, session, staff, report):
    """The reward is granted by the office that runs the scheme (生态办), not by the bureau that handled the case."""
    tip, _ = report(anonymous=False, now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE)
    services.set_reward(session, staff["tip_handler"], tip, RewardState.ELIGIBLE)
    with pytest.raises(TipError, match="Only the office"):
        services.set_reward(session, staff["tip_handler"], tip, RewardState.GRANTED, Decimal("500"))
    session.commit()
    auth.login("handler")
    page = f"/admin/tips/{tip.id}"
    html = client.get(page).get_data(as_text=True)
    assert 'value="granted"' not in html and 'value="declined"' in html and 'name="amount"' not in html
    response = post(client, csrf, f"/admin/tips/{tip.id}/reward", page, state="granted", amount="500")
    assert response.status_code == 422
    assert session.scalar(select(Tip.reward_state).where(Tip.id == tip.id)) == "eligible"


def test_a_reward_begun_before_findings_were_recorded_can_still_be_granted_or_declined(client, auth, session, staff,
                                                                                       report):
    """Tips concluded before the finding was recorded (migration 0022 leaves it empty) keep their reward under way:
    the office can still grant it and the bureau decline it, and the staff page still shows it."""
    granted, _ = report(anonymous=False, now=MONDAY)
    declined, _ = report(anonymous=False, now=MONDAY, description="工地夜间施工噪声扰民")
    for tip in (granted, declined):
        walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE, finding=None)
        tip.reward_state = RewardState.ELIGIBLE.value
    session.commit()
    services.set_reward(session, staff["admin"], granted, RewardState.GRANTED, Decimal("800"))
    services.set_reward(session, staff["tip_handler"], declined, RewardState.DECLINED)
    session.commit()
    assert (granted.reward_state, declined.reward_state) == ("granted", "declined")
    auth.login("admin")
    assert 'id="reward"' in client.get(f"/admin/tips/{granted.id}").get_data(as_text=True)


def test_a_report_found_not_substantiated_is_not_put_on_the_exposure_board(client, auth, session, staff, report):
    """The exposure board (曝光台) names verified violations; a report found not substantiated (不属实) would name
    a company over a complaint found false."""
    tip, _ = report(anonymous=False, now=MONDAY)
    walk(session, staff, tip, *TO_INVESTIGATING, Step.CONCLUDE, finding="unsubstantiated")
    session.commit()
    with pytest.raises(TipError, match="not substantiated"):
        services.publish_exposure(session, staff["admin"], tip, "化工厂偷排", "经查不属实。")
    assert tip.exposed_at is None
    auth.login("admin")
    assert f"/admin/tips/{tip.id}/exposure\"" not in client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
