"""The Facebook Messenger channel: what bot/runtime.py, the route and the CLI import.

    webhook (api/routes/messenger.py) -> MessengerWebhook.check (messenger/webhook.py: signature,
    messenger/events.py: events -> InboundMessages) -> ChatService.accept ... ChatService ->
    MessengerSender.send (messenger/render.py: Reply -> Send API bodies) -> POST {graph}/v…/me/messages

The channel is on when MOTCUA_MESSENGER_APP_SECRET, _VERIFY_TOKEN and _PAGE_TOKEN are all set
(bot/config.py refuses a half configuration); `motcua messenger setup` (messenger/setup.py) sets the
page's Get Started button and persistent menu.
"""

from __future__ import annotations

import httpx

from bot.channels.messenger.events import CHANNEL
from bot.channels.messenger.sender import MessengerSender
from bot.channels.messenger.webhook import MessengerWebhook
from bot.config import Settings

WEBHOOK_PATH = "/webhooks/messenger"

__all__ = ["CHANNEL", "WEBHOOK_PATH", "MessengerSender", "MessengerWebhook", "start_channel", "webhook_for"]


def webhook_for(settings: Settings) -> MessengerWebhook | None:
    """The webhook checker for these settings; None when Messenger is off."""
    if not (settings.messenger_enabled and settings.messenger_app_secret and settings.messenger_verify_token):
        return None
    return MessengerWebhook(
        app_secret=settings.messenger_app_secret, verify_token=settings.messenger_verify_token
    )


def sender_for(settings: Settings, http: httpx.AsyncClient) -> MessengerSender | None:
    if not (settings.messenger_enabled and settings.messenger_page_token):
        return None
    return MessengerSender(
        http,
        page_token=settings.messenger_page_token,
        graph_base=settings.messenger_graph_base,
        api_version=settings.messenger_api_version,
    )


async def start_channel(
    settings: Settings, service: object, http: httpx.AsyncClient
) -> MessengerSender | None:
    """Called by the app at start-up: the sender to register, or None when Messenger is off. Nothing is
    called at Meta here: the webhook is subscribed in the app dashboard, the profile by `motcua messenger
    setup` (the Messenger Profile API allows 10 calls per 10 minutes per page, too few for every start)."""
    return sender_for(settings, http)
