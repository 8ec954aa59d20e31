"""The catalogue as the admin pages list it: search and filters, and what needs checking again.

Search here is a plain filter, not the citizen search: an official typing "khai sinh" wants every
procedure whose name, id, code, aliases or keywords contain those words, accents optional, in a stable
order, not the bot's guess of the one they meant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from bot.admin.portal_diff import differences
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.text import fold

STALE_DAYS = 180  # facts older than this are due for checking (fees and rules change every few months)

Verified = Literal["stale", "never", "ok"]
Tier = Literal["curated", "portal", "all"]
LIST_LIMIT = 300  # rows one list shows; the portal tier has thousands: search narrows it


def _days_since(procedure: Procedure, today: dt.date) -> int | None:
    return None if procedure.last_verified is None else (today - procedure.last_verified).days


def verification(procedure: Procedure, today: dt.date, stale_days: int = STALE_DAYS) -> Verified:
    days = _days_since(procedure, today)
    if days is None:
        return "never"
    return "stale" if days > stale_days else "ok"


def _haystack(procedure: Procedure) -> str:
    parts = [procedure.id, procedure.code or "", procedure.name, procedure.short_name, procedure.sector]
    return fold(" | ".join([*parts, *procedure.aliases, *procedure.keywords]))


def summary(procedure: Procedure) -> dict[str, Any]:
    return {
        "id": procedure.id,
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector,
        "level": procedure.level,
        "last_verified": procedure.last_verified.isoformat() if procedure.last_verified else None,
        "unverified": list(procedure.unverified),
        "tier": procedure.tier,
    }


def portal_differences(catalogue: Catalogue, procedure: Procedure) -> dict[str, Any] | None:
    """The curated procedure's portal page and where the two differ; None without a page."""
    entry = catalogue.portal_entry(procedure.code) if procedure.tier == "curated" else None
    if entry is None or entry.portal_page is None:
        return None
    return {
        "id": entry.id,
        "url": entry.portal_page.url,
        "captured": entry.portal_page.captured,
        "differences": differences(procedure, entry),
    }


def list_procedures(
    catalogue: Catalogue,
    today: dt.date,
    q: str | None = None,
    sector: str | None = None,
    level: int | None = None,
    verified: Verified | None = None,
    unverified: bool | None = None,
    stale_days: int = STALE_DAYS,
    tier: Tier = "curated",
) -> dict[str, Any]:
    """{"items": [...], "sectors": [...], "total": n}: the matching procedures by name (at most LIST_LIMIT);
    every sector of the tier, for the filter."""
    words = fold(q or "").split()
    items = []
    shown = [p for p in catalogue.procedures() if tier == "all" or p.tier == tier]
    for procedure in shown:
        if words and not all(word in _haystack(procedure) for word in words):
            continue
        if sector and procedure.sector != sector:
            continue
        if level is not None and procedure.level != level:
            continue
        if verified is not None and verification(procedure, today, stale_days) != verified:
            continue
        if unverified is not None and bool(procedure.unverified) != unverified:
            continue
        items.append(procedure)
    items.sort(key=lambda p: (fold(p.name), p.id))
    sectors = sorted({p.sector for p in shown}, key=lambda s: (fold(s), s))
    return {"items": [summary(p) for p in items[:LIST_LIMIT]], "sectors": sectors, "total": len(items)}


def stale_procedures(
    catalogue: Catalogue, today: dt.date, stale_days: int = STALE_DAYS
) -> list[dict[str, Any]]:
    """What needs checking: never verified first, then the longest unverified past `stale_days`, and any
    procedure that differs from its national portal page however recently it was checked."""
    rows = [(p, portal_differences(catalogue, p)) for p in catalogue.curated()]
    due = [
        (p, portal)
        for p, portal in rows
        if verification(p, today, stale_days) != "ok" or (portal is not None and portal["differences"])
    ]
    due.sort(
        key=lambda d: (d[0].last_verified is not None, d[0].last_verified or dt.date.min, fold(d[0].name))
    )
    return [
        {
            "id": p.id,
            "name": p.name,
            "last_verified": p.last_verified.isoformat() if p.last_verified else None,
            "days": _days_since(p, today),
            "unverified": list(p.unverified),
            "portal": portal,
        }
        for p, portal in due
    ]
