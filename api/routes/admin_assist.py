"""Volunteer quick mode (the /admin/assist page): search with whole checklists, and the handover.

    GET  /admin/api/assist/search?q=       {"query", "decision", "items": [whole checklist, ...]}
    POST /admin/api/assist/handover        {"procedure", "consent"} -> {"procedure", "name", "links",
                                           "recorded", "skipped"}

Any staff role may use both (volunteers are the point). The handover counts one assisted session for
the signed-in volunteer's ward only when the citizen consented, and stores nothing about the citizen:
the request carries no citizen data, and the links it returns name only the procedure.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from api.admin_deps import AdminDep, VolunteerUser
from api.routes.admin_content import served
from bot.assist.checklist import search_checklists
from bot.assist.handover import handover_links
from bot.assist.sessions import record_session
from bot.outreach.links import BotLinks
from bot.storage.base import utcnow

router = APIRouter(tags=["admin"])

SEARCH_LIMIT = 5  # one printable screen per procedure: a few is plenty for a volunteer to choose from
UNKNOWN_PROCEDURE = "Không có thủ tục này (có thể vừa bị đổi tên hoặc gỡ bỏ). Hãy tìm lại."
# Said where the volunteer is looking (beside the button): which settings, and what to do about them.
NO_LINKS = (
    "Chưa tạo được mã QR: máy chủ chưa có đường dẫn nào mà điện thoại người dân mở được. "
    "Hãy báo quản trị viên đặt ít nhất một trong các thiết lập {settings} trong tệp .env "
    "(xem README, mục “Settings for a ward”), rồi khởi động lại máy chủ.{web}"
)
LOCAL_WEB = " Hiện MOTCUA_PUBLIC_BASE_URL là {url}: địa chỉ này chỉ mở được trên chính máy chủ."


@router.get("/admin/api/assist/search")
async def assist_search(
    _user: VolunteerUser, admin: AdminDep, q: Annotated[str, Query(max_length=200)] = ""
) -> dict[str, Any]:
    content = await served(admin)
    if not q.strip():
        return {"query": q, "decision": "none", "items": []}
    result = content.index.search(q, limit=SEARCH_LIMIT)
    return search_checklists(result, content.catalogue, content.flows.terms)


class HandoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a field about the citizen is refused, not ignored
    procedure: Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    consent: bool


@router.post("/admin/api/assist/handover")
async def assist_handover(body: HandoverIn, user: VolunteerUser, admin: AdminDep) -> dict[str, Any]:
    content = await served(admin)
    procedure = content.catalogue.get(body.procedure)
    if procedure is None:
        raise HTTPException(404, UNKNOWN_PROCEDURE)
    links = BotLinks.from_settings(admin.settings)
    found = handover_links(links, procedure.id)
    if not found:
        base, missing = admin.settings.public_base_url.strip(), links.missing()
        web = LOCAL_WEB.format(url=base) if base and "MOTCUA_PUBLIC_BASE_URL" in missing else ""
        raise HTTPException(409, NO_LINKS.format(settings=", ".join(missing), web=web))
    recorded = await record_session(admin.engine, user, procedure.id, body.consent, utcnow())
    return {
        "procedure": procedure.id,
        "name": procedure.name,
        "links": found,
        "recorded": recorded,
        "skipped": list(links.skipped),
    }


@router.get("/admin/assist", include_in_schema=False)
async def assist_page() -> RedirectResponse:
    """The short address volunteers are told (the pages themselves live at /admin/<name>.html)."""
    return RedirectResponse("/admin/assist.html", status_code=307)
