"""Browser fixtures: Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Use them in any test under tests/browser/ marked ``@pytest.mark.browser``:

- ``ward``: the usual small ward (tests/factories.py), committed so the live server's thread sees
  it, plus two more "Nguyễn Văn …" members outside cell_a for searches that must stay in scope;
- ``browser``: one headless Chromium per test module;
- ``page_as(username, viewport=None)``: a new page already logged in as that user of the ward
  (``None`` for an anonymous visitor), at the live server; ``viewport=PHONE`` for a 360-px phone;
- ``screenshot(page, name)``: saves test-artifacts/screenshots/<name>.png (gitignored).

Chromium must be at /usr/bin/chromium (``apt-get install -y chromium``); without it the tests skip,
and CI (KIEMDIEM_REQUIRE_BROWSER=1) turns that skip into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import Ward, make_member, make_ward

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module.

    Not per session: while Playwright runs, this thread has an event loop, and the rest of the
    suite (async views, ``async_to_sync``) must not run inside it.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django then refuses database calls
    # made from it (fixtures, force_login) unless told that this is safe, which it is here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def ward(transactional_db, browser) -> Ward:  # type: ignore[no-untyped-def]
    """The test ward, visible to the live server (committed), with namesakes outside cell_a."""
    w = make_ward()
    w.members["bao"] = make_member(w.cell_b, "Nguyễn Văn Bảo")
    w.members["canh"] = make_member(w.other_cell, "Nguyễn Văn Cảnh")
    return w


@pytest.fixture
def page_as(browser, live_server, ward) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """``page_as("secretary")`` opens a page logged in as that user; ``page_as(None)`` anonymously."""
    contexts = []

    def _page_as(username: str | None, viewport: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
        context = browser.new_context(  # type: ignore[attr-defined]
            base_url=live_server.url, viewport=viewport or DESKTOP, locale="vi-VN"
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if username is not None:
            client = Client()
            client.force_login(ward.users[username])
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context.new_page()

    yield _page_as
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    def _screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot
