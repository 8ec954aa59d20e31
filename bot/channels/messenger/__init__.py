"""The Facebook Messenger channel: webhook events in, Send API replies out."""

from bot.channels.messenger.channel import WEBHOOK_PATH, start_channel, webhook_for
from bot.channels.messenger.setup import setup_profile
from bot.channels.messenger.signature import HEADER

__all__ = ["HEADER", "WEBHOOK_PATH", "setup_profile", "start_channel", "webhook_for"]
