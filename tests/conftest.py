from __future__ import annotations

import pytest
from django.test import Client

from .factories import PASSWORD, Ward, make_ward


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Throttle counters live in the cache: each test starts with none (user ids repeat across tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ward(db) -> Ward:  # type: ignore[no-untyped-def]
    return make_ward()


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    """``login("office")`` logs the test client in as that user of the ``ward`` fixture."""

    def _login(username: str) -> Client:
        client.logout()
        assert client.login(username=username, password=PASSWORD)
        return client

    return _login


# In CI the browser, PostgreSQL and Redis tests must run: a skip there is a failure.
_REQUIRED = {
    "browser": "KIEMDIEM_REQUIRE_BROWSER",
    "postgres": "KIEMDIEM_REQUIRE_POSTGRES",
    "redis": "KIEMDIEM_REQUIRE_REDIS",
}


def pytest_configure(config):  # type: ignore[no-untyped-def]
    config.addinivalue_line("markers", "redis: needs Redis (REDIS_URL, else 127.0.0.1:6379)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    import os

    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        for marker, env in _REQUIRED.items():
            if item.get_closest_marker(marker) and os.environ.get(env) == "1":
                report.outcome = "failed"
                report.longrepr = f"{marker} test skipped but {env}=1 requires it to run: {report.longrepr}"
