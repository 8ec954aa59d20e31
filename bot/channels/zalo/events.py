"""Zalo OA webhook events -> `InboundMessage`s for the service (or None: nothing to do).

What matters, and why:
- Button taps have no event of their own: an `oa.query.hide` button makes the citizen "send" its payload
  as an ordinary `user_send_text`. Our payloads carry the prefix `#b:` so a tap is told apart from typing.
- `follow` has no sender: the citizen is `follower.id`. It starts the conversation (a greeting).
- Photos, stickers, voice notes, files, locations, links... (`user_send_<kind>`) become
  `Incoming.unsupported(kind)`: the engine asks the citizen to type instead.
- The OA's own messages come back as `oa_send_*`, and receipts as `user_received_message` /
  `user_seen_message`. Reacting to them would make the bot talk to itself, so they are ignored, like any
  event we do not know.
- Zalo delivers at least once, so every message carries a dedupe key: `message.msg_id`, or for follow
  events (which have none) the event name, follower and timestamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.base import InboundMessage
from bot.domain.messages import Incoming

CHANNEL = "zalo"
BUTTON_PREFIX = "#b:"  # payload of our oa.query.hide buttons: "#b:<button id>"
TEXT_EVENT = "user_send_text"
USER_SEND_PREFIX = "user_send_"


def field(data: Mapping[str, Any], *path: str) -> str | None:
    """A string (or integer, kept as text) found at `path`, or None when absent or of another type.

    Zalo's ids are long digit strings; a few third-party fixtures send them as numbers, so integers are
    accepted and turned into their decimal text (never floats, which would lose digits).
    """
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    if isinstance(node, bool):
        return None
    if isinstance(node, int):
        return str(node)
    return node if isinstance(node, str) else None


def button_id(text: str) -> str | None:
    """The button id when `text` is one of our button payloads, else None (typed text)."""
    if text.startswith(BUTTON_PREFIX):
        pressed = text[len(BUTTON_PREFIX) :].strip()
        return pressed or None
    return None


def to_inbound(event: Mapping[str, Any]) -> InboundMessage | None:
    """Translate one verified webhook event; None when the bot has nothing to do with it."""
    name = field(event, "event_name") or ""
    if name == "follow":
        return _follow(event)
    if name.startswith(USER_SEND_PREFIX):
        return _user_message(event, name)
    return None  # oa_send_* echoes, receipts, unfollow, reactions, unknown events


def _follow(event: Mapping[str, Any]) -> InboundMessage | None:
    follower = field(event, "follower", "id")
    timestamp = field(event, "timestamp") or ""
    if not follower:
        return None
    return InboundMessage(CHANNEL, follower, Incoming.started(), f"zalo:follow:{follower}:{timestamp}")


def _user_message(event: Mapping[str, Any], name: str) -> InboundMessage | None:
    user = field(event, "sender", "id")
    if not user:
        return None
    msg_id = field(event, "message", "msg_id")
    # Without a msg_id (not seen in practice) the sender + timestamp still identify a redelivery.
    dedupe = f"zalo:msg:{msg_id}" if msg_id else f"zalo:{name}:{user}:{field(event, 'timestamp') or ''}"
    if name == TEXT_EVENT:
        message = event.get("message")
        text = message.get("text") if isinstance(message, Mapping) else None
        if not isinstance(text, str) or not text.strip():  # ids may be numbers, text may not
            return None
        pressed = button_id(text)
        incoming = Incoming.pressed(pressed) if pressed else Incoming.typed(text)
        return InboundMessage(CHANNEL, user, incoming, dedupe)
    kind = name[len(USER_SEND_PREFIX) :]
    return InboundMessage(CHANNEL, user, Incoming.unsupported(kind), dedupe)
