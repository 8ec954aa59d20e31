"""The Telegram channel object: parses webhook updates, sends replies, owns the PTB `Application`.

PTB is used for what it is good at: the Bot API client, its types and its errors. The dialogue is not
PTB's business: no handlers, no ConversationHandler, no persistence; updates are mapped to
`InboundMessage`s (telegram/mapping.py) and handed to the service, whose engine owns the state.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Protocol

from telegram import Bot, Update
from telegram.constants import UpdateType
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.channels.base import InboundMessage, Sender
from bot.channels.redact import hide_token_from_http_logs
from bot.channels.telegram.mapping import CHANNEL, ParsedUpdate, map_update
from bot.channels.telegram.sender import TelegramSender
from bot.config import Settings
from bot.errors import ConfigError

log = logging.getLogger("motcua.telegram")

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [UpdateType.MESSAGE.value, UpdateType.CALLBACK_QUERY.value]  # all the engine can use

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


class InboxService(Protocol):
    """The two things the channel needs from bot.service.ChatService."""

    async def accept(self, msg: InboundMessage) -> bool: ...
    def register_sender(self, sender: Sender) -> None: ...


def build_application(
    settings: Settings, *, request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None
) -> TelegramApp:
    """An Application with no updater; `request`s let tests swap the HTTP transport."""
    if not settings.telegram_token:
        raise ConfigError("Telegram is off: set MOTCUA_TELEGRAM_TOKEN to the token @BotFather gave")
    hide_token_from_http_logs(settings.telegram_token)
    builder = ApplicationBuilder().token(settings.telegram_token).base_url(settings.telegram_base_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    return builder.updater(None).build()


class TelegramChannel:
    """Parses webhook updates and is the `Sender` the service delivers Telegram replies through."""

    channel = CHANNEL

    def __init__(self, application: TelegramApp, *, webhook_secret: str | None) -> None:
        self.application = application
        self._secret = webhook_secret.encode() if webhook_secret else None
        self._sender = TelegramSender(application.bot)
        self._closed = False

    @property
    def bot(self) -> Bot:
        bot: Bot = self.application.bot
        return bot

    # --- inbound -----------------------------------------------------------------------------------
    def secret_matches(self, header: str | None) -> bool:
        """True only when a secret is configured and the header carries exactly it (constant time)."""
        if self._secret is None or header is None:
            return False
        return hmac.compare_digest(header.encode("utf-8", "surrogateescape"), self._secret)

    def parse(self, data: Any) -> ParsedUpdate:
        """An Update's JSON -> what to do with it. ValueError when it is not a Telegram update at all."""
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            raise ValueError("not a Telegram update: expected an object with an integer update_id")
        try:
            return map_update(Update.de_json(data, self.bot))
        except Exception as err:  # PTB trusts the Bot API and fails in many ways on malformed objects
            raise ValueError(f"malformed Telegram update {data['update_id']}: {type(err).__name__}") from err

    async def deliver(self, parsed: ParsedUpdate, service: InboxService) -> bool:
        """Hand a parsed update to the service; False when there was nothing new to hand over."""
        if parsed.inbound is None:
            return False
        return await service.accept(parsed.inbound)

    async def answer_callback(self, query_id: str) -> None:
        """Stop the client's spinner. Failing is harmless (the query expired): log it and move on."""
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as err:
            log.info("answerCallbackQuery %s failed: %s", query_id, type(err).__name__)

    # --- outbound (Sender) -------------------------------------------------------------------------
    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        await self._sender.send(user_id, reply)

    # --- lifecycle ---------------------------------------------------------------------------------
    async def initialize(self) -> None:
        """getMe. A wrong token stops start-up; an unreachable Telegram does not (sends are retried)."""
        try:
            await self.application.initialize()
        except InvalidToken:
            raise ConfigError(
                "Telegram rejected MOTCUA_TELEGRAM_TOKEN (getMe answered 401/404); "
                "copy it again from @BotFather"
            ) from None
        except NetworkError as err:
            log.warning("Telegram unreachable at start-up (%s); replies will be retried", type(err).__name__)

    async def register_webhook(self, public_base_url: str) -> None:
        """Point Telegram at our route, with the secret it must echo in SECRET_HEADER."""
        if self._secret is None:
            raise ConfigError(
                "set MOTCUA_TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) to use the webhook"
            )
        url = public_base_url.rstrip("/") + WEBHOOK_PATH
        await self.bot.set_webhook(
            url=url, secret_token=self._secret.decode(), allowed_updates=ALLOWED_UPDATES
        )
        log.info("Telegram webhook set to %s", url)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        # shutdown() is a no-op when initialize() failed half way; close the bot's HTTP clients anyway.
        await self.application.shutdown()
        await self.bot.shutdown()


async def start_telegram_channel(
    settings: Settings,
    service: InboxService,
    *,
    register_webhook: bool = True,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> TelegramChannel:
    """Build, initialise and register the channel with the service.

    The webhook is (re)registered only when it can work: a secret is configured and the public base URL
    is https (Telegram refuses anything else), so a developer's http://127.0.0.1 never steals production's
    webhook. A failure there is logged, not fatal: the route keeps serving an earlier registration.
    """
    application = build_application(settings, request=request, get_updates_request=get_updates_request)
    channel = TelegramChannel(application, webhook_secret=settings.telegram_webhook_secret)
    try:
        await channel.initialize()
    except BaseException:
        await channel.aclose()  # the HTTP clients are open even when getMe failed
        raise
    service.register_sender(channel)
    wants_webhook = settings.telegram_webhook_secret and settings.public_base_url.startswith("https://")
    if register_webhook and wants_webhook:
        try:
            await channel.register_webhook(settings.public_base_url)
        except TelegramError as err:
            log.error("setWebhook failed (%s): %s", type(err).__name__, err.message)
    elif register_webhook and not settings.telegram_webhook_secret:
        log.warning("MOTCUA_TELEGRAM_WEBHOOK_SECRET is unset: POST %s answers 403 to everyone", WEBHOOK_PATH)
    return channel


async def start_channel(
    settings: Settings, service: InboxService, http: object = None
) -> TelegramChannel | None:
    """The app's start-up hook (bot/runtime.py): the channel, already registered as the service's Telegram
    sender, or None when Telegram is off. `http` is the app's shared client, which PTB cannot use: its
    HTTPXRequest owns its own connection pool, closed by `TelegramChannel.aclose()` (service.stop())."""
    if not settings.telegram_enabled:
        return None
    return await start_telegram_channel(settings, service)
