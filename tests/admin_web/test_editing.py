"""An official who has never seen YAML fixes a fee in the browser: the mistake is shown next to the field
and on its YAML line, the fix previews in the chat simulator, publishing reaches the live bot, and one
click in the history brings the old fee back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.chat_probe import wait_until_bot_says
from tests.admin_web.conftest import MakeContext

pytestmark = MARKS

NEW_FEE = "Lệ phí 25.000 đồng; nộp trực tuyến được giảm còn 12.500 đồng."
CARD_FEE = "Lệ phí 25.000 đồng"  # the short card shows a fee's first clause; the rest is one button away
COMMENT = "Sửa lệ phí theo Nghị quyết 15/2025 của HĐND tỉnh"


def open_procedure(page: Page, name: str) -> None:
    page.fill("#q", name)
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.locator("#title")).to_have_text(name)
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")  # the first check has answered


def test_fix_a_fee_preview_publish_and_roll_back(site: Site, new_context: MakeContext) -> None:
    page = signed_in(new_context(), site, site.login_path("official", "Nguyễn Thị Lan", "Phường Bến Nghé"))
    expect(page.locator("#me-name")).to_have_text("Nguyễn Thị Lan")
    expect(page.locator("#list tbody tr").first).to_be_visible()
    shot(page, "admin-procedures.png")

    open_procedure(page, "Đăng ký khai sinh")
    expect(page.locator("#tab-form")).to_have_attribute("aria-selected", "true")  # the form comes first
    old_fee = page.input_value("#f-fee-text")
    was_free = page.is_checked("#f-fee-free")

    # A mistake: the amount in words. It is explained next to the field, and nothing can be published.
    page.fill("#f-fee-amount", "hai mươi lăm nghìn")
    page.locator("#f-fee-amount").blur()
    expect(page.locator("#f-fee-amount")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-fee-amount-error")).to_contain_text("số")
    expect(page.locator("#summary")).to_contain_text("lỗi cần sửa")
    page.fill("#comment", COMMENT)
    page.click("#publish")
    expect(page.locator("#publish-status")).to_contain_text("Còn lỗi")
    shot(page, "admin-form-error.png")

    # The fix: digits (with the dots people write), not free any more, and the sentence citizens read.
    page.fill("#f-fee-amount", "25.000")
    expect(page.locator("#f-fee-amount-money")).to_contain_text("25.000 đồng")
    if was_free:
        page.uncheck("#f-fee-free")
    page.fill("#f-fee-text", NEW_FEE)
    page.locator("#f-fee-text").blur()
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")
    expect(page.locator("#f-fee-amount")).not_to_have_attribute("aria-invalid", "true")
    # The chat simulator shows the draft as a citizen will see it, the change marked.
    expect(page.locator(".sim__log mark").first).to_contain_text("25.000 đồng")

    # The same draft in the YAML editor; a mistake there is marked on its own line.
    page.click("#tab-yaml")
    draft = page.input_value("#yaml-text")
    assert re.search(r"^\s*amount: 25000$", draft, re.M), draft
    lines = draft.split("\n")
    level_line = next(i for i, line in enumerate(lines) if line.startswith("level:")) + 1
    broken = "\n".join("level: 9" if i == level_line - 1 else line for i, line in enumerate(lines))
    page.fill("#yaml-text", broken)
    expect(page.locator(".yaml__gutter .is-err")).to_have_text([str(level_line)])
    expect(page.locator("#problems")).to_contain_text(f"Dòng {level_line}")
    page.locator("#problems button").first.click()
    expect(page.locator("#caret")).to_contain_text(f"Dòng {level_line},")
    expect(page.locator("#caret-problem")).not_to_be_empty()
    shot(page, "admin-yaml-error.png")
    page.fill("#yaml-text", draft)
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")
    expect(page.locator(".yaml__gutter .is-err")).to_have_count(0)

    # Publish (with the comment) and the live bot says the new fee.
    page.click("#publish")
    expect(page.locator("#publish-status")).to_contain_text("Đã đăng")
    shot(page, "admin-published.png")
    said = wait_until_bot_says(site.base, lambda text: CARD_FEE in text, start="khai-sinh")
    assert old_fee.split(";")[0] not in said

    # History: the change as a readable diff, then one click back to the revision before it.
    page.click("#history-link")
    revisions = page.locator("#revisions > li")
    expect(revisions.first).to_contain_text(COMMENT)
    revisions.first.get_by_role("button", name="Xem thay đổi").click()
    expect(page.locator(".diff tr.add").filter(has_text=NEW_FEE)).to_have_count(1)
    expect(page.locator(".diff tr.del").filter(has_text=old_fee[:30])).not_to_have_count(0)
    page.get_by_label("Hai cột cạnh nhau").check()
    expect(page.locator(".diff td.add").filter(has_text=NEW_FEE)).to_have_count(1)
    shot(page, "admin-history-diff.png")

    revisions.nth(1).get_by_role("button", name="Quay lại phiên bản này").click()
    dialog = page.locator("#rollback-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#rollback-impact")).to_contain_text("procedures/khai-sinh.yaml")
    page.click("#rollback-confirm")
    expect(page.locator("#page-status")).to_contain_text("Đã quay lại")
    expect(dialog).to_be_hidden()
    old_card = old_fee.split(";")[0].rstrip(".")
    wait_until_bot_says(site.base, lambda text: CARD_FEE not in text and old_card in text, start="khai-sinh")


@pytest.mark.parametrize("width", [390])
def test_the_editor_fits_a_phone(site: Site, new_context: MakeContext, width: int) -> None:
    page = signed_in(new_context(width, 844), site, site.login_path("official", "Phạm Văn Hùng"))
    open_procedure(page, "Đăng ký khai sinh")
    # Nothing wider than the screen: the official never scrolls sideways to reach a field or a button.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    expect(page.locator("#publish")).to_be_visible()
    shot(page, "admin-procedure-phone.png")


def test_a_check_lost_on_the_way_is_asked_again(site: Site, new_context: MakeContext) -> None:
    """The server does not answer one check (a restart, a dropped connection): the mistake is still marked
    on its line once the next one answers, without the official typing anything more."""
    page = signed_in(new_context(), site, site.login_path("official", "Lê Văn Tâm"))
    open_procedure(page, "Đăng ký khai sinh")
    page.click("#tab-yaml")
    draft = page.input_value("#yaml-text")
    lines = draft.split("\n")
    level_line = next(i for i, line in enumerate(lines) if line.startswith("level:")) + 1
    dropped: list[str] = []

    def drop_first(route: Route) -> None:
        if not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/admin/api/validate", drop_first)
    broken = "\n".join("level: 9" if i == level_line - 1 else line for i, line in enumerate(lines))
    page.fill("#yaml-text", broken)
    expect(page.locator(".yaml__gutter .is-err")).to_have_text([str(level_line)], timeout=10_000)
    assert dropped, "the first check should have been dropped"
