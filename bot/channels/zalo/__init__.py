"""The Zalo Official Account channel: webhook events in, rendered replies out."""

from bot.channels.zalo.channel import now_ms, start_channel, webhook_for
from bot.channels.zalo.signature import HEADER

__all__ = ["HEADER", "now_ms", "start_channel", "webhook_for"]
