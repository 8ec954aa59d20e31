"""The chat page in a real Chromium: it keeps the server's conversation token and sends it back in the
X-Motcua-Conversation header (never a user id), and a link of another scheme is shown as plain text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from bot.config import Settings
from tests.support.browser import ARTIFACTS, phone_page
from tests.web.test_chat_page import base_url as base_url  # the fixture
from tests.web.test_chat_page import pytestmark as pytestmark  # browser marks

TOKEN = "t" * 43
HOSTILE = {"label": "Nhấn vào đây", "url": "javascript:document.title='pwned'"}
PORTAL = {"label": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn"}


@pytest.fixture
def browser_page() -> Iterator[Any]:
    with phone_page() as pg:
        yield pg


def test_the_page_keeps_the_token_and_shows_only_web_links(
    browser_page: Any, base_url: str, settings: Settings
) -> None:
    page = browser_page
    sent: list[dict[str, Any]] = []

    def fake_chat(route: Any) -> None:
        request = route.request
        sent.append({"headers": request.headers, "body": json.loads(request.post_data or "{}")})
        answer: dict[str, Any] = {
            "messages": [{"text": "Mời bạn xem:", "buttons": [], "links": [HOSTILE, PORTAL]}]
        }
        if len(sent) == 1:
            answer["token"] = TOKEN
        route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

    page.route("**/api/chat", fake_chat)
    polls: list[dict[str, str]] = []
    page.route(
        "**/api/chat/updates*", lambda route: (polls.append(route.request.headers), route.continue_())[1]
    )
    page.goto(base_url + "/")
    page.wait_for_selector(".links a")
    page.fill("#input", "khai sinh")
    page.keyboard.press("Enter")
    expect(page.locator(".links")).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-link-schemes.png"))

    assert "x-motcua-conversation" not in sent[0]["headers"]  # the first request starts the conversation
    assert sent[1]["headers"]["x-motcua-conversation"] == TOKEN
    assert all("user_id" not in s["body"] for s in sent)
    assert polls and all(p.get("x-motcua-conversation") == TOKEN for p in polls)
    hrefs = page.eval_on_selector_all(".links a", "els => els.map(e => e.href)")
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    box = page.locator(".links").last
    assert "Nhấn vào đây" in box.inner_text()  # the label is still shown, as plain text
    portal = box.get_by_role("link", name=PORTAL["label"])
    shape = portal.bounding_box()
    assert shape is not None and shape["width"] > 0 and 0 <= shape["y"] < 844
    assert page.title() != "pwned"
