"""The unanswered questions at 1280×800: one very long message (a pasted address, no spaces) wraps in its
cell; the table stays within the window and each row's action stays on screen."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.chat_probe import bot_says
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS

WIDTH = 1280
LONG = "xinchaomuonhoivehoso" * 30  # 600 letters in one "word", as a pasted link or a stuck key gives


def test_a_long_message_does_not_push_the_actions_off_screen(site: Site, new_context: MakeContext) -> None:
    bot_says(site.base, text=LONG)
    page = signed_in(new_context(WIDTH, 800), site, site.login_path("official", "Võ Thị Mai"))
    page.goto(site.base + "/admin/unanswered.html")
    row = page.locator("#list tbody tr").filter(has_text=LONG[:40])
    expect(row).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    table = page.locator("#list").bounding_box()
    assert table and table["x"] + table["width"] <= WIDTH
    action = row.locator("td").last
    box = action.bounding_box()
    assert box and box["width"] > 100 and box["x"] + box["width"] <= WIDTH, box
    expect(row.get_by_text("Thêm làm cách gọi khác của thủ tục…")).to_be_visible()
    count = row.locator("td").nth(1).bounding_box()
    assert count and count["width"] > 30  # "1 lần" is not squeezed into a column of letters
    shot(page, "unanswered-long.png", full_page=False)
