"""Database connection limits: timeouts on connecting, on statements and on every wait for the server, so
that a database that is down or frozen makes requests fail fast (503) instead of hanging the workers."""
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import make_url

# A shorter wait for the current context (the health check), in seconds; None uses the engine's limit.
_wait_override: ContextVar[float | None] = ContextVar("database_wait_override", default=None)


def engine_options(config: dict) -> dict:
    """SQLAlchemy engine options for the configured database, with the connection limits applied."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    options = {"pool_pre_ping": True}  # a connection the server dropped is replaced, not failed on
    if url.get_backend_name() == "sqlite":
        # sqlite3's own busy timeout: wait this long for another writer's lock, then "database is locked".
        options["connect_args"] = {"timeout": config["DB_LOCK_TIMEOUT"]}
        if url.database not in (None, "", ":memory:"):
            options["pool_timeout"] = config["DB_POOL_TIMEOUT"]
        return options
    options["pool_timeout"] = config["DB_POOL_TIMEOUT"]
    if url.get_backend_name() == "postgresql":
        statement_ms = int(config["DB_STATEMENT_TIMEOUT"] * 1000)
        # Keep -c options already in the URL (a test's search_path) and add the statement timeout.
        existing = url.query.get("options", "")
        existing = " ".join(existing) if isinstance(existing, tuple) else existing
        options["connect_args"] = {
            "connect_timeout": config["DB_CONNECT_TIMEOUT"],
            "options": f"{existing} -c statement_timeout={statement_ms}".strip(),
        }
    return options


def init_app(app, engine) -> None:
    """Connect through GuardedConnection on PostgreSQL, so that no wait for the server is unbounded."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    limit = float(app.config["DB_ANSWER_TIMEOUT"])
    connection_class = _guarded_connection_class()

    @event.listens_for(engine, "do_connect")
    def connect(_dialect, _record, cargs, cparams):
        connection = connection_class.connect(*cargs, **cparams)
        connection.answer_timeout = limit
        return connection


@contextmanager
def answer_within(seconds: float):
    """Wait at most `seconds` for each answer of the database inside this block (the health check)."""
    token = _wait_override.set(seconds)
    try:
        yield
    finally:
        _wait_override.reset(token)


def _guarded_connection_class():
    import psycopg
    from psycopg import errors
    from psycopg.connection import _WAIT_INTERVAL

    class GuardedConnection(psycopg.Connection):
        """A psycopg connection whose every wait for the server ends after `answer_timeout` seconds.

        The server's statement_timeout does not help when the server itself is frozen (SIGSTOP, a hung
        host): the kernel still acknowledges the packets, so the socket never fails and a worker would
        wait until gunicorn kills it. After the limit the connection is closed and marked broken, so the
        pool discards it.
        """

        answer_timeout: float | None = None

        def wait(self, gen, interval=_WAIT_INTERVAL, timeout=None):
            if timeout is not None:  # psycopg's own bounded waits (notifications) keep their meaning
                return super().wait(gen, interval, timeout)
            limit = _wait_override.get() or self.answer_timeout
            try:
                return super().wait(gen, interval, limit)
            except errors._WaitTimeout:
                self.pgconn.finish()
                raise psycopg.OperationalError(f"the database did not answer within {limit} s") from None

    return GuardedConnection
