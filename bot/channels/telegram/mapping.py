"""Telegram `Update` -> `InboundMessage`: what the citizen did, in the engine's terms.

Pure translation, no I/O. Every kind of update maps to exactly one outcome and none raises:

- a text message in a private chat        -> Incoming.typed(text)
- "/start" or a deep link "/start <id>"   -> Incoming.started("<id>")  (https://t.me/<bot>?start=<id>)
- another command "/menu"                 -> Incoming.typed("menu")   (the engine knows words, not commands)
- a sticker, photo, voice note, contact...-> Incoming.unsupported("sticker") etc.: the engine asks to type
- a button press (callback_query)         -> Incoming.pressed(<callback data>); the query is always answered
- edits, channel posts, group chats, membership changes and anything unknown -> ignored (no message)

Group chats are ignored on purpose: a conversation's state belongs to one citizen, and a bot that answers
every line in a group would be noise. The dedupe key is the update_id, which Telegram repeats verbatim on
redelivery; it is never compared as "greater than the last one" (ids are re-randomised after a quiet week).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType, MessageAttachmentType

from bot.channels.base import InboundMessage
from bot.domain.messages import Incoming

CHANNEL = "telegram"

# "/start", "/start@motcua_bot", "/start khai-sinh": command name, optional bot mention, the rest.
_COMMAND = re.compile(
    r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+(?P<rest>.*))?$", re.S
)

# Attachments in the order PTB documents them; successful_payment is left out because reading it through
# `Message.effective_attachment` emits a deprecation warning, and no citizen pays this bot.
_ATTACHMENTS: tuple[str, ...] = tuple(
    kind.value for kind in MessageAttachmentType if kind is not MessageAttachmentType.SUCCESSFUL_PAYMENT
)


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    """What the webhook route or the polling loop must do with one update."""

    update_id: int
    inbound: InboundMessage | None  # None: nothing for the engine (ignored kinds)
    callback_query_id: str | None = None  # answer it, whatever else happens, so the client's spinner stops


def map_update(update: Update) -> ParsedUpdate:
    """Translate one update; unknown or unwanted kinds come back with `inbound=None`."""
    if update.callback_query is not None:
        return _map_callback(update.update_id, update.callback_query)
    if update.message is not None:
        return ParsedUpdate(update.update_id, _map_message(update.update_id, update.message))
    # edited_message, channel_post, my_chat_member, polls, inline queries...: nothing a citizen said to us.
    return ParsedUpdate(update.update_id, None)


def _map_callback(update_id: int, query: CallbackQuery) -> ParsedUpdate:
    chat = query.message.chat if query.message is not None else None
    if chat is not None and chat.type != ChatType.PRIVATE:
        return ParsedUpdate(update_id, None, query.id)
    if not query.data or query.from_user.is_bot:
        # A game button or a press on an inline-mode message: nothing the engine offered.
        return ParsedUpdate(update_id, None, query.id)
    user_id = str(chat.id) if chat is not None else str(query.from_user.id)
    inbound = InboundMessage(CHANNEL, user_id, Incoming.pressed(query.data), str(update_id))
    return ParsedUpdate(update_id, inbound, query.id)


def _map_message(update_id: int, message: Message) -> InboundMessage | None:
    if message.chat.type != ChatType.PRIVATE:
        return None
    if message.from_user is not None and message.from_user.is_bot:
        return None
    incoming = _incoming_of(message)
    if incoming is None:
        return None
    return InboundMessage(CHANNEL, str(message.chat.id), incoming, str(update_id))


def _incoming_of(message: Message) -> Incoming | None:
    if message.text is not None:
        return _from_text(message.text)
    for kind in _ATTACHMENTS:
        if message[kind]:
            return Incoming.unsupported(kind)
    # Service messages (pinned, chat photo changed, auto-delete timer...) are not the citizen talking.
    return None


def _from_text(text: str) -> Incoming | None:
    command = _COMMAND.match(text.strip())
    if command is None:
        return Incoming.typed(text) if text.strip() else None
    rest = (command.group("rest") or "").strip()
    if command.group("name").lower() == "start":
        # The deep-link payload is the procedure id (A-Z a-z 0-9 _ -, at most 64 characters by Telegram's
        # rules); it goes on untouched and the engine decides whether it names a procedure.
        return Incoming.started(rest)
    return Incoming.typed(" ".join(part for part in (command.group("name"), rest) if part))
