"""POST /api/chat: the web chat page (and any script) talks to the bot here.

{"text"} or {"button"} (or {"start": "<procedure id>"} for a deep link) -> {"messages": [{"text",
"buttons", "links"?}]}. Without a conversation token the request starts a conversation and the answer
carries its `"token"`; later requests send it in the X-Motcua-Conversation header (or a "token" field).
The web API takes no user id: the terminal's `motcua chat --jsonl` still does (api/conversation_token.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.conversation_token import HEADER, new_token, user_id_for, well_formed
from api.deps import ServiceDep, SettingsDep
from api.rate_limit import guard_turn
from bot.domain.messages import Incoming, replies_to_json

router = APIRouter(tags=["chat"])

MAX_TEXT = 2000  # a chat message; longer input is refused, not cut (nothing accepted is lost)


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")] | None = None
    text: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    button: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    start: Annotated[str, Field(max_length=64)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ChatIn:
        given = [name for name in ("text", "button", "start") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("send exactly one of: text, button, start")
        return self

    def incoming(self) -> Incoming:
        if self.button is not None:
            return Incoming.pressed(self.button)
        if self.start is not None:
            return Incoming.started(self.start)
        return Incoming.typed(self.text or "")


class ButtonOut(BaseModel):
    id: str
    label: str


class LinkOut(BaseModel):
    label: str
    url: str


class MessageOut(BaseModel):
    text: str
    buttons: list[ButtonOut]
    links: list[LinkOut] = Field(default_factory=list)


class ChatOut(BaseModel):
    messages: list[MessageOut]
    token: str | None = Field(default=None, description="only when this request started the conversation")


@router.post("/api/chat", response_model=ChatOut, response_model_exclude_none=True)
async def chat(body: ChatIn, request: Request, service: ServiceDep, settings: SettingsDep) -> dict[str, Any]:
    given = request.headers.get(HEADER) or body.token
    if given is not None and not well_formed(given):
        raise HTTPException(422, f"malformed {HEADER}")
    token = given or new_token()
    user_id = user_id_for(token, settings.secret_salt)
    await guard_turn(request, user_id)
    replies = await service.converse("web", user_id, body.incoming())
    answer = replies_to_json(replies)
    if given is None:
        answer["token"] = token
    return answer


@router.get("/api/ui")
async def ui_texts(service: ServiceDep) -> dict[str, str]:
    """The web page's own words (title, placeholder, buttons), from the `ui:` section of flows.yaml."""
    return dict(service.content.flows.ui)
