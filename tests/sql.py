"""The SQL a piece of work runs through the app's engine, for tests that count statements or read query plans."""
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def recorded_statements():
    """Inside the block, every statement the app's engine runs is added to the list given, as (SQL, parameters)."""
    seen: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def query_plans(action, *, reading: str = "") -> list[str]:
    """The query plans (one line each) of the statements `action` runs that name `reading` (e.g. "FROM tips"),
    asked of the database after the action; PostgreSQL is told to avoid sequential and bitmap scans, so that a
    table of a few test rows still shows which index a plan would read."""
    with recorded_statements() as seen:
        action()
    statements = [(sql, parameters) for sql, parameters in seen if reading in sql]
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if db.engine.dialect.name == "sqlite":
            return [" | ".join(str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", parameters))
                    for sql, parameters in statements]
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        return [" | ".join(row[0] for row in cursor.execute(f"EXPLAIN {sql}", parameters).fetchall())
                for sql, parameters in statements]
    finally:
        connection.close()
