"""Fixtures in the flaskr shape: a migrated database per test, a client, a CLI runner, and staff log-ins.

SQLite (always): migrations run once into a template file, copied for every test.
PostgreSQL (when TEST_DATABASE_URL is set): migrations run once into a fresh schema; tables are emptied
after every test.

One app serves every test that takes `app` (building one costs more than most tests: ~300 URL rules, and
each new app compiles its templates and SQL again). Between tests it is put back as it was built: its
config restored, what it keeps in `app.extensions` since then dropped (the indicator cache), its
connections closed and pointed at the test's own database. A test that needs routes, hooks or settings
read only at start-up builds its own app with `create_app(base_config(database_url))`.
"""
import contextvars
import copy
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from app import create_app
from app.extensions import db, limiter
from tests import factories

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
# Each concurrent test run on one server takes its own schema (TEST_PG_SCHEMA), and each pytest-xdist worker
# of a run its own schema within it (gw0, gw1, …).
PG_SCHEMA = os.environ.get("TEST_PG_SCHEMA", "ecociv_test") + (
    f"_{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else "")


def _pg_url() -> str:
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{PG_SCHEMA}"


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "UPLOAD_DIR": None,
        # Cheap Argon2 parameters: same algorithm, fast enough to create users in every test.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
    }


def migrate_database(database_url: str) -> None:
    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A database with every migration applied: a SQLite file to copy, or the PostgreSQL URL."""
    if PG_URL:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
                               if PG_URL.startswith("postgresql://") else PG_URL)
        with engine.begin() as connection:
            _install_shared_extensions(connection)
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        engine.dispose()
        migrate_database(_pg_url())
        return _pg_url()
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_database(f"sqlite:///{path}")
    return path


@contextmanager
def scratch_database(tmp_path: Path, name: str):
    """The URL of an empty database of a test's own, for running migrations into: a SQLite file, or on
    PostgreSQL a schema beside the test schema (named after `name` and the process), dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    schema = f"{PG_SCHEMA}_{name}_{os.getpid()}"
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    engine = create_engine(url)
    with engine.begin() as connection:
        _install_shared_extensions(connection)
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


def _install_shared_extensions(connection) -> None:
    """pg_trgm belongs to the whole database, in one schema. Left to the migration it would land in the first
    worker's test schema (its search path) and vanish with it at the next run's DROP SCHEMA; and workers creating
    it at the same moment fail with a unique violation even with IF NOT EXISTS. So it is made here, once, under a
    lock, in the public schema, where the migration finds it."""
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('ecociv_test_extensions'))"))
    schema = connection.scalar(text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))
    if schema is None:
        connection.execute(text("CREATE EXTENSION pg_trgm SCHEMA public"))
    elif schema != "public":
        connection.execute(text("ALTER EXTENSION pg_trgm SET SCHEMA public"))


def _truncate_all(app) -> None:
    """Empty every table a test wrote to and restart every id sequence. TRUNCATE of all tables costs about a
    second a test on these machines; finding the few tables with rows and deleting from them costs milliseconds."""
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            filled = set(connection.scalars(text(" UNION ALL ".join(
                f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in tables))))
            # Foreign keys are not checked while deleting: some tables refer to each other.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(tables):
                if table in filled:
                    connection.execute(text(f"DELETE FROM {table}"))
            connection.execute(text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = current_schema()"))


def _setup_fingerprint(app) -> str:
    """What a test could add to an app's set-up: routes, request hooks, error handlers, template globals."""
    return repr(_filled((len(app.url_map._rules), app.view_functions, app.before_request_funcs,
                         app.after_request_funcs, app.teardown_request_funcs, app.teardown_appcontext_funcs,
                         app.error_handler_spec, app.template_context_processors, app.url_value_preprocessors,
                         app.url_default_functions, sorted(app.jinja_env.globals), sorted(app.jinja_env.filters),
                         sorted(app.jinja_env.tests))))


def _filled(value):
    """`value` without empty dict entries: Flask's handler lookups add them to its defaultdicts (a 403 page)."""
    if isinstance(value, dict):
        return {key: _filled(item) for key, item in value.items() if _filled(item) not in ({}, [], None)}
    if isinstance(value, tuple):
        return tuple(_filled(item) for item in value)
    return value


class _SharedApp:
    """The one app the `app` fixture hands out, and how it is put back as built after each test."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.build()

    def build(self) -> None:
        workdir = self.workdir
        # The URL only names the SQLite file; connections open the current test's copy instead (see _open).
        url = _pg_url() if PG_URL else f"sqlite:///{workdir / 'unused.sqlite3'}"
        self.app = create_app(base_config(url))
        self.app.test_client_class = IsolatedClient
        self.sqlite_path: str | None = None
        with self.app.app_context():
            self.engine = db.engine
        if not PG_URL:
            event.listen(self.engine, "do_connect", self._open)
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = set(self.app.extensions)
        self.fingerprint = _setup_fingerprint(self.app)

    def _open(self, _dialect, _record, cargs, _cparams):
        assert self.sqlite_path, "the shared app is used outside the app fixture"
        cargs[0] = self.sqlite_path

    def prepare(self, database_url: str, tmp_path: Path):
        """Point the app at this test's database with the config it was built with."""
        self.engine.dispose()
        self.sqlite_path = None if PG_URL else database_url.removeprefix("sqlite:///")
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.config))
        self.app.config["SQLALCHEMY_DATABASE_URI"] = database_url
        self.app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
        self.app.config["DEMO_CREDENTIALS_FILE"] = str(tmp_path / "demo-credentials.txt")
        self.app._got_first_request = False  # a test may still add a route before its first request
        # The limiter is one object for all apps: a test's own app with RATELIMIT_ENABLED left it switched on.
        limiter.enabled = self.app.config["RATELIMIT_ENABLED"]
        return self.app

    def reset(self) -> None:
        """Forget what the test left: caches filed in app.extensions since start-up, open connections."""
        for name in set(self.app.extensions) - self.extensions:
            del self.app.extensions[name]
        self.engine.dispose()
        self.sqlite_path = None
        if _setup_fingerprint(self.app) != self.fingerprint:
            self.build()


@pytest.fixture(scope="session")
def _shared_app(database_template, tmp_path_factory) -> _SharedApp:
    return _SharedApp(tmp_path_factory.mktemp("shared-app"))


class DemoSnapshot:
    """The demo city as `flask seed-demo` builds it, seeded once per test process and copied into each test that
    asks for it (`demo_city`): a SQLite file, or on PostgreSQL a schema of plain tables whose rows are copied."""

    def __init__(self, database_template, workdir: Path):
        self.credentials = workdir / "demo-credentials.txt"
        if PG_URL:
            url, self.path = database_template, None
        else:
            self.path = workdir / "demo.sqlite3"
            shutil.copyfile(database_template, self.path)
            url = f"sqlite:///{self.path}"
        config = base_config(url)
        config["UPLOAD_DIR"] = str(workdir / "uploads")
        config["DEMO_CREDENTIALS_FILE"] = str(self.credentials)
        app = create_app(config)
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        self.output = result.output
        with app.app_context():
            if PG_URL:
                # Seeded in the (empty) test schema: kept as plain tables in a schema beside it, then emptied.
                self.tables = [t.name for t in db.metadata.sorted_tables]
                with db.engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {DEMO_SCHEMA} CASCADE"))
                    connection.execute(text(f"CREATE SCHEMA {DEMO_SCHEMA}"))
                    for table in self.tables:
                        connection.execute(text(
                            f"CREATE TABLE {DEMO_SCHEMA}.{table} AS SELECT * FROM {PG_SCHEMA}.{table}"))
                _truncate_all(app)
            db.engine.dispose()

    def copy_to(self, database_url: str, tmp_path: Path) -> str:
        """Fill the test's database with the demo city; its saved passwords and codes go to the test's file."""
        shutil.copyfile(self.credentials, tmp_path / "demo-credentials.txt")
        if not PG_URL:
            path = tmp_path / "test.sqlite3"
            shutil.copyfile(self.path, path)
            return f"sqlite:///{path}"
        engine = create_engine(database_url)
        with engine.begin() as connection:
            # Foreign keys are not checked while the rows are copied: they were valid when seeded, and some tables
            # refer to each other (a question's condition names an option of another question).
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in self.tables:
                connection.execute(text(f"INSERT INTO {PG_SCHEMA}.{table} SELECT * FROM {DEMO_SCHEMA}.{table}"))
                if "id" in db.metadata.tables[table].columns:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{PG_SCHEMA}.{table}', 'id'), max(id)) "
                        f"FROM {PG_SCHEMA}.{table} HAVING max(id) IS NOT NULL"))
        engine.dispose()
        return database_url


DEMO_SCHEMA = f"{PG_SCHEMA}_demo"


@pytest.fixture(scope="session")
def demo_snapshot(database_template, tmp_path_factory) -> DemoSnapshot:
    return DemoSnapshot(database_template, tmp_path_factory.mktemp("demo-snapshot"))


@pytest.fixture
def database_url(request, database_template, tmp_path):
    """The test's own database: the migrated template, or the seeded demo city for a test that takes `demo_city`."""
    if "demo_city" in request.fixturenames:
        return request.getfixturevalue("demo_snapshot").copy_to(database_template, tmp_path)
    if PG_URL:
        return database_template
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_city(database_url, demo_snapshot) -> str:
    """The test's database holds the demo city as `flask seed-demo` builds it; returns what the command printed
    (its saved passwords and tracking codes are in the app's DEMO_CREDENTIALS_FILE)."""
    return demo_snapshot.output


class IsolatedClient(FlaskClient):
    """Runs every request in an empty context, so that it gets its own app context (and `g`) as in production.

    Flask would otherwise reuse the app context the test holds open, leaking `g` (the CSRF token, the
    signed-in user) from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(self._open_and_read, *args, **kwargs)

    def _open_and_read(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        response.get_data()  # a streamed body must run inside the request's own context too
        return response


@pytest.fixture
def app(_shared_app, database_url, tmp_path):
    app = _shared_app.prepare(database_url, tmp_path)
    try:
        with app.app_context():
            yield app
            jobs = app.extensions.get("jobs.threads")  # background jobs a request queued finish in this test
            if jobs is not None:
                assert jobs.wait_idle(120), "background jobs still running after the test"
            db.session.remove()
            if PG_URL:
                _truncate_all(app)
    finally:
        _shared_app.reset()


@pytest.fixture
def settle(app):
    """Wait until the app's job threads are idle (every job run and every retry done)."""
    from app.jobs import runner

    def wait(timeout: float = 60) -> None:
        assert runner.thread_runner(app).wait_idle(timeout), "jobs still running"
    yield wait
    runner.thread_runner(app).wait_idle(60)


@pytest.fixture
def client(app):
    return app.test_client()


S3_BUCKET = "test-uploads"


@pytest.fixture(scope="session")
def s3_url():
    """A local S3-compatible server (moto's, installed from requirements.txt) on a free port."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(app, s3_url):
    """The bucket S3_BUCKET of the local S3 server, the app's object store for this test; yields a boto3 client."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    client.create_bucket(Bucket=S3_BUCKET)
    app.config.update(STORAGE_S3_BUCKET=S3_BUCKET, STORAGE_S3_ENDPOINT_URL=s3_url, STORAGE_S3_ACCESS_KEY_ID="test",
                      STORAGE_S3_SECRET_ACCESS_KEY="test", STORAGE_S3_PREFIX="uploads/")
    yield client
    for item in client.list_objects_v2(Bucket=S3_BUCKET).get("Contents", []):
        client.delete_object(Bucket=S3_BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=S3_BUCKET)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    return db.session


class Csrf:
    """Reads the CSRF token a page gave the client, as a browser would."""

    @staticmethod
    def token(client, url: str = "/") -> str:
        import re

        html = client.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'"X-CSRFToken": "([^"]+)"', html)
        assert match, f"no CSRF token on {url}"
        return match.group(1)


@pytest.fixture
def csrf():
    return Csrf


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = factories.PASSWORD):
        token = Csrf.token(self._client, "/login")
        return self._client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    def logout(self):
        token = Csrf.token(self._client, "/")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def staff(session):
    """One user of each role (bureau roles in the 'eeb' bureau), committed."""
    users = factories.staff_set(session)
    session.commit()
    return users


# Fixtures through which a test reaches a database; a test with none of them (a pure module's test) gives the same
# result on both legs, so the PostgreSQL leg leaves it to the SQLite leg, unless its module reads PG_URL itself.
DATABASE_FIXTURES = frozenset({"app", "database_url", "database_template", "demo_snapshot", "demo_city", "session",
                               "client", "empty_database", "live_app"})


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent / "browser"
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
    if PG_URL:
        pure = [item for item in items if not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
                and "PG_URL" not in getattr(item.module, "__dict__", {})]
        if pure:
            config.hook.pytest_deselected(items=pure)
            chosen = set(map(id, pure))
            items[:] = [item for item in items if id(item) not in chosen]
