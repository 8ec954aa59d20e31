"""What the service needs from a channel that delivers replies on its own (Zalo, Telegram).

An adapter has two halves: parsing (channel payload -> `InboundMessage`s, in the webhook route) and
sending (`Sender.send`, called by the service for each outbox item). Adapters never decide what to say.
The web chat and the terminal have no Sender: their replies go back in the HTTP response / stdout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx

from bot.config import Settings
from bot.domain.messages import Incoming

Service = TypeVar("Service", contravariant=True)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One citizen message ready for the service: who, what, and the key that makes redelivery harmless."""

    channel: str
    user_id: str
    incoming: Incoming
    dedupe_key: str


class Sender(Protocol):
    channel: str

    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        """Deliver one reply (Reply.to_json()). Raise bot.errors.ChannelRateLimited to be retried later,
        ChannelRejected when it can never be delivered, any other ChannelError / OSError / httpx error to be
        retried with back-off."""
        ...

    async def aclose(self) -> None: ...


class ChannelStarter(Protocol[Service]):
    """Each channel module exposes `start_channel` with this signature; bot/runtime.py calls it at
    start-up. `Service` is what the caller passes (the ChatService): each channel asks only for the part
    it uses, so the channels do not import the service.

    It returns the channel's Sender (registered with the service; `aclose()` stops the channel) or None
    when the channel's settings are unset (the channel is off and the app says so at start-up).
    """

    async def __call__(
        self, settings: Settings, service: Service, http: httpx.AsyncClient, /
    ) -> Sender | None: ...
