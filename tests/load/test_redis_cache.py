"""Redis as the cache and session store of several gunicorn workers (``REDIS_URL``, docs/deployment.md).

Talks to a real Redis: ``REDIS_URL`` when set, else 127.0.0.1:6379 database 0. Skipped when Redis is
not reachable, a failure with ``KIEMDIEM_REQUIRE_REDIS=1`` (CI). Every key this file writes carries a
random prefix or name and is deleted at the end; nothing is flushed.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kiemdiem.accounts import throttle

from ..factories import PASSWORD

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def raw() -> Iterator[object]:
    """A plain redis-py client on the same server: what is really stored there, not what Django says."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield client
    client.close()


def _worker(code: str, tmp_path: Path) -> object:
    """Run ``code`` in a fresh process configured like a gunicorn worker with REDIS_URL; its JSON output."""
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "kiemdiem.settings",
        "KIEMDIEM_DATA_DIR": str(tmp_path / "data"),
        "KIEMDIEM_SECRET_KEY": "test-" + secrets.token_hex(8),
    }
    script = "import django, json\ndjango.setup()\n" + code
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_redis_url_puts_the_cache_and_the_sessions_in_redis(raw, tmp_path):  # type: ignore[no-untyped-def]
    key = f"kd-test-{secrets.token_hex(6)}"
    try:
        backend, engine = _worker(
            "from django.conf import settings\n"
            "from django.core.cache import cache\n"
            f"cache.set({key!r}, 'đã lưu', 60)\n"
            "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]))",
            tmp_path,
        )  # type: ignore[misc]
        assert backend == REDIS_CACHE and engine == CACHED_DB
        # The value is on the Redis server (Django's key layout: prefix:version:key), not in a process.
        stored = raw.get(f":1:{key}")  # type: ignore[attr-defined]
        assert stored is not None and "đã lưu".encode() in stored
    finally:
        raw.delete(f":1:{key}")  # type: ignore[attr-defined]


def test_login_failures_count_across_workers(ward, settings, raw, tmp_path):  # type: ignore[no-untyped-def]
    """The lock-out after N failures holds whichever worker serves the next attempt."""
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS_URL}}
    username = ward.users["office"].username
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    # Another worker (another process) records the failures ...
    try:
        _worker(
            "from kiemdiem.accounts import throttle\n"
            f"for _ in range({settings.LOGIN_MAX_FAILURES}):\n"
            f"    throttle.record_failure({username!r}, {ip!r})\n"
            "print(json.dumps(True))",
            tmp_path,
        )
        # ... and this one refuses even the right password.
        assert throttle.is_locked(username, ip)
        client = Client(REMOTE_ADDR=ip)
        response = client.post("/dang-nhap/", {"username": username, "password": PASSWORD})
        assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
        assert "_auth_user_id" not in client.session
        # A different address is not locked out.
        assert not throttle.is_locked(username, "10.255.255.254")
    finally:
        throttle.reset(username, ip)
    assert not throttle.is_locked(username, ip)


def test_sessions_are_read_from_redis_and_kept_in_the_database(ward, settings, raw):  # type: ignore[no-untyped-def]
    prefix = f"kd-test-{secrets.token_hex(6)}"
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = CACHED_DB
    try:
        client = Client()
        response = client.post("/dang-nhap/", {"username": "member", "password": PASSWORD})
        assert response.status_code == 302
        key = client.cookies["sessionid"].value
        assert raw.exists(f"{prefix}:1:django.contrib.sessions.cached_db{key}")  # type: ignore[attr-defined]
        assert Session.objects.filter(session_key=key).exists()  # written through: survives a Redis restart
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/viec-cua-toi/").status_code == 200
        assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]
        # Without Redis the session is still found in the database (the cache is only a cache).
        raw.delete(f"{prefix}:1:django.contrib.sessions.cached_db{key}")  # type: ignore[attr-defined]
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/viec-cua-toi/").status_code == 200
        assert [q for q in ctx.captured_queries if "django_session" in q["sql"]]
    finally:
        for name in raw.scan_iter(f"{prefix}:*"):  # type: ignore[attr-defined]
            raw.delete(name)  # type: ignore[attr-defined]
