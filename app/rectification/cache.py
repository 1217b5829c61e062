"""Rendered public ledger fragments (the index's counts and rows, a task page's body) kept in each worker process,
under the one-row counter `rectification_generations` kept in the database.

Why it can never serve a stale page: every ORM flush that adds, changes or deletes a row of any ledger table
(rounds, tasks, units, indicator and tip links, reports, evidence, acceptances, objections, timeline entries), or
of what the pages show beside them (bureau, place, indicator and tip-kind names, a tip linked to a task), and
every ORM-enabled bulk INSERT / UPDATE / DELETE on those tables, marks the session; the counter is bumped as the
last write of that session's transaction (before commit), so the bump becomes visible to other processes exactly
when the change does, and a rolled-back change never moves it. Each request reads the counter first (one
primary-key read) and drops everything kept under another generation; what it then renders is read after the
counter, so it is never older than the generation it is filed under. The counter lives in the database, so this
holds for any number of gunicorn workers. (As app/indicators/cache.py does, and for the same reason not a key made
of counts or the newest `updated_at`: an edit that changes no count — evidence cleared for publication, a timeline
entry's note, a report accepted, a row deleted and another added — would leave such a key as it was and the page
stale.)

A task's status depends on the day (a deadline passes at midnight in the city), so every key also carries the
city's date (`Snapshot.today`); yesterday's fragments are then never read again and age out of the store.

Only what everyone may see is kept here: the pages of published rounds, without forms, tokens or personal data.
"""
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.i18n import local_today
from app.indicators.models import Indicator
from app.org.models import Bureau, Place
from app.rectification import models
from app.rectification.models import LedgerGeneration
from app.tips.models import Tip, TipCategory
from app.web.public_cache import ChangeWatch, flushed

# Every ledger table, and the tables whose names the public pages print beside a task.
WATCHED: tuple[type, ...] = (
    models.InspectionRound, models.RectificationTask, models.TaskUnit, models.TaskIndicator, models.TaskTip,
    models.ProgressReport, models.TaskEvidence, models.Acceptance, models.Objection, models.TaskEvent,
    Bureau, Place, Indicator, TipCategory)
WATCHED_TABLES = frozenset(model.__table__.name for model in WATCHED)  # type: ignore[attr-defined]
# Rendered fragments kept per process (one per page × filters × page number × language asked, and per task).
MAX_FRAGMENTS = 512
# What a task's page prints of a linked tip besides its number (templates/rectification/_task_body.html).
TIP_FIELDS_SHOWN = ("categories", "district_id", "district")
_ROW_ID = 1


def bump(connection) -> None:
    """Add one to the generation (creating the row if missing) in the caller's transaction."""
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    table = LedgerGeneration.__table__
    statement = insert(table).values(id=_ROW_ID, value=1)
    connection.execute(statement.on_conflict_do_update(index_elements=["id"], set_={"value": table.c.value + 1}))


def _linked(session, tip_ids: set[int]) -> bool:
    """Whether any of these tips is linked to a task (whose page shows its number and kinds)."""
    return session.connection().execute(
        select(models.TaskTip.tip_id).where(models.TaskTip.tip_id.in_(sorted(tip_ids))).limit(1)).first() is not None


def _shown_fields_changed(tip: Tip) -> bool:
    """Whether the flush changes what a task's page prints of a tip: its kinds or its district (its number never
    changes). A step's timeline entry, a photo or a new state leaves the ledger as it was."""
    attributes = inspect(tip).attrs
    return any(attributes[name].history.has_changes() for name in TIP_FIELDS_SHOWN)


def _changes_the_ledger(session) -> bool:
    if any(isinstance(obj, WATCHED) for obj in flushed(session)):
        return True
    # A tip handed over to a task (its kinds reclassified, say): only a linked tip's change shows on the ledger, so
    # that the many tips never linked, and every change the ledger does not print, leave its pages alone (and cost
    # no lookup of links: a report's later flushes, for its timeline entries, list the new tip as dirty).
    tip_ids = {obj.id for obj in session.dirty if isinstance(obj, Tip) and _shown_fields_changed(obj)}
    return bool(tip_ids) and _linked(session, tip_ids)


# session.execute(update(RectificationTask)…) and the like write without a flush: watched by table too.
watch = ChangeWatch("rectification.cache", _changes_the_ledger, lambda: WATCHED_TABLES, bump)


def generation(session) -> int:
    """The current generation as this session sees it (0 before the first counted write)."""
    return session.scalar(select(LedgerGeneration.value).where(LedgerGeneration.id == _ROW_ID)) or 0


@dataclass
class _Store:
    generation: int | None = None
    fragments: OrderedDict = field(default_factory=OrderedDict)
    # Threaded servers: a request must neither read nor file fragments once another has moved the generation.
    lock: threading.Lock = field(default_factory=threading.Lock)


def _store(app) -> _Store:
    return app.extensions.setdefault("rectification.cache", _Store())


def clear(app) -> None:
    """Forget everything this process has kept (for measurements; correctness never needs it)."""
    store = _store(app)
    with store.lock:
        store.generation = None
        store.fragments.clear()


class Snapshot:
    """The fragments one request may reuse: those of the generation read when the request began, for the city's
    date of that moment."""

    def __init__(self, session, store: _Store, today: date):
        self._store = store
        self.today = today
        self.generation = generation(session)
        with store.lock:
            if store.generation != self.generation:
                store.fragments.clear()
                store.generation = self.generation

    def fragment(self, key: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
        """HTML rendered once by render() for this generation and day; `key` must hold everything else it depends
        on (page, filters, page number, language). Only for what everyone may see."""
        store, key = self._store, (self.today, *key)
        with store.lock:
            if store.generation == self.generation and key in store.fragments:
                store.fragments.move_to_end(key)
                return store.fragments[key]
        value = Markup(render())  # outside the lock: rendering reads the database
        with store.lock:
            if store.generation == self.generation:
                store.fragments[key] = value
                while len(store.fragments) > MAX_FRAGMENTS:
                    store.fragments.popitem(last=False)
        return value


def snapshot(session, today: date | None = None) -> Snapshot:
    """The fragments of this process, checked against the database's generation (one primary-key read)."""
    return Snapshot(session, _store(current_app), today or local_today())
