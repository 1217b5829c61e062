"""Judged compliance kept in each worker process, under a generation counter kept in the database.

Every public indicator page used to judge every value (rules, place attributes, previous-period trends) and
render every table cell on every request. Now the approved values of each (catalogue, period) are loaded
once for the city and every active district and judged once per place, on first use; each public fragment
(overview results, district table, an indicator's page body) is rendered once per language and query; all of
it is kept in the process until the generation changes.

Why it can never serve a stale status: every ORM flush that adds, changes or deletes a published (approved or
superseded) value, an evidence file, a catalogue (indicators, measures, domains, task groups), a place or a
bureau bumps the one-row counter `indicator_generations` as the last write of the same transaction (`_watch`
below, an app/web/public_cache.ChangeWatch), so the bump becomes visible to other processes exactly when the
change does. Each request reads the counter first (one primary-key read) and drops everything kept under another
generation; what it then loads is read after the counter, so it is never older than the generation it is filed
under. The counter lives in the database, so this holds for any number of gunicorn workers. Drafts, submissions
and returns are not public and do not move the counter.

Cached objects (indicators, places, catalogues) are loaded in a private session that is closed at once:
they are detached, fully loaded and read-only, and shared by the requests of one process.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from app.indicators import queries
from app.indicators.models import (Indicator, IndicatorCatalogue, IndicatorDomain, IndicatorEvidenceFile,
                                   IndicatorGeneration, IndicatorMeasure, IndicatorTaskGroup, IndicatorValue,
                                   ValueState)
from app.indicators.periods import Coverage, default_period, parse_period
from app.org.models import Bureau, Place
from app.org.queries import districts, the_city
from app.web.public_cache import ChangeWatch, flushed

# Whatever a public status, or what the pages show beside it, is computed from.
WATCHED = (IndicatorValue, IndicatorEvidenceFile, IndicatorMeasure, Indicator, IndicatorTaskGroup, IndicatorDomain,
           IndicatorCatalogue, Place, Bureau)
# Models of other modules that decide what applies where (a provider's reports_at), added through watch().
_also_watched: set[type] = set()


def watch(*models: type) -> None:
    """Bump the generation when rows of these models change too (a providing module calls this)."""
    _also_watched.update(models)
# Judged (catalogue, period) pairs kept per process; a page shows a period and the one before it.
MAX_ENTRIES = 64
# Rendered public fragments kept per process (one per page × period × place × filters × language asked).
MAX_FRAGMENTS = 256
_ROW_ID = 1


def bump(connection) -> None:
    """Add one to the generation (creating the row if missing) in the caller's transaction."""
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    statement = insert(IndicatorGeneration.__table__).values(id=_ROW_ID, generation=1)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["id"], set_={"generation": IndicatorGeneration.__table__.c.generation + 1}))


_PUBLISHED = frozenset(state for state in ValueState if state.is_published)


def _changes_what_pages_show(obj) -> bool:
    if isinstance(obj, IndicatorValue):
        # Drafts, submissions and returns are not public: saving them leaves the pages (and cache) alone.
        history = inspect(obj).attrs.state.history
        return bool(_PUBLISHED.intersection({obj.state, *history.added, *history.deleted}))
    return isinstance(obj, WATCHED) or isinstance(obj, tuple(_also_watched))


# After a flush the session still lists what it has just written, with the attribute history of the flush.
_watch = ChangeWatch("indicators.cache",
                     lambda session: any(_changes_what_pages_show(obj) for obj in flushed(session)), frozenset, bump)


def generation(session) -> int:
    """The current generation as this session sees it (0 before the first counted write)."""
    return session.scalar(select(IndicatorGeneration.generation).where(IndicatorGeneration.id == _ROW_ID)) or 0


@dataclass
class _Store:
    generation: int | None = None
    entries: OrderedDict = field(default_factory=OrderedDict)
    fragments: OrderedDict = field(default_factory=OrderedDict)
    # Threaded servers: a request must neither read nor file entries once another has moved the generation.
    lock: threading.Lock = field(default_factory=threading.Lock)


def _store(app) -> _Store:
    return app.extensions.setdefault("indicators.cache", _Store())


def clear(app) -> None:
    """Forget everything this process has cached (for measurements; correctness never needs it)."""
    store = _store(app)
    with store.lock:
        store.generation = None
        store.entries.clear()
        store.fragments.clear()


class Snapshot:
    """What the public pages read for one request, at the generation read when the request began."""

    def __init__(self, session, store: _Store):
        self._session = session
        self._store = store
        self.generation = generation(session)
        with store.lock:
            if store.generation != self.generation:
                store.entries.clear()
                store.fragments.clear()
                store.generation = self.generation

    def _remember(self, entries: OrderedDict, key, load, limit: int):
        """entries[key], loaded on first use; the least recently used go beyond limit. Nothing is read or
        filed once the store holds another generation than this request's (another thread moved it)."""
        store = self._store
        with store.lock:
            if store.generation == self.generation and key in entries:
                entries.move_to_end(key)
                return entries[key]
        value = load()  # outside the lock: loading may read another cached entry
        with store.lock:
            if store.generation == self.generation:
                entries[key] = value
                while len(entries) > limit:
                    entries.popitem(last=False)
        return value

    def _get(self, key, load):
        def load_privately():
            with Session(bind=self._session.get_bind(), expire_on_commit=False) as private:
                return load(private)
        return self._remember(self._store.entries, key, load_privately, MAX_ENTRIES)

    def fragment(self, key, render) -> Markup:
        """HTML rendered once by render(); key must hold everything it depends on besides this generation's
        data (page, period, place, filters, language, query string). Only for what everyone may see."""
        return self._remember(self._store.fragments, key, lambda: Markup(render()), MAX_FRAGMENTS)

    def reported_periods(self) -> list[str]:
        """Periods with an approved value, newest first."""
        return self._get(("periods",), queries.reported_periods)

    def indicators(self, catalogue) -> list[Indicator]:
        """Every indicator of a catalogue in table order (queries.catalogue_indicators)."""
        return self._get(("indicators", catalogue.id), lambda s: queries.catalogue_indicators(s, catalogue))

    def coverage(self) -> list[Coverage]:
        """For each period with an approved value, newest first: of the indicators that apply to the city
        under the catalogue in force that year, how many have an approved value at the city."""
        city, _districts = self.places()
        if city is None:
            return []
        reported = self._get(("city reported", city.id), lambda s: queries.city_reported_indicators(s, city.id))
        coverage = []
        for period in self.reported_periods():
            catalogue = self.catalogue_for_year(parse_period(period).year)
            if catalogue is None:
                continue
            applicable = {i.id for i in self.indicators(catalogue) if i.applies_to(city)}
            coverage.append(Coverage(period, len(applicable & reported.get(period, set())), len(applicable)))
        return coverage

    def default_period(self) -> str | None:
        """The period pages open on: the newest substantially reported one (periods.default_period)."""
        chosen = default_period(self.coverage())
        return chosen.period if chosen else None

    def catalogue_for_year(self, year: int) -> IndicatorCatalogue | None:
        """The catalogue a year is judged under, with its domains loaded."""
        def load(session):
            catalogue = queries.catalogue_for_year(session, year)
            if catalogue is not None:
                session.scalars(select(IndicatorCatalogue).where(IndicatorCatalogue.id == catalogue.id)
                                .options(selectinload(IndicatorCatalogue.domains))).all()
            return catalogue
        return self._get(("catalogue", year), load)

    def places(self) -> tuple[Place | None, list[Place]]:
        """The city and its active districts."""
        return self._get(("places",), lambda session: (the_city(session), districts(session)))

    def compliance(self, catalogue, period: str) -> queries.Compliance:
        """Every indicator of the catalogue judged for period at the city and every active district."""
        city, district_list = self.places()
        places = [p for p in (city, *district_list) if p is not None]

        def load(session):
            return queries.compliance(session, catalogue, period, places, indicators=self.indicators(catalogue))
        return self._get(("compliance", catalogue.id, period), load)


def snapshot(session) -> Snapshot:
    """The cache of this process, checked against the database's generation (one primary-key read)."""
    return Snapshot(session, _store(current_app))
