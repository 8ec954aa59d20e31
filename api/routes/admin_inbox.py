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

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from api.admin_deps import VolunteerUser
from api.deps import ServiceDep
from api.limits import RowId
from bot.admin.auth import Role
from bot.errors import ConfigError
from bot.handoff.desk import HandoffDesk
from bot.handoff.inbox import HandoffInbox


class _InboxRoute(APIRoute):
    """A ConfigError here means the published flows.yaml no longer has a handoff: section: the inbox is
    off (503), which only the inbox routes can say (elsewhere a ConfigError is a fault at start-up).
    HandoffNotFound and HandoffConflict are answered by api/errors.py."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_off(request: Request) -> Response:
            try:
                return await handle(request)
            except ConfigError:
                raise HTTPException(503, NOT_ON) from None

        return handle_off


router = APIRouter(tags=["admin", "inbox"], route_class=_InboxRoute)

MAX_REPLY = 1800  # the citizen's channels take 2,000 characters a message, with the "Cán bộ" heading

# Staff read these (the admin pages show `detail` as it is).
NOT_ON = "Chức năng chuyển cho cán bộ chưa được bật trên máy chủ này."


def get_inbox(service: ServiceDep) -> HandoffInbox:
    if not isinstance(service.handoff, HandoffDesk):  # None: the bot only
        raise HTTPException(503, NOT_ON)
    return service.handoff.inbox


InboxDep = Annotated[HandoffInbox, Depends(get_inbox)]


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Annotated[str, Field(min_length=1, max_length=MAX_REPLY)]


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
    return await handoffs.claim(handoff_id, user)


@router.post("/admin/api/inbox/{handoff_id}/reply", response_model=None)
async def reply(
    handoff_id: RowId, body: ReplyIn, user: VolunteerUser, handoffs: InboxDep
) -> dict[str, Any] | JSONResponse:
    return await handoffs.reply(handoff_id, user, body.text)


@router.post("/admin/api/inbox/{handoff_id}/release", response_model=None)
async def release(
    handoff_id: RowId, user: VolunteerUser, handoffs: InboxDep
) -> dict[str, Any] | JSONResponse:
    return await handoffs.release(handoff_id, user)
