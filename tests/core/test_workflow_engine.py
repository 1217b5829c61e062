"""The workflow engine: policy, transition, the step's handler, state, timeline and audit — in that order, and
nothing moved when any of them refuses."""
from enum import StrEnum

import pytest

from app.audit import AuditEntry
from app.casework.actors import REPORTER
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.workflow import Entry, Transitions, TransitionError, Workflow, require


class State(StrEnum):
    OPEN = "open"
    DONE = "done"
    PAUSED = "paused"


class Step(StrEnum):
    FINISH = "finish"
    PAUSE = "pause"
    RESUME = "resume"


class Case:
    __tablename__ = "cases"

    def __init__(self):
        self.id, self.state, self.answer, self.paused = 7, State.OPEN, "", False

    def snapshot(self):
        return {"state": str(self.state), "answer": self.answer}


class Session:
    def __init__(self):
        self.added, self.flushes = [], 0

    def add(self, obj):
        self.added.append(obj)

    def flush(self):
        self.flushes += 1


class Staff:
    id, username, active = 3, "clerk", True


def _workflow(records):
    def policy(actor, case, step):
        if actor is REPORTER and step != Step.FINISH:
            raise NotPermitted("staff only")

    def record(session, case, name, *, actor, note, public, **extra):
        records.append((name, note, public, extra))

    workflow = Workflow("cases", {(State.OPEN, Step.FINISH): State.DONE, (State.OPEN, Step.PAUSE): State.OPEN,
                                  (State.OPEN, Step.RESUME): State.OPEN},
                        policy=policy, record=record, refuse=lambda case, step: f"not while {case.state}",
                        allowed=lambda case, steps: [s for s in steps if (s == Step.RESUME) == case.paused])

    @workflow.handles(Step.FINISH)
    def finish(context):
        require(bool(context.text("answer")), "write the answer", field="answer")
        context.case.answer = context.text("answer")
        return Entry(public_note=context.case.answer, internal_note=context.text("note"), extra={"desk": 1})
    return workflow


def test_a_step_runs_its_handler_moves_the_state_and_writes_timeline_and_audit():
    records, session, case = [], Session(), Case()
    workflow = _workflow(records)
    entry = workflow.take(session, Staff(), case, Step.FINISH, answer="  fixed  ", note="called them")
    assert case.state == State.DONE and case.answer == "fixed" and entry.public_note == "fixed"
    assert records == [("finish", "fixed", True, {"desk": 1}), ("note", "called them", False, {})]
    [audit] = [obj for obj in session.added if isinstance(obj, AuditEntry)]
    assert (audit.action, audit.actor_id, audit.before["state"], audit.after["state"]) == (
        "cases.finish", 3, "open", "done")
    assert session.flushes == 1


def test_a_refusal_leaves_the_case_as_it_was():
    records, case = [], Case()
    workflow = _workflow(records)
    with pytest.raises(ActionRefused) as refused:
        workflow.take(Session(), Staff(), case, Step.FINISH, answer=" ")
    assert refused.value.field == "answer" and case.state == State.OPEN and records == []
    with pytest.raises(NotPermitted):
        workflow.take(Session(), REPORTER, case, Step.PAUSE)
    case.state = State.DONE
    with pytest.raises(StepNotAllowed, match="not while done"):
        workflow.take(Session(), Staff(), case, Step.FINISH, answer="x")


def test_the_domain_narrows_the_steps_a_case_allows():
    workflow, case = _workflow([]), Case()
    assert workflow.allowed_steps(case) == [Step.FINISH, Step.PAUSE]
    assert workflow.allowed_steps(State.OPEN) == [Step.FINISH, Step.PAUSE, Step.RESUME]
    case.paused = True
    assert workflow.allowed_steps(case) == [Step.RESUME]
    with pytest.raises(StepNotAllowed):
        workflow.take(Session(), Staff(), case, Step.PAUSE)
    entry = workflow.take(Session(), Staff(), case, Step.RESUME, note="ok")  # no handler: the default entry
    assert entry.internal_note == "ok"


def test_the_actor_is_required():
    with pytest.raises(TypeError):
        _workflow([]).take(Session(), None, Case(), Step.FINISH, answer="x")


def test_a_handler_belongs_to_a_step_of_the_table_and_only_one():
    workflow = _workflow([])
    workflow.check()
    with pytest.raises(ValueError):
        workflow.handles(Step.FINISH)(lambda context: None)

    class Other(StrEnum):
        STRAY = "stray"
    workflow.handles(Other.STRAY)(lambda context: None)
    with pytest.raises(ValueError, match="stray"):
        workflow.check()


def test_the_pure_table():
    table = Transitions({(State.OPEN, Step.FINISH): State.DONE, (State.PAUSED, Step.FINISH): State.DONE})
    assert table.next_state(State.OPEN, Step.FINISH) == State.DONE
    assert table.sources(Step.FINISH) == {State.OPEN, State.PAUSED}
    with pytest.raises(TransitionError):
        table.next_state(State.DONE, Step.FINISH)


def test_a_domain_refuses_with_its_own_errors():
    class CaseError(ActionRefused):
        pass

    class CaseStepNotAllowed(CaseError, StepNotAllowed):
        pass
    workflow = Workflow("cases", {(State.OPEN, Step.FINISH): State.DONE}, policy=lambda *args: None,
                        record=lambda *args, **kwargs: None, refuse=lambda case, step: "no",
                        not_allowed=CaseStepNotAllowed)
    case = Case()
    case.state = State.DONE
    with pytest.raises(CaseError):
        workflow.take(Session(), Staff(), case, Step.FINISH)
    with pytest.raises(CaseError) as refused:
        require(False, "write it", field="answer", error=CaseError)
    assert refused.value.field == "answer"


def test_a_step_may_name_its_own_audit_action_and_say_what_it_decided():
    records, session, case = [], Session(), Case()
    workflow = _workflow(records)

    @workflow.handles(Step.PAUSE)
    def pause(context):
        return Entry(audit_as="cases.hold", audit_after={"held": True, "state": str(context.target)})
    workflow.take(session, Staff(), case, Step.PAUSE)
    [audit] = [obj for obj in session.added if isinstance(obj, AuditEntry)]
    assert (audit.action, audit.before, audit.after) == ("cases.hold", None, {"held": True, "state": "open"})


def test_a_workflow_may_audit_less_of_its_case_than_the_whole_snapshot():
    records, session, case = [], Session(), Case()
    workflow = Workflow("cases", {(State.OPEN, Step.FINISH): State.DONE}, policy=lambda *args: None,
                        record=lambda *args, **kwargs: records.append(args[2]), refuse=lambda case, step: "no",
                        snapshot=lambda case: {"state": str(case.state)})
    workflow.take(session, Staff(), case, Step.FINISH)
    [audit] = [obj for obj in session.added if isinstance(obj, AuditEntry)]
    assert (audit.action, audit.before, audit.after) == ("cases.finish", {"state": "open"}, {"state": "done"})
    assert records == ["finish"]
