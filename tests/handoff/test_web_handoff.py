"""The web chat page during a handoff, in Debian's headless Chromium: the citizen asks for a person, a
volunteer claims and replies through the inbox API, and the page shows the reply by itself (it polls
GET /api/chat/updates while the handoff is open); handing back brings the rating buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings, load_settings
from bot.content.model import load_content
from bot.domain.handoff_config import HandoffConfig
from tests.handoff.support import serve, staff_headers
from tests.support.browser import MARKS, phone_page

pytestmark = MARKS


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(database_url=f"sqlite:///{tmp_path / 'motcua.db'}", outbox_poll_seconds=0.2)


@pytest.fixture
def base(settings: Settings) -> Iterator[str]:
    with serve(settings) as url:
        yield url


@pytest.fixture
def config(settings: Settings) -> HandoffConfig:
    found = load_content(settings.catalogue_dir, settings.flows_file, settings.lexicon_file).flows.handoff
    assert found is not None
    return found


@pytest.fixture
def volunteer(base: str, settings: Settings, config: HandoffConfig) -> dict[str, str]:
    """Made before the browser starts: Playwright's sync API runs an event loop in this thread."""
    return staff_headers(settings, "volunteer", "Lê Thị Hoa", config.ward)


@pytest.fixture
def page(volunteer: dict[str, str]) -> Iterator[Any]:
    with phone_page() as pg:
        yield pg


def test_a_persons_reply_appears_on_the_page_without_the_citizen_asking(
    base: str, config: HandoffConfig, volunteer: dict[str, str], page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(base + "/?p=khai-sinh")
    expect(page.locator(".chip:not([disabled])").first).to_be_visible()
    page.fill("#input", "gặp cán bộ")
    page.press("#input", "Enter")
    page.get_by_role("button", name="Nhắn tin với cán bộ").click()
    expect(page.locator(".msg--bot").last).to_contain_text(config.hours_text)

    [item] = httpx.get(f"{base}/admin/api/inbox", headers=volunteer).json()["items"]
    assert item["channel"] == "web"
    assert httpx.post(f"{base}/admin/api/inbox/{item['id']}/claim", headers=volunteer).status_code == 200
    reply = "Chào bạn, mình là cán bộ phường. Bạn cần giúp gì?"
    sent = httpx.post(f"{base}/admin/api/inbox/{item['id']}/reply", json={"text": reply}, headers=volunteer)
    assert sent.status_code == 200
    expect(page.locator(".msg--bot").last).to_contain_text(reply, timeout=15_000)

    page.fill("#input", "Mình chưa đăng nhập được VNeID")
    page.press("#input", "Enter")
    expect(page.locator(".msg--me").last).to_have_text("Mình chưa đăng nhập được VNeID")
    page.wait_for_timeout(1500)
    expect(page.locator(".msg--bot").last).to_contain_text(reply)  # the bot stays silent

    assert httpx.post(f"{base}/admin/api/inbox/{item['id']}/release", headers=volunteer).status_code == 200
    expect(page.locator(".msg--bot").last).to_have_text(config.rating.ask, timeout=15_000)
    best = config.rating.options[0]
    page.get_by_role("button", name=best.label).click()
    expect(page.locator(".msg--bot").filter(has_text=config.rating.thanks)).to_have_count(1)

    page.goto(base + "/")  # coming back: the transcript and the cursor survive, nothing is shown twice
    page.wait_for_timeout(1000)
    assert page.locator(".msg--bot").filter(has_text=reply).count() == 1
