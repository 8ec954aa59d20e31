"""Telegram for Motcua: what bot/runtime.py and bot/cli/main.py import.

Webhook mode, inside the FastAPI lifespan (bot/runtime.py calls every channel's `start_channel`):

    sender = await start_channel(settings, service, http)   # None when off; else getMe, then registered
                                                             # as the service's "telegram" sender, setWebhook
    ...                                                      # the route finds it in service.senders
    await service.stop()                                     # closes it (TelegramChannel.aclose, idempotent)

Polling mode, for local development without a public URL (`motcua telegram --polling`):

    await run_polling(settings, service)                         # deleteWebhook, then getUpdates until Ctrl-C

The pieces: telegram/mapping.py (Update -> InboundMessage), telegram/render.py (Reply -> messages),
telegram/sender.py (sendMessage and error mapping), telegram/channel.py (the channel object and its
lifecycle), telegram/polling.py (the getUpdates loop).
"""

from __future__ import annotations

from bot.channels.telegram.channel import (
    ALLOWED_UPDATES,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramChannel,
    build_application,
    start_channel,
    start_telegram_channel,
)
from bot.channels.telegram.mapping import CHANNEL, ParsedUpdate, map_update
from bot.channels.telegram.polling import run_polling

__all__ = [
    "ALLOWED_UPDATES",
    "CHANNEL",
    "SECRET_HEADER",
    "WEBHOOK_PATH",
    "ParsedUpdate",
    "TelegramChannel",
    "build_application",
    "map_update",
    "run_polling",
    "start_channel",
    "start_telegram_channel",
]
