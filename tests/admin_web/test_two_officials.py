"""Two officials edit the same procedure at once: the second to publish is told who changed it and when,
nothing is overwritten, and their draft is kept to copy from while they start again on the newest."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.chat_probe import wait_until_bot_says
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS


def open_procedure(page: Page, procedure_id: str) -> None:
    page.goto(page.url.split("/admin/")[0] + f"/admin/procedure.html?id={procedure_id}")
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")


def test_the_second_publisher_is_told_and_nothing_is_overwritten(
    site: Site, new_context: MakeContext
) -> None:
    lan = signed_in(new_context(), site, site.login_path("official", "Nguyễn Thị Lan", "Phường Bến Nghé"))
    hung = signed_in(new_context(), site, site.login_path("official", "Phạm Văn Hùng", "Phường Bến Nghé"))
    open_procedure(lan, "khai-sinh")
    open_procedure(hung, "khai-sinh")

    lan_time = "Trả kết quả trong 1 ngày làm việc (theo quy trình nội bộ mới của phường)."
    lan.fill("#f-processing_time-text", lan_time)
    lan.locator("#f-processing_time-text").blur()
    expect(lan.locator("#summary")).to_contain_text("Không có lỗi. Bản nháp")
    lan.fill("#comment", "Cập nhật thời gian giải quyết")
    lan.click("#publish")
    expect(lan.locator("#publish-status")).to_contain_text("Đã đăng")

    hung_fee = "Miễn lệ phí (Hùng sửa)."
    hung.fill("#f-fee-text", hung_fee)
    hung.locator("#f-fee-text").blur()
    expect(hung.locator("#summary")).to_contain_text("Không có lỗi. Bản nháp")
    hung.fill("#comment", "Sửa câu lệ phí")
    hung.click("#publish")
    conflict = hung.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Nguyễn Thị Lan")
    shot(hung, "admin-conflict.png")

    # Lan's change is live; Hùng's draft went nowhere.
    said = wait_until_bot_says(site.base, lambda text: lan_time in text, start="khai-sinh")
    assert hung_fee not in said

    hung.click("#conflict-reload")
    expect(hung.locator("#kept")).to_be_visible()
    assert hung_fee in hung.input_value("#kept-text")
    expect(hung.locator("#f-processing_time-text")).to_have_value(lan_time)
