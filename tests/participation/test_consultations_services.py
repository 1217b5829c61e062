"""Consultations and suggestions through their services: the notice's rules, the workflow and every forbidden
step, deadlines on the working-day calendar, the personal code, the audit log without personal data."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.i18n import local_today
from app.participation import consultations, suggestions
from app.participation.models import Adoption, ConsultationState, SuggestionEvent, SuggestionState
from tests.participation.consultations_fixtures import (MONDAY, NATIONAL_DAY, SECRET, consultation,
                                                        consultation_input, published, rules, suggestion)


def actions(session, prefix="participation."):
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [e.action for e in entries if e.action.startswith(prefix)]


# --- consultations ----------------------------------------------------------------------------------------------

def test_consultation_goes_from_draft_to_published_to_closed_audited(session, staff):
    editor, home = staff["bureau_editor"], staff["bureaus"]["home"]
    row = consultation(session, editor, home, state="draft")
    assert row.state == ConsultationState.DRAFT
    consultations.publish_consultation(session, editor, row)
    assert row.state == ConsultationState.PUBLISHED and row.published_at
    consultations.close_consultation(session, editor, row, summary_zh_hans="采纳了三条。", summary_en="Three adopted.")
    assert row.state == ConsultationState.CLOSED and row.summary_en == "Three adopted."
    assert actions(session) == ["participation.consultation_create", "participation.consultation.publish",
                                "participation.consultation.close"]


def test_closing_needs_the_summary(session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"])
    with pytest.raises(ActionRefused) as refused:
        consultations.close_consultation(session, staff["admin"], row, summary_zh_hans="  ")
    assert refused.value.field == "summary_zh_hans"
    assert row.state == ConsultationState.PUBLISHED


@pytest.mark.parametrize("state, step", [("draft", "close"), ("closed", "publish"), ("published", "publish"),
                                         ("closed", "close")])
def test_forbidden_consultation_steps(session, staff, state, step):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state=state)
    with pytest.raises(StepNotAllowed):
        if step == "publish":
            consultations.publish_consultation(session, staff["admin"], row)
        else:
            consultations.close_consultation(session, staff["admin"], row, summary_zh_hans="x")


def test_end_date_before_start_is_refused(session, staff):
    today = local_today()
    with pytest.raises(ActionRefused) as refused:
        consultations.create_consultation(session, staff["admin"], consultation_input(
            staff["bureaus"]["home"].id, starts_on=today, ends_on=today - timedelta(days=1)))
    assert refused.value.field == "ends_on"


def test_no_minimum_period_is_enforced(session, staff):
    today = local_today()
    assert consultations.MIN_PERIOD_DAYS is None
    row = consultations.create_consultation(session, staff["admin"], consultation_input(
        staff["bureaus"]["home"].id, starts_on=today, ends_on=today))
    assert row.starts_on == row.ends_on


def test_editor_cannot_organise_another_bureaus_consultation(session, staff):
    row = consultation(session, staff["bureau_editor"], staff["bureaus"]["home"], state="draft")
    with pytest.raises(NotPermitted):
        consultations.publish_consultation(session, staff["other_editor"], row)
    for user in (staff["other_editor"], staff["tip_handler"]):
        with pytest.raises(NotPermitted):
            consultations.create_consultation(session, user, consultation_input(staff["bureaus"]["home"].id))


def test_closed_consultation_cannot_be_edited(session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"], state="closed")
    with pytest.raises(StepNotAllowed):
        consultations.update_consultation(session, staff["admin"], row, consultation_input(row.bureau_id))


def test_public_listing_puts_open_consultations_first(session, staff):
    admin, home = staff["admin"], staff["bureaus"]["home"]
    closed = consultation(session, admin, home, state="closed", title_zh_hans="已结束")
    open_ = consultation(session, admin, home, title_zh_hans="进行中")
    consultation(session, admin, home, state="draft", title_zh_hans="草稿")
    assert [c.id for c in session.scalars(consultations.public_listing())] == [open_.id, closed.id]


# --- submitting -------------------------------------------------------------------------------------------------

def test_suggestion_to_open_consultation_keeps_personal_data_private(session, staff):
    row_c = consultation(session, staff["admin"], staff["bureaus"]["home"])
    row, code = suggestion(session, row_c, name="王五", phone="13900001111")
    assert row.state == SuggestionState.SUBMITTED and row.bureau_id == row_c.bureau_id
    assert "13812345678" in row.body and "138****5678" in row.public_body and "13812345678" not in row.public_body
    assert suggestions.find_by_code(session, code, SECRET) is row
    assert suggestions.find_by_code(session, code.lower().replace("-", " "), SECRET) is row
    assert suggestions.find_by_code(session, "AAAA-BBBB-CCCC-DDDD", SECRET) is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "participation.suggestion_submit"))
    assert "王五" not in str(entry.after) and "13900001111" not in str(entry.after)
    assert code.replace("-", "") not in str(entry.after)


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_suggestion_to_consultation_not_open_is_refused(session, staff, state):
    row_c = consultation(session, staff["admin"], staff["bureaus"]["home"], state=state)
    with pytest.raises(StepNotAllowed):
        suggestion(session, row_c)


@pytest.mark.parametrize("offset", [-1, 1])
def test_suggestion_outside_the_dates_is_refused(session, staff, offset):
    row_c = consultation(session, staff["admin"], staff["bureaus"]["home"])
    day = row_c.ends_on + timedelta(days=1) if offset > 0 else row_c.starts_on - timedelta(days=1)
    with pytest.raises(StepNotAllowed):
        suggestion(session, row_c, today=day)
    suggestion(session, row_c, today=row_c.ends_on)  # the last day still counts


@pytest.mark.parametrize("values, field", [({"body": "  "}, "body"), ({"body": "字" * 3001}, "body"),
                                           ({"title": ""}, "title"), ({"title": "题" * 201}, "title")])
def test_bad_suggestion_input_is_refused(session, staff, values, field):
    with pytest.raises(ActionRefused) as refused:
        suggestion(session, None, **values)
    assert refused.value.field == field


# --- moderation and answer -------------------------------------------------------------------------------------

def test_publish_sets_the_deadline_in_working_days_over_the_holidays(session, staff):
    row_c = consultation(session, staff["admin"], staff["bureaus"]["home"], answer_days=5)
    row, _ = published(session, staff["admin"], row_c, now=MONDAY, overrides=NATIONAL_DAY)
    # Tue 29, Wed 30 Sep, (1–7 Oct off), Thu 8, Fri 9, Sat 10 (worked).
    assert row.answer_due == date(2026, 10, 10)
    assert row.state == SuggestionState.PUBLISHED and row.published_at == MONDAY


def test_standing_suggestion_needs_a_bureau_and_gets_the_default_days(session, staff):
    row, _ = suggestion(session, None)
    with pytest.raises(ActionRefused) as refused:
        suggestions.publish_suggestion(session, staff["admin"], row, public_body="x", rules=rules())
    assert refused.value.field == "bureau_id"
    suggestions.publish_suggestion(session, staff["admin"], row, public_body="建议", rules=rules(),
                                   bureau_id=staff["bureaus"]["other"].id, now=MONDAY)
    assert row.bureau_id == staff["bureaus"]["other"].id
    assert row.answer_due == rules().due(date(2026, 9, 28), suggestions.STANDING_ANSWER_DAYS) == date(2026, 10, 19)


def test_moderator_text_is_masked_again(session, staff):
    row, _ = suggestion(session, None)
    suggestions.publish_suggestion(session, staff["admin"], row, public_body="改后 13812345678", rules=rules(),
                                   bureau_id=staff["bureaus"]["home"].id)
    assert row.public_body == "改后 138****5678"


def test_only_the_office_moderates(session, staff):
    row, _ = suggestion(session, consultation(session, staff["admin"], staff["bureaus"]["home"]))
    for user in (staff["bureau_editor"], staff["tip_handler"]):
        with pytest.raises(NotPermitted):
            suggestions.publish_suggestion(session, user, row, public_body="x", rules=rules())
        with pytest.raises(NotPermitted):
            suggestions.reject_suggestion(session, user, row, reason="x")
    assert row.state == SuggestionState.SUBMITTED


def test_reject_needs_a_reason_kept_off_the_public_timeline(session, staff):
    row, _ = suggestion(session, None)
    with pytest.raises(ActionRefused):
        suggestions.reject_suggestion(session, staff["admin"], row, reason=" ")
    suggestions.reject_suggestion(session, staff["admin"], row, reason="与生态建设无关")
    assert row.state == SuggestionState.REJECTED and row.reject_reason == "与生态建设无关"
    public = [e for e in suggestions.public_events(session, row)]
    assert [e.step for e in public] == ["submitted"]
    with pytest.raises(StepNotAllowed):
        suggestions.publish_suggestion(session, staff["admin"], row, public_body="x", rules=rules())


def test_bureau_answers_its_own_suggestion_publicly(session, staff):
    row_c = consultation(session, staff["admin"], staff["bureaus"]["home"])
    row, _ = published(session, staff["admin"], row_c)
    suggestions.answer_suggestion(session, staff["bureau_editor"], row, adoption="partly", answer="部分采纳，因为……")
    assert row.state == SuggestionState.ANSWERED and row.adoption == Adoption.PARTLY
    assert row.answered_by_id == staff["bureau_editor"].id
    steps = [e.step for e in session.scalars(select(SuggestionEvent).where(SuggestionEvent.suggestion_id == row.id))]
    assert steps == ["submitted", "publish", "answer"]
    assert actions(session)[-1] == "participation.suggestion.answer"


def test_answer_by_another_bureau_is_not_permitted(session, staff):
    row, _ = published(session, staff["admin"], consultation(session, staff["admin"], staff["bureaus"]["home"]))
    with pytest.raises(NotPermitted):
        suggestions.answer_suggestion(session, staff["other_editor"], row, adoption="adopted", answer="好")
    assert row.state == SuggestionState.PUBLISHED


def test_unpublished_suggestion_cannot_be_answered(session, staff):
    row, _ = suggestion(session, consultation(session, staff["admin"], staff["bureaus"]["home"]))
    with pytest.raises(StepNotAllowed):
        suggestions.answer_suggestion(session, staff["bureau_editor"], row, adoption="adopted", answer="好")


@pytest.mark.parametrize("adoption, answer, field", [("maybe", "x", "adoption"), ("", "x", "adoption"),
                                                     ("not_adopted", " ", "answer")])
def test_answer_needs_decision_and_text(session, staff, adoption, answer, field):
    row, _ = published(session, staff["admin"], consultation(session, staff["admin"], staff["bureaus"]["home"]))
    with pytest.raises(ActionRefused) as refused:
        suggestions.answer_suggestion(session, staff["admin"], row, adoption=adoption, answer=answer)
    assert refused.value.field == field


def test_answered_on_time_is_judged_on_the_citys_date(session, staff):
    row, _ = published(session, staff["admin"], consultation(session, staff["admin"], staff["bureaus"]["home"],
                                                               answer_days=1), now=MONDAY)
    assert row.answer_due == date(2026, 9, 29)
    late_utc_evening = datetime(2026, 9, 29, 15, 30, tzinfo=timezone.utc)  # 23:30 in Beijing: still on time
    suggestions.answer_suggestion(session, staff["admin"], row, adoption="adopted", answer="采纳", now=late_utc_evening)
    assert suggestions.answered_on_time(row, rules()) is True
    row.answered_at = datetime(2026, 9, 29, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 30th in Beijing
    assert suggestions.answered_on_time(row, rules()) is False


def test_contact_look_is_audited_and_limited(session, staff):
    row, _ = suggestion(session, consultation(session, staff["admin"], staff["bureaus"]["home"]), name="王五",
                        phone="13900001111")
    assert suggestions.reveal_contact(session, staff["bureau_editor"], row) == {"name": "王五", "phone": "13900001111"}
    assert "participation.suggestion_contact_viewed" in actions(session)
    with pytest.raises(NotPermitted):
        suggestions.reveal_contact(session, staff["other_editor"], row)


# --- supervision ------------------------------------------------------------------------------------------------

def test_supervision_colours_counted_in_sql_agree_with_python(session, staff):
    from app.workdays.days import colour_bounds

    admin, home, other = staff["admin"], staff["bureaus"]["home"], staff["bureaus"]["other"]
    row_c = consultation(session, admin, home, answer_days=10)
    today = local_today()
    made = {}
    for colour, due in (("red", today - timedelta(days=3)), ("yellow", today), ("green", today + timedelta(days=40))):
        row, _ = published(session, admin, row_c)
        row.answer_due = due
        made[colour] = row
    theirs, _ = published(session, admin, None, bureau_id=other.id)
    theirs.answer_due = today - timedelta(days=3)
    answered, _ = published(session, admin, row_c)
    suggestions.answer_suggestion(session, admin, answered, adoption="adopted", answer="采纳")
    session.flush()
    bounds = colour_bounds(today, suggestions.WARN_DAYS, working=True, overrides={})
    assert suggestions.queue_counts(session, staff["bureau_editor"], bounds) == {"red": 1, "yellow": 1, "green": 1}
    assert suggestions.queue_counts(session, admin, bounds) == {"red": 2, "yellow": 1, "green": 1}
    assert suggestions.queue_counts(session, staff["other_editor"], bounds) == {"red": 1, "yellow": 0, "green": 0}
    rows = list(session.scalars(suggestions.answer_queue(staff["bureau_editor"])))
    assert answered not in rows and theirs not in rows
    judged = {r.case.id: r.colour for r in suggestions.supervise(rows, today, rules())}
    assert judged == {made[c].id: c for c in made}
    for colour in ("red", "yellow", "green"):
        only = list(session.scalars(suggestions.answer_queue(staff["bureau_editor"], colour=colour, bounds=bounds)))
        assert only == [made[colour]]


def test_workflow_tables_have_handlers_only_for_their_steps():
    consultations.CONSULTATION_WORKFLOW.check()
    suggestions.SUGGESTION_WORKFLOW.check()
    assert suggestions.SUGGESTION_WORKFLOW.allowed_steps(SuggestionState.ANSWERED) == []
    assert consultations.CONSULTATION_WORKFLOW.allowed_steps(ConsultationState.CLOSED) == []


def test_published_consultation_stays_with_its_bureau(session, staff):
    row = consultation(session, staff["admin"], staff["bureaus"]["home"])
    with pytest.raises(ActionRefused) as refused:
        consultations.update_consultation(session, staff["admin"], row,
                                          consultation_input(staff["bureaus"]["other"].id))
    assert refused.value.field == "bureau_id"
    draft = consultation(session, staff["admin"], staff["bureaus"]["home"], state="draft")
    consultations.update_consultation(session, staff["admin"], draft, consultation_input(staff["bureaus"]["other"].id))
    assert draft.bureau_id == staff["bureaus"]["other"].id
