"""Sending replies through the Bot API, and turning Telegram's errors into Motcua's.

The service calls `TelegramSender.send(user_id, reply_json)` for each outbox item and decides about
retries from the error class alone:

    RetryAfter (HTTP 429)          -> ChannelRateLimited(retry_after=s)  retried after that long
    Forbidden (blocked, kicked)    -> ChannelRejected                    never retried
    BadRequest (chat not found...) -> ChannelRejected                    the same request would fail again
    InvalidToken                   -> ChannelAuthError                   an operator must fix the token
    NetworkError, TimedOut, other  -> ChannelError                       retried with back-off

A long reply goes out in several messages. If Telegram asks us to slow down after some of them went
through, the sender waits (up to MAX_INLINE_WAIT) and carries on, rather than letting the whole reply be
retried and the citizen receive its first part twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.channels.telegram.render import CHANNEL, OutgoingMessage, render_reply
from bot.domain.messages import Reply
from bot.errors import ChannelAuthError, ChannelError, ChannelRateLimited, ChannelRejected

# PTB 22 reads RetryAfter.retry_after as an int with a PTBDeprecationWarning unless PTB_TIMEDELTA is on,
# and even *constructing* RetryAfter reads it. Opting in gives a timedelta and no warning (tests run with
# warnings as errors). An operator's explicit setting wins; `retry_seconds` copes with both shapes.
os.environ.setdefault("PTB_TIMEDELTA", "true")

log = logging.getLogger("motcua.telegram")

MAX_INLINE_WAIT = 30.0  # seconds we may wait inside one send before handing the wait to the service
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # portal links would otherwise bury the instructions


def retry_seconds(err: RetryAfter) -> float:
    value: int | float | dt.timedelta = err.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def channel_error(err: TelegramError) -> ChannelError:
    """The Motcua error for a Bot API failure (see the module docstring)."""
    if isinstance(err, RetryAfter):
        return ChannelRateLimited(CHANNEL, 429, err.message, retry_after=retry_seconds(err))
    if isinstance(err, Forbidden):
        return ChannelRejected(CHANNEL, 403, err.message)
    if isinstance(err, InvalidToken):
        # PTB's message can quote the token itself; it must not reach logs or the outbox.
        return ChannelAuthError(CHANNEL, 401, "the bot token was rejected; check MOTCUA_TELEGRAM_TOKEN")
    if isinstance(err, BadRequest | ChatMigrated):  # BadRequest is a NetworkError subclass: test it first
        return ChannelRejected(CHANNEL, 400, err.message)
    return ChannelError(CHANNEL, type(err).__name__, err.message)


def chat_id_of(user_id: str) -> int:
    try:
        return int(user_id)
    except ValueError:
        raise ChannelRejected(CHANNEL, "chat_id", f"{user_id!r} is not a Telegram chat id") from None


class TelegramSender:
    """The sending half of the Telegram channel; `TelegramChannel` wraps it into a full `Sender`."""

    channel = CHANNEL

    def __init__(
        self,
        bot: Bot,
        *,
        max_inline_wait: float = MAX_INLINE_WAIT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.max_inline_wait = max_inline_wait
        self._sleep = sleep

    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        chat_id = chat_id_of(user_id)
        parts = render_reply(Reply.from_json(reply))
        for index, part in enumerate(parts):
            await self._send_part(chat_id, part, already_sent=index)

    async def _send_part(self, chat_id: int, part: OutgoingMessage, *, already_sent: int) -> None:
        while True:
            try:
                await self.bot.send_message(
                    chat_id=chat_id,
                    text=part.html_text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=part.keyboard,
                    link_preview_options=_NO_PREVIEW,
                )
                return
            except RetryAfter as err:
                wait = retry_seconds(err)
                if already_sent == 0 or wait > self.max_inline_wait:
                    raise channel_error(err) from err
                log.info("rate limited mid-reply for chat %s; waiting %.1f s", chat_id, wait)
                await self._sleep(wait)
            except TelegramError as err:
                raise channel_error(err) from err
