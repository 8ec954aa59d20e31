"""Sending replies through the Messenger Send API, and turning Meta's errors into Motcua's.

    POST {graph}/v{version}/me/messages?access_token=<page token>   body: messenger/render.render_reply

Meta answers a failure with an HTTP 4xx/5xx and `{"error": {"code", "error_subcode", "message", …}}`.
What each documented code means for delivery is decided in `classify`:

    HTTP 429, code 4 (app limit), 613 (rate limit), 32/17 (page/user limit)  -> ChannelRateLimited
    1200 (temporary send failure), 2 (unexpected error, "retry later"), 5xx -> ChannelError (back-off)
    10 / 2018278 (outside the 24-hour window), 551 (person not available: blocked the page, left),
    200 (permission), 100 (no matching user, bad parameter)                 -> ChannelRejected (recorded)
    190 (invalid page token)                                                 -> ChannelAuthError

The service retries ChannelRateLimited after `retry_after`, other ChannelErrors with back-off (up to its
max_attempts, so even code 2, which Meta also gives for a blocked page, is not retried forever), and
records ChannelRejected for good. The page token travels in the URL, so it is kept out of every error
and log line.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.channels.messenger.events import CHANNEL
from bot.channels.messenger.render import render_reply
from bot.channels.parts import ResumePoints
from bot.channels.redact import hide_token_from_http_logs
from bot.domain.messages import Reply
from bot.errors import ChannelAuthError, ChannelError, ChannelRateLimited, ChannelRejected

log = logging.getLogger("motcua.messenger")

RATE_LIMITED = frozenset({4, 17, 32, 613})
TEMPORARY = frozenset({1, 2, 1200})
PERMANENT = frozenset({10, 100, 200, 551})
TOKEN_REJECTED = 190


def classify(
    status: int, code: int | None, subcode: int | None, message: str, *, rate_limit_wait: float
) -> ChannelError:
    """The error to raise for a failed Send API call."""
    label: int | str = f"{code}/{subcode}" if code is not None and subcode else (code or status)
    detail = message or f"HTTP {status}"
    if status == 429 or code in RATE_LIMITED:
        return ChannelRateLimited(CHANNEL, label, detail, rate_limit_wait)
    if code == TOKEN_REJECTED:
        return ChannelAuthError(
            CHANNEL, label, "the page token was rejected; check MOTCUA_MESSENGER_PAGE_TOKEN"
        )
    if code in PERMANENT:
        return ChannelRejected(CHANNEL, label, detail)
    return ChannelError(CHANNEL, label, detail)  # TEMPORARY, 5xx and anything unknown: back-off


class MessengerSender:
    """Delivers one Reply (as JSON) to one citizen; raises the ChannelError the service should act on."""

    channel = CHANNEL

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        page_token: str,
        graph_base: str,
        api_version: str,
        timeout: float = 15.0,
        rate_limit_backoff: float = 2.0,
        rate_limit_cap: float = 60.0,
    ) -> None:
        self._http, self._token = http, page_token
        hide_token_from_http_logs(page_token)  # it travels in the URL, which httpx logs at INFO
        self._url = f"{graph_base.rstrip('/')}/{version_path(api_version)}/me/messages"
        self.timeout = timeout
        # A rate limit is the app's or the page's, not one citizen's: one streak for the sender. The wait
        # doubles while limits keep coming (2, 4, 8 … up to a minute) and starts small after a success.
        self.rate_limit_backoff, self.rate_limit_cap = rate_limit_backoff, rate_limit_cap
        self._rate_limited_streak = 0
        self._parts = ResumePoints()  # a retried long reply resumes at the part that failed

    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        bodies = render_reply(user_id, Reply.from_json(reply))
        await self._parts.send_parts(user_id, reply, bodies, self._deliver)

    async def aclose(self) -> None:
        """Nothing to release: the HTTP client belongs to the app, which closes it."""

    async def _deliver(self, body: dict[str, Any]) -> None:
        try:
            response = await self._http.post(
                self._url, params={"access_token": self._token}, json=body, timeout=self.timeout
            )
        except httpx.TimeoutException:
            raise ChannelError(CHANNEL, "timeout", f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as err:
            # str(err) may quote the URL, token included: only the error's type goes on.
            raise ChannelError(CHANNEL, "network", type(err).__name__) from None
        if response.status_code == 200:
            self._rate_limited_streak = 0
            return
        code, subcode, message = _graph_error(response)
        if response.status_code == 429 or code in RATE_LIMITED:
            self._rate_limited_streak += 1
        raise classify(response.status_code, code, subcode, message, rate_limit_wait=self._rate_limit_wait())

    def _rate_limit_wait(self) -> float:
        exponent = max(0, min(self._rate_limited_streak - 1, 16))
        return min(self.rate_limit_cap, self.rate_limit_backoff * float(2**exponent))


def version_path(api_version: str) -> str:
    """ "v21.0", "21.0" or "21" -> "v21.0"-like path segment (Meta's URLs carry the leading v)."""
    version = api_version.strip().lstrip("vV")
    return f"v{version}"


def _graph_error(response: httpx.Response) -> tuple[int | None, int | None, str]:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None, None, f"HTTP {response.status_code}"
    if not isinstance(error, dict):
        return None, None, f"HTTP {response.status_code}"

    def number(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return number(error.get("code")), number(error.get("error_subcode")), str(error.get("message") or "")
