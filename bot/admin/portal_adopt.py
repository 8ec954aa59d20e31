""" "Adopt" a portal procedure into the curated catalogue: a draft procedures/<id>.yaml pre-filled with the
page's facts. The official then writes what only people can (a short name citizens know, the summary,
aliases, the online steps), checks the facts, and publishes it like any other edit; the curated file then
replaces the portal entry (same national code), and the portal id keeps opening it.

The draft is not valid until the official completes it (an online procedure needs its online_steps): the
admin page lists what is missing, which is the checklist.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.domain.catalogue import ID_PATTERN, Catalogue, Procedure
from bot.domain.portal_page import ChannelKind
from bot.domain.text import fold

MAX_ID = 48


def adopted_id(portal: Procedure, catalogue: Catalogue) -> str:
    """A readable id from the name ("cap-lai-giay-chung-nhan-do-bi-mat"), unused in the catalogue."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in fold(portal.name)).split() if w.isascii()]
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > MAX_ID - 9:
            break
        base = f"{base}-{word}" if base else word
    candidate = base or portal.id
    if candidate in catalogue and catalogue[candidate].id == candidate:
        candidate = f"{candidate}-{(portal.code or '').replace('.', '-')}".strip("-")
    return candidate


def adoption_draft(portal: Procedure, new_id: str) -> str:
    """The YAML text of the draft: every fact the page states, nothing it does not."""
    page = portal.portal_page
    assert page is not None, "only a procedure of the portal tier can be adopted"
    data: dict[str, Any] = {
        "id": new_id,
        "code": portal.code,
        "name": portal.name,
        "short_name": portal.short_name,
        "summary": portal.name,
        "for_whom": portal.for_whom,
        "aliases": [],
        "sector": portal.sector,
        "level": portal.level,
        "agency": {
            "name": portal.agency.name,
            "level": portal.agency.level.value,
            "where": portal.agency.where,
        },
        "channels": {
            "online": portal.channels.online,
            "post": portal.channels.post,
            "in_person": portal.channels.in_person,
        },
        "documents": [_document(d) for d in page.documents or []] or [{"name": portal.documents[0].name}],
        "fee": {"text": portal.fee.text, **({"amount": portal.fee.amount} if portal.fee.amount else {})},
        "processing_time": _time(portal),
        "online_steps": [],
        "postal": {"send_dossier": True} if page.channel(ChannelKind.POST) else {},
        "result": portal.result,
        "contact": {"office": portal.contact.office},
        "legal_basis": list(portal.legal_basis),
        "source": page.url,
    }
    if portal.fee.free:
        data["fee"] = {"free": True, "text": portal.fee.text}
    if not data["postal"]:
        del data["postal"]
    if not re.match(ID_PATTERN, new_id):
        raise ValueError(f"'{new_id}' is not a procedure id")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _document(document: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": document.name}
    if document.copies and not document.originals:
        out["kind"] = "copy"
    elif document.copies and document.originals:
        out["kind"] = "original_or_copy"
    count = max(document.originals, document.copies)
    if 1 < count <= 20:
        out["count"] = count
    if document.form:
        out["form"] = document.form
    if document.case:
        out["note"] = document.case  # the page's case heading; the official decides what is required
    return out


def _time(portal: Procedure) -> dict[str, Any]:
    out: dict[str, Any] = {"text": portal.processing_time.text}
    if portal.processing_time.working_days is not None:
        out["working_days"] = portal.processing_time.working_days
    return out
