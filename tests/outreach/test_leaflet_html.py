"""The leaflet and poster HTML, checked without a browser: what is printed for which facts."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from jinja2 import UndefinedError

from bot.config import load_settings
from bot.domain.catalogue import Catalogue, Document, DocumentKind, Procedure
from bot.outreach.leaflet import display_url, leaflet_html
from bot.outreach.links import BotLinks
from bot.outreach.poster import poster_html
from bot.outreach.render import render
from bot.outreach.texts import OutreachTexts, fill


def visible(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    without_style = re.sub(r"<(style|svg)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_style))).strip()


def edited(procedure: Procedure, **changes: Any) -> Procedure:
    return procedure.model_copy(update=changes)


@pytest.mark.parametrize("procedure_id", ["khai-sinh", "can-cuoc", "ket-hon-yeu-to-nuoc-ngoai"])
def test_a_leaflet_shows_the_facts_of_its_procedure(
    procedure_id: str, catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    p = catalogue[procedure_id]
    page = visible(leaflet_html(p, texts, links))
    for fact in (p.name, p.for_whom, p.fee.text, p.processing_time.text, p.contact.office):
        assert " ".join(fact.split()) in page
    for document in p.documents:
        assert " ".join(document.name.split()) in page
        assert texts.kinds.of(document.kind) in page
    assert texts.levels.of(p.level).label in page
    assert display_url(links.short_url(p.id) or "") in page


def test_the_online_level_is_said_in_todays_terms(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    base = catalogue["khai-sinh"]
    for level in (4, 3):
        page = visible(leaflet_html(edited(base, level=level), texts, links))
        assert texts.levels.of(level).label in page
        others = {texts.levels.of(o).label for o in (2, 3, 4) if o != level}
        assert not any(f" {label} " in f" {page} " for label in others)
    offline = edited(base, level=2, channels=base.channels.model_copy(update={"online": False}))
    page = visible(leaflet_html(offline, texts, links))
    assert texts.levels.of(2).label in page
    assert texts.leaflet.online not in page, "no online filing place for a procedure filed in person"
    assert base.agency.where in page, "a procedure filed in person says where"


def test_vneid_is_mentioned_only_when_the_procedure_can_be_filed_there(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    p = catalogue["khai-sinh"]
    assert p.portal.vneid
    assert texts.leaflet.vneid in visible(leaflet_html(p, texts, links))
    without = edited(p, portal=p.portal.model_copy(update={"vneid": False}))
    assert texts.leaflet.vneid not in visible(leaflet_html(without, texts, links))
    assert display_url(p.portal.url) in visible(leaflet_html(without, texts, links))


def test_a_checklist_row_shows_kind_count_form_optional_and_note(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    row = Document(
        name="Tờ khai thay đổi thông tin cư trú", kind=DocumentKind.FORM, count=2, form="CT01", note="Ghi rõ."
    )
    optional = Document(name="Văn bản ủy quyền", kind=DocumentKind.CERTIFIED_COPY, required=False)
    page = leaflet_html(edited(catalogue["thuong-tru"], documents=[row, optional]), texts, links)
    assert page.count('class="box"') == 2, "one tick box per document"
    shown = visible(page)
    assert fill(texts.leaflet.count, count="2") in shown
    assert fill(texts.leaflet.form, form="CT01") in shown
    assert "Ghi rõ." in shown
    assert texts.kinds.of(DocumentKind.CERTIFIED_COPY) in shown
    assert shown.count(texts.leaflet.optional) == 1


def test_content_is_escaped_never_markup(catalogue: Catalogue, texts: OutreachTexts, links: BotLinks) -> None:
    p = catalogue["tam-tru"]
    attack = '<script>alert("x")</script><img src=x onerror=1>'
    doc = Document(name=attack, note=attack)
    fee = p.fee.model_copy(update={"text": attack})
    page = leaflet_html(edited(p, name=attack, documents=[doc], fee=fee), texts, links)
    assert "<script>" not in page and "<img" not in page
    # Printed as text: the <title> and heading, the document's name and note, the fee.
    assert visible(page).count(attack) == 5


def test_unverified_facts_carry_a_mark_that_the_footer_explains(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    p = catalogue["khai-sinh"]
    mark = f'<span class="mark">{texts.leaflet.unverified_mark}</span>'
    checked = leaflet_html(edited(p, unverified=[]), texts, links)
    assert mark not in checked and texts.leaflet.unverified not in visible(checked)
    fee_only = leaflet_html(edited(p, unverified=["fee"]), texts, links)
    assert fee_only.count(mark) == 1
    assert texts.leaflet.unverified in visible(fee_only)
    date = f"{p.last_verified:%d/%m/%Y}"
    assert fill(texts.leaflet.verified, date=date) in visible(fee_only)


def test_a_procedure_never_verified_says_so_instead_of_a_date(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    p = edited(catalogue["khai-sinh"], last_verified=None, unverified=["fee", "documents"])
    page = leaflet_html(p, texts, links)
    assert texts.leaflet.verifying in visible(page)
    assert 'class="mark"' not in page, "the whole sheet is being checked: no marks"
    assert display_url(p.source or "") in visible(page)


def test_the_zalo_code_says_what_to_type(catalogue: Catalogue, texts: OutreachTexts, links: BotLinks) -> None:
    p = catalogue["ly-lich-tu-phap"]
    page = visible(leaflet_html(p, texts, links))
    assert fill(texts.channels.zalo_hint, short_name=p.short_name) in page
    for name in (texts.channels.web, texts.channels.telegram, texts.channels.zalo):
        assert name in page


def test_no_code_section_when_no_link_can_be_printed(catalogue: Catalogue, texts: OutreachTexts) -> None:
    nothing = BotLinks.from_settings(load_settings())  # the default address is this computer
    page = leaflet_html(catalogue["khai-sinh"], texts, nothing)
    assert "<svg" not in page
    assert texts.leaflet.scan not in visible(page)
    assert texts.leaflet.short_url not in visible(page)


def test_a_poster_has_a_card_per_procedure_and_one_code_for_the_bot(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    chosen = [catalogue[i] for i in ("khai-sinh", "thuong-tru", "can-cuoc")]
    page = poster_html(chosen, texts, links, title="Bảng tin phường Ba Đình")
    assert page.count('class="card"') == 3
    assert page.count("<svg") == 3 + 4, "a code per card, the big one and the three other channels"
    shown = visible(page)
    assert "Bảng tin phường Ba Đình" in shown and texts.poster.title not in shown
    for p in chosen:
        assert p.name in shown and " ".join(p.summary.split()) in shown and p.fee.text in shown


def test_a_poster_falls_back_to_telegram_links_without_a_public_web_chat(
    catalogue: Catalogue, texts: OutreachTexts
) -> None:
    telegram_only = BotLinks.from_settings(load_settings(telegram_bot_username="motcua_test_bot"))
    page = visible(poster_html([catalogue["tam-tru"]], texts, telegram_only))
    assert texts.poster.title in page
    assert "t.me/motcua_test_bot" in page


def test_a_template_slot_left_empty_is_an_error() -> None:
    with pytest.raises(UndefinedError):
        render("short_url.html", label="Hoặc gõ địa chỉ:")
