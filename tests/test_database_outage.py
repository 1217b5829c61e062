"""A database outage: 503 in the caller's language and format, /healthz answering fast, and recovery on the
very next request — against a throwaway PostgreSQL server of the test's own that it stops, freezes and starts."""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.conftest import IsolatedClient, base_config

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(not BINARIES, reason="PostgreSQL server binaries are not installed")
# Generous enough for a loaded machine, far below "hangs for the whole outage".
HEALTHZ_DEADLINE = 2.0


class Server:
    """A PostgreSQL cluster in a temporary directory on a free port, run as the postgres user under root."""

    def __init__(self):
        self.bin = Path(BINARIES[-1])
        self.directory = Path(tempfile.mkdtemp(prefix="ecociv-outage-"))
        self.data = self.directory / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.as_user = []
        if os.getuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.directory / "log"), "-o",
                  f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    def _processes(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True)
        return [postmaster, *(int(pid) for pid in children.stdout.split())]

    def freeze(self) -> None:
        """Stop every process of the cluster: the kernel still accepts connections, nothing answers."""
        self.frozen = self._processes()
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.frozen:
            os.kill(pid, signal.SIGCONT)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    if os.getuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres account to run the server as")
    cluster = Server()
    cluster.start()
    try:
        yield cluster
    finally:
        if getattr(cluster, "frozen", None):
            cluster.thaw()
        cluster.remove()


@pytest.fixture(scope="module")
def outage_app(server, tmp_path_factory):
    config = base_config(server.url)
    config.update(UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")), DB_CONNECT_TIMEOUT=2,
                  DB_STATEMENT_TIMEOUT=1, DB_ANSWER_TIMEOUT=1, DB_POOL_TIMEOUT=1, HEALTHZ_TIMEOUT=1)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(outage_app, server):
    client = outage_app.test_client()
    assert client.get("/tips/").status_code == 200  # the pool holds a live connection
    yield client
    if getattr(server, "frozen", None):
        server.thaw()
        server.frozen = None
    if not (server.data / "postmaster.pid").exists():
        server.start()


def _healthz_within_deadline(client):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(client.get, "/healthz").result(timeout=HEALTHZ_DEADLINE)


def _assert_unavailable_everywhere(client):
    page = client.get("/tips/?lang=en")
    assert page.status_code == 503
    assert "The site cannot reach its database" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "30"

    chinese = client.get("/tips/?lang=zh_Hans")
    assert chinese.status_code == 503
    assert "数据库" in chinese.get_data(as_text=True)

    fragment = client.get("/tips/?lang=en", headers={"HX-Request": "true"})
    assert fragment.status_code == 503
    assert fragment.headers["HX-Retarget"] == "#flashes"
    assert "<html" not in fragment.get_data(as_text=True)

    api = client.get("/api/v1/indicators?lang=en")
    assert api.status_code == 503
    assert api.json["error"]["code"] == 503

    open311 = client.get("/open311/v2/services.json?locale=en")
    assert open311.status_code == 503
    assert open311.json[0]["code"] == 503
    assert "database" in open311.json[0]["description"]

    health = _healthz_within_deadline(client)
    assert health.status_code == 503
    assert health.json["status"] == "unavailable"


def test_a_stopped_database_gives_503_pages_fragments_and_json_then_recovers(client, server):
    server.stop()
    _assert_unavailable_everywhere(client)
    server.start()
    assert client.get("/tips/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_frozen_database_gives_503_instead_of_hanging(client, server):
    server.freeze()
    _assert_unavailable_everywhere(client)
    server.thaw()
    server.frozen = None
    assert client.get("/tips/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_after_a_quiet_restart_the_very_next_request_succeeds(client, server):
    server.stop()
    server.start()
    assert client.get("/tips/").status_code == 200
