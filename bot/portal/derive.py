"""A portal page -> a catalogue `Procedure` of the portal tier.

The catalogue's fields are filled only with what the page states; where it states nothing, the field
holds the portal's own "Không có thông tin" and the bot's portal card (flows.yaml `portal:`) reads the
page's facts from `portal_page` instead. Two choices the page does not make for us, written down here:
- `level` is 3 when the page lists online filing and 2 otherwise: the pages do not say whether a
  procedure is "toàn trình" or "một phần", and 3 is the least that online filing means. The portal card
  does not show it.
- `agency.level` is the nearest level the page lists (xã before tỉnh before bộ): where a citizen would
  go first; "Cơ quan khác" alone counts as bộ (a central body).
Lists (documents, results, legal bases) keep their first items within `BUDGET` characters for the card;
the whole lists are in `portal_page` and on the page, so a card always fits one message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.domain.catalogue import (
    Agency,
    AgencyLevel,
    Channels,
    Contact,
    Document,
    DocumentKind,
    Fee,
    Postal,
    Procedure,
    ProcessingTime,
)
from bot.domain.portal_page import ChannelKind, PortalDocument, PortalLaw, PortalLevel, PortalPage
from bot.portal.fields import NO_INFO, clip

SHORT_NAME = 30
BUDGET = 1200  # characters of one list on the card; the rest is on the page (Zalo allows 2,000 a message)
_NEAREST = (
    (PortalLevel.XA, AgencyLevel.XA),
    (PortalLevel.TINH, AgencyLevel.TINH),
    (PortalLevel.BO, AgencyLevel.BO),
)


def procedure_of(procedure_id: str, code: str, name: str, page: PortalPage) -> Procedure:
    online = page.channel(ChannelKind.ONLINE) is not None
    post = page.channel(ChannelKind.POST) is not None
    office = clip(page.agency or page.competent or NO_INFO, 300)
    return Procedure(
        id=procedure_id,
        code=code,
        name=name,
        short_name=clip(name, SHORT_NAME),
        summary=name,
        # what the citizen receives is how many name it ("sổ đỏ" is the land certificate): searchable
        keywords=[clip(result, 120) for result in page.results or []][:3],
        for_whom=page.who or NO_INFO,
        sector=page.sector or NO_INFO,
        level=3 if online else 2,
        agency=Agency(name=office, level=_nearest(page.levels), where=page.address or office),
        channels=Channels(
            online=online, post=post, in_person=page.channel(ChannelKind.IN_PERSON) is not None
        ),
        documents=_within([_document(d) for d in page.documents or []], _document_size)
        or [Document(name=NO_INFO)],
        fee=_fee(page),
        processing_time=_time(page),
        postal=Postal(send_dossier=True if post else None),
        result="; ".join(_within([clip(r, 160) for r in page.results or []], len)) or NO_INFO,
        contact=Contact(office=office),
        legal_basis=_within([_law(law) for law in page.legal_basis or []], len),
        source=page.url,
        tier="portal",
        portal_page=page,
    )


T = TypeVar("T")


def _within(items: list[T], size: Callable[[T], int]) -> list[T]:
    """The first items whose sizes add up to at most BUDGET (always the first one)."""
    kept: list[T] = []
    total = 0
    for item in items:
        total += size(item) + 12  # a bullet, a kind label and line breaks
        if kept and total > BUDGET:
            break
        kept.append(item)
    return kept


def _document_size(document: Document) -> int:
    return len(document.name) + len(document.note or "") + len(document.form or "") + 30


def _nearest(levels: list[PortalLevel]) -> AgencyLevel:
    return next((agency for portal, agency in _NEAREST if portal in levels), AgencyLevel.BO)


def _document(document: PortalDocument) -> Document:
    originals, copies = document.originals, document.copies
    if originals and copies:
        kind = DocumentKind.ORIGINAL_OR_COPY
    elif copies:
        kind = DocumentKind.COPY
    else:
        kind = DocumentKind.ORIGINAL
    count = max(1, min(20, originals or copies or 1))
    return Document(name=document.name, kind=kind, count=count, form=document.form, note=document.case)


def _fee(page: PortalPage) -> Fee:
    """The fee the page states, when every channel that states one states the same."""
    fees = {c.fee for c in page.channels or () if c.fee}
    if len(fees) != 1:
        return Fee(text=NO_INFO)
    fee = fees.pop()
    amounts = {c.fee_vnd for c in page.channels or () if not c.fee_unread}
    amount = amounts.pop() if len(amounts) == 1 else None
    return Fee(free=amount == 0, amount=amount or None, text=fee)


def _time(page: PortalPage) -> ProcessingTime:
    times = {c.time for c in page.channels or () if c.time}
    if len(times) != 1:
        return ProcessingTime(text=NO_INFO)
    days = {c.working_days for c in page.channels or () if not c.time_unread}
    return ProcessingTime(text=times.pop(), working_days=days.pop() if len(days) == 1 else None)


def _law(law: PortalLaw) -> str:
    if law.number is None or law.number in law.title:
        return law.title
    return f"{law.title} ({law.number})"
