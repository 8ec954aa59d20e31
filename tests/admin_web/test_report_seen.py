"""The quarterly report an official opens at 1280×800, after a citizen walked a procedure on the web chat:
the steps read in words, not internal ids, and the volunteer section says plainly that none happened."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from bot.report.quarter import Quarter
from bot.report.texts import load_report_texts
from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS


def test_the_report_names_steps_and_says_there_were_no_volunteer_sessions(
    site: Site, new_context: MakeContext
) -> None:
    citizen = new_context(390, 844).new_page()
    citizen.goto(site.base + "/?p=khai-sinh")
    citizen.locator(".chip:not([disabled])", has_text="Hướng dẫn nộp trực tuyến").click()
    expect(citizen.locator(".msg--bot").last).to_contain_text("Bước 1/")
    citizen.locator(".chip:not([disabled])", has_text="Xong, tiếp tục").click()
    expect(citizen.locator(".msg--bot").last).to_contain_text("Bước 2/")

    official = signed_in(new_context(1280, 800), site, site.login_path("official", "Nguyễn Thị Lan"))
    quarter = Quarter.containing(dt.datetime.now(dt.UTC))
    official.goto(f"{site.base}/admin/report/{quarter}.html")
    online = official.locator("#t-flow_steps-online")
    expect(online).to_be_visible()
    cells = online.locator("td").all_inner_texts()
    words = load_report_texts()
    assert words.walk_step in cells
    assert not {"steps", "about", "login_next", "confirm"} & set(cells), cells
    online.scroll_into_view_if_needed()
    shot(official, "report-steps.png", full_page=False)

    assisted = official.locator("#assisted")
    assisted.scroll_into_view_if_needed()
    expect(assisted).to_contain_text("Chưa có buổi hỗ trợ trực tiếp nào")
    expect(assisted).not_to_contain_text(words.no_data_yet)
    box = assisted.bounding_box()
    assert box and box["height"] > 0
    shot(official, "report-assisted.png", full_page=False)
