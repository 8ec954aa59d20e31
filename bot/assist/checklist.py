"""A procedure as one checklist a volunteer reads out or prints: everything at once, not step by step.

Labels for coded values (document kinds, online levels) come from flows.yaml's `terms:`, the same words
the chat uses with citizens, so the printed sheet and the chat never say it differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.catalogue import Procedure
from bot.domain.search import SearchResult


def _term(terms: Mapping[str, Mapping[str, str]], field: str, value: object) -> str | None:
    return terms.get(field, {}).get(str(value)) or None


def checklist(procedure: Procedure, terms: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The whole checklist of `procedure` as JSON for the assist page."""
    agency_level = procedure.agency.level.value
    return {
        "id": procedure.id,
        "name": procedure.name,
        "summary": procedure.summary,
        "for_whom": procedure.for_whom,
        "documents": [
            {
                "name": doc.name,
                "kind": doc.kind.value,
                "kind_label": _term(terms, "documents.kind", doc.kind.value) or doc.kind.value,
                "count": doc.count,
                "form": doc.form,
                "note": doc.note,
                "required": doc.required,
            }
            for doc in procedure.documents
        ],
        "fee": procedure.fee.text,
        "time": procedure.processing_time.text,
        "where": {
            "agency": procedure.agency.name,
            "place": procedure.agency.where,
            "level": _term(terms, "agency.level", agency_level) or agency_level,
        },
        "in_person": procedure.in_person,
        "online": {
            "available": procedure.channels.online,
            "level": procedure.level,
            "level_label": _term(terms, "level", procedure.level),
            "portal": procedure.portal.name,
            "url": procedure.portal.url,
            "vneid": procedure.portal.vneid,
        },
        "post": procedure.channels.post,
        "result": procedure.result,
        "contact": {"office": procedure.contact.office, "hotline": procedure.contact.hotline},
        "last_verified": procedure.last_verified.isoformat() if procedure.last_verified else None,
        "unverified": list(procedure.unverified),
    }


def search_checklists(
    result: SearchResult, catalogue: Mapping[str, Procedure], terms: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """The search's matches, best first, each with its whole checklist (ids no longer served are dropped)."""
    items = [
        {"score": match.score, **checklist(catalogue[match.id], terms)}
        for match in result.matches
        if match.id in catalogue
    ]
    return {"query": result.query, "decision": result.decision if items else "none", "items": items}
