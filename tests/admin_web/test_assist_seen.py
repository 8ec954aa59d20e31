"""The volunteer's quick mode at 1280×800, as the volunteer sees it: the hand-over QR codes have a real
size; without public links the reason and the fix appear beside the button pressed (and on the leaflet
preview); "In trang này" prints the procedure chosen, not every search result."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from bot.config import Settings
from tests.admin_web import wiring
from tests.admin_web.browser import ARTIFACTS, MARKS, VOLUNTEER_WARD, Site, shot, signed_in
from tests.admin_web.conftest import MakeContext
from tests.support import server

pytestmark = MARKS

SETTINGS = ("MOTCUA_PUBLIC_BASE_URL", "MOTCUA_TELEGRAM_BOT_USERNAME", "MOTCUA_ZALO_OA_LINK")
WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def public_site(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """The app as a ward runs it, with a public address and a Telegram bot to hand citizens over to."""
    monkeypatch.setattr(server, "create_app", wiring.wired_app)
    public = settings.model_copy(
        update={"public_base_url": "https://motcua.example.org", "telegram_bot_username": "motcua_mau_bot"}
    )
    with server.live_app(public, timeout=60.0) as base:
        yield Site(base, public)


def volunteer_searches(site: Site, new_context: MakeContext, q: str = "khai sinh") -> Page:
    page = signed_in(
        new_context(WIDTH, HEIGHT), site, site.login_path("volunteer", "Lê Thu Hà", VOLUNTEER_WARD)
    )
    page.goto(site.base + "/admin/assist.html?q=" + q)
    expect(page.locator(".assist-card").first).to_be_visible()
    return page


def in_viewport(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, f"{selector} is outside the window: {box}"


def test_the_hand_over_shows_qr_codes_of_real_size(public_site: Site, new_context: MakeContext) -> None:
    page = volunteer_searches(public_site, new_context)
    page.get_by_role("button", name="Gửi cho người dân").first.click()
    dialog = page.locator("#handover")
    expect(dialog).to_be_visible()
    codes = dialog.locator("svg")
    expect(codes).to_have_count(2)  # the web chat and Telegram; no Zalo OA link is set
    for i in range(codes.count()):
        box = codes.nth(i).bounding_box()
        assert box and box["width"] >= 200 and box["height"] >= 200, f"QR code {i} renders {box}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT
    shot(page, "assist-handover.png", full_page=False)


def test_without_public_links_the_reason_shows_beside_the_button(
    site: Site, new_context: MakeContext
) -> None:
    page = volunteer_searches(site, new_context)
    send = page.get_by_role("button", name="Gửi cho người dân").first
    send.scroll_into_view_if_needed()
    send.click()
    error = page.locator(".assist-card [data-card-error]").first
    expect(error).to_be_visible()
    in_viewport(page, ".assist-card [data-card-error] >> nth=0")
    for name in SETTINGS:
        expect(error).to_contain_text(name)
    expect(error).to_contain_text(".env")
    expect(error).to_contain_text("127.0.0.1")  # why the default address does not count
    shot(page, "assist-no-links.png", full_page=False)


def test_the_leaflet_preview_says_which_settings_are_missing(site: Site, tmp_path: Path) -> None:
    answer = httpx.get(site.base + "/leaflets/khai-sinh.pdf", timeout=60)
    assert answer.status_code == 200
    pdf = tmp_path / "leaflet.pdf"
    pdf.write_bytes(answer.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "chưa có mã QR" in text
    for name in SETTINGS:
        assert name in text
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "leaflet-no-codes")]
    )


def test_print_gives_the_chosen_procedure_only(site: Site, new_context: MakeContext, tmp_path: Path) -> None:
    page = volunteer_searches(site, new_context, "giấy khai sinh")
    cards = page.locator(".assist-card")
    assert cards.count() >= 2
    chosen = cards.nth(1).locator("h2").inner_text()
    others = [cards.nth(i).locator("h2").inner_text() for i in range(cards.count()) if i != 1]
    # Count the print dialogs instead of opening one (a function given to evaluate is called: wrap it).
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    cards.nth(1).get_by_role("button", name="In trang này").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    shown = [h for h in page.locator(".assist-card h2").all() if h.is_visible()]
    assert [h.inner_text() for h in shown] == [chosen]
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert chosen in printed and not any(name in printed for name in others)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in pages or "Pages:           2" in pages, pages
