"""Full-text search that works for Chinese: SQLite FTS5 with the trigram tokenizer, PostgreSQL pg_trgm.

Both index `notices.search_text`; the services call `index_notice` whenever a notice's texts change.
Queries shorter than three characters cannot use trigrams and fall back to a plain LIKE.
"""
from sqlalchemy import Integer, column, text

from app.notices.models import LOCALE_SUFFIXES, Notice
from app.notices.workflow import NoticeState

FTS_TABLE = "notices_fts"
TRGM_INDEX = "ix_notices_search_trgm"
MIN_TRIGRAM = 3


def include_name(name, type_, parent_names) -> bool:
    """For Alembic: the search objects live outside the models (virtual table, trigram index); skip them."""
    return not (name and (name == TRGM_INDEX or name.startswith(FTS_TABLE)))


def search_text(notice: Notice) -> str:
    """Every text of the notice; a withdrawn notice keeps only its titles (its stub shows nothing more)."""
    parts = []
    fields = ("title",) if notice.state == NoticeState.WITHDRAWN else ("title", "summary", "body")
    for field in fields:
        parts += [getattr(notice, f"{field}_{suffix}") or "" for suffix in LOCALE_SUFFIXES]
    parts.append(notice.index_number or "")
    return "\n".join(part for part in parts if part)


def index_notice(session, notice: Notice) -> None:
    """Bring the notice's search text (and on SQLite its FTS row) up to date; flush first."""
    notice.search_text = search_text(notice)
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": notice.id})
        session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, search_text) VALUES (:id, :text)"),
                        {"id": notice.id, "text": notice.search_text})


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching(statement, session, query: str):
    """Narrow a select of notices to those whose texts contain query."""
    query = " ".join(query.split())
    if not query:
        return statement
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and len(query) >= MIN_TRIGRAM:
        # A trigram FTS5 query: the phrase in double quotes (quotes inside doubled) matches as a substring.
        phrase = '"' + query.replace('"', '""') + '"'
        ids = (text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase")
               .bindparams(phrase=phrase).columns(column("rowid", Integer)))
        return statement.where(Notice.id.in_(ids))
    pattern = _like_pattern(query)
    if dialect == "postgresql":
        # ILIKE uses the GIN trigram index for three or more characters.
        return statement.where(Notice.search_text.ilike(pattern, escape="\\"))
    return statement.where(Notice.search_text.like(pattern, escape="\\"))
