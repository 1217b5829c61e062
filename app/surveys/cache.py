"""Public survey pages rendered once per worker process, under a generation counter kept in the database.

The results page, its JSON and the answering form used to load the survey with its sections, questions and
options, read every tally and render every table on every request. Now each worker keeps, per generation: the
survey's structure (loaded once in a private session, detached, fully loaded and read-only) and each rendered
fragment (results, JSON body, the blank form) per survey, language and kind of request.

Why it can never serve a stale page: every ORM flush that adds, changes or deletes a survey, a section, a
question, an option, a quota, a response or a place (district labels and adult populations), and every change of
the running tallies (apply_tallies calls changed(), since tallies and voids are written with Core statements the
flush never sees), bumps the one-row counter `survey_generations` as the last write of the same transaction, so
the bump becomes visible to other processes exactly when the change does; a rolled-back change bumps nothing.
Each request reads the counter first (one primary-key read) and drops everything kept under another generation.
A key built from counts would not be safe: one response voided and one submitted keep n, but not the figures.

The survey's structure has a counter of its own (row 2 of the same table), moved only by changes to surveys,
sections, questions, options, quotas and places (which move row 1 too): a stream of answers, each moving row 1,
no longer makes every next submission load the questionnaire again (about half its cost).

The blank form is cached without anything personal: it is rendered with placeholders for the CSRF token and the
submission token, which are put in for each request (fill_form) and so are never kept.
"""
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.org.models import Place
from app.web.public_cache import ChangeWatch, flushed
from app.surveys.models import (Survey, SurveyGeneration, SurveyOption, SurveyQuestion, SurveyQuota, SurveyResponse,
                                SurveySection)

STRUCTURE = (Survey, SurveySection, SurveyQuestion, SurveyOption, SurveyQuota, Place)
WATCHED = (*STRUCTURE, SurveyResponse)
# Survey structures and rendered fragments kept per process (surveys × pages × languages × kinds of request).
MAX_ENTRIES = 256
_ROW_ID = 1
_STRUCTURE_ROW_ID = 2
# Put in the cached form where each request's own tokens go: random per process, so no answer can forge one.
CSRF_PLACEHOLDER = "csrf-" + secrets.token_hex(16)
SUBMISSION_PLACEHOLDER = "submission-" + secrets.token_hex(16)


def bump(connection, row_id: int = _ROW_ID) -> None:
    """Add one to the generation (creating the row if missing) in the caller's transaction."""
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    statement = insert(SurveyGeneration.__table__).values(id=row_id, generation=1)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["id"], set_={"generation": SurveyGeneration.__table__.c.generation + 1}))


# Registered in this order, so every transaction locks row 1 before row 2: writers never deadlock on them.
_watch = ChangeWatch("surveys.cache", lambda session: any(isinstance(obj, WATCHED) for obj in flushed(session)),
                     frozenset, bump)
_structure_watch = ChangeWatch(
    "surveys.structure", lambda session: any(isinstance(obj, STRUCTURE) for obj in flushed(session)), frozenset,
    lambda connection: bump(connection, _STRUCTURE_ROW_ID))


def changed(session) -> None:
    """Note that this transaction changes what public survey pages show (for writes the flush does not see)."""
    _watch.mark(session)


def generation(session) -> int:
    """The current generation as this session sees it (0 before the first counted write)."""
    return session.scalar(select(SurveyGeneration.generation).where(SurveyGeneration.id == _ROW_ID)) or 0


def _generations(session) -> tuple[int, int]:
    """The generation of everything, and that of the structure (0 before their first counted write)."""
    rows = dict(session.execute(select(SurveyGeneration.id, SurveyGeneration.generation)
                                .where(SurveyGeneration.id.in_([_ROW_ID, _STRUCTURE_ROW_ID]))).all())
    return rows.get(_ROW_ID, 0), rows.get(_STRUCTURE_ROW_ID, 0)


@dataclass
class _Store:
    generation: int | None = None
    entries: OrderedDict = field(default_factory=OrderedDict)  # rendered fragments, under `generation`
    structure_generation: int | None = None
    surveys: OrderedDict = field(default_factory=OrderedDict)  # loaded structures, under `structure_generation`
    lock: threading.Lock = field(default_factory=threading.Lock)


def _store(app) -> _Store:
    return app.extensions.setdefault("surveys.cache", _Store())


def clear(app) -> None:
    """Forget everything this process has cached (for measurements and tests; correctness never needs it)."""
    store = _store(app)
    with store.lock:
        store.generation = store.structure_generation = None
        store.entries.clear()
        store.surveys.clear()


class Snapshot:
    """What the public survey pages read for one request, at the generation read when the request began."""

    def __init__(self, session, store: _Store):
        self._session = session
        self._store = store
        self.generation, self.structure_generation = _generations(session)
        with store.lock:
            if store.generation != self.generation:
                store.entries.clear()
                store.generation = self.generation
            if store.structure_generation != self.structure_generation:
                store.surveys.clear()
                store.structure_generation = self.structure_generation

    def _remember(self, key, load, structure: bool = False):
        store = self._store
        kept, generation = (("surveys", "structure_generation") if structure else ("entries", "generation"))
        current = getattr(self, generation)
        with store.lock:
            entries = getattr(store, kept)
            if getattr(store, generation) == current and key in entries:
                entries.move_to_end(key)
                return entries[key]
        value = load()
        with store.lock:
            if getattr(store, generation) == current:
                entries[key] = value
                while len(entries) > MAX_ENTRIES:
                    entries.popitem(last=False)
        return value

    def _survey_entry(self, survey_id: int) -> tuple[Survey | None, frozenset[int]]:
        def load():
            from app.surveys.queries import load_survey
            with Session(bind=self._session.get_bind(), expire_on_commit=False) as private:
                survey = load_survey(private, survey_id)
                if survey is None:
                    return None, frozenset()
                for section in survey.sections:
                    for question in section.questions:
                        assert question.section is section  # from the identity map: no statement
                quotas = frozenset(private.scalars(select(SurveyQuota.option_id)
                                                   .where(SurveyQuota.survey_id == survey_id)))
                return survey, quotas
        return self._remember(("survey", survey_id), load, structure=True)

    def survey(self, survey_id: int) -> Survey | None:
        """The survey with its sections, questions and options: detached, fully loaded, shared read-only."""
        return self._survey_entry(survey_id)[0]

    def quota_options(self, survey_id: int) -> frozenset[int]:
        """The options of the survey that have a quota (submissions choosing none of them skip the quota check)."""
        return self._survey_entry(survey_id)[1]

    def fragment(self, key, render) -> Markup:
        """HTML (or JSON) rendered once by render(); key must hold everything it depends on besides this
        generation's data (page, survey, language, kind of request). Only for what everyone may see."""
        return self._remember(("fragment", *key), lambda: Markup(render()))


def snapshot(session) -> Snapshot:
    """The cache of this process, checked against the database's generation (one primary-key read)."""
    return Snapshot(session, _store(current_app))


def fill_form(body: str, csrf_token: str, submission: str) -> Markup:
    """The cached blank form with this request's CSRF token and submission token put in."""
    return Markup(body.replace(CSRF_PLACEHOLDER, csrf_token).replace(SUBMISSION_PLACEHOLDER, submission))
