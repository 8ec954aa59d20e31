"""The national portal's procedures in the admin pages: read one, compare, adopt.

    GET  /admin/api/portal/{id}          {"id", "code", "name", "page", "curated"}  (read-only)
    POST /admin/api/portal/{id}/adopt    -> {"id", "file", "yaml", "revision"}: a draft to complete

The list (with `tier=portal`) is GET /admin/api/procedures; the differences of a curated procedure from its
page come with GET /admin/api/procedures/{id} and GET /admin/api/stale.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from api.admin_deps import AdminDep, OfficialUser, VolunteerUser
from api.routes.admin_content import served
from bot.admin.portal_adopt import adopted_id, adoption_draft
from bot.content import Content, procedure_path
from bot.domain.catalogue import Procedure

router = APIRouter(tags=["admin"])


def _portal_entry(content: Content, procedure_id: str) -> Procedure:
    """The portal tier's procedure with this id, also when a curated procedure replaces it."""
    found = content.catalogue.get(procedure_id)
    if found is not None and found.tier == "curated" and found.code:
        found = content.catalogue.portal_entry(found.code)
        if found is not None and found.id != procedure_id:
            found = None
    if found is None or found.tier != "portal" or found.portal_page is None:
        raise HTTPException(404, "Không có thủ tục này trong danh mục của Cổng Dịch vụ công.")
    return found


@router.get("/admin/api/portal/{procedure_id}")
async def portal_procedure(procedure_id: str, _user: VolunteerUser, admin: AdminDep) -> dict[str, Any]:
    content = await served(admin)
    entry = _portal_entry(content, procedure_id)
    curated = content.catalogue.by_code(entry.code) if entry.code else None
    assert entry.portal_page is not None
    return {
        "id": entry.id,
        "code": entry.code,
        "name": entry.name,
        "page": entry.portal_page.model_dump(mode="json"),
        "curated": curated.id if curated is not None and curated.tier == "curated" else None,
    }


@router.post("/admin/api/portal/{procedure_id}/adopt")
async def adopt(procedure_id: str, _user: OfficialUser, admin: AdminDep) -> dict[str, Any]:
    content = await served(admin)
    entry = _portal_entry(content, procedure_id)
    curated = content.catalogue.by_code(entry.code) if entry.code else None
    if curated is not None and curated.tier == "curated":
        raise HTTPException(409, f"Thủ tục này đã có trong danh mục có hướng dẫn: {curated.id}.")
    new_id = adopted_id(entry, content.catalogue)
    revision = await admin.revisions.latest_id()
    return {
        "id": new_id,
        "file": procedure_path(new_id),
        "yaml": adoption_draft(entry, new_id),
        "revision": revision,
    }
