"""What a citizen sees on the web chat at 390×844, checked as a person would: where each link really
goes, that a reload keeps a walk opened from a short link, that the composer shows its whole hint, that no
button looks chosen before anything is pressed, and that the tab has an icon."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from bot.config import Settings
from tests.support.browser import ARTIFACTS, MARKS, phone_page
from tests.support.server import live_app

pytestmark = MARKS

HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
ONLINE = "Hướng dẫn nộp trực tuyến"
NEXT = "Xong, tiếp tục"


@pytest.fixture
def chat() -> Iterator[Page]:
    """A phone-sized page (390×844) in Debian's Chromium."""
    with phone_page() as pg:
        yield pg


@pytest.fixture
def base_url(settings: Settings) -> Iterator[str]:
    with live_app(settings) as url:
        yield url


def live_chip(page: Page, label: str) -> None:
    """Press the button a person would press, and wait for the bot's answer."""
    before = page.locator(".msg--bot").count()
    page.locator(".chip:not([disabled])", has_text=label).first.click()
    page.wait_for_function("n => document.querySelectorAll('.msg--bot').length > n", arg=before)


def open_online_walk(page: Page, start: str) -> None:
    page.goto(start)
    expect(page.locator(".chip:not([disabled])", has_text=ONLINE)).to_be_visible()
    live_chip(page, ONLINE)
    expect(page.locator(".msg--bot").last).to_contain_text("Bước 1/")


def check_links(page: Page) -> int:
    """Every link in the bubbles goes to the address its text shows; every link opens a real host."""
    anchors = page.locator(".msg--bot a, .links a")
    for i in range(anchors.count()):
        a = anchors.nth(i)
        href = a.evaluate("a => a.href")  # the address the browser would really open
        parts = urlsplit(href)
        assert parts.scheme == "https" and HOST.match(parts.hostname or ""), f"broken link {href!r}"
        assert "%20" not in href and " " not in href, href
        shown = a.inner_text()
        if a.evaluate("a => a.closest('.msg') !== null"):  # an address written in the text
            wanted = shown if shown.startswith("http") else "https://" + shown
            assert href.rstrip("/") == wanted.rstrip("/"), f"{shown!r} opens {href!r}"
            assert a.bounding_box(), f"the link {shown!r} is not visible"
    return anchors.count()


def test_every_link_in_an_online_walk_opens_its_address(chat: Page, base_url: str) -> None:
    open_online_walk(chat, base_url + "/?p=khai-sinh")
    checked = check_links(chat)
    step = 1
    while chat.locator(".chip:not([disabled])", has_text=NEXT).count():
        live_chip(chat, NEXT)
        step += 1
        checked = check_links(chat)
    assert step >= 5 and checked >= 3  # walked the steps; the portal is linked in the text and below
    text_links = chat.locator(".msg--bot a").evaluate_all("as => as.map(a => a.href)")
    assert any(urlsplit(h).hostname == "dichvucong.gov.vn" for h in text_links)
    chat.screenshot(path=str(ARTIFACTS / "web-chat-links.png"), full_page=True)


@pytest.mark.parametrize("start", ["/p/khai-sinh", "/?p=khai-sinh"])
def test_a_reload_keeps_the_progress_of_a_walk_opened_from_a_short_link(
    chat: Page,
    base_url: str,
    start: str,
) -> None:
    open_online_walk(chat, base_url + start)
    live_chip(chat, NEXT)
    live_chip(chat, NEXT)
    expect(chat.locator(".msg--bot").last).to_contain_text("Bước 3/")
    chat.reload()  # phones reload the tab after the citizen switches to the VNeID app
    last = chat.locator(".msg--bot").last
    expect(last).to_contain_text("Bước 3/")
    expect(chat.locator(".msg--bot", has_text="Bước 3/")).to_have_count(1)
    assert last.bounding_box() and last.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    chat.screenshot(path=str(ARTIFACTS / "web-chat-reload.png"))
    live_chip(chat, NEXT)  # and the walk goes on from there
    expect(chat.locator(".msg--bot").last).to_contain_text("Bước 4/")


def test_the_placeholder_shows_whole_on_first_load(chat: Page, base_url: str) -> None:
    chat.goto(base_url + "/")
    expect(chat.locator(".chip:not([disabled])").first).to_be_visible()
    box = chat.locator("#input")
    hint = box.get_attribute("placeholder") or ""
    assert hint
    empty = box.bounding_box()
    assert empty
    chat.locator(".chat__composer").screenshot(path=str(ARTIFACTS / "web-chat-composer.png"))
    # The same words typed in need this much room; the hint must have at least as much.
    box.fill(hint)
    box.dispatch_event("input")
    typed = box.bounding_box()
    assert typed
    assert empty["height"] >= typed["height"] - 1, f"hint cut: {empty['height']} < {typed['height']}"
    assert box.evaluate("t => t.scrollHeight <= t.clientHeight + 1")


def test_no_button_looks_chosen_before_anything_is_pressed(chat: Page, base_url: str) -> None:
    chat.goto(base_url + "/")
    chips = chat.locator(".chip:not([disabled])")
    expect(chips.first).to_be_visible()
    assert chips.count() >= 2
    ring = (
        "c => getComputedStyle(c).outlineStyle === 'none' ? 0 : parseFloat(getComputedStyle(c).outlineWidth)"
    )
    assert chips.first.evaluate(ring) == 0, "the first button looks selected on arrival"
    assert chips.first.evaluate("c => getComputedStyle(c).backgroundColor") == chips.nth(1).evaluate(
        "c => getComputedStyle(c).backgroundColor"
    )
    chat.screenshot(path=str(ARTIFACTS / "web-chat-first-load.png"))
    chat.keyboard.press("Tab")  # a keyboard user still lands on the buttons, and sees where
    focused = chat.evaluate("document.activeElement.className")
    assert "chip" in focused
    assert chat.evaluate("(" + ring + ")(document.activeElement)") > 0


def test_the_tab_has_an_icon(chat: Page, base_url: str) -> None:
    answer = httpx.get(base_url + "/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/")
    chat.goto(base_url + "/")
    size = chat.evaluate(
        """() => new Promise(done => { const i = new Image(); i.onload = () => done(i.naturalWidth);
           i.onerror = () => done(0); i.src = '/favicon.ico'; })"""
    )
    assert size >= 16
