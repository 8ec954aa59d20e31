"""Shared pieces of the admin browser tests: Debian's Chromium, the marks, signing in, screenshots."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Page

from bot.config import Settings
from tests.admin_web.staff import add_user
from tests.support.browser import ARTIFACTS as ARTIFACTS
from tests.support.browser import MARKS as MARKS

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
