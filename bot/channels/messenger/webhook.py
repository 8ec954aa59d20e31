"""Checking one Messenger webhook delivery before anything is stored: signature, then JSON.

`MessengerWebhook.check` returns the HTTP status to answer and the `InboundMessage`s to hand to the
service (a delivery may batch many events). The signature is proven over the raw bytes before the body
is even parsed; nothing reaches storage until it is. The size is the caller's to check, once, while
reading (api/routes/messenger.py stops reading past `max_body_bytes` and answers 413).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.channels.base import InboundMessage
from bot.channels.messenger.events import events, to_inbound
from bot.channels.messenger.signature import challenge_answer, signature_matches

MAX_BODY_BYTES = 256 * 1024  # the app's own limit for any request (api/main.py); Meta batches events


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    status: int  # 200 (also when every event is ignored), 400 or 401
    reason: str  # for logs only; never shown to a citizen
    messages: tuple[InboundMessage, ...] = ()


class MessengerWebhook:
    def __init__(self, *, app_secret: str, verify_token: str, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self._secret, self._verify_token = app_secret, verify_token
        self.max_body_bytes = max_body_bytes

    def handshake(self, mode: str | None, token: str | None, challenge: str | None) -> str | None:
        """The subscription challenge to echo, or None (answer 403)."""
        return challenge_answer(mode, token, challenge, verify_token=self._verify_token)

    def check(self, raw_body: bytes, signature: str | None) -> WebhookOutcome:
        if not signature:
            return WebhookOutcome(401, "no signature")
        if not signature_matches(signature, raw_body=raw_body, app_secret=self._secret):
            return WebhookOutcome(401, "bad signature")
        try:
            delivery = json.loads(raw_body)
        except (ValueError, RecursionError):  # bad UTF-8, bad JSON, absurd nesting within the size limit
            return WebhookOutcome(400, "body is not JSON")
        if not isinstance(delivery, dict):
            return WebhookOutcome(400, "body is not a JSON object")
        found = [to_inbound(event) for event in events(delivery)]
        messages = tuple(message for message in found if message is not None)
        return WebhookOutcome(200, f"{len(messages)} of {len(found)} events accepted", messages)
