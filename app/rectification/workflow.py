"""The rectification ledger's workflow (督察整改, 清单制 + 责任制 + 销号制): a task's states and the steps between
them. Pure code.

整改完成 and 销号 are separate (rectification-ledgers.md §2): the responsible unit reports its progress (graded,
§1) while the task is in rectification; it applies for closure with evidence; the office checks it and records
the acceptance (验收); the task is then published for a public-notice period (公示) during which residents may
object; only after the period, with no objection open or sustained, is it closed (销号). A closed task may be
reopened (反弹 → 强化整改) with a reason."""
from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum


class TaskState(TitledEnum):
    IN_PROGRESS = "in_progress", _l("Being rectified")                 # 整改中
    CLOSURE_REQUESTED = "closure_requested", _l("Closure applied for")  # 申请销号, awaiting the office's check
    ACCEPTED = "accepted", _l("Accepted, notice to follow")            # 验收通过, 拟销号
    IN_NOTICE = "in_notice", _l("In public notice")                    # 公示中
    CLOSED = "closed", _l("Closed")                              # 已销号
    REOPENED = "reopened", _l("Reopened for further rectification")     # 反弹, 强化整改

    @property
    def is_open(self) -> bool:
        return self is not TaskState.CLOSED


class Step(TitledEnum):
    APPLY_CLOSURE = "apply_closure", _l("Apply for closure")          # the lead unit, with evidence
    RETURN_APPLICATION = "return_application", _l("Return the application")  # the office: not ready
    ACCEPT = "accept", _l("Record the acceptance")                    # the office: 验收 passed (all levels)
    FAIL_ACCEPTANCE = "fail_acceptance", _l("Acceptance not passed")  # the office: back to rectification
    START_NOTICE = "start_notice", _l("Publish the closure notice")   # the office: 公示 from/to
    SUSTAIN_OBJECTION = "sustain_objection", _l("Objection sustained")  # back to rectification
    CLOSE = "close", _l("Close the task")                        # the office, after the notice period
    REOPEN = "reopen", _l("Reopen the task")                           # the office, 反弹, with a reason


# States in which the responsible units are still rectifying: they report progress, and may apply for closure.
RECTIFYING = frozenset({TaskState.IN_PROGRESS, TaskState.REOPENED})

TRANSITIONS: dict[tuple[TaskState, Step], TaskState] = {
    **{(state, Step.APPLY_CLOSURE): TaskState.CLOSURE_REQUESTED for state in RECTIFYING},
    (TaskState.CLOSURE_REQUESTED, Step.RETURN_APPLICATION): TaskState.IN_PROGRESS,
    (TaskState.CLOSURE_REQUESTED, Step.ACCEPT): TaskState.ACCEPTED,
    (TaskState.CLOSURE_REQUESTED, Step.FAIL_ACCEPTANCE): TaskState.IN_PROGRESS,
    (TaskState.ACCEPTED, Step.START_NOTICE): TaskState.IN_NOTICE,
    (TaskState.IN_NOTICE, Step.SUSTAIN_OBJECTION): TaskState.IN_PROGRESS,
    (TaskState.IN_NOTICE, Step.CLOSE): TaskState.CLOSED,
    (TaskState.CLOSED, Step.REOPEN): TaskState.REOPENED,
}

# The one step the responsible (lead) unit takes; every other step is the office's (admins).
UNIT_STEPS = frozenset({Step.APPLY_CLOSURE})
OFFICE_STEPS = frozenset(Step) - UNIT_STEPS


class Progress(TitledEnum):
    """How far a task has come, as a unit reports it (rectification-ledgers.md §1): graded, not done/not done."""

    ON_SCHEDULE = "on_schedule", _l("On schedule")                    # 按照序时进度有序推进 / 达到序时进度
    BEHIND = "behind", _l("Behind schedule")                           # 尚未达到序时进度
    DONE = "done", _l("Rectification completed")                      # 已完成整改
    BASICALLY_DONE = "basically_done", _l("Basically completed")       # 基本完成整改
    LONG_TERM = "long_term", _l("Completed, to be kept up long-term")  # 基本完成整改, 长期坚持


class Status(TitledEnum):
    """What the public ledger and the bulletins count a task as (computed from the state, the deadline and the
    last accepted progress report; see status.py)."""

    DONE = "done", _l("Done")               # 已销号, or completed and in the closure procedure
    ON_SCHEDULE = "on_schedule", _l("On schedule")
    BEHIND = "behind", _l("Behind schedule")
    LONG_TERM = "long_term", _l("Long-term")  # 长期坚持 and still in rectification
