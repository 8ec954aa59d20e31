"""Messenger webhook deliveries -> `InboundMessage`s for the service.

A delivery is `{"object": "page", "entry": [{"id": <page>, "time": …, "messaging": [event, …]}, …]}`:
several entries, each with several events. What each event becomes, and why:

- `message` with `quick_reply.payload`      -> Incoming.pressed(<payload>): our quick replies carry the
  button id as payload (the title the citizen sees is only the short label);
- `message` with text                       -> Incoming.typed(text);
- `message` with attachments only (photo, sticker, voice, location…) -> Incoming.unsupported(<type>);
- `postback` (a button template, the persistent menu) -> Incoming.pressed(<payload>);
- `postback` of the Get Started button      -> Incoming.started(ref): the ref of the m.me link that
  opened the thread (`postback.referral.ref`), or "" for a plain greeting;
- `referral` (an m.me?ref=… link opened in an existing thread) -> Incoming.started(ref), like Telegram's
  `/start <id>`: the engine decides whether the ref names a procedure;
- echoes of the page's own messages (`message.is_echo`), `read`, `delivery`, reactions, opt-ins,
  handover and anything unknown -> ignored: reacting to them would make the bot talk to itself.

Meta delivers at least once, so every message carries a dedupe key: the message id (`mid`) for
messages, and sender + timestamp for postbacks and referrals (the same tap redelivered keeps both).
Ids are bounded before they reach storage: a sender that is not a page-scoped id (digits) is ignored,
and a message id too long for the dedupe column is keyed by its hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.channels.base import InboundMessage
from bot.channels.zalo.events import field as _text  # ids as digit strings, the same way
from bot.domain.messages import Incoming

CHANNEL = "messenger"
GET_STARTED = "#start"  # the Get Started button's payload; button ids never start with "#"
PSID = re.compile(r"^[0-9]{1,64}$")  # page-scoped user ids are digit strings (about 16 today)
MAX_MID_CHARS = 200  # the dedupe column holds 255 characters with its prefix
MAX_REF_CHARS = 250  # Meta documents refs as short [A-Za-z0-9_=-] strings; a longer one is not ours


def events(delivery: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every messaging event of a page delivery, in order; nothing for another object or shape."""
    if delivery.get("object") != "page":
        return
    entries = delivery.get("entry")
    for entry in entries if isinstance(entries, list) else ():
        messaging = entry.get("messaging") if isinstance(entry, Mapping) else None
        for event in messaging if isinstance(messaging, list) else ():
            if isinstance(event, Mapping):
                yield event


def to_inbound(event: Mapping[str, Any]) -> InboundMessage | None:
    """Translate one messaging event; None when the bot has nothing to do with it."""
    user = _text(event, "sender", "id")
    if not user or not PSID.match(user):
        return None  # chat-plugin guests (user_ref only) and malformed events
    message = event.get("message")
    if isinstance(message, Mapping):
        return _message(user, message)
    postback = event.get("postback")
    if isinstance(postback, Mapping):
        return _postback(user, event, postback)
    referral = event.get("referral")
    if isinstance(referral, Mapping):
        ref = _ref(referral)
        if ref is None:
            return None
        return InboundMessage(CHANNEL, user, Incoming.started(ref), _key("referral", user, event))
    return None  # read, delivery, reaction, optin, pass/take thread control, unknown kinds


def _key(kind: str, user: str, event: Mapping[str, Any]) -> str:
    return f"messenger:{kind}:{user}:{(_text(event, 'timestamp') or '')[:32]}"


def _ref(referral: Mapping[str, Any]) -> str | None:
    ref = _text(referral, "ref")
    if ref is None:
        return None
    ref = ref.strip()
    return ref if len(ref) <= MAX_REF_CHARS else None


def _message(user: str, message: Mapping[str, Any]) -> InboundMessage | None:
    if message.get("is_echo"):
        return None
    mid = _text(message, "mid")
    if not mid:
        return None
    if len(mid) > MAX_MID_CHARS:
        mid = "sha256:" + hashlib.sha256(mid.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"messenger:mid:{mid}"
    payload = _text(message, "quick_reply", "payload")
    if payload:
        return InboundMessage(CHANNEL, user, _pressed(payload, None), key)
    text = _text(message, "text")
    if text is not None and text.strip():
        return InboundMessage(CHANNEL, user, Incoming.typed(text), key)
    attachments = message.get("attachments")
    if isinstance(attachments, list) and attachments:
        kind = _text(attachments[0], "type") or "attachment"
        return InboundMessage(CHANNEL, user, Incoming.unsupported(kind), key)
    return None


def _postback(user: str, event: Mapping[str, Any], postback: Mapping[str, Any]) -> InboundMessage | None:
    referral = postback.get("referral")
    ref = _ref(referral) if isinstance(referral, Mapping) else None
    payload = _text(postback, "payload") or ""
    return InboundMessage(CHANNEL, user, _pressed(payload, ref), _key("postback", user, event))


def _pressed(payload: str, ref: str | None) -> Incoming:
    """A tap: the Get Started button (with the m.me ref that led there, if any) or one of our buttons."""
    if payload == GET_STARTED or ref is not None or not payload.strip():
        return Incoming.started(ref or "")
    return Incoming.pressed(payload.strip())
