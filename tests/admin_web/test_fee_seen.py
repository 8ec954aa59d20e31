"""The fee form at 1280×800: an amount the sentence citizens read does not say is warned about beside the
sentence and in the summary (not "Không có lỗi" alone), and the sentence can be rebuilt from the amounts."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.admin_web.browser import MARKS, Site, shot, signed_in
from tests.admin_web.conftest import MakeContext
from tests.admin_web.test_editing import open_procedure

pytestmark = MARKS


def test_an_amount_the_sentence_does_not_say_is_warned_about(site: Site, new_context: MakeContext) -> None:
    page = signed_in(new_context(1280, 800), site, site.login_path("official", "Nguyễn Thị Lan"))
    open_procedure(page, "Cấp lại thẻ căn cước")  # 35.000 đ, said in its sentence
    expect(page.locator(".field-warn")).to_have_count(0)

    page.fill("#f-fee-amount", "15000")
    page.locator("#f-fee-amount").blur()
    warning = page.locator("#quick-form .field-warn")
    expect(warning).to_contain_text("15.000 đồng")
    expect(page.locator("#summary")).to_contain_text("cần xem lại")
    expect(page.locator("#summary")).not_to_contain_text("Không có lỗi.")
    # The official is at the amount box, just below the sentence: the warning appears in view there.
    box = warning.bounding_box()
    assert box and box["height"] > 0 and box["y"] >= 0 and box["y"] + box["height"] <= 800 + 1  # subpixel
    text_box = page.locator("#f-fee-text").bounding_box()
    assert text_box and abs(box["y"] - (text_box["y"] + text_box["height"])) < 80  # beside the sentence
    shot(page, "fee-warning.png", full_page=False)

    warning.get_by_role("button", name="Viết lại câu theo số tiền").click()
    expect(page.locator("#f-fee-text")).to_have_value("Lệ phí 15.000 đồng.")
    expect(page.locator(".field-warn")).to_have_count(0)
    expect(page.locator("#summary")).to_contain_text("Không có lỗi")
