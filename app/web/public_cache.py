"""Rendered public pages kept in each worker process, under a generation counter per domain kept in the database.

The same scheme as app/indicators/cache.py, for the domains whose public pages are lists and figures read from
many rows (tips, notices): every ORM flush — and every Core insert, update or delete run through the session —
that touches a row of a watched table marks the session; the commit then bumps the domain's row of
`public_generations` as the last write of the same transaction, so the bump becomes visible to other processes
exactly when the change does, and a rolled-back change bumps nothing. Each request reads the counter first (one
primary-key read) and drops the fragments kept under another generation; what it renders is read after the
counter, so it is never older than the generation it is filed under.

Counts are not a safe key (one tip merged and one received keep the number of open tips); the generation is.
What a page shows besides the data — language, query string, today's date, a scheduled publication time that
has come — is the caller's part of the key.

Only what everyone may see is cached: the page's title, head and content blocks (app.web.shell.render_blocks),
never base.html with its CSRF token, signed-in user and flashes (app.web.shell keeps the layout apart, for
anonymous visitors only, with the token put in per request).
"""
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import Integer, String, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.web import shell
from app.web.htmx import is_partial_request

# Rendered pages kept per process and domain (page × filters × page number × language asked).
MAX_FRAGMENTS = 512


class PublicGeneration(db.Model):
    """One counter per domain, bumped in the transaction of every change to what its public pages show."""

    __tablename__ = "public_generations"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


@dataclass
class _Store:
    generation: int | None = None
    fragments: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ChangeWatch:
    """Moves a counter with the changes its pages show: a session whose flush `flush_changes(session)` finds
    relevant, or that runs a Core INSERT / UPDATE / DELETE on one of `tables()` (those skip the flush), or that a
    service marks itself (`mark`), gets `bump(connection)` as the last write of its transaction, once; a rolled-back
    transaction bumps nothing. The counter row is locked only for the commit, so writers never wait on it while
    holding other rows (no deadlock)."""

    def __init__(self, name: str, flush_changes: Callable[[Session], bool], tables: Callable[[], Any],
                 bump: Callable[[Any], None]):
        self._pending = f"{name}.bump_pending"
        self._flush_changes = flush_changes
        self._tables = tables
        self._bump = bump
        event.listen(Session, "after_flush", self._note_flush)
        event.listen(Session, "do_orm_execute", self._note_statement)
        event.listen(Session, "before_commit", self._bump_before_commit)
        event.listen(Session, "after_transaction_end", self._forget)

    def mark(self, session) -> None:
        """Note that this transaction changes what the pages show (for writes the flush does not see)."""
        session.info[self._pending] = True

    def _note_flush(self, session, flush_context) -> None:
        # After a flush the session still lists what it has just written as new, dirty and deleted.
        if not session.info.get(self._pending) and self._flush_changes(session):
            session.info[self._pending] = True

    def _note_statement(self, state) -> None:
        if (state.is_insert or state.is_update or state.is_delete) and not state.session.info.get(self._pending):
            table = getattr(state.statement, "table", None)
            if getattr(table, "name", None) in self._tables():
                state.session.info[self._pending] = True

    def _bump_before_commit(self, session) -> None:
        if session.in_nested_transaction():
            return
        session.flush()  # what the commit is about to flush may be a watched change too
        if session.info.pop(self._pending, False):
            self._bump(session.connection())

    def _forget(self, session, transaction) -> None:
        if transaction.parent is None:  # committed, rolled back or closed: nothing of it is left to count
            session.info.pop(self._pending, None)


def flushed(session) -> chain:
    """What the flush just wrote (new, changed and deleted objects)."""
    return chain(session.new, session.dirty, session.deleted)


class Generation:
    """The counter of one domain: which changes move it, and the pages kept under it."""

    def __init__(self, name: str, changes_what_pages_show: Callable[[Any], bool], tables: Callable[[], set[str]]):
        self.name = name
        self.watch = ChangeWatch(f"public_cache.{name}",
                                 lambda session: any(changes_what_pages_show(obj) for obj in flushed(session)),
                                 tables, self.bump)

    def bump(self, connection) -> None:
        """Add one to the counter (creating its row if missing) in the caller's transaction."""
        insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
        table = PublicGeneration.__table__
        connection.execute(insert(table).values(name=self.name, generation=1).on_conflict_do_update(
            index_elements=["name"], set_={"generation": table.c.generation + 1}))

    def current(self, session) -> int:
        """The counter as this session sees it (0 before the first counted write)."""
        return session.scalar(select(PublicGeneration.generation).where(PublicGeneration.name == self.name)) or 0

    # --- keeping --------------------------------------------------------------------------------------------
    def _store(self) -> _Store:
        return current_app.extensions.setdefault(f"public_cache.{self.name}", _Store())

    def clear(self) -> None:
        """Forget what this process keeps (for measurements and tests; correctness never needs it)."""
        store = self._store()
        with store.lock:
            store.generation = None
            store.fragments.clear()

    def kept(self) -> list:
        """Everything this process keeps for the domain (for tests)."""
        return list(self._store().fragments.values())

    def remember(self, session, key: Hashable, build: Callable[[], Any]) -> Any:
        """build(), kept under key at the generation read now; key holds everything it depends on besides the
        domain's data. Only for what everyone may see."""
        store, generation = self._store(), self.current(session)
        with store.lock:
            if store.generation != generation:
                store.fragments.clear()
                store.generation = generation
            if key in store.fragments:
                store.fragments.move_to_end(key)
                return store.fragments[key]
        value = build()  # outside the lock; read after the counter, so never older than `generation`
        with store.lock:
            if store.generation == generation:
                store.fragments[key] = value
                while len(store.fragments) > MAX_FRAGMENTS:
                    store.fragments.popitem(last=False)
        return value

    def page(self, session, key: Hashable, template: str, fragment: str | None, context: Callable[[], dict]):
        """A public page (or the fragment an htmx request asks for) rendered once per key and generation: the
        page template's title, head and content blocks, set into base.html for this request."""
        from app.web.htmx import render  # the one place that decides page or fragment
        partial = bool(fragment) and is_partial_request()

        def build():
            values = context()
            if partial:
                return {"fragment": Markup(render_template(fragment, **values))}
            return shell.render_blocks(template, **values)
        blocks = self.remember(session, (template, partial, key), build)
        return render("_kept_page.html", "_kept_fragment.html" if fragment else None, blocks=blocks,
                      kept_layout=True)
