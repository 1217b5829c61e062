"""A tip's timeline entries: what the public status page and the case page show, one entry per event."""
from app.casework.timeline import add_entry
from app.tips.models import Tip, TipEvent


def add_event(session, tip: Tip, step: str, *, actor=None, note: str = "", public: bool = True,
              bureau=None) -> TipEvent:
    """Append an entry to the tip's timeline; `bureau` is the one a step routed the tip to (or pressed)."""
    return add_entry(session, TipEvent, step, actor=actor, note=note, public=public, tip=tip,
                     bureau_id=getattr(bureau, "id", None))


def record(session, tip: Tip, step: str, *, actor=None, note: str = "", public: bool = True, bureau=None,
           internal: dict[str, str] | None = None) -> None:
    """The workflow engine's entry of a step, then the step's internal entries ({name: text}) after it."""
    add_event(session, tip, step, actor=actor, note=note, public=public, bureau=bureau)
    for name, text in (internal or {}).items():
        add_event(session, tip, name, actor=actor, note=text, public=False)
