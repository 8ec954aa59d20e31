"""Checking one Zalo webhook request before anything is stored: size, JSON, signature, app, age.

`ZaloWebhook.check` returns the HTTP status to answer and, when there is something to do, the
`InboundMessage` for the service. The order matters: a missing signature is refused before the body is
even parsed, and nothing reaches storage until the signature is proven. The size is the caller's to
check, once, while reading (api/routes/zalo.py stops reading past `max_body_bytes` and answers 413).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from bot.channels.base import InboundMessage
from bot.channels.edge import within_window
from bot.channels.zalo.events import field, to_inbound
from bot.channels.zalo.signature import signature_matches

log = logging.getLogger("motcua.zalo")

MAX_BODY_BYTES = 64 * 1024  # real events are a few hundred bytes


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    status: int  # what to answer Zalo: 200 (also for ignored events), 400 or 401
    reason: str  # for logs only; never shown to a citizen
    message: InboundMessage | None = None


class ZaloWebhook:
    def __init__(
        self,
        *,
        app_id: str,
        oa_secret_key: str,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_age_seconds: float | None = None,
    ) -> None:
        """`max_age_seconds`: refuse events whose timestamp is further than this from now (replays, a
        clock gone wrong). The app sets MOTCUA_ZALO_EVENT_WINDOW_SECONDS (a week by default: Zalo retries
        a failed delivery for hours with the original, signed timestamp); inside the window the dedupe
        key makes redelivery harmless. None (tests): no window."""
        self.app_id = app_id
        self._secret = oa_secret_key
        self.max_body_bytes = max_body_bytes
        self.max_age_seconds = max_age_seconds

    def check(self, raw_body: bytes, signature: str | None, *, now_ms: int) -> WebhookOutcome:
        if not signature:
            return WebhookOutcome(401, "no signature")
        event = _parse(raw_body)
        if event is None:
            return WebhookOutcome(400, "body is not a JSON object")
        app_id = field(event, "app_id")
        timestamp = field(event, "timestamp")
        if app_id is None or timestamp is None:
            return WebhookOutcome(401, "app_id or timestamp missing: the signature cannot be checked")
        if not signature_matches(
            signature, app_id=app_id, raw_body=raw_body, timestamp=timestamp, oa_secret_key=self._secret
        ):
            return WebhookOutcome(401, "bad signature")
        if app_id != self.app_id:
            return WebhookOutcome(401, "event for another app")
        if self._stale(timestamp, now_ms):
            return WebhookOutcome(401, "timestamp outside the accepted window")
        message = to_inbound(event)
        if message is None:
            return WebhookOutcome(200, f"ignored {field(event, 'event_name') or 'event without a name'}")
        return WebhookOutcome(200, "accepted", message)

    def _stale(self, timestamp: str, now_ms: int) -> bool:
        if self.max_age_seconds is None:
            return False
        return not within_window(timestamp, now_ms, self.max_age_seconds)


def _parse(raw_body: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(raw_body)
    except (ValueError, RecursionError):  # bad UTF-8, bad JSON, or absurd nesting within the size limit
        return None
    return event if isinstance(event, dict) else None
