"""What each entry of a task's timeline says, whichever part of the ledger wrote it: the workflow's steps, the
record's corrections, progress reports, urgings and the closure procedure (one map for the back office and the
public pages)."""
from app.rectification import closure, reports, services, supervision
from app.rectification.workflow import Step


def titles() -> dict:
    return {**{step.value: step.title for step in Step}, **services.EVENT_TITLES, **reports.EVENT_TITLES,
            **supervision.EVENT_TITLES, **closure.EVENT_TITLES}
