"""Security headers for every response: scripts from this server only; the chat page may be framed only by
the allowed origins."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SCRIPT_POLICY = "script-src 'self'; object-src 'none'; base-uri 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, frame_origins: list[str]) -> None:
        self.app = app
        ancestors = " ".join(["'self'", *frame_origins])
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            # Script only from this server's own files: text a citizen or an official wrote can never
            # run as script in the chat page, even if it reached the page as markup.
            (b"content-security-policy", f"{SCRIPT_POLICY}; frame-ancestors {ancestors}".encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)
