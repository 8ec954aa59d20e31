"""HTML -> PDF through Debian's headless Chromium, driven by Playwright.

The page is self-contained (inline CSS, inline SVG codes, system fonts), so the browser is told to load
nothing: JavaScript is off and every network request is refused. Each render launches a fresh browser
(about a second); callers cache the bytes (see printer.py) and a semaphore keeps a burst of requests
from starting a browser per request.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from bot.errors import MotcuaError

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDER_TIMEOUT_MS = 30_000


class PdfUnavailable(MotcuaError):
    """No browser to print with: install Debian's `chromium` (never `playwright install`)."""


class PdfRenderer:
    def __init__(self, executable: Path | None = None, concurrency: int = 2) -> None:
        self.executable = executable or CHROMIUM
        self._slots = asyncio.Semaphore(concurrency)

    @property
    def available(self) -> bool:
        return self.executable.exists()

    async def pdf(self, html: str) -> bytes:
        """Print `html` with its own @page size and margins (prefer_css_page_size)."""
        if not self.available:
            raise PdfUnavailable(f"no browser at {self.executable}: install Debian's chromium package")
        from playwright.async_api import Error, Route, async_playwright

        async def refuse(route: Route) -> None:
            await route.abort()

        async with self._slots, async_playwright() as p:
            try:
                browser = await p.chromium.launch(executable_path=str(self.executable), args=CHROMIUM_ARGS)
            except Error as err:
                message = f"the browser at {self.executable} did not start: {err.message}"
                raise PdfUnavailable(message) from err
            try:
                context = await browser.new_context(java_script_enabled=False, locale="vi-VN")
                page = await context.new_page()
                page.set_default_timeout(RENDER_TIMEOUT_MS)
                await page.route("**/*", refuse)
                await page.set_content(html, wait_until="load")
                return await page.pdf(prefer_css_page_size=True, print_background=True)
            finally:
                await browser.close()
