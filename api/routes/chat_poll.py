"""GET /api/chat/updates: what reaches a web chat citizen between their own turns.

POST /api/chat answers a citizen's message in its response. A person who took the conversation over
(see bot/handoff) writes whenever they like, so the page asks here, every few seconds while a handoff is
open, and once after each of its own turns:

    GET /api/chat/updates?after=<cursor>      with the header X-Motcua-Conversation: <token>
    -> {"messages": [{"text", "buttons", "links"?}], "after": <cursor>, "handoff": "waiting"|"active"|null}

The token (api/conversation_token.py) is required: without it 401, so nobody reads a conversation that
is not theirs. `after` is the `after` of the previous answer; without it the answer holds no messages,
only the cursor to start from. Asking changes nothing (a poll never marks messages as fetched), so
asking twice with one cursor gets the same messages. `handoff` null means nobody holds the conversation
any more, so the page may stop asking.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from api.conversation_token import HEADER, user_id_for, well_formed
from api.deps import ServiceDep, SettingsDep
from api.rate_limit import guard_poll
from bot.handoff.desk import HandoffDesk

router = APIRouter(tags=["chat"])


@router.get("/api/chat/updates")
async def updates(
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> dict[str, Any]:
    token = request.headers.get(HEADER)
    if token is None or not well_formed(token):
        raise HTTPException(401, f"send the conversation's token in {HEADER}")
    user_id = user_id_for(token, settings.secret_salt)
    await guard_poll(request, user_id)
    if not isinstance(service.handoff, HandoffDesk):  # None: no person can write: nothing ever arrives here
        return {"messages": [], "after": after or 0, "handoff": None}
    return await service.handoff.inbox.updates(user_id, after)
