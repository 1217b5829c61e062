"""Tip links (转办): the office hands a pollution tip over to a rectification task (during an inspection, tips about
a problem on the feedback list are handled as part of its task). Each link or unlink is a public timeline entry
of the task (the tip's public number only: it opens nothing and names no one) and an audit entry."""
import re

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.casework.timeline import add_entry
from app.errors import ActionRefused
from app.rectification import policy
from app.rectification.models import RectificationTask, TaskEvent, TaskTip
from app.tips.models import Tip
from app.web.params import DB_INT_MAX

# Timeline steps of this part.
TIP_LINKED = "tip_linked"
TIP_UNLINKED = "tip_unlinked"
# A tip's public number as staff see it in every list ("2026-000123"), or its plain id.
_NUMBER = re.compile(r"(?:(\d{4})-)?(\d{1,10})")


def find_tip(session, reference: str) -> Tip | None:
    """The tip with this public number ("2026-000123", the year being the one in the number) or plain id."""
    match = _NUMBER.fullmatch(reference.strip())
    if match is None or not 0 < int(match.group(2)) <= DB_INT_MAX:
        return None
    tip = session.get(Tip, int(match.group(2)))
    if tip is None or (match.group(1) and f"{tip.submitted_at:%Y}" != match.group(1)):
        return None
    return tip


def linked_tips(session, task: RectificationTask) -> list[Tip]:
    return list(session.scalars(select(Tip).join(TaskTip, TaskTip.tip_id == Tip.id)
                                .where(TaskTip.task_id == task.id).order_by(Tip.id)))


def link_tip(session, actor, task: RectificationTask, reference: str) -> TaskTip:
    """Hand the tip numbered `reference` over to `task` (the office only)."""
    policy.require_office(actor)
    tip = find_tip(session, reference)
    if tip is None:
        raise ActionRefused(_("No tip has the number %(number)s. Enter it as shown in the tip lists, e.g. "
                              "2026-000123.", number=reference.strip()), field="tip")
    if tip.merged_into is not None:
        raise ActionRefused(_("Tip %(number)s was merged into tip %(into)s: link that one.",
                              number=tip.public_number, into=tip.merged_into.public_number), field="tip")
    if session.get(TaskTip, (task.id, tip.id)) is not None:
        raise ActionRefused(_("Tip %(number)s is already linked to this task.", number=tip.public_number),
                            field="tip")
    link = TaskTip(task_id=task.id, tip_id=tip.id, linked_by_id=getattr(actor, "id", None))
    session.add(link)
    add_entry(session, TaskEvent, TIP_LINKED, actor=actor, note=tip.public_number, public=True, task_id=task.id)
    audit.record(session, "rectification.link_tip", task, actor=actor,
                 after={"tip_id": tip.id, "tip": tip.public_number})
    session.flush()
    return link


def unlink_tip(session, actor, task: RectificationTask, tip_id: int) -> None:
    """Take back a tip link made by mistake (the office only); the timeline keeps both entries."""
    policy.require_office(actor)
    link = session.get(TaskTip, (task.id, tip_id))
    if link is None:
        raise ActionRefused(_("This tip is not linked to this task."))
    tip = session.get(Tip, tip_id)
    number = tip.public_number if tip is not None else str(tip_id)
    session.delete(link)
    add_entry(session, TaskEvent, TIP_UNLINKED, actor=actor, note=number, public=True, task_id=task.id)
    audit.record(session, "rectification.unlink_tip", task, actor=actor, before={"tip_id": tip_id, "tip": number})
    session.flush()
