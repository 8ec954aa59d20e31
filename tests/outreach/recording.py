"""A stand-in for the browser: fast fake PDFs, and a record of every page it was asked to print."""

from __future__ import annotations

import asyncio
import hashlib

from bot.outreach.pdf import PdfRenderer


class RecordingRenderer(PdfRenderer):
    """Returns a fake PDF derived from the HTML, and remembers every HTML it was asked to print."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        super().__init__()
        self.printed: list[str] = []
        self.gate = gate

    async def pdf(self, html: str) -> bytes:
        self.printed.append(html)
        if self.gate is not None:
            await self.gate.wait()
        return b"%PDF-fake " + hashlib.sha256(html.encode()).hexdigest().encode()
