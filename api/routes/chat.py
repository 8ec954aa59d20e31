"""POST /api/chat: the web chat page (and any script) talks to the bot here.

Same input and output as `motcua chat --jsonl`: {"user_id", "text"} or {"user_id", "button"} (or
{"user_id", "start": "<procedure id>"} for a deep link) -> {"messages": [{"text", "buttons", "links"?}]}.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import ServiceDep
from bot.domain.messages import Incoming, replies_to_json

router = APIRouter(tags=["chat"])

MAX_TEXT = 2000  # a chat message; longer input is refused, not cut (nothing accepted is lost)


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")]
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


@router.post("/api/chat", response_model=ChatOut)
async def chat(body: ChatIn, service: ServiceDep) -> dict[str, Any]:
    replies = await service.converse("web", body.user_id, body.incoming())
    return replies_to_json(replies)


@router.get("/api/ui")
async def ui_texts(service: ServiceDep) -> dict[str, str]:
    """The web page's own words (title, placeholder, buttons), from the `ui:` section of flows.yaml."""
    return dict(service.content.flows.ui)
