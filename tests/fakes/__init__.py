"""Fakes of the outside world for tests: platforms on 127.0.0.1 (zalo_server.py) and small stand-ins."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx


class MemorySecrets:
    """The two secret methods of `bot.storage.base.Store`, atomic like the real ones (one lock for all
    callers, as the database gives all workers). Share one instance between two senders to play two
    workers; `writes` counts stored changes."""

    def __init__(self, initial: dict[str, dict[str, Any]] | None = None) -> None:
        self._values: dict[str, dict[str, Any]] = copy.deepcopy(initial or {})
        self._lock = asyncio.Lock()
        self.writes = 0

    async def get_secret(self, name: str) -> dict[str, Any] | None:
        value = self._values.get(name)
        return copy.deepcopy(value) if value is not None else None

    async def update_secret(
        self, name: str, update: Callable[[dict[str, Any] | None], dict[str, Any] | None]
    ) -> dict[str, Any] | None:
        async with self._lock:
            await asyncio.sleep(0)  # a real store awaits the database here: let other tasks run
            current = self._values.get(name)
            new = update(copy.deepcopy(current) if current is not None else None)
            if new is not None:
                self._values[name] = copy.deepcopy(new)
                self.writes += 1
            value = self._values.get(name)
            return copy.deepcopy(value) if value is not None else None


Scripted = int | httpx.Response | Exception  # a Zalo error code, a raw answer, or a transport failure


class ZaloMock:
    """An `httpx.MockTransport` handler playing Zalo's two endpoints in-process (unit tests).

    message/cs: answers each request from `script` first (a code, a response, or an exception to raise),
    else -216 for a token not in `valid_tokens`, else success. access_token: checks the form and the
    `secret_key` header; refresh tokens are single-use. `refresh_delay` widens race windows."""

    def __init__(self, *, app_id: str = "app-1", app_secret: str = "app-secret") -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.valid_tokens = {"at-0"}
        self.refresh_tokens = {"rt-0"}
        self.script: list[Scripted] = []
        self.sent: list[tuple[str, dict[str, Any]]] = []  # (token, body) of every message/cs request
        self.delivered: list[dict[str, Any]] = []
        self.refresh_requests: list[httpx.Request] = []
        self.refresh_delay = 0.0
        self._serial = 0

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v4/oa/access_token":
            return await self._refresh(request)
        assert request.url.path == "/v3.0/oa/message/cs", request.url
        token = request.headers.get("access_token", "")
        body = json.loads(request.content)
        self.sent.append((token, body))
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            if isinstance(step, httpx.Response):
                return step
            return httpx.Response(200, json={"error": step, "message": f"scripted {step}"})
        if token not in self.valid_tokens:
            return httpx.Response(200, json={"error": -216, "message": "Access token is invalid"})
        self.delivered.append(body)
        return httpx.Response(200, json={"data": {"message_id": "m1"}, "error": 0, "message": "Success"})

    async def _refresh(self, request: httpx.Request) -> httpx.Response:
        self.refresh_requests.append(request)
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        good = (
            request.headers.get("secret_key") == self.app_secret
            and form.get("app_id") == self.app_id
            and form.get("grant_type") == "refresh_token"
            and form.get("refresh_token") in self.refresh_tokens
        )
        if not good:
            refusal = {
                "error": -14014,
                "error_name": "invalid_grant",
                "error_description": "Invalid refresh token",
            }
            return httpx.Response(200, json=refusal)
        self._serial += 1
        access, refresh = f"at-{self._serial}", f"rt-{self._serial}"
        self.valid_tokens, self.refresh_tokens = {access}, {refresh}
        return httpx.Response(
            200, json={"access_token": access, "refresh_token": refresh, "expires_in": "90000"}
        )

    @property
    def refreshes(self) -> int:
        """Successful refreshes so far."""
        return self._serial
