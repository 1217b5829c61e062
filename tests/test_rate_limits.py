"""Rate limits count once however many processes serve the site: app instances sharing a Redis storage share
one limit, and `make run` serves several workers only when such a storage is there."""
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from app import create_app
from app.serving import LOCAL_REDIS, plan
from tests.conftest import base_config


def _redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return connection


@pytest.fixture
def shared_redis():
    """A Redis storage URI and a key prefix of this test's own, removed afterwards."""
    connection = _redis_or_skip()
    prefix = f"ecociv-test-{secrets.token_hex(6)}"
    yield LOCAL_REDIS, prefix
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)


def instance_config(database_url, storage, prefix) -> dict:
    config = base_config(database_url)
    config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix,
                  TIP_TRACK_RATE_LIMIT="3 per minute")
    return config


# The second app instance runs in a process of its own, as a second gunicorn worker would.
OTHER_PROCESS = """
import json, sys
from app import create_app
from tests.test_rate_limits import instance_config
client = create_app(instance_config(*sys.argv[1:4])).test_client()
print(json.dumps([client.get("/tips/track").status_code for _ in range(2)]))
"""


def test_two_app_instances_in_two_processes_with_the_same_redis_share_one_limit(database_url, shared_redis):
    storage, prefix = shared_redis
    here = create_app(instance_config(database_url, storage, prefix)).test_client()
    assert [here.get("/tips/track").status_code for _ in range(2)] == [200, 200]
    other = subprocess.run([sys.executable, "-c", OTHER_PROCESS, database_url, storage, prefix],
                           capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    assert json.loads(other.stdout.strip().splitlines()[-1]) == [200, 429]
    assert here.get("/tips/track").status_code == 429


def test_the_storage_setting_comes_from_ratelimit_storage_uri_or_redis_url(database_url):
    config = base_config(database_url)
    assert create_app(config).config["RATELIMIT_STORAGE_URI"] == "memory://"
    config.update(RATELIMIT_STORAGE_URI="", REDIS_URL="redis://cache:6379/1")
    assert create_app(config).config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"
    config.update(RATELIMIT_STORAGE_URI="redis://limits:6379/2")
    assert create_app(config).config["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/2"


def test_make_run_serves_one_threaded_worker_without_shared_storage():
    options, added = plan({}, workers=2, threads=4, redis_up=lambda url: False)
    assert options == ["--workers", "1", "--threads", "4"]
    assert added == {}


def test_make_run_uses_the_local_redis_when_it_answers():
    options, added = plan({}, workers=3, threads=4, redis_up=lambda url: url == LOCAL_REDIS)
    assert options == ["--workers", "3"]
    assert added == {"RATELIMIT_STORAGE_URI": LOCAL_REDIS}


def test_make_run_keeps_a_configured_storage_and_its_workers():
    asked = []
    options, added = plan({"REDIS_URL": "redis://cache:6379/0"}, workers=3, threads=4,
                          redis_up=lambda url: asked.append(url) or False)
    assert options == ["--workers", "3"] and added == {} and asked == []
    options, _ = plan({"RATELIMIT_STORAGE_URI": "memory://"}, workers=3, threads=4, redis_up=lambda url: True)
    assert options == ["--workers", "1", "--threads", "4"]


def test_the_local_redis_check_answers_for_the_real_server():
    from app.serving import redis_answers

    _redis_or_skip()
    assert redis_answers(LOCAL_REDIS)
    assert not redis_answers("redis://127.0.0.1:1/0")
