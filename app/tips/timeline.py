"""A tip's timeline entries: what the public status page and the case page show, one entry per event. Every public
entry staff add (each step that changes what the reporter sees) tells the reporter who asked for updates."""
from sqlalchemy import select

from app.casework.actors import is_public
from app.casework.timeline import add_entry
from app.notifications import services as notifications
from app.notifications.case_messages import TIP_UPDATED, announce_to_each
from app.notifications.models import Subject
from app.tips.models import Tip, TipEvent

# The report itself (its reporter asks for updates only once it is stored) is no news to them.
NOT_NEWS = frozenset({"submitted"})


def add_event(session, tip: Tip, step: str, *, actor=None, note: str = "", public: bool = True,
              bureau=None) -> TipEvent:
    """Append an entry to the tip's timeline; `bureau` is the one a step routed the tip to (or pressed)."""
    entry = add_entry(session, TipEvent, step, actor=actor, note=note, public=public, tip=tip,
                      bureau_id=getattr(bureau, "id", None))
    if public and step not in NOT_NEWS and not is_public(actor):  # the reporter's own steps are no news to them
        notifications.announce(session, TIP_UPDATED, subject=Subject.TIP, subject_id=tip.id, entry=step,
                               state=tip.state.value)
        # The reporters of duplicates merged into this tip follow its handling as their own.
        announce_to_each(session, TIP_UPDATED, Subject.TIP, select(Tip.id).where(Tip.merged_into_id == tip.id),
                         entry=step, state=tip.state.value)
    return entry


def record(session, tip: Tip, step: str, *, actor=None, note: str = "", public: bool = True, bureau=None,
           internal: dict[str, str] | None = None) -> None:
    """The workflow engine's entry of a step, then the step's internal entries ({name: text}) after it."""
    add_event(session, tip, step, actor=actor, note=note, public=public, bureau=bureau)
    for name, text in (internal or {}).items():
        add_event(session, tip, name, actor=actor, note=text, public=False)
