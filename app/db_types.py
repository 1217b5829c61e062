"""Column types and statements shared by every domain."""
import functools
from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class StoredFile:
    """Columns of an uploaded file kept under a random name (app/web/uploads.py), for models that mix it in."""

    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def add_to_counters(session, model, key_columns: list[str], rows: list[dict]) -> None:
    """Add each row's `total` to the counter row with the same key, creating it if needed: one upsert statement,
    compiled once per process and run as executemany (a multi-row VALUES differs with every row count, so it was
    compiled again on every call), rows in a fixed order so that concurrent writers never deadlock (SQLite and
    PostgreSQL)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    rows = sorted(rows, key=lambda row: tuple(row[column] for column in key_columns))
    session.execute(_counter_upsert(dialect, model.__table__, tuple(key_columns)), rows)


@functools.cache
def _counter_upsert(dialect: str, table, key_columns: tuple[str, ...]):
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = insert(table)
    return statement.on_conflict_do_update(index_elements=list(key_columns),
                                           set_={"total": table.c.total + statement.excluded.total})


def analyze(session) -> None:
    """Give the query planner statistics. SQLite has none until ANALYZE runs, and without them it reads an open
    tip's deadline through the state index instead of the deadline's partial index (the handler queue then
    costs ∝ every tip). A full ANALYZE, not a sampled one: with `analysis_limit` the sampled statistics led
    SQLite to count a bureau's overdue tips through its bureau index (0.4 s at 1M tips instead of 30 ms); the
    full one takes well under a second at 1M tips."""
    session.execute(text("ANALYZE"))
