"""The PDF cache: one render per distinct content, a bounded size, one shared render for simultaneous
requests. The browser is replaced by a recorder here; test_pdf.py prints for real."""

from __future__ import annotations

import asyncio

from bot.config import load_settings
from bot.domain.catalogue import Catalogue
from bot.outreach.links import BotLinks
from bot.outreach.printer import OutreachPrinter
from bot.outreach.texts import OutreachTexts
from tests.outreach.recording import RecordingRenderer


def make(
    texts: OutreachTexts, links: BotLinks, *, max_entries: int = 64, gate: asyncio.Event | None = None
) -> tuple[OutreachPrinter, RecordingRenderer]:
    renderer = RecordingRenderer(gate)
    return OutreachPrinter(texts, links, renderer, max_entries=max_entries), renderer


async def test_the_same_leaflet_is_rendered_once(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    printer, renderer = make(texts, links)
    first = await printer.leaflet(catalogue["khai-sinh"])
    second = await printer.leaflet(catalogue["khai-sinh"])
    assert first == second
    assert len(renderer.printed) == 1 and printer.renders == 1
    assert catalogue["khai-sinh"].name in renderer.printed[0]


async def test_edited_content_is_rendered_again(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    printer, renderer = make(texts, links)
    original = catalogue["khai-sinh"]
    changed = original.model_copy(
        update={"fee": original.fee.model_copy(update={"text": "Lệ phí 8.000 đồng."})}
    )
    before, after = await printer.leaflet(original), await printer.leaflet(changed)
    assert before != after
    assert len(renderer.printed) == 2
    assert "Lệ phí 8.000 đồng." in renderer.printed[1]
    assert printer.leaflet_key(original) != printer.leaflet_key(changed)


def test_the_key_depends_on_the_links_and_the_words(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    p = catalogue["can-cuoc"]
    base = make(texts, links)[0].leaflet_key(p)
    fewer_links = BotLinks.from_settings(load_settings(public_base_url="https://motcua.example.vn"))
    assert make(texts, fewer_links)[0].leaflet_key(p) != base
    other_words = texts.model_copy(update={"leaflet": texts.leaflet.model_copy(update={"fee": "Phí"})})
    assert make(other_words, links)[0].leaflet_key(p) != base
    assert make(texts, links)[0].leaflet_key(p) == base, "the key is stable across printers"


async def test_the_cache_is_bounded_and_keeps_the_most_recent(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    printer, renderer = make(texts, links, max_entries=2)
    a, b, c = (catalogue[i] for i in ("khai-sinh", "khai-tu", "ket-hon"))
    await printer.leaflet(a)
    await printer.leaflet(b)
    await printer.leaflet(a)  # a is now the most recently used
    await printer.leaflet(c)  # evicts b
    assert len(renderer.printed) == 3
    await printer.leaflet(a)
    assert len(renderer.printed) == 3, "a stayed cached"
    await printer.leaflet(b)
    assert len(renderer.printed) == 4, "b was evicted and rendered again"


async def test_simultaneous_requests_share_one_render(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    gate = asyncio.Event()
    printer, renderer = make(texts, links, gate=gate)
    waiting = [asyncio.create_task(printer.leaflet(catalogue["tam-tru"])) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiting)
    assert len(set(results)) == 1
    assert len(renderer.printed) == 1


async def test_a_caller_that_gives_up_does_not_cancel_the_shared_render(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    gate = asyncio.Event()
    printer, renderer = make(texts, links, gate=gate)
    impatient = asyncio.create_task(printer.leaflet(catalogue["tam-tru"]))
    patient = asyncio.create_task(printer.leaflet(catalogue["tam-tru"]))
    await asyncio.sleep(0)
    impatient.cancel()
    gate.set()
    assert (await patient).startswith(b"%PDF")
    assert len(renderer.printed) == 1


async def test_posters_are_cached_by_procedures_and_title(
    catalogue: Catalogue, texts: OutreachTexts, links: BotLinks
) -> None:
    printer, renderer = make(texts, links)
    chosen = [catalogue["khai-sinh"], catalogue["thuong-tru"]]
    await printer.poster(chosen)
    await printer.poster(chosen)
    await printer.poster(chosen, "Bảng tin xã")
    await printer.poster(list(reversed(chosen)))
    assert len(renderer.printed) == 3
