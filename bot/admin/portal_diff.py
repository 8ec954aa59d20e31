"""Where a curated procedure differs from its page on the national portal ("Khác với Cổng DVCQG").

Compared only where both sides state a fact the same way can be compared: amounts in đồng, working days,
which channels exist, whether filing online is possible, the level of government, how many documents.
Wording is not compared (the catalogue says things in citizens' words on purpose). Each difference is
returned with both sides as data; the admin page words them (api/static/admin/strings.js).
"""

from __future__ import annotations

from typing import Any

from bot.domain.catalogue import AgencyLevel, Procedure
from bot.domain.portal_page import ChannelKind, PortalLevel, PortalPage

_LEVELS = {AgencyLevel.XA: PortalLevel.XA, AgencyLevel.TINH: PortalLevel.TINH, AgencyLevel.BO: PortalLevel.BO}


def differences(curated: Procedure, portal: Procedure) -> list[dict[str, Any]]:
    """[{"field", "curated", "portal"}] for fee, time, channels, level, agency_level, documents."""
    page = portal.portal_page
    if page is None:
        return []
    found = [
        _fee(curated, page),
        _time(curated, page),
        _channels(curated, page),
        _level(curated, page),
        _agency_level(curated, page),
        _documents(curated, page),
    ]
    return [d for d in found if d is not None]


def _per_channel(page: PortalPage, attribute: str) -> list[dict[str, Any]]:
    return [{"kind": c.kind.value, "value": getattr(c, attribute)} for c in page.channels or ()]


def _fee(curated: Procedure, page: PortalPage) -> dict[str, Any] | None:
    stated = {c.fee_vnd for c in page.channels or () if c.fee_vnd is not None}
    if not stated:
        return None
    mine = 0 if curated.fee.free else curated.fee.amount
    if mine is None:
        return None  # the catalogue states no amount: nothing to compare
    if mine in stated or (curated.fee.online_amount is not None and curated.fee.online_amount in stated):
        return None
    return {"field": "fee", "curated": curated.fee.text, "portal": _per_channel(page, "fee")}


def _time(curated: Procedure, page: PortalPage) -> dict[str, Any] | None:
    stated = {c.working_days for c in page.channels or () if c.working_days is not None}
    mine = curated.processing_time.working_days
    if not stated or mine is None or mine in stated:
        return None
    return {"field": "time", "curated": curated.processing_time.text, "portal": _per_channel(page, "time")}


def _channels(curated: Procedure, page: PortalPage) -> dict[str, Any] | None:
    if page.channels is None:
        return None
    listed = {c.kind for c in page.channels}
    mine = {
        kind
        for kind, on in (
            (ChannelKind.ONLINE, curated.channels.online),
            (ChannelKind.POST, curated.channels.post),
            (ChannelKind.IN_PERSON, curated.channels.in_person),
        )
        if on
    }
    if mine == listed:
        return None
    order = list(ChannelKind)
    return {
        "field": "channels",
        "curated": [k.value for k in order if k in mine],
        "portal": [k.value for k in order if k in listed],
    }


def _level(curated: Procedure, page: PortalPage) -> dict[str, Any] | None:
    if page.channels is None:
        return None
    online = page.channel(ChannelKind.ONLINE) is not None
    if (curated.level >= 3) == online:
        return None
    return {"field": "level", "curated": curated.level, "portal": "online" if online else "offline"}


def _agency_level(curated: Procedure, page: PortalPage) -> dict[str, Any] | None:
    if not page.levels or _LEVELS[curated.agency.level] in page.levels:
        return None
    return {
        "field": "agency_level",
        "curated": curated.agency.level.value,
        "portal": [level.value for level in page.levels],
    }


def _documents(curated: Procedure, page: PortalPage) -> dict[str, Any] | None:
    if not page.documents or len(page.documents) == len(curated.documents):
        return None
    return {
        "field": "documents",
        "curated": [d.name for d in curated.documents],
        "portal": [d.name for d in page.documents],
    }
