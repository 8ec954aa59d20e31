"""The inbox of the admin JSON API: conversations citizens handed to a person.

    GET  /admin/api/inbox[?status=open|waiting|active|closed]   {"items": [...]}, longest waiting first
    POST /admin/api/inbox/{id}/claim                            take a waiting conversation
    POST /admin/api/inbox/{id}/reply     {"text"}               say something to the citizen
    POST /admin/api/inbox/{id}/release                          hand back to the bot

The answer also says which queue it lists: "queue": {"ward", "every_ward"} (officials and admins see
every ward). An item: {"id", "channel", "status", "ward", "procedure", "procedure_name", "waiting_since",
"claimed_by", "transcript":
[{"who": "citizen"|"bot"|"person", "text", "at"}]}; the actions answer with the item as it now is.
Every staff role may use the inbox (401 / 403 from api.admin_deps); volunteers see their own ward only,
and a handoff of another ward is "not found" (404). A claim that comes second, a reply to a conversation
one does not hold, or handing back a closed one answers 409 {"detail", "status", "claimed_by"}.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.admin_deps import VolunteerUser
from api.deps import ServiceDep
from api.limits import RowId
from bot.admin.auth import Role
from bot.errors import ConfigError
from bot.handoff.desk import HandoffDesk
from bot.handoff.inbox import HandoffConflict, HandoffInbox, HandoffNotFound

router = APIRouter(tags=["admin", "inbox"])

MAX_REPLY = 1800  # the citizen's channels take 2,000 characters a message, with the "Cán bộ" heading

# Staff read these (the admin pages show `detail` as it is).
NOT_ON = "Chức năng chuyển cho cán bộ chưa được bật trên máy chủ này."
NOT_FOUND = "Không tìm thấy cuộc trò chuyện này, hoặc nó thuộc xã, phường khác."
CONFLICTS = {
    "claim": "Cuộc trò chuyện này không còn chờ nữa: {who} đã nhận, hoặc nó đã kết thúc.",
    "reply": "Bạn chưa nhận cuộc trò chuyện này (hoặc nó đã kết thúc), nên chưa trả lời được.",
    "release": "Cuộc trò chuyện này đã kết thúc, hoặc đang do {who} hỗ trợ.",
}
SOMEONE = "người khác"


def get_inbox(service: ServiceDep) -> HandoffInbox:
    if not isinstance(service.handoff, HandoffDesk):  # None: the bot only
        raise HTTPException(503, NOT_ON)
    return service.handoff.inbox


InboxDep = Annotated[HandoffInbox, Depends(get_inbox)]


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Annotated[str, Field(min_length=1, max_length=MAX_REPLY)]


def _conflict(err: HandoffConflict, action: str) -> JSONResponse:
    detail = CONFLICTS[action].format(who=err.claimed_by or SOMEONE)
    return JSONResponse({"detail": detail, "status": err.status, "claimed_by": err.claimed_by}, 409)


@router.get("/admin/api/inbox")
async def inbox(
    user: VolunteerUser,
    handoffs: InboxDep,
    status: Annotated[Literal["open", "waiting", "active", "closed"], Query()] = "open",
) -> dict[str, Any]:
    # Which queue this is: a volunteer sees their ward's only, and must be able to tell (a ward that no
    # handoff goes to would otherwise look like a quiet day).
    every_ward = user.role != Role.VOLUNTEER
    return {
        "items": await handoffs.items(user, status),
        "queue": {"ward": user.ward, "every_ward": every_ward},
    }


@router.post("/admin/api/inbox/{handoff_id}/claim", response_model=None)
async def claim(handoff_id: RowId, user: VolunteerUser, handoffs: InboxDep) -> dict[str, Any] | JSONResponse:
    try:
        return await handoffs.claim(handoff_id, user)
    except HandoffNotFound:
        raise HTTPException(404, NOT_FOUND) from None
    except HandoffConflict as err:
        return _conflict(err, "claim")
    except ConfigError:  # the published flows.yaml no longer has a handoff: section
        raise HTTPException(503, NOT_ON) from None


@router.post("/admin/api/inbox/{handoff_id}/reply", response_model=None)
async def reply(
    handoff_id: RowId, body: ReplyIn, user: VolunteerUser, handoffs: InboxDep
) -> dict[str, Any] | JSONResponse:
    try:
        return await handoffs.reply(handoff_id, user, body.text)
    except HandoffNotFound:
        raise HTTPException(404, NOT_FOUND) from None
    except HandoffConflict as err:
        return _conflict(err, "reply")
    except ConfigError:
        raise HTTPException(503, NOT_ON) from None


@router.post("/admin/api/inbox/{handoff_id}/release", response_model=None)
async def release(
    handoff_id: RowId, user: VolunteerUser, handoffs: InboxDep
) -> dict[str, Any] | JSONResponse:
    try:
        return await handoffs.release(handoff_id, user)
    except HandoffNotFound:
        raise HTTPException(404, NOT_FOUND) from None
    except HandoffConflict as err:
        return _conflict(err, "release")
    except ConfigError:
        raise HTTPException(503, NOT_ON) from None
