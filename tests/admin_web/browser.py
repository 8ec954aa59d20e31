"""Shared pieces of the admin browser tests: Debian's Chromium, the marks, signing in, screenshots."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from bot.config import Settings
from tests.admin_web.staff import add_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
VOLUNTEER_WARD = "Bộ phận Một cửa"  # the queue flows.yaml (handoff.ward) sends conversations to


@dataclass
class Site:
    """The running app: its base URL and settings (for `motcua user add` on the same database)."""

    base: str
    settings: Settings

    def login_path(self, role: str, name: str, ward: str | None = None) -> str:
        return add_user(self.settings, role, name, ward)


def signed_in(context: BrowserContext, site: Site, login_path: str) -> Page:
    """Open the one-time login link in this context, as the person would; the page lands on /admin/."""
    page = context.new_page()
    page.goto(site.base + login_path)
    page.get_by_role("button", name="Đăng nhập").click()  # opening the link spends nothing; confirming does
    page.wait_for_url(site.base + "/admin/")
    return page


def shot(page: Page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
