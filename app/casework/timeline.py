"""The timeline of a case: one entry per step, public or internal. Public entries never carry personal data;
internal ones stay with staff."""
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.db_types import UTCDateTime, utcnow


class TimelineEntry:
    """Columns of a timeline entry, for a domain's event model to mix in beside its case's foreign key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    step: Mapped[str] = mapped_column(String(24))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def actor_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    def title(self, titles: Mapping[str, object]) -> str:
        """What the entry says, from the domain's titles (the step's own name when it has none)."""
        return str(titles.get(self.step, self.step))


def add_entry(session: Any, model: Callable[..., Any], step: str, *, actor: Any = None, note: str = "",
              public: bool = True, at: datetime | None = None, **case: Any) -> Any:
    """Append an entry of `model` for the case given by keyword (`tip=…`, `request=…`), stamped `at` (now)."""
    entry = model(step=step, public=public, note=note, actor_id=getattr(actor, "id", None), at=at or utcnow(),
                  **case)
    session.add(entry)
    return entry
