"""Debian's Chromium for the browser tests: the same executable and launch arguments the PDF printer uses,
the marks that skip a test where it is not installed, and a phone-sized page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.outreach.pdf import CHROMIUM as CHROMIUM_PATH
from bot.outreach.pdf import CHROMIUM_ARGS

CHROMIUM = str(CHROMIUM_PATH)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# QUIC off: the pages under test are plain HTTP on loopback; QUIC probes only add noise.
ARGS = [*CHROMIUM_ARGS, "--disable-quic"]
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM_PATH.exists(), reason="Debian's chromium is not installed"),
]


@contextmanager
def phone_page() -> Iterator[Any]:
    """A fresh page at a phone's 390×844, in Vietnamese, closed (with its browser) afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        yield context.new_page()
        context.close()
        browser.close()
