"""What a citizen sends and what the bot answers, independent of any channel.

Adapters (Zalo, Telegram, web chat, terminal) translate their own payloads into `Incoming` and render
`Reply` back; the engine only ever sees these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MESSAGE_LIMIT = 2000  # Zalo's limit per text message; Telegram allows 4096


class IncomingKind(StrEnum):
    TEXT = "text"
    BUTTON = "button"
    START = "start"  # a deep link (/start <payload>) or a channel's "follow"/"get started"
    UNSUPPORTED = "unsupported"  # a sticker, photo, voice note...: the bot asks the citizen to type


@dataclass(frozen=True, slots=True)
class Incoming:
    kind: IncomingKind
    text: str = ""
    button: str = ""
    payload: str = ""

    @classmethod
    def typed(cls, text: str) -> Incoming:
        return cls(IncomingKind.TEXT, text=text)

    @classmethod
    def pressed(cls, button_id: str) -> Incoming:
        return cls(IncomingKind.BUTTON, button=button_id)

    @classmethod
    def started(cls, payload: str = "") -> Incoming:
        return cls(IncomingKind.START, payload=payload)

    @classmethod
    def unsupported(cls, what: str = "") -> Incoming:
        return cls(IncomingKind.UNSUPPORTED, payload=what)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "text": self.text, "button": self.button, "payload": self.payload}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incoming:
        return cls(
            IncomingKind(str(data.get("kind", "text"))),
            text=str(data.get("text", "")),
            button=str(data.get("button", "")),
            payload=str(data.get("payload", "")),
        )


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label}


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url}


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    links: tuple[Link, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "buttons": [b.to_json() for b in self.buttons]}
        if self.links:
            out["links"] = [link.to_json() for link in self.links]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return cls(
            text=str(data.get("text", "")),
            buttons=tuple(Button(str(b["id"]), str(b["label"])) for b in data.get("buttons", [])),
            links=tuple(Link(str(lk["label"]), str(lk["url"])) for lk in data.get("links", [])),
        )


def replies_to_json(replies: list[Reply] | tuple[Reply, ...]) -> dict[str, Any]:
    """The reply object of the chat contract: {"messages": [{"text", "buttons", "links"?}]}."""
    return {"messages": [r.to_json() for r in replies]}
