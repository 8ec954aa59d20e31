"""Fixtures for the admin pages in a real headless Chromium (Debian's), driven by Playwright against the
real app on 127.0.0.1 (tests/support/server.py), on the per-test SQLite database of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from bot.config import Settings
from tests.admin_web import wiring
from tests.admin_web.browser import Site
from tests.support import server
from tests.support.browser import ARGS, CHROMIUM

MakeContext = Callable[..., BrowserContext]


@pytest.fixture
def site(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """The real app on a free port, as `motcua serve` builds it, on the curated files (these tests edit
    them; test_portal_pages.py adds a small portal tier: the whole one makes each publish rebuild a
    2,700-procedure search index)."""
    curated = settings.model_copy(update={"portal_file": None})
    monkeypatch.setattr(server, "create_app", wiring.wired_app)
    with server.live_app(curated, timeout=60.0) as base:
        yield Site(base, curated)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[MakeContext]:
    """Make browser contexts (one per person: an official, a citizen...); all are closed afterwards."""
    made: list[BrowserContext] = []

    def make(width: int = 1366, height: int = 900) -> BrowserContext:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
