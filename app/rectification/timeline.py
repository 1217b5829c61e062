"""What each entry of a task's timeline says, whichever part of the ledger wrote it: the workflow's steps, the
record's corrections, progress reports, urgings, the closure procedure and tip links (one map for the back office
and the public pages)."""
from flask_babel import lazy_gettext as _l

from app.rectification import closure, reports, services, supervision, tip_links
from app.rectification.workflow import Step


def titles() -> dict:
    return {**{step.value: step.title for step in Step}, **services.EVENT_TITLES, **reports.EVENT_TITLES,
            **supervision.EVENT_TITLES, **closure.EVENT_TITLES,
            tip_links.TIP_LINKED: _l("Pollution tip handed over to this task"),
            tip_links.TIP_UNLINKED: _l("Pollution tip link withdrawn")}
