"""What any channel checks at its edge before a message reaches storage: sizes and the clock.

Platforms are trusted for their signature, not for their sizes: a signed event can still carry a
5,000-character sender id, a 1,000-character msg_id or a 200 KB text (a bug, a test tool, a replay of a
forged body with a leaked key). `admit` keeps every stored value within its column:
- a user id longer than MAX_USER_ID is refused (None: nothing is stored; no id of ours is that long),
- a dedupe key longer than MAX_DEDUPE is replaced by a hash of it (redeliveries still match),
- typed text longer than MAX_TEXT is cut (no chat platform sends more than 4,096 characters).
`within_window` refuses events whose signed timestamp is too far from now (a replay from 2010, or a
clock in the year 5138); inside the window, dedupe keys make redelivery harmless. Each channel (Zalo
today, Messenger later) calls these with its own window setting.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

from bot.channels.base import InboundMessage
from bot.storage.tables import USER_ID_LEN

log = logging.getLogger("motcua.edge")

MAX_USER_ID = 128
MAX_DEDUPE = 200  # the column holds 255
MAX_TEXT = 4000
assert MAX_USER_ID <= USER_ID_LEN


def admit(message: InboundMessage) -> InboundMessage | None:
    """The message cut to size, or None when it cannot be stored as it should (logged, not stored)."""
    if not message.user_id or len(message.user_id) > MAX_USER_ID:
        log.warning("%s message refused: a sender id of %d characters", message.channel, len(message.user_id))
        return None
    incoming = message.incoming
    cut = {
        name: value[:MAX_TEXT]
        for name in ("text", "button", "payload")
        if len(value := getattr(incoming, name)) > MAX_TEXT
    }
    dedupe_key = message.dedupe_key
    if len(dedupe_key) > MAX_DEDUPE:
        digest = hashlib.sha256(dedupe_key.encode("utf-8", "surrogatepass")).hexdigest()
        dedupe_key = f"{message.channel}:sha256:{digest}"
    if cut:
        incoming = dataclasses.replace(incoming, **cut)
    return dataclasses.replace(message, incoming=incoming, dedupe_key=dedupe_key)


def within_window(sent_ms: str | int, now_ms: int, window_seconds: float) -> bool:
    """Whether a signed timestamp (milliseconds since 1970) lies within `window_seconds` of now."""
    try:
        sent = int(sent_ms)
    except (TypeError, ValueError):
        return False
    return abs(now_ms - sent) <= window_seconds * 1000
