"""The national portal's procedures in the admin pages, as an official sees them: the list's tier filter,
a portal procedure's page read-only, "Khác với Cổng DVCQG" beside a curated procedure, and "adopt": a
draft pre-filled from the page that the official completes and publishes, after which the bot guides it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from bot.cli.portal import import_folder
from bot.config import Settings
from tests.admin_web import wiring
from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.chat_probe import wait_until_bot_says
from tests.admin_web.conftest import MakeContext
from tests.portal.support import FIXTURES, fixture
from tests.support import server

pytestmark = MARKS

LAND = "Cấp lại Giấy chứng nhận do bị mất"  # only the portal has it
LAND_URL = fixture("1.012786").get("detail_url")
WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def portal_site(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """The app with a small portal tier made from the fixture records (khai sinh among them)."""
    tier = tmp_path / "portal.json"
    tier.write_text(import_folder(FIXTURES, "06–07/2026", progress=False)[0], encoding="utf-8")
    with_tier = settings.model_copy(update={"portal_file": tier})
    monkeypatch.setattr(server, "create_app", wiring.wired_app)
    with server.live_app(with_tier, timeout=60.0) as base:
        yield Site(base, with_tier)


def visible_in_viewport(locator: Locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


def official(site: Site, new_context: MakeContext) -> Page:
    return signed_in(
        new_context(WIDTH, HEIGHT), site, site.login_path("official", "Nguyễn Thị Lan", "Phường Bến Nghé")
    )


def test_a_portal_procedure_is_listed_read_and_adopted(portal_site: Site, new_context: MakeContext) -> None:
    page = official(portal_site, new_context)
    page.select_option("#tier", "portal")
    page.fill("#q", "giấy chứng nhận bị mất")
    link = page.get_by_role("link", name=LAND, exact=True)
    visible_in_viewport(link)
    expect(page.locator("#list tbody tr")).to_have_count(1)
    expect(page.locator("#list tbody tr")).to_contain_text("Cổng DVCQG")
    shot(page, "admin-portal-list.png", full_page=False)

    link.click()
    expect(page.locator("#title")).to_have_text(LAND)
    expect(page.locator("#captured")).to_contain_text("bản thu thập 06–07/2026")
    to_page = page.get_by_role("link", name="Mở trang trên Cổng DVCQG")
    expect(to_page).to_have_attribute("href", LAND_URL)
    visible_in_viewport(to_page)
    rows = page.locator("#channels tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Trực tuyến")
    expect(rows.nth(0)).to_contain_text("10 Ngày làm việc")
    expect(rows.nth(2)).to_contain_text("20 Ngày làm việc")
    expect(page.locator("#documents li").first).to_contain_text("Mảnh trích đo bản đồ địa chính")
    adopt = page.get_by_role("button", name="Đưa vào danh mục có hướng dẫn")
    visible_in_viewport(adopt)
    shot(page, "admin-portal-procedure.png", full_page=False)

    adopt.click()
    expect(page.locator("#title")).to_have_text(LAND)
    expect(page.locator("#draft-status")).to_contain_text("Bản nháp tạo từ trang Cổng DVCQG")
    expect(page.locator("#summary")).to_contain_text("các bước nộp trực tuyến")  # what is left to write
    expect(page.locator("#comment")).to_have_value(
        "Đưa thủ tục 1.012786 từ Cổng DVCQG vào danh mục có hướng dẫn"
    )
    shot(page, "admin-portal-adopt-draft.png", full_page=False)

    page.click("#tab-yaml")
    data = yaml.safe_load(page.input_value("#yaml-text"))
    assert data["code"] == "1.012786" and data["source"] == LAND_URL
    data["short_name"] = "Cấp lại sổ đỏ bị mất"
    data["aliases"] = ["mất sổ đỏ", "cấp lại sổ đỏ bị mất"]
    data["online_steps"] = [
        {
            "title": "Mở trang thủ tục",
            "text": "Vào dichvucong.gov.vn, tìm thủ tục mã 1.012786, bấm “Nộp hồ sơ”.",
        }
    ]
    page.fill("#yaml-text", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")
    page.click("#publish")
    expect(page.locator("#publish-status")).to_contain_text("Đã đăng")
    # The bot now knows the citizens' words for it, and guides it step by step.
    said = wait_until_bot_says(
        portal_site.base, lambda s: f"\n{LAND}\n" in s and "Lệ phí:" in s, text="mất sổ đỏ"
    )
    assert "Thông tin dưới đây theo trang Cổng" not in said  # the curated card, not the portal card


def test_khac_voi_cong_dvcqg_side_by_side(portal_site: Site, new_context: MakeContext) -> None:
    page = official(portal_site, new_context)
    page.fill("#q", "Đăng ký khai sinh")
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    card = page.locator("#portal-card")
    expect(card).to_be_visible()
    table = card.locator("table")
    expect(table.locator("thead")).to_contain_text("Danh mục Một Cửa")
    expect(table.locator("thead")).to_contain_text("Cổng DVCQG")
    first = table.locator("tbody tr").first
    expect(first.locator("td")).to_have_count(2)  # both values, side by side
    visible_in_viewport(card.get_by_role("link", name="Mở trang trên Cổng DVCQG"))
    card.scroll_into_view_if_needed()
    shot(page, "admin-portal-differs.png", full_page=False)

    page.get_by_role("link", name="Cần kiểm tra lại").click()
    name = page.get_by_role("link", name="Đăng ký khai sinh", exact=True)
    row = page.locator("#list > tbody > tr").filter(has=name)
    expect(row.locator("table")).to_contain_text("Cổng DVCQG")
    row.scroll_into_view_if_needed()
    shot(page, "admin-portal-stale.png", full_page=False)
