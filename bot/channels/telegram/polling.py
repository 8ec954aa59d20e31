"""Long polling for local development: the webhook's channel, mapping and service, fed by getUpdates.

    deleteWebhook -> getUpdates(offset, timeout) -> for each update: map, service.accept, answer the
    callback query -> offset = update_id + 1 -> ... until cancelled (Ctrl-C) -> final getUpdates(timeout=0)

An update's offset only moves past it once the service has accepted it (stored in the inbox), so a
database hiccup makes Telegram hand the same batch over again instead of losing it; the inbox's dedupe key
turns the repeats into no-ops. The final getUpdates tells Telegram which updates we have, so the next run
does not start with them again.

`run_polling` also runs the service's delivery worker (retries of replies Telegram refused for now), as
the app's lifespan does in webhook mode, and stops it at the end, which waits for turns still running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.request import BaseRequest

from bot.channels.telegram.channel import (
    ALLOWED_UPDATES,
    InboxService,
    TelegramChannel,
    start_telegram_channel,
)
from bot.channels.telegram.mapping import map_update
from bot.channels.telegram.sender import channel_error, retry_seconds
from bot.config import Settings

log = logging.getLogger("motcua.telegram")

POLL_TIMEOUT = 25  # seconds Telegram may hold a getUpdates open; below common proxies' idle limits
MAX_BACKOFF = 30.0


class PollingService(InboxService, Protocol):
    """What polling needs from bot.service.ChatService: accepting, plus its delivery worker."""

    def start(self) -> None: ...
    async def stop(self) -> None: ...


async def run_polling(
    settings: Settings,
    service: PollingService,
    *,
    poll_timeout: int = POLL_TIMEOUT,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> None:
    """Serve the bot by long polling until cancelled. Raises ChannelError when it cannot go on (a bad
    token, or another process polling the same bot)."""
    channel = await start_telegram_channel(
        settings, service, register_webhook=False, request=request, get_updates_request=get_updates_request
    )
    offset: int | None = None
    try:
        service.start()
        webhook_deleted = False  # getUpdates answers 409 while a webhook is set
        failures = 0
        while True:
            try:
                if not webhook_deleted:
                    webhook_deleted = await channel.bot.delete_webhook()
                    log.info("polling Telegram for updates (Ctrl-C stops)")
                updates = await channel.bot.get_updates(
                    offset=offset, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as err:
                await asyncio.sleep(retry_seconds(err))
                continue
            except BadRequest as err:  # a NetworkError subclass, but asking again cannot help
                raise channel_error(err) from err
            except NetworkError as err:  # timeouts and dropped connections: wait, then ask again
                failures += 1
                log.warning("getUpdates failed (%s); retrying", type(err).__name__)
                await asyncio.sleep(min(MAX_BACKOFF, 2.0 ** (failures - 1)))
                continue
            except TelegramError as err:  # a bad token, another process polling (Conflict)...
                raise channel_error(err) from err
            failures = 0
            offset = await _hand_over(channel, service, updates, offset)
    finally:
        await _confirm(channel.bot, offset)
        await service.stop()  # finishes the turns in flight (their replies go out) and closes the senders
        await channel.aclose()


async def _hand_over(
    channel: TelegramChannel, service: InboxService, updates: tuple[Update, ...], offset: int | None
) -> int | None:
    """Accept each update in order; returns the offset just past the last one accepted."""
    for update in updates:
        try:
            parsed = map_update(update)
        except Exception:  # one odd update must not block the ones behind it forever
            log.exception("skipping update %s that could not be mapped", update.update_id)
            offset = update.update_id + 1
            continue
        try:
            await channel.deliver(parsed, service)
        except Exception:  # the inbox is unavailable: keep the offset so Telegram gives it to us again
            log.exception("could not accept update %s; it will be fetched again", update.update_id)
            await asyncio.sleep(1.0)
            return offset
        if parsed.callback_query_id is not None:
            await channel.answer_callback(parsed.callback_query_id)
        offset = update.update_id + 1
    return offset


async def _confirm(bot: Bot, offset: int | None) -> None:
    """Tell Telegram which updates we took, as PTB's own Updater does when it stops."""
    if offset is None:
        return
    with contextlib.suppress(TelegramError, asyncio.TimeoutError):
        await asyncio.wait_for(bot.get_updates(offset=offset, timeout=0, limit=1), timeout=5)
