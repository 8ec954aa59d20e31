"""Refuse request bodies over a size limit before any route parses them (also chunked ones).

A pure ASGI middleware: a declared Content-Length over the limit is answered 413 at once; a body that
streams past the limit without one is cut off and answered 413 as well, so no handler ever sees it.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.errors import MotcuaError

BIGINT_MAX = 2**63 - 1  # the largest id a database column holds: a larger one is refused (422), not a 500
RowId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]


class BodyTooLarge(MotcuaError):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        started = False
        too_large = False

        async def counting_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The framework may have turned BodyTooLarge into its own error page: answer 413 instead.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    @staticmethod
    async def _refuse(send: Send) -> None:
        body = json.dumps({"detail": "request body too large"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def read_within(request: Request, limit: int) -> bytes | None:
    """A webhook's raw body (its signature covers these exact bytes), or None once it passes `limit`: a
    declared Content-Length over it is refused unread, a streamed body is cut off where it passes it.
    The one size check of a webhook body under the app-wide BodyLimit (the webhook checkers trust it)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """A 422 that says where and what, but never echoes what was sent: it may hold a citizen's ID or phone
    number, or text that cannot even be encoded (half an emoji)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in errors
    ]
    return JSONResponse({"detail": detail}, status_code=422)
