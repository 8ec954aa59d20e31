"""What citizens asked and the bot could not answer becomes an alias in a few clicks: the question is
listed and counted, "add as alias of ..." opens a draft whose preview already answers it, and once
published the live bot finds the procedure."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from api.routes import admin_api
from tests.admin_web.browser import MARKS, VOLUNTEER_WARD, Site, shot, signed_in
from tests.admin_web.chat_probe import bot_says, wait_until_bot_says
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS

QUESTION = "giấy chào đời"  # what some parents call the birth certificate; the catalogue does not know it
PROCEDURE = "Đăng ký khai sinh"


def shows_the_procedure(said: str) -> bool:
    """The bot answered with the procedure's short card (its name on a line of its own, then its fee)."""
    return f"{PROCEDURE}\n" in said and "Lệ phí:" in said


def test_an_unanswered_question_becomes_an_alias(site: Site, new_context: MakeContext) -> None:
    for _ in range(3):
        assert not shows_the_procedure(bot_says(site.base, text=QUESTION))

    page = signed_in(new_context(), site, site.login_path("official", "Võ Thị Mai", "Phường Bến Nghé"))
    page.get_by_role("link", name="Câu hỏi chưa trả lời").click()
    row = page.locator("#list tbody tr").filter(has_text=QUESTION)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3 lần")  # the same question, asked three times, is one row
    expect(row).to_contain_text("Bot không tìm được thủ tục")
    shot(page, "admin-unanswered.png")

    row.get_by_text("Thêm làm cách gọi khác của thủ tục…").click()
    row.get_by_label("Chọn thủ tục").select_option(label=PROCEDURE)
    row.get_by_role("button", name="Mở bản nháp").click()

    expect(page.locator("#title")).to_have_text(PROCEDURE)
    expect(page.locator("#draft-status")).to_contain_text(QUESTION)
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")
    # The simulator asks the draft the citizen's own question, from the main menu: it now finds it.
    expect(page.locator(".sim__log .msg--me").first).to_have_text(QUESTION)
    expect(page.locator(".sim__log .msg--me + .msg--bot")).to_contain_text(PROCEDURE)
    page.click("#tab-yaml")
    assert f"- {QUESTION}" in page.input_value("#yaml-text")
    shot(page, "admin-alias-draft.png")

    expect(page.locator("#comment")).to_have_value(f"Thêm cách gọi khác “{QUESTION}”")
    page.click("#publish")
    expect(page.locator("#publish-status")).to_contain_text("Đã đăng")
    wait_until_bot_says(site.base, shows_the_procedure, text=QUESTION)

    page.get_by_role("link", name="Câu hỏi chưa trả lời").click()
    expect(page.locator("#count")).to_be_visible()
    expect(page.locator("#list tbody tr").filter(has_text=QUESTION)).to_have_count(0)


TOPIC_QUESTION = "đợi cả tiếng chưa thấy tin nhắn gửi về máy"  # the OTP trouble, in words no topic has yet
TOPIC = "Không nhận được mã OTP"


def test_an_unanswered_question_becomes_a_phrasing_of_a_topic(site: Site, new_context: MakeContext) -> None:
    assert "OTP" not in bot_says(site.base, text=TOPIC_QUESTION)
    page = signed_in(new_context(), site, site.login_path("official", "Võ Thị Mai", "Phường Bến Nghé"))
    page.get_by_role("link", name="Câu hỏi chưa trả lời").click()
    row = page.locator("#list tbody tr").filter(has_text=TOPIC_QUESTION)
    expect(row).to_have_count(1)
    row.get_by_text("Thêm làm cách nói của một chủ đề…").click()
    row.get_by_label("Chọn chủ đề").select_option(label=TOPIC)
    row.get_by_role("button", name="Xem trước thay đổi").click()
    expect(row).to_contain_text(f"Sẽ thêm “{TOPIC_QUESTION}”")
    publish = row.get_by_role("button", name="Đăng thay đổi")
    expect(publish).to_be_visible()
    box = publish.bounding_box()
    assert box is not None and box["width"] > 40 and box["height"] > 20, "a button a person can press"
    shot(page, "admin-unanswered-topic.png")
    publish.click()
    expect(row).to_contain_text("Đã đăng")
    wait_until_bot_says(site.base, lambda said: "OTP" in said, text=TOPIC_QUESTION)


def test_stale_content_lists_never_verified_first(
    site: Site, new_context: MakeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two years on, whatever the catalogue's dates, procedures are due again and the list has rows.
    monkeypatch.setattr(admin_api, "today", lambda: dt.date.today() + dt.timedelta(days=730))
    page = signed_in(new_context(), site, site.login_path("volunteer", "Trần Văn Minh", VOLUNTEER_WARD))
    page.get_by_role("link", name="Cần kiểm tra lại").click()
    rows = page.locator("#list tbody tr")
    expect(rows.first).to_be_visible()
    labels = rows.locator("td:nth-child(2)").all_inner_texts()
    never = [label == "Chưa kiểm tra lần nào" for label in labels]
    assert never == sorted(never, reverse=True), "never-verified procedures must come first"
    rows.first.get_by_role("link").click()
    expect(page.locator("#verified-line")).to_be_visible()
    shot(page, "admin-stale-open.png")
