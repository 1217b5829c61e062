"""Public reads from a read replica (DATABASE_REPLICA_URL): an anonymous visitor's public pages are read from the
replica, everything else from the primary, and the routed pages never write — crawled on the demo city through
a replica that refuses writes (SQLite opened read-only; on PostgreSQL a session with
default_transaction_read_only)."""
import re
import sqlite3
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from app import create_app
from app.extensions import db
from app.web import replica
from tests import factories
from tests.conftest import PG_URL, IsolatedClient, base_config

LINK = re.compile(r'href="([^"#]+)"')
PER_SHAPE = 1


def _read_only(url: str) -> str:
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url[len('sqlite:///'):]}?mode=ro&uri=true"
    return url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20", 1)


def _app(primary: str, replica_url: str, tmp_path):
    app = create_app({**base_config(primary), "DATABASE_REPLICA_URL": replica_url,
                      "UPLOAD_DIR": str(tmp_path / "uploads")})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def demo_replica_app(app, demo_city, database_url, tmp_path):  # `app` empties the PostgreSQL schema after
    routed = _app(database_url, _read_only(database_url), tmp_path)
    yield routed
    with routed.app_context():
        for engine in db.engines.values():
            engine.dispose()


def _routed(app, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
    except HTTPException:
        return False
    blueprint = endpoint.rpartition(".")[0]
    return blueprint in replica.READ_ONLY_BLUEPRINTS or endpoint in replica.READ_ONLY_ENDPOINTS


def _shape(path: str) -> str:
    parts = urlsplit(path)
    keys = sorted(key.split("=")[0] for key in parts.query.split("&") if key)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def test_the_routed_public_pages_of_the_demo_city_read_through_a_replica_that_refuses_writes(demo_replica_app):
    client = demo_replica_app.test_client()
    queue, seen, shapes, failures = ["/", "/indicators/", "/environment/", "/notices/", "/tips/", "/surveys/",
                                     "/rectification/", "/participation/", "/exposure"], set(), {}, []
    while queue and len(seen) < 400:
        path = queue.pop(0)
        if path in seen or not _routed(demo_replica_app, path):
            continue
        shape = _shape(path)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 400 and response.status_code != 404:
            failures.append(f"{path}: {response.status_code}")
        if response.mimetype == "text/html":
            for link in LINK.findall(response.get_data(as_text=True)):
                target = urlsplit(urljoin("http://localhost" + path, link.replace("&amp;", "&")))
                if target.netloc == "localhost" and not target.path.startswith("/static/"):
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert not failures, failures
    assert len(seen) >= 40, sorted(seen)  # the crawl reached the domains' lists and detail pages


def test_a_write_through_a_read_only_replica_is_refused(demo_replica_app):
    """The test above would pass on a replica that accepts writes: prove this one refuses them."""
    with demo_replica_app.app_context():
        engine = db.engines[replica.BIND]
        with pytest.raises(Exception, match="(?i)read.?only"):
            with engine.begin() as connection:
                connection.execute(text("UPDATE places SET name_zh_hant = name_zh_hant"))


def test_anonymous_public_reads_come_from_the_replica_and_the_rest_from_the_primary(app, session, database_url,
                                                                                     tmp_path):
    if PG_URL:
        pytest.skip("two databases with different rows: the SQLite leg (one PostgreSQL schema per test process)")
    district = factories.place(session, name_en="Replica District")
    session.commit()
    replica_path = tmp_path / "replica.sqlite3"
    with sqlite3.connect(database_url[len("sqlite:///"):]) as source, sqlite3.connect(replica_path) as copy:
        source.backup(copy)  # with what the primary's WAL holds
    district.name_en = "Primary District"
    session.commit()
    routed_app = _app(database_url, f"sqlite:///{replica_path}", tmp_path)
    client = routed_app.test_client()
    page = client.get("/tips/?lang=en").get_data(as_text=True)
    assert "Replica District" in page and "Primary District" not in page
    # A staff member's session reads the primary.
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1"
    assert "Primary District" in client.get("/tips/?lang=en").get_data(as_text=True)
    with routed_app.app_context():
        for engine in db.engines.values():
            engine.dispose()
