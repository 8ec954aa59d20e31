"""The Zalo OA token pair: where it lives, and refreshing it exactly once when it expires.

The access token lasts about 25 h; the refresh token lasts months but is SINGLE-USE: each refresh returns
a new pair and burns the old refresh token. Two workers refreshing with the same refresh token would
invalidate each other, so a refresh is single-flight across every worker:

- the pair is stored under `zalo_tokens` with `Store.update_secret` (read-modify-write under a lock all
  workers share);
- a worker that wants to refresh first *claims a lease* in that record; others that see a live lease, or
  a stored access token newer than the one that failed, wait for / re-read the stored pair instead;
- the new pair is written back as soon as Zalo returns it, before it is used.
Inside one process an asyncio lock keeps concurrent sends from even trying twice.

Record: {"access_token", "refresh_token", "expires_at" (epoch s, or None when unknown),
"lease_owner"?, "lease_until"?}. Tokens are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from bot.errors import ChannelAuthError, ChannelError

log = logging.getLogger("motcua.zalo")

SECRET_NAME = "zalo_tokens"
CHANNEL = "zalo"


class SecretStore(Protocol):
    async def get_secret(self, name: str) -> dict[str, Any] | None: ...
    async def update_secret(
        self, name: str, update: Callable[[dict[str, Any] | None], dict[str, Any] | None]
    ) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float | None

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> TokenPair | None:
        if not record or not record.get("access_token"):
            return None
        expires = record.get("expires_at")
        return cls(
            str(record["access_token"]),
            str(record.get("refresh_token") or ""),
            float(expires) if isinstance(expires, int | float) else None,
        )

    def record(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
        }


Claim = Literal["claimed", "newer", "busy", "missing"]


class ZaloTokens:
    def __init__(
        self,
        store: SecretStore,
        http: httpx.AsyncClient,
        *,
        app_id: str,
        app_secret: str,
        oauth_base: str,
        refresh_ahead_seconds: float = 3600.0,
        lease_seconds: float = 30.0,
        poll_seconds: float = 0.2,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store, self._http = store, http
        self._app_id, self._app_secret = app_id, app_secret
        self._url = oauth_base.rstrip("/") + "/v4/oa/access_token"
        self.refresh_ahead_seconds = refresh_ahead_seconds
        self.lease_seconds, self.poll_seconds, self.timeout = lease_seconds, poll_seconds, timeout
        self._clock, self._sleep = clock, sleep
        self._owner = uuid.uuid4().hex  # this worker, in lease records
        self._lock = asyncio.Lock()
        self._cached: TokenPair | None = None
        self.refreshes = 0  # successful refresh calls made by this worker (for logs and tests)

    async def seed(self, access_token: str | None, refresh_token: str | None) -> None:
        """Store the configured pair only when none is stored: a refreshed pair is newer than settings."""
        if not (access_token or refresh_token):
            return
        seeded = {
            "access_token": access_token or "",
            "refresh_token": refresh_token or "",
            "expires_at": None,
        }
        await self._store.update_secret(
            SECRET_NAME, lambda current: seeded if not (current and current.get("refresh_token")) else None
        )

    async def access_token(self) -> str:
        """A token to send with: the cached one, refreshed first when it is about to expire."""
        pair = self._cached
        if pair is None:
            record = await self._store.get_secret(SECRET_NAME)
            pair = TokenPair.from_record(record)
            if pair is None:
                if record and record.get("refresh_token"):  # configured with a refresh token only
                    return await self.refresh(failed="")
                raise ChannelAuthError(CHANNEL, "no-token", "no Zalo token stored: set MOTCUA_ZALO_*_TOKEN")
        self._cached = pair
        if pair.expires_at is not None and pair.expires_at - self._clock() < self.refresh_ahead_seconds:
            try:
                return await self.refresh(failed=pair.access_token)
            except ChannelError as err:
                if pair.expires_at > self._clock():
                    log.warning("early Zalo token refresh failed, the current token still works: %s", err)
                    return pair.access_token
                raise
        return pair.access_token

    async def refresh(self, failed: str) -> str:
        """Replace the access token `failed` (rejected or expiring); returns the token to use now."""
        async with self._lock:
            deadline = self._clock() + self.lease_seconds + self.timeout
            while True:
                claim, record = await self._claim(failed)
                if claim == "newer" and record is not None:
                    self._cached = TokenPair.from_record(record)
                    return str(record["access_token"])
                if claim == "missing":
                    raise ChannelAuthError(CHANNEL, "no-token", "no Zalo refresh token stored")
                if claim == "claimed" and record is not None:
                    return await self._refresh_with(str(record["refresh_token"]))
                if self._clock() > deadline:
                    raise ChannelError(CHANNEL, "refresh-busy", "another worker's refresh did not finish")
                await self._sleep(self.poll_seconds)

    async def _claim(self, failed: str) -> tuple[Claim, dict[str, Any] | None]:
        now = self._clock()
        outcome: list[tuple[Claim, dict[str, Any] | None]] = []

        def decide(current: dict[str, Any] | None) -> dict[str, Any] | None:
            if not current or not current.get("refresh_token"):
                outcome.append(("missing", None))
                return None
            if current.get("access_token") and current["access_token"] != failed:
                outcome.append(("newer", current))  # someone refreshed since our token failed
                return None
            lease_until = current.get("lease_until")
            if (
                isinstance(lease_until, int | float)
                and lease_until > now
                and current.get("lease_owner") != self._owner
            ):
                outcome.append(("busy", None))
                return None
            claimed = {**current, "lease_owner": self._owner, "lease_until": now + self.lease_seconds}
            outcome.append(("claimed", claimed))
            return claimed

        await self._store.update_secret(SECRET_NAME, decide)
        return outcome[-1]

    async def _refresh_with(self, refresh_token: str) -> str:
        try:
            pair = await self._call_oauth(refresh_token)
        except BaseException:
            await self._store.update_secret(SECRET_NAME, self._release)
            raise
        # Written unconditionally: Zalo has just burnt the old refresh token, so this pair is the only
        # valid one whatever the record says now.
        await self._store.update_secret(SECRET_NAME, lambda _current: pair.record())
        self._cached = pair
        self.refreshes += 1
        log.info("Zalo access token refreshed")
        return pair.access_token

    def _release(self, current: dict[str, Any] | None) -> dict[str, Any] | None:
        if not current or current.get("lease_owner") != self._owner:
            return None
        return {k: v for k, v in current.items() if k not in ("lease_owner", "lease_until")}

    async def _call_oauth(self, refresh_token: str) -> TokenPair:
        try:
            response = await self._http.post(
                self._url,
                data={"refresh_token": refresh_token, "app_id": self._app_id, "grant_type": "refresh_token"},
                headers={"secret_key": self._app_secret},
                timeout=self.timeout,
            )
        except httpx.HTTPError as err:
            raise ChannelError(CHANNEL, "network", f"token refresh failed: {type(err).__name__}") from err
        if response.status_code >= 500:
            raise ChannelError(CHANNEL, response.status_code, "token refresh: Zalo OAuth server error")
        try:
            body = response.json()
        except ValueError as err:
            raise ChannelError(CHANNEL, response.status_code, "token refresh: answer is not JSON") from err
        if not isinstance(body, dict):
            raise ChannelError(CHANNEL, response.status_code, "token refresh: answer is not a JSON object")
        if not body.get("access_token") or not body.get("refresh_token"):
            # e.g. {"error": -14014, "error_name": "...", "error_description": "Invalid refresh token"}
            reason = body.get("error_description") or body.get("error_name") or "no token in the answer"
            code = body.get("error", response.status_code)
            raise ChannelAuthError(CHANNEL, code, f"token refresh refused: {reason}")
        expires_in = _seconds(body.get("expires_in"))
        expires_at = self._clock() + expires_in if expires_in is not None else None
        return TokenPair(str(body["access_token"]), str(body["refresh_token"]), expires_at)


def _seconds(value: Any) -> float | None:
    """Zalo sends expires_in as a string ("90000"); accept numbers too."""
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None
