"""The activity services: the workflow's states and every forbidden step, sign-ups with places and the waiting
list, promotion order, cancellation, codes, check-in and photos."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.participation import activities
from app.participation.activities import ACTIVITY_WORKFLOW, Step
from app.participation.models import ActivityState, Registration, RegistrationState
from tests import factories
from tests.participation.activity_fixtures import KEY, NOW, activity, phone, sign_up


@pytest.fixture
def people(session):
    return factories.staff_set(session)


def _actions(session) -> list[str]:
    return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_the_workflow_has_a_handler_for_its_steps_only():
    ACTIVITY_WORKFLOW.check()


@pytest.mark.parametrize("state, step", [
    (state, step) for state in ActivityState for step in Step
    if (state, step) not in activities.TRANSITIONS])
def test_every_forbidden_step_is_refused_and_changes_nothing(session, people, state, step):
    target = activity(session, people["bureaus"]["home"], state=state, starts_at=NOW - timedelta(hours=1),
                      signup_opens_at=NOW - timedelta(days=5), signup_closes_at=NOW - timedelta(days=1))
    with pytest.raises(activities.ActivityStepNotAllowed):
        ACTIVITY_WORKFLOW.take(session, people["admin"], target, step, now=NOW, reason="x", attendance=3,
                               summary_zh_hans="x")
    assert target.state == state


def test_publish_cancel_and_close_are_audited(session, people):
    editor, home = people["bureau_editor"], people["bureaus"]["home"]
    draft = activity(session, home, state=ActivityState.DRAFT)
    activities.publish_activity(session, editor, draft, now=NOW)
    assert draft.state == ActivityState.PUBLISHED and draft.published_at == NOW
    other = activity(session, home)
    with pytest.raises(activities.ActivityError):
        activities.cancel_activity(session, editor, other, "  ", now=NOW)
    activities.cancel_activity(session, editor, other, "暴雨预警", now=NOW)
    assert other.state == ActivityState.CANCELLED and other.cancel_reason == "暴雨预警"
    held = activity(session, home, starts_at=NOW - timedelta(hours=5), signup_opens_at=NOW - timedelta(days=9),
                    signup_closes_at=NOW - timedelta(days=1))
    activities.close_activity(session, editor, held, attendance=12, summary_zh_hans="种下 300 棵树", now=NOW)
    assert held.state == ActivityState.CLOSED and held.attendance == 12 and held.closed_at == NOW
    assert {"activities.publish", "activities.cancel", "activities.close"} <= set(_actions(session))


def test_an_activity_cannot_be_closed_before_it_starts_or_without_its_record(session, people):
    upcoming = activity(session, people["bureaus"]["home"])
    with pytest.raises(activities.ActivityError, match="started"):
        activities.close_activity(session, people["admin"], upcoming, attendance=3, summary_zh_hans="x", now=NOW)
    held = activity(session, people["bureaus"]["home"], starts_at=NOW - timedelta(hours=5),
                    signup_opens_at=NOW - timedelta(days=9), signup_closes_at=NOW - timedelta(days=1))
    with pytest.raises(activities.ActivityError) as error:
        activities.close_activity(session, people["admin"], held, attendance=3, summary_zh_hans="", now=NOW)
    assert error.value.field == "summary_zh_hans"
    assert held.state == ActivityState.PUBLISHED


def test_an_editor_of_another_bureau_may_not_organise(session, people):
    target = activity(session, people["bureaus"]["home"], state=ActivityState.DRAFT)
    for outsider in (people["other_editor"], people["tip_handler"]):
        with pytest.raises(activities.ActivityNotPermitted):
            activities.publish_activity(session, outsider, target, now=NOW)
    assert target.state == ActivityState.DRAFT
    data = activities.ActivityInput(
        kind="talk", title_zh_hans="宣讲", venue_zh_hans="社区", bureau_id=people["bureaus"]["home"].id,
        place_id=target.place_id, starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2),
        signup_opens_at=NOW, signup_closes_at=NOW + timedelta(days=2), capacity=20)
    with pytest.raises(activities.ActivityNotPermitted):
        activities.create_activity(session, people["other_editor"], data)
    created = activities.create_activity(session, people["bureau_editor"], data)
    assert created.state == ActivityState.DRAFT and created.taken == 0


def test_bad_dates_and_a_capacity_below_the_places_taken_are_refused(session, people):
    target = activity(session, people["bureaus"]["home"], taken=6)
    base = dict(kind="talk", title_zh_hans="宣讲", venue_zh_hans="社区", bureau_id=target.bureau_id,
                place_id=target.place_id, starts_at=target.starts_at, ends_at=target.ends_at,
                signup_opens_at=target.signup_opens_at, signup_closes_at=target.signup_closes_at, capacity=10)
    for change, field in ((dict(ends_at=target.starts_at), "ends_at"),
                          (dict(signup_closes_at=target.starts_at + timedelta(hours=1)), "signup_closes_at"),
                          (dict(capacity=5), "capacity"), (dict(max_group_size=11), "max_group_size")):
        with pytest.raises(activities.ActivityError) as error:
            activities.update_activity(session, people["admin"], target, activities.ActivityInput(**{**base,
                                                                                                   **change}))
        assert error.value.field == field


def test_sign_ups_take_places_then_go_on_a_waiting_list_capped_at_the_capacity(session, people):
    target = activity(session, people["bureaus"]["home"], capacity=3, max_group_size=3)
    assert sign_up(session, target, group_size=2).registration.state == RegistrationState.CONFIRMED
    assert sign_up(session, target, group_size=2).registration.state == RegistrationState.WAITLISTED
    assert sign_up(session, target).registration.state == RegistrationState.CONFIRMED
    assert (target.taken, target.waiting) == (3, 2)
    assert sign_up(session, target).registration.state == RegistrationState.WAITLISTED
    with pytest.raises(activities.ActivityError, match="waiting list is full"):
        sign_up(session, target)
    assert (target.taken, target.waiting) == (3, 3)


def test_cancelling_promotes_the_waiting_list_in_order_without_jumping(session, people):
    target = activity(session, people["bureaus"]["home"], capacity=4, max_group_size=4)
    first = sign_up(session, target, group_size=2).registration
    sign_up(session, target, group_size=2)
    big = sign_up(session, target, group_size=3).registration       # waiting, first in line
    small = sign_up(session, target, group_size=1).registration     # waiting, would fit alone
    activities.cancel_registration(session, first, now=NOW)
    assert first.state == RegistrationState.CANCELLED
    # Two places are free: the group of three does not fit and the single person behind it does not jump it.
    assert (big.state, small.state) == (RegistrationState.WAITLISTED, RegistrationState.WAITLISTED)
    assert (target.taken, target.waiting) == (2, 4)
    activities.update_activity(session, people["admin"], target, activities.ActivityInput(
        kind=target.kind.value, title_zh_hans=target.title_zh_hans, venue_zh_hans=target.venue_zh_hans,
        bureau_id=target.bureau_id, place_id=target.place_id, starts_at=target.starts_at, ends_at=target.ends_at,
        signup_opens_at=target.signup_opens_at, signup_closes_at=target.signup_closes_at, capacity=6,
        max_group_size=4))
    assert (big.state, small.state) == (RegistrationState.CONFIRMED, RegistrationState.CONFIRMED)
    assert big.promoted_at is not None
    assert (target.taken, target.waiting) == (6, 0)


def test_a_cancelled_waiting_spot_frees_the_waiting_count(session, people):
    target = activity(session, people["bureaus"]["home"], capacity=1)
    sign_up(session, target)
    waiting = sign_up(session, target).registration
    activities.cancel_registration(session, waiting, now=NOW)
    assert (target.taken, target.waiting) == (1, 0)
    with pytest.raises(activities.ActivityError, match="already cancelled"):
        activities.cancel_registration(session, waiting, now=NOW)


def test_the_same_phone_signs_up_once_but_may_sign_up_again_after_cancelling(session, people):
    target = activity(session, people["bureaus"]["home"])
    number = phone()
    first = sign_up(session, target, number=number).registration
    with pytest.raises(activities.ActivityError) as error:
        sign_up(session, target, number="+86 " + number[:3] + " " + number[3:])
    assert error.value.field == "phone"
    activities.cancel_registration(session, first, now=NOW)
    assert sign_up(session, target, number=number).registration.state == RegistrationState.CONFIRMED


@pytest.mark.parametrize("number", ["12345", "23812345678", "1381234567", "138123456789", "abc"])
def test_a_phone_that_is_not_a_mainland_mobile_is_refused(session, people, number):
    target = activity(session, people["bureaus"]["home"])
    with pytest.raises(activities.ActivityError) as error:
        sign_up(session, target, number=number)
    assert error.value.field == "phone"
    assert target.taken == 0


def test_sign_up_outside_the_window_or_for_a_cancelled_activity_is_refused(session, people):
    home = people["bureaus"]["home"]
    closed = activity(session, home, signup_closes_at=NOW - timedelta(minutes=1))
    with pytest.raises(activities.ActivityError, match="closed"):
        sign_up(session, closed)
    early = activity(session, home, signup_opens_at=NOW + timedelta(hours=1))
    with pytest.raises(activities.ActivityError, match="not opened"):
        sign_up(session, early)
    cancelled = activity(session, home, state=ActivityState.CANCELLED)
    with pytest.raises(activities.ActivityError, match="cancelled"):
        sign_up(session, cancelled)
    draft = activity(session, home, state=ActivityState.DRAFT)
    with pytest.raises(activities.ActivityError):
        sign_up(session, draft)
    too_big = activity(session, home, max_group_size=2)
    with pytest.raises(activities.ActivityError) as error:
        sign_up(session, too_big, group_size=3)
    assert error.value.field == "group_size"
    assert session.scalar(select(Registration)) is None


def test_the_code_finds_its_sign_up_only_and_is_stored_as_a_keyed_hash(session, people):
    target = activity(session, people["bureaus"]["home"])
    result = sign_up(session, target)
    assert activities.find_registration(session, result.code.lower().replace("-", " "), KEY) is result.registration
    assert activities.find_registration(session, "AAAA-BBBB-CCCC-DDDD", KEY) is None
    assert activities.find_registration(session, "", KEY) is None
    assert activities.find_registration(session, result.code, "another key") is None
    assert result.code.replace("-", "") not in result.registration.code_digest


def test_the_audit_log_never_holds_the_name_or_phone(session, people):
    target = activity(session, people["bureaus"]["home"])
    sign_up(session, target, name="王小明", number="13912345678")
    for entry in session.scalars(select(AuditEntry)):
        text = f"{entry.before} {entry.after} {entry.note}"
        assert "王小明" not in text and "13912345678" not in text


def test_check_in_marks_attended_and_feeds_the_attendance_suggestion(session, people):
    target = activity(session, people["bureaus"]["home"], max_group_size=3)
    group = sign_up(session, target, group_size=3).registration
    alone = sign_up(session, target).registration
    assert activities.attendance_suggestion(session, target) == 0
    activities.check_in(session, people["bureau_editor"], group, now=NOW)
    assert group.state == RegistrationState.ATTENDED and group.checked_in_at == NOW
    with pytest.raises(activities.ActivityError, match="Already"):
        activities.check_in(session, people["bureau_editor"], group, now=NOW)
    with pytest.raises(activities.ActivityNotPermitted):
        activities.check_in(session, people["other_editor"], alone, now=NOW)
    assert activities.attendance_suggestion(session, target) == 3
    with pytest.raises(activities.ActivityError, match="checked in"):
        activities.cancel_registration(session, group, now=NOW)


def test_the_list_of_people_is_for_organisers_and_each_look_is_audited(session, people):
    target = activity(session, people["bureaus"]["home"])
    sign_up(session, target)
    assert len(activities.confirmed_people(session, people["bureau_editor"], target)) == 1
    with pytest.raises(activities.ActivityNotPermitted):
        activities.confirmed_people(session, people["other_editor"], target)
    assert _actions(session).count("activities.view_people") == 1


def test_keeping_a_volunteer_record_enrols_the_person(session, people):
    target = activity(session, people["bureaus"]["home"])
    first = sign_up(session, target, keep_volunteer_record=True)
    assert first.volunteer_code and first.registration.volunteer_id is not None
    again = sign_up(session, activity(session, people["bureaus"]["home"]), number=first.registration.phone,
                    keep_volunteer_record=True)
    assert again.volunteer_code is None and again.registration.volunteer_id == first.registration.volunteer_id
    assert sign_up(session, target).registration.volunteer_id is None


def test_a_freed_place_goes_to_the_first_in_line_at_once(session, people):
    target = activity(session, people["bureaus"]["home"], capacity=2)
    first = sign_up(session, target).registration
    sign_up(session, target)
    waiting = [sign_up(session, target).registration for _ in range(2)]
    activities.cancel_registration(session, first, now=NOW)
    assert [r.state for r in waiting] == [RegistrationState.CONFIRMED, RegistrationState.WAITLISTED]
    assert (target.taken, target.waiting) == (2, 1)
    assert "activities.promote" in _actions(session)


def test_a_sign_up_cannot_be_cancelled_once_the_activity_has_started(session, people):
    target = activity(session, people["bureaus"]["home"])
    registration = sign_up(session, target).registration
    with pytest.raises(activities.ActivityError, match="started"):
        activities.cancel_registration(session, registration, now=target.starts_at)
    assert registration.state == RegistrationState.CONFIRMED and target.taken == 1
