"""Real leaflets and a real poster, printed by Debian's Chromium and read back like a citizen would:
every QR code must open exactly the expected link, the text must keep its Vietnamese diacritics, and
the paper must be A5 (leaflets) or A4 (posters)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.domain.catalogue import Catalogue
from bot.outreach.links import BotLinks
from bot.outreach.printer import OutreachPrinter
from bot.outreach.texts import OutreachTexts, fill
from tests.outreach import pdftools
from tests.outreach.conftest import BOT_USERNAME, MESSENGER_PAGE, PUBLIC_BASE, ZALO_OA

pytestmark = pdftools.needs_printing

# Three kinds of leaflet: fully online and on VNeID; partly online; in person only.
LEAFLETS = ("khai-sinh", "can-cuoc", "chung-thuc-ban-sao")
# Every shipped procedure has been checked, so the never-verified leaflet is printed from a copy.
NEVER_VERIFIED = "chung-thuc-ban-sao"
POSTER = ("khai-sinh", "thuong-tru", "ly-lich-tu-phap", "tam-tru")


@pytest.fixture(scope="module")
def printed(catalogue: Catalogue, texts: OutreachTexts, links: BotLinks) -> dict[str, bytes]:
    printer = OutreachPrinter(texts, links)

    async def print_all() -> dict[str, bytes]:
        pdfs = await asyncio.gather(
            *(printer.leaflet(catalogue[i]) for i in LEAFLETS),
            printer.poster([catalogue[i] for i in POSTER]),
            printer.leaflet(catalogue[NEVER_VERIFIED].model_copy(update={"last_verified": None})),
        )
        return dict(zip([*LEAFLETS, "poster", "never-verified"], pdfs, strict=True))

    return asyncio.run(print_all())


@pytest.mark.parametrize("procedure_id", LEAFLETS)
def test_every_code_on_a_leaflet_opens_the_bot_at_its_procedure(
    procedure_id: str, printed: dict[str, bytes], tmp_path: Path
) -> None:
    codes = pdftools.qr_codes(printed[procedure_id], tmp_path)
    assert sorted(codes) == sorted(
        [
            f"{PUBLIC_BASE}/p/{procedure_id}",
            f"https://t.me/{BOT_USERNAME}?start={procedure_id}",
            f"https://m.me/{MESSENGER_PAGE}?ref={procedure_id}",
            ZALO_OA,
        ]
    )


@pytest.mark.parametrize("procedure_id", LEAFLETS)
def test_a_leaflet_prints_its_facts_with_diacritics_on_a5(
    procedure_id: str, printed: dict[str, bytes], catalogue: Catalogue, texts: OutreachTexts, tmp_path: Path
) -> None:
    p = catalogue[procedure_id]
    text = pdftools.text(printed[procedure_id], tmp_path)
    flat = pdftools.flat
    assert flat(p.name) in text
    assert flat(p.fee.text) in text
    for document in p.documents:
        assert flat(document.name) in text, document.name
    for heading in (texts.leaflet.documents, texts.leaflet.fee, texts.leaflet.scan):
        # Headings are printed in capitals by CSS; pdftotext reads what is on the paper.
        assert flat(heading).upper() in text.upper()
    assert fill(texts.channels.zalo_hint, short_name=flat(p.short_name)) in text
    assert f"motcua.example.vn/p/{procedure_id}" in text, "the short URL is printed as text too"
    size = pdftools.info(printed[procedure_id], tmp_path)["Page size"]
    assert "(A5)" in size, size
    pages = int(pdftools.info(printed[procedure_id], tmp_path)["Pages"])
    assert pages <= 2, "one sheet, printed on both sides"


def test_a_never_verified_leaflet_says_so(
    printed: dict[str, bytes], catalogue: Catalogue, texts: OutreachTexts, tmp_path: Path
) -> None:
    assert catalogue[NEVER_VERIFIED].channels.online is False
    text = pdftools.text(printed["never-verified"], tmp_path)
    assert pdftools.flat(texts.leaflet.verifying) in text
    checked = pdftools.text(printed[NEVER_VERIFIED], tmp_path)
    assert pdftools.flat(texts.leaflet.verifying) not in checked, "a checked procedure is not said unverified"
    assert pdftools.flat(texts.leaflet.online) not in text, "filed in person only: no online section"


def test_the_poster_codes_open_each_procedure_and_the_bot(printed: dict[str, bytes], tmp_path: Path) -> None:
    codes = pdftools.qr_codes(printed["poster"], tmp_path)
    expected = [f"{PUBLIC_BASE}/p/{i}" for i in POSTER] + [
        f"{PUBLIC_BASE}/",
        f"https://t.me/{BOT_USERNAME}",
        f"https://m.me/{MESSENGER_PAGE}",
        ZALO_OA,
    ]
    assert sorted(codes) == sorted(expected)


def test_the_poster_is_a4_with_every_procedure(
    printed: dict[str, bytes], catalogue: Catalogue, texts: OutreachTexts, tmp_path: Path
) -> None:
    assert "(A4)" in pdftools.info(printed["poster"], tmp_path)["Page size"]
    text = pdftools.text(printed["poster"], tmp_path)
    assert pdftools.flat(texts.poster.title) in text
    for procedure_id in POSTER:
        p = catalogue[procedure_id]
        assert pdftools.flat(p.name) in text
        assert pdftools.flat(p.fee.text) in text
