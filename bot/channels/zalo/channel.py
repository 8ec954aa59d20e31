"""The Zalo Official Account channel: sending replies, and wiring the channel at start-up.

    webhook (api/routes/zalo.py) -> ZaloWebhook.check (zalo/webhook.py: size, signature, zalo/events.py:
    event -> InboundMessage) -> ChatService.accept ... ChatService -> ZaloSender.send (zalo/render.py:
    Reply -> v3 message bodies) -> POST {openapi}/v3.0/oa/message/cs

Zalo answers errors with HTTP 200 and a non-zero `error`, so every answer is read. What each code means
for delivery is decided in `classify`: the service retries ChannelRateLimited after `retry_after`, other
ChannelErrors with back-off, and records ChannelRejected for good. A rejected token (-216/-220) is
refreshed once (zalo/tokens.py) and the message resent.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from bot.channels.parts import ResumePoints
from bot.channels.zalo.events import CHANNEL
from bot.channels.zalo.render import CONTINUATION, render_reply
from bot.channels.zalo.tokens import SecretStore, ZaloTokens
from bot.channels.zalo.webhook import ZaloWebhook
from bot.config import Settings
from bot.domain.messages import Reply
from bot.errors import ChannelAuthError, ChannelError, ChannelRateLimited, ChannelRejected

log = logging.getLogger("motcua.zalo")

TOKEN_REJECTED = frozenset({-216, -220})  # invalid / expired access token: refresh once, resend once
RATE_LIMITED = -32  # per-minute API limit
OUT_OF_QUOTA = frozenset({-211, -218})
OUTSIDE_WINDOW = frozenset({-230, -232})  # the citizen has not written to the OA recently enough
NIGHT = -234  # this message type may not be sent between 22:00 and 06:00
PERMANENT = frozenset({-201, -213, -227, -233, -240})  # bad field, not a follower, banned, bad type, v2 API
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # no daylight saving time


def classify(code: int, message: str, *, rate_limit_backoff: float, now: dt.datetime) -> ChannelError | None:
    """The error to raise for Zalo's answer `code` (None: delivered)."""
    if code == 0:
        return None
    detail = message or "no message"
    if code == RATE_LIMITED:
        return ChannelRateLimited(CHANNEL, code, detail, rate_limit_backoff)
    if code in OUT_OF_QUOTA:
        return ChannelRateLimited(CHANNEL, code, detail, 3600.0)
    if code == NIGHT:
        return ChannelRateLimited(CHANNEL, code, detail, _seconds_until_six(now))
    if code in OUTSIDE_WINDOW or code in PERMANENT:
        return ChannelRejected(CHANNEL, code, detail)
    if code in TOKEN_REJECTED or code == -242:
        return ChannelAuthError(CHANNEL, code, detail)
    return ChannelError(CHANNEL, code, detail)


def _seconds_until_six(now: dt.datetime) -> float:
    local = now.astimezone(VIETNAM)
    six = local.replace(hour=6, minute=0, second=0, microsecond=0)
    if six <= local:
        six += dt.timedelta(days=1)
    return (six - local).total_seconds()


class ZaloSender:
    """Delivers one Reply (as JSON) to one citizen; raises the ChannelError the service should act on."""

    channel = CHANNEL

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: ZaloTokens,
        *,
        openapi_base: str,
        timeout: float = 15.0,
        rate_limit_backoff: float = 2.0,
        rate_limit_cap: float = 60.0,
        continuation: str = CONTINUATION,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._http, self.tokens = http, tokens
        self._url = openapi_base.rstrip("/") + "/v3.0/oa/message/cs"
        self.timeout, self.continuation = timeout, continuation
        # -32 means the app's per-minute quota is spent. Waiting a whole minute every time would delay
        # replies that would already go through, so the wait doubles while -32 keeps coming (2, 4, 8 ...
        # up to a minute) and starts small again after a success. One streak for the whole app: the
        # limit is the app's, not one citizen's.
        self.rate_limit_backoff, self.rate_limit_cap = rate_limit_backoff, rate_limit_cap
        self._rate_limited_streak = 0
        self._clock = clock
        self._parts = ResumePoints()  # a retried long reply resumes at the part that failed (parts.py)

    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        bodies = render_reply(user_id, Reply.from_json(reply), continuation=self.continuation)
        await self._parts.send_parts(user_id, reply, bodies, self._deliver)

    async def aclose(self) -> None:
        """Nothing to release: the HTTP client belongs to the app, which closes it."""

    async def _deliver(self, body: dict[str, Any]) -> None:
        token = await self.tokens.access_token()
        code, message = await self._post(body, token)
        if code in TOKEN_REJECTED:
            log.info("Zalo refused the access token (%s); refreshing once", code)
            token = await self.tokens.refresh(failed=token)
            code, message = await self._post(body, token)
        if code == RATE_LIMITED:
            self._rate_limited_streak += 1
        elif code == 0:
            self._rate_limited_streak = 0
        error = classify(code, message, rate_limit_backoff=self._rate_limit_wait(), now=self._clock())
        if error is not None:
            raise error

    def _rate_limit_wait(self) -> float:
        exponent = max(0, min(self._rate_limited_streak - 1, 16))
        return min(self.rate_limit_cap, self.rate_limit_backoff * float(2**exponent))

    async def _post(self, body: dict[str, Any], token: str) -> tuple[int, str]:
        try:
            response = await self._http.post(
                self._url, json=body, headers={"access_token": token}, timeout=self.timeout
            )
        except httpx.TimeoutException as err:
            raise ChannelError(CHANNEL, "timeout", f"no answer within {self.timeout:g} s") from err
        except httpx.HTTPError as err:
            raise ChannelError(CHANNEL, "network", type(err).__name__) from err
        if response.status_code == 429:
            raise ChannelRateLimited(CHANNEL, 429, "HTTP 429", self.rate_limit_cap)
        if response.status_code != 200:
            raise ChannelError(CHANNEL, response.status_code, f"HTTP {response.status_code}")
        try:
            answer = response.json()
            code = answer["error"]
        except (ValueError, KeyError, TypeError) as err:
            raise ChannelError(CHANNEL, "bad-answer", "Zalo's answer has no error code") from err
        if not isinstance(code, int) or isinstance(code, bool):
            raise ChannelError(CHANNEL, "bad-answer", f"Zalo's error code is not a number: {code!r}")
        return code, str(answer.get("message") or "")


class _HasStore(Protocol):
    @property
    def store(self) -> SecretStore: ...


def webhook_for(settings: Settings) -> ZaloWebhook | None:
    """The webhook checker for these settings; None when Zalo is off."""
    if not (settings.zalo_enabled and settings.zalo_app_id and settings.zalo_oa_secret_key):
        return None
    return ZaloWebhook(
        app_id=settings.zalo_app_id,
        oa_secret_key=settings.zalo_oa_secret_key,
        max_age_seconds=settings.zalo_event_window_seconds,
    )


async def start_channel(settings: Settings, service: _HasStore, http: httpx.AsyncClient) -> ZaloSender | None:
    """Called by the app at start-up: seeds the stored token pair from settings (only when none is stored
    yet: a refreshed pair is always newer) and returns the sender to register, or None when Zalo is off."""
    if not (settings.zalo_enabled and settings.zalo_app_id):
        return None
    tokens = ZaloTokens(
        service.store,
        http,
        app_id=settings.zalo_app_id,
        app_secret=settings.zalo_app_secret or "",
        oauth_base=settings.zalo_oauth_base,
    )
    await tokens.seed(settings.zalo_access_token, settings.zalo_refresh_token)
    return ZaloSender(http, tokens, openapi_base=settings.zalo_openapi_base)


def now_ms() -> int:
    return time.time_ns() // 1_000_000
