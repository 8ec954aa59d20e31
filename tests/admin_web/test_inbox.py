"""A citizen on the web chat asks for a person; a volunteer of that ward sees the conversation waiting with
the bot's transcript, claims it and replies; the reply reaches the citizen's page; while the volunteer
holds the conversation the bot says nothing; handed back, the bot takes over again."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.admin_web.browser import MARKS, VOLUNTEER_WARD, Site, shot, signed_in
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS

REPLY = "Chào bạn, mình là cán bộ phường. Bạn đang vướng ở bước nào?"
QUESTION = "Cho mình hỏi làm khai sinh có mất phí không?"


def citizen_asks_for_a_person(page: Page, base: str, start: str = "/") -> None:
    page.goto(base + start)
    expect(page.locator(".msg--bot").first).to_be_visible()
    page.fill("#input", "gặp cán bộ")
    page.press("#input", "Enter")
    page.locator(".chip:not([disabled])", has_text="Nhắn tin với cán bộ").click()
    expect(page.locator(".msg--bot").last).to_contain_text("cán bộ")


def test_a_volunteer_claims_replies_and_the_bot_stays_silent(site: Site, new_context: MakeContext) -> None:
    volunteer = signed_in(new_context(), site, site.login_path("volunteer", "Trần Văn Minh", VOLUNTEER_WARD))
    citizen = new_context(390, 844).new_page()
    citizen_asks_for_a_person(citizen, site.base)

    volunteer.get_by_role("link", name="Hỗ trợ người dân").click()
    waiting = volunteer.locator("#waiting button")
    expect(waiting).to_have_count(1)  # it arrives by polling, without reloading the page
    waiting.click()
    transcript = volunteer.locator("#transcript")
    expect(transcript.locator(".msg--citizen").filter(has_text="gặp cán bộ")).to_have_count(1)
    expect(transcript.locator(".msg--bot").first).to_be_visible()  # what the bot said so far
    volunteer.get_by_role("button", name="Nhận hỗ trợ").click()
    expect(volunteer.locator("#conv-status")).to_contain_text("Bạn đang hỗ trợ")
    expect(volunteer.locator("#active button")).to_have_count(1)

    volunteer.fill("#reply", REPLY)
    volunteer.press("#reply", "Enter")
    expect(transcript.locator(".msg--person").last).to_contain_text(REPLY)
    expect(volunteer.locator("#reply")).to_have_value("")
    # The citizen's page receives the person's words on its own (GET /api/chat/updates).
    expect(citizen.locator(".msg--bot").last).to_contain_text(REPLY, timeout=20_000)

    # The citizen writes; the bot does not answer: nothing comes back, no bubble is added.
    bubbles = citizen.locator(".msg--bot").count()
    with citizen.expect_response(
        lambda r: r.url.endswith("/api/chat") and r.request.method == "POST"
    ) as sent:
        citizen.fill("#input", QUESTION)
        citizen.press("#input", "Enter")
    assert json.loads(sent.value.text())["messages"] == []
    expect(citizen.locator(".msg--me").last).to_have_text(QUESTION)
    citizen.wait_for_timeout(1500)
    assert citizen.locator(".msg--bot").count() == bubbles
    # ... and the volunteer reads the question in the inbox.
    expect(transcript.locator(".msg--citizen").last).to_contain_text(QUESTION, timeout=20_000)
    shot(volunteer, "admin-inbox.png")
    shot(citizen, "admin-inbox-citizen.png")

    volunteer.get_by_role("button", name="Trả lại cho bot").click()
    expect(volunteer.locator("#active button")).to_have_count(0)
    expect(citizen.locator(".msg--bot").last).not_to_contain_text(REPLY, timeout=20_000)  # the bot is back
