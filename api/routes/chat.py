"""POST /api/chat: the web chat page (and any script) talks to the bot here.

{"text"} or {"button"} (or {"start": "<procedure id>"} for a deep link) -> {"messages": [{"text",
"buttons", "links"?}]}. Without a conversation token the request starts a conversation and the answer
carries its `"token"`; later requests send it in the X-Motcua-Conversation header (or a "token" field).
The web API takes no user id: the terminal's `motcua chat --jsonl` still does (api/conversation_token.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.conversation_token import HEADER, new_token, user_id_for, well_formed
from api.deps import ServiceDep, SettingsDep
from api.rate_limit import guard_turn
from bot.domain.messages import Incoming, replies_to_json

router = APIRouter(tags=["chat"])

TOO_LONG = "string_too_long"  # pydantic's error type, so a refusal reads like any other 422


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")] | None = None
    text: str | None = None  # at most MOTCUA_MAX_MESSAGE_CHARS: checked in the route (a setting)
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


def _refuse_long(body: ChatIn, limit: int) -> None:
    """A chat message longer than the limit is refused, not cut (nothing accepted is lost)."""
    if body.text is not None and len(body.text) > limit:
        error = {
            "loc": ("body", "text"),
            "msg": f"String should have at most {limit} characters",
            "type": TOO_LONG,
        }
        raise RequestValidationError([error])


@router.post("/api/chat", response_model=ChatOut, response_model_exclude_none=True)
async def chat(body: ChatIn, request: Request, service: ServiceDep, settings: SettingsDep) -> dict[str, Any]:
    _refuse_long(body, settings.max_message_chars)
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
