"""GET /api/chat/updates: what reaches a web chat citizen between their own turns.

POST /api/chat answers a citizen's message in its response. A person who took the conversation over
(see bot/handoff) writes whenever they like, so the page asks here, every few seconds while a handoff is
open, and once after each of its own turns:

    GET /api/chat/updates?user_id=w-...&after=<cursor>
    -> {"messages": [{"text", "buttons", "links"?}], "after": <cursor>, "handoff": "waiting"|"active"|null}

`after` is the `after` of the previous answer; without it, the messages not fetched yet. `handoff`
null means nobody holds the conversation any more, so the page may stop asking.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ServiceDep

router = APIRouter(tags=["chat"])

UserId = Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")]


@router.get("/api/chat/updates")
async def updates(
    user_id: UserId, service: ServiceDep, after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None
) -> dict[str, Any]:
    if service.handoff is None:  # no person can write: nothing ever arrives here
        return {"messages": [], "after": after or 0, "handoff": None}
    return await service.handoff.inbox.updates(user_id, after)
