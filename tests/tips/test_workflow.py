"""The handling workflow of a tip: every allowed transition, every refused one, and who takes which step."""
import itertools

import pytest

from app.tips.workflow import (EVENT_TITLES, OFFICE_STEPS, REPORTER_STEPS, TRANSITIONS, Step, TipState, TransitionError,
                               allowed_steps, next_state)

S, T = TipState, Step
EXPECTED = {
    (S.SUBMITTED, T.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, T.REJECT): S.NOT_ACCEPTED,
    (S.ACCEPTED, T.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, T.TRANSFER): S.ASSIGNED,
    (S.ASSIGNED, T.INVESTIGATE): S.INVESTIGATING,
    (S.INVESTIGATING, T.TRANSFER): S.ASSIGNED,
    (S.INVESTIGATING, T.CONCLUDE): S.CONCLUDED,
    (S.CONCLUDED, T.RATE_SATISFIED): S.CLOSED,
    (S.CONCLUDED, T.RATE_UNSATISFIED): S.CLOSED,
    (S.CONCLUDED, T.CLOSE): S.CLOSED,
    # 信访工作条例 art. 35: not satisfied with the reply, the reporter asks for a review (复查), answered by the
    # body above on its own deadline; art. 36: not satisfied with that, a re-review (复核), which is final.
    (S.CONCLUDED, T.REQUEST_REVIEW): S.REVIEWING,
    (S.CLOSED, T.REQUEST_REVIEW): S.REVIEWING,
    (S.REVIEWING, T.ANSWER_REVIEW): S.REVIEWED,
    (S.REVIEWED, T.REQUEST_RE_REVIEW): S.RE_REVIEWING,
    (S.CLOSED, T.REQUEST_RE_REVIEW): S.RE_REVIEWING,
    (S.RE_REVIEWING, T.ANSWER_REVIEW): S.RE_REVIEWED,
    (S.REVIEWED, T.RATE_SATISFIED): S.CLOSED,
    (S.REVIEWED, T.RATE_UNSATISFIED): S.CLOSED,
    (S.REVIEWED, T.CLOSE): S.CLOSED,
    (S.RE_REVIEWED, T.RATE_SATISFIED): S.CLOSED,
    (S.RE_REVIEWED, T.RATE_UNSATISFIED): S.CLOSED,
    (S.RE_REVIEWED, T.CLOSE): S.CLOSED,
    (S.SUBMITTED, T.MERGE): S.MERGED,
    (S.ACCEPTED, T.MERGE): S.MERGED,
    (S.ASSIGNED, T.MERGE): S.MERGED,
    (S.INVESTIGATING, T.MERGE): S.MERGED,
}
REFUSED = sorted(set(itertools.product(TipState, Step)) - set(EXPECTED))


def test_the_transition_table_is_exactly_the_documented_one():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize("state, step", list(EXPECTED), ids=lambda v: v.value)
def test_every_allowed_step_leads_to_its_state(state, step):
    assert next_state(state, step) == EXPECTED[(state, step)]


@pytest.mark.parametrize("state, step", REFUSED, ids=lambda v: v.value)
def test_every_other_step_is_refused(state, step):
    with pytest.raises(TransitionError):
        next_state(state, step)


@pytest.mark.parametrize("state, step", [
    (S.SUBMITTED, T.CONCLUDE),       # no concluding what was never accepted
    (S.SUBMITTED, T.ASSIGN),         # accept first
    (S.ACCEPTED, T.INVESTIGATE),     # assign first
    (S.ACCEPTED, T.ACCEPT),          # no accepting twice
    (S.NOT_ACCEPTED, T.ACCEPT),      # a refusal is final
    (S.CLOSED, T.RATE_UNSATISFIED),  # a closed case stays closed (only a review may reopen it)
    (S.CONCLUDED, T.REQUEST_RE_REVIEW),  # a re-review (复核) follows a review (复查), never the conclusion
    (S.RE_REVIEWED, T.REQUEST_RE_REVIEW),  # the re-review opinion is final
    (S.REVIEWING, T.CONCLUDE),       # the review does not return the case to its expired conclusion deadline
    (S.INVESTIGATING, T.CLOSE),      # only a concluded case is closed
    (S.ASSIGNED, T.CONCLUDE),        # investigate first
    (S.CONCLUDED, T.MERGE),          # a concluded case has its own outcome
    (S.MERGED, T.ACCEPT),            # a merged report follows the one it joined
], ids=lambda v: v.value)
def test_shortcuts_through_the_workflow_are_refused_with_a_clear_reason(state, step):
    with pytest.raises(TransitionError, match=f"{step.value} is not allowed from {state.value}"):
        next_state(state, step)


def test_a_transition_error_is_a_value_error():
    assert issubclass(TransitionError, ValueError)


@pytest.mark.parametrize("state, steps", [
    (S.SUBMITTED, [T.ACCEPT, T.REJECT, T.MERGE]),
    (S.ACCEPTED, [T.ASSIGN, T.MERGE]),
    (S.ASSIGNED, [T.TRANSFER, T.INVESTIGATE, T.MERGE]),
    (S.INVESTIGATING, [T.TRANSFER, T.CONCLUDE, T.MERGE]),
    (S.CONCLUDED, [T.RATE_SATISFIED, T.RATE_UNSATISFIED, T.CLOSE, T.REQUEST_REVIEW]),
    (S.REVIEWING, [T.ANSWER_REVIEW]),
    (S.REVIEWED, [T.RATE_SATISFIED, T.RATE_UNSATISFIED, T.CLOSE, T.REQUEST_RE_REVIEW]),
    (S.RE_REVIEWING, [T.ANSWER_REVIEW]),
    (S.RE_REVIEWED, [T.RATE_SATISFIED, T.RATE_UNSATISFIED, T.CLOSE]),
    (S.NOT_ACCEPTED, []),
    (S.CLOSED, [T.REQUEST_REVIEW, T.REQUEST_RE_REVIEW]),
    (S.MERGED, []),
], ids=lambda v: v.value if isinstance(v, TipState) else "-")
def test_allowed_steps_lists_the_steps_from_each_state(state, steps):
    assert sorted(allowed_steps(state)) == sorted(steps)


def test_only_not_accepted_closed_and_merged_are_final():
    assert [s for s in TipState if not s.is_open] == [S.NOT_ACCEPTED, S.CLOSED, S.MERGED]
    assert all(allowed_steps(s) for s in TipState if s.is_open)


def test_the_office_steps_are_accepting_assigning_closing_merging_and_answering_reviews():
    """信访工作条例 art. 35: the review is made by the body above the one that handled the case, so the bureau
    that concluded never answers it."""
    assert OFFICE_STEPS == {T.ACCEPT, T.REJECT, T.ASSIGN, T.TRANSFER, T.CLOSE, T.MERGE, T.ANSWER_REVIEW}


def test_only_the_reporter_rates_and_asks_for_reviews():
    """信访工作条例 arts. 35–36: the petitioner (信访人) requests 复查 and 复核."""
    assert REPORTER_STEPS == {T.RATE_SATISFIED, T.RATE_UNSATISFIED, T.REQUEST_REVIEW, T.REQUEST_RE_REVIEW}
    assert not OFFICE_STEPS & REPORTER_STEPS


def test_bureau_handlers_investigate_and_conclude():
    assert set(Step) - OFFICE_STEPS - REPORTER_STEPS == {T.INVESTIGATE, T.CONCLUDE}


def test_every_state_and_step_has_a_title():
    assert all(s.title != s.value for s in TipState) and all(s.title != s.value for s in Step)
    assert all(str(s.title) for s in TipState) and all(str(s.title) for s in Step)


def test_every_staff_step_has_a_timeline_title():
    staff_steps = {s.value for s in Step} - {s.value for s in REPORTER_STEPS}
    assert staff_steps <= set(EVENT_TITLES)
    assert {"submitted", "rated_satisfied", "rated_unsatisfied", "rated_unsatisfied_closed", "note",
            "extension_requested", "extension_approved", "extension_refused"} <= set(EVENT_TITLES)
