"""Leaflet and poster PDFs, rendered once and then served from a small in-memory cache.

Rendering starts a browser, so a PDF is cached under a key made of what it depends on: the procedures'
content (a hash of each validated procedure), the links (settings) and the words (outreach.yaml). Edit
any of them and the key changes; nothing has to be invalidated by hand. The key is also the HTTP ETag,
so a client that already has the PDF is answered without rendering anything.
Two requests for the same missing PDF share one render.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence

from bot.domain.catalogue import Procedure
from bot.outreach.leaflet import LeafletBuilder
from bot.outreach.links import BotLinks
from bot.outreach.pdf import PdfRenderer
from bot.outreach.poster import PosterBuilder
from bot.outreach.texts import OutreachTexts

DEFAULT_CACHE_ENTRIES = 64  # a leaflet is ~50 KB: a full cache stays a few megabytes


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\x00")  # ("ab", "c") and ("a", "bc") must not collide
    return hasher.hexdigest()[:32]


def procedure_hash(procedure: Procedure) -> str:
    return _digest(procedure.model_dump_json())


class OutreachPrinter:
    def __init__(
        self,
        texts: OutreachTexts,
        links: BotLinks,
        renderer: PdfRenderer | None = None,
        max_entries: int = DEFAULT_CACHE_ENTRIES,
    ) -> None:
        self.texts, self.links = texts, links
        self.renderer = renderer or PdfRenderer()
        self.max_entries = max_entries
        self.leaflets = LeafletBuilder(texts, links)
        self.posters = PosterBuilder(texts, links)
        self.renders = 0  # how many PDFs were actually rendered (the rest came from the cache)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self._setup = _digest(repr(links.cache_key()), texts.model_dump_json())

    def leaflet_key(self, procedure: Procedure) -> str:
        return _digest("leaflet", self._setup, procedure_hash(procedure))

    def poster_key(self, procedures: Sequence[Procedure], title: str | None = None) -> str:
        return _digest("poster", self._setup, title or "", *(procedure_hash(p) for p in procedures))

    async def leaflet(self, procedure: Procedure) -> bytes:
        return await self._cached(self.leaflet_key(procedure), lambda: self.leaflets.html(procedure))

    async def poster(self, procedures: Sequence[Procedure], title: str | None = None) -> bytes:
        key = self.poster_key(procedures, title)
        return await self._cached(key, lambda: self.posters.html(procedures, title))

    async def _cached(self, key: str, make_html: Callable[[], str]) -> bytes:
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        pending = self._inflight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._render(key, make_html()))
            self._inflight[key] = pending
            pending.add_done_callback(lambda _: self._inflight.pop(key, None))
        # shield: a client that hangs up must not cancel the render other requests are waiting for.
        return await asyncio.shield(pending)

    async def _render(self, key: str, html: str) -> bytes:
        pdf = await self.renderer.pdf(html)
        self.renders += 1
        self._cache[key] = pdf
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)  # least recently used
        return pdf
