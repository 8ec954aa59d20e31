"""The inbox at 1280×800 says whose queue it lists, and names the procedure a citizen was on."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.admin_web.browser import MARKS, VOLUNTEER_WARD, Site, shot, signed_in
from tests.admin_web.conftest import MakeContext
from tests.admin_web.test_inbox import citizen_asks_for_a_person

pytestmark = MARKS


def test_the_inbox_names_its_queue_and_the_procedures(site: Site, new_context: MakeContext) -> None:
    volunteer = signed_in(
        new_context(1280, 800), site, site.login_path("volunteer", "Trần Văn Minh", VOLUNTEER_WARD)
    )
    citizen_asks_for_a_person(new_context(390, 844).new_page(), site.base, "/?p=khai-sinh")
    volunteer.goto(site.base + "/admin/inbox.html")
    queue = volunteer.locator("#queue-name")
    expect(queue).to_contain_text(VOLUNTEER_WARD)
    box = queue.bounding_box()
    assert box and box["height"] > 0 and box["y"] + box["height"] <= 800  # read without scrolling
    waiting = volunteer.locator("#waiting button")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Đăng ký khai sinh")
    expect(waiting).not_to_contain_text("khai-sinh")
    waiting.click()
    expect(volunteer.locator("#conv-meta")).to_contain_text("Thủ tục: Đăng ký khai sinh")
    shot(volunteer, "inbox-queue.png", full_page=False)

    official = signed_in(new_context(1280, 800), site, site.login_path("official", "Nguyễn Thị Lan"))
    official.goto(site.base + "/admin/inbox.html")
    expect(official.locator("#queue-name")).to_contain_text("tất cả")
