"""The web chat page in a real headless Chromium (Debian's), driven by Playwright: type a question, tap a
button, reload — the conversation is still there; embed the widget on another page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings
from tests.support.browser import ARTIFACTS, MARKS, phone_page
from tests.support.server import free_port, live_app, static_page

# A portal page on another origin, served by a second real server on loopback (Chromium refuses to load a
# loopback script into a page from another address space, which is not the situation of a real portal).
PORTAL_PORT = free_port()
PORTAL_ORIGIN = f"http://127.0.0.1:{PORTAL_PORT}"

pytestmark = MARKS


@pytest.fixture
def base_url(settings: Settings) -> Iterator[str]:
    with live_app(settings) as url:
        yield url


@pytest.fixture
def page() -> Iterator[object]:
    with phone_page() as pg:
        yield pg


def bot_texts(page: object) -> list[str]:
    return page.locator(".msg--bot").all_inner_texts()  # type: ignore[attr-defined, no-any-return]


def test_type_tap_reload_keeps_the_conversation(page: object, base_url: str) -> None:
    from playwright.sync_api import expect

    pg = page
    pg.goto(base_url + "/")  # type: ignore[attr-defined]
    expect(pg.locator(".msg--bot").first).to_be_visible()  # type: ignore[attr-defined]
    expect(pg.locator(".chip:not([disabled])").first).to_be_visible()  # type: ignore[attr-defined]
    # The page's words come from flows.yaml and it is labelled for screen readers.
    assert pg.get_attribute("#input", "placeholder")  # type: ignore[attr-defined]
    assert pg.locator("label[for=input]").inner_text()  # type: ignore[attr-defined]

    pg.fill("#input", "làm giấy khai sinh cho con")  # type: ignore[attr-defined]
    pg.press("#input", "Enter")  # type: ignore[attr-defined]
    expect(pg.locator(".msg--me")).to_have_count(1)  # type: ignore[attr-defined]
    # The procedure's card (or a short list to pick from) names it; the last bubble may be the next question.
    expect(pg.locator(".msg--bot").filter(has_text="khai sinh").first).to_be_visible()  # type: ignore[attr-defined]

    before_tap = len(bot_texts(pg))
    chip = pg.locator(".chip:not([disabled])").first  # type: ignore[attr-defined]
    label = chip.inner_text()
    chip.click()
    expect(pg.locator(".msg--me").last).to_have_text(label)  # type: ignore[attr-defined]
    pg.wait_for_function(  # type: ignore[attr-defined]
        # the whole reply: its last message brings the live buttons
        "n => document.querySelectorAll('.msg--bot').length > n"
        " && document.querySelectorAll('.chip:not([disabled])').length > 0",
        arg=before_tap,
    )
    transcript = bot_texts(pg)

    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)  # type: ignore[attr-defined]

    pg.reload()  # type: ignore[attr-defined]
    expect(pg.locator(".msg--me")).to_have_count(2)  # type: ignore[attr-defined]
    assert bot_texts(pg) == transcript
    # Only the last message's buttons can still be pressed after a reload.
    live = pg.locator(".chip:not([disabled])")  # type: ignore[attr-defined]
    assert live.count() >= 1


def test_links_are_clickable(page: object, base_url: str) -> None:
    from playwright.sync_api import expect

    pg = page
    pg.goto(base_url + "/?p=khai-sinh")  # type: ignore[attr-defined]
    expect(pg.locator(".msg--bot").first).to_be_visible()  # type: ignore[attr-defined]
    # the short card carries the procedure's portal page as a link under the message
    links = ".msg--bot a[href^='https://'], .links a[href^='https://']"
    pg.wait_for_selector(links)  # type: ignore[attr-defined]
    href = pg.locator(links).first.get_attribute("href")  # type: ignore[attr-defined]
    assert href and href.startswith("https://")


@pytest.fixture
def embeddable_url(settings: Settings) -> Iterator[str]:
    with live_app(settings.model_copy(update={"cors_origins": [PORTAL_ORIGIN]})) as url:
        yield url


def test_widget_opens_the_chat_inside_an_allowed_portal(page: object, embeddable_url: str) -> None:
    pg, base_url = page, embeddable_url
    host = (
        "<!doctype html><html lang=vi><body><h1>Cổng phường</h1>"
        f"<script src='{base_url}/widget.js'></script></body></html>"
    )
    with static_page(host, PORTAL_PORT):
        pg.goto(PORTAL_ORIGIN + "/")  # type: ignore[attr-defined]
        check_widget(pg)


def check_widget(pg: object) -> None:
    from playwright.sync_api import expect

    bubble = pg.locator(".motcua-bubble")  # type: ignore[attr-defined]
    expect(bubble).to_be_visible()
    bubble.click()
    expect(bubble).to_have_attribute("aria-expanded", "true")
    frame = pg.frame_locator(".motcua-panel iframe")  # type: ignore[attr-defined]
    expect(frame.locator(".msg--bot").first).to_be_visible()
