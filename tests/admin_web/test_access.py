"""Who sees what: no session goes to the sign-in page (and comes back after it), a used or wrong link is
explained, and a volunteer reads without being offered to publish."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS


def test_without_a_session_the_pages_lead_to_sign_in_and_back(site: Site, new_context: MakeContext) -> None:
    context = new_context()
    page = context.new_page()
    page.goto(site.base + "/admin/stale.html")
    page.wait_for_url(re.compile(r"/admin/login\.html\?next=/admin/stale\.html$"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    shot(page, "admin-login.png")

    link = site.login_path("official", "Nguyễn Thị Lan")
    page.fill("#link", "không phải đường dẫn")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#link-error")).to_be_visible()
    page.fill("#link", site.base + link)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/admin/stale.html")  # back where the official was going
    expect(page.locator("#me-name")).to_have_text("Nguyễn Thị Lan")

    # The link worked once; opened again (say, by someone who found it) it is explained, not accepted.
    other = new_context().new_page()
    other.goto(site.base + link)
    confirm = other.get_by_role("button", name="Đăng nhập")
    expect(confirm).to_be_visible()  # opening the link only asks; confirming spends it
    shot(other, "admin-login-confirm.png")
    confirm.click()
    page_status = other.locator("#login-status")
    expect(page_status).to_contain_text("đã dùng rồi")


def test_a_volunteer_reads_but_is_not_offered_to_publish(site: Site, new_context: MakeContext) -> None:
    page = signed_in(new_context(), site, site.login_path("volunteer", "Trần Văn Minh", "Bộ phận Một cửa"))
    page.goto(site.base + "/admin/procedure.html?id=khai-sinh")
    expect(page.locator("#page-status")).to_contain_text("chỉ có quyền xem")
    expect(page.locator("#publish-card")).to_be_hidden()
    expect(page.locator("#f-fee-text")).to_be_disabled()
    expect(page.locator(".sim__log .msg--bot").first).to_be_visible()  # the preview still works
