"""A fake Zalo OA platform on 127.0.0.1, speaking the documented wire formats (reference/channels.md A).

- `POST /v3.0/oa/message/cs`: checks the `access_token` header, validates the body the way Zalo's limits
  say (text 1-2,000 chars, counted in UTF-16 units like JavaScript, so an emoji counts twice; at most 5
  buttons, titles within 20 chars, known button types), records what
  it accepts, and answers like Zalo: HTTP 200 with `error` 0 or a negative code. Answers can be scripted
  per request: a Zalo error code, an HTTP status, or a hang.
- `POST /v4/oa/access_token`: form-encoded refresh with the `secret_key` header; refresh tokens are
  single-use, each refresh issues a new pair and retires the old access token; `expires_in` is a string.
- `ZaloEvents`: builders of webhook events, and `signed()` which signs them as Zalo does.
Error codes of the fake OAuth endpoint (-14001...) are the fake's own; Zalo documents none for it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.zalo.signature import HEADER, sign
from tests.fakes.base import FakePlatform

BUTTON_TYPES = {"oa.query.hide", "oa.query.show", "oa.open.url", "oa.open.phone", "oa.open.sms"}


@dataclass(frozen=True, slots=True)
class Answer:
    """A scripted answer for the next message/cs request: a Zalo error, an HTTP status, or a hang."""

    zalo_error: int = 0
    http_status: int = 200
    hang_seconds: float = 0.0


def zalo_error(code: int) -> Answer:
    return Answer(zalo_error=code)


def http_status(status: int) -> Answer:
    return Answer(http_status=status)


def hang(seconds: float = 30.0) -> Answer:
    return Answer(hang_seconds=seconds)


@dataclass
class FakeZaloState:
    app_id: str
    app_secret: str
    access_tokens: set[str]
    refresh_tokens: set[str]
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted bodies, in order
    attempts: int = 0  # every message/cs request, accepted or not
    refreshes: int = 0  # successful refreshes
    refused_refreshes: int = 0
    script: deque[Answer] = field(default_factory=deque)


class FakeZalo(FakePlatform[Answer]):
    def __init__(
        self, *, app_id: str, app_secret: str, access_token: str = "at-0", refresh_token: str = "rt-0"
    ):
        self.state: FakeZaloState = FakeZaloState(app_id, app_secret, {access_token}, {refresh_token})
        self._serial = itertools.count(1)
        super().__init__(
            [
                Route("/v3.0/oa/message/cs", self._message_cs, methods=["POST"]),
                Route("/v4/oa/access_token", self._access_token, methods=["POST"]),
            ]
        )

    # --- test controls ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget messages, counters and script (the tokens stay): a fresh start for the next test."""
        with self._lock:
            state = self.state
            state.messages, state.attempts, state.refreshes, state.refused_refreshes = [], 0, 0, 0
            state.script.clear()

    def expire_access_tokens(self) -> None:
        """Every access token now answers -216, as after Zalo's 25 h lifetime."""
        with self._lock:
            self.state.access_tokens.clear()

    def messages_to(self, user_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m["message"] for m in self.state.messages if m["recipient"]["user_id"] == user_id]

    # --- endpoints --------------------------------------------------------------------------------
    async def _message_cs(self, request: Request) -> Response:
        raw = await request.body()
        with self._lock:
            self.state.attempts += 1
            scripted = self.state.script.popleft() if self.state.script else None
            token_ok = request.headers.get("access_token", "") in self.state.access_tokens
        if scripted is not None and scripted.hang_seconds:
            await asyncio.sleep(scripted.hang_seconds)
        if scripted is not None and scripted.http_status != 200:
            return JSONResponse({"message": "fake server error"}, status_code=scripted.http_status)
        if scripted is not None and scripted.zalo_error:
            return JSONResponse(
                {"error": scripted.zalo_error, "message": f"scripted error {scripted.zalo_error}"}
            )
        if not token_ok:
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return JSONResponse({"error": -201, "message": "content-type is invalid!"})
        try:
            body = json.loads(raw)
        except ValueError:
            return JSONResponse({"error": -201, "message": "body is invalid!"})
        problem = message_problem(body)
        if problem:
            return JSONResponse({"error": -201, "message": f"{problem} is invalid!"})
        with self._lock:
            self.state.messages.append(body)
        data = {
            "message_id": uuid.uuid4().hex[:20],
            "user_id": body["recipient"]["user_id"],
            "sent_time": str(int(time.time() * 1000)),
            "quota": {"quota_type": "reply", "remain": "8", "total": "8"},
        }
        return JSONResponse({"data": data, "error": 0, "message": "Success"})

    async def _access_token(self, request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0] != "application/x-www-form-urlencoded":
            return self._refused(-14001, "invalid_request", "body must be form-encoded")
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if request.headers.get("secret_key") != self.state.app_secret:
            return self._refused(-14002, "invalid_client", "Invalid secret key")
        if form.get("app_id") != self.state.app_id or form.get("grant_type") != "refresh_token":
            return self._refused(-14003, "invalid_request", "Invalid app_id or grant_type")
        with self._lock:
            valid = form.get("refresh_token", "") in self.state.refresh_tokens
            if valid:
                serial = next(self._serial)
                access, refresh = f"at-{serial}", f"rt-{serial}"
                self.state.refresh_tokens = {refresh}  # single use: the old one is burnt
                self.state.access_tokens = {access}  # and the previous access token retired
                self.state.refreshes += 1
        if not valid:
            return self._refused(-14014, "invalid_grant", "Invalid refresh token")
        return JSONResponse({"access_token": access, "refresh_token": refresh, "expires_in": "90000"})

    def _refused(self, code: int, name: str, description: str) -> Response:
        with self._lock:
            self.state.refused_refreshes += 1
        return JSONResponse({"error": code, "error_name": name, "error_description": description})


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def message_problem(body: Any) -> str | None:
    """What Zalo would call invalid in a v3 cs body, or None."""
    if not isinstance(body, dict) or not isinstance(body.get("recipient"), dict):
        return "recipient"
    if not isinstance(body["recipient"].get("user_id"), str) or not body["recipient"]["user_id"]:
        return "recipient.user_id"
    message = body.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("text"), str):
        return "message.text"
    if not 1 <= utf16_units(message["text"]) <= 2000:  # counted as JavaScript does (an assumption)
        return "message.text"
    attachment = message.get("attachment")
    if attachment is None:
        return None
    buttons = attachment.get("payload", {}).get("buttons") if isinstance(attachment, dict) else None
    if attachment.get("type") != "template" or not isinstance(buttons, list) or not 1 <= len(buttons) <= 5:
        return "message.attachment"
    for button in buttons:
        if button.get("type") not in BUTTON_TYPES or not 1 <= len(button.get("title", "")) <= 20:
            return "message.attachment.payload.buttons"
        payload = button.get("payload")
        wanted = dict if button["type"] == "oa.open.url" else str
        if not isinstance(payload, wanted) or not payload:
            return "message.attachment.payload.buttons.payload"
    return None


class ZaloEvents:
    """Builds webhook events the way Zalo sends them, and signs them."""

    def __init__(self, *, app_id: str, oa_id: str, oa_secret_key: str) -> None:
        self.app_id, self.oa_id, self._secret = app_id, oa_id, oa_secret_key

    def _base(self, name: str) -> dict[str, Any]:
        return {"app_id": self.app_id, "event_name": name, "timestamp": str(int(time.time() * 1000))}

    def text(self, user: str, text: str, msg_id: str | None = None) -> dict[str, Any]:
        return self.user_event("user_send_text", user, {"text": text}, msg_id)

    def tap(self, user: str, button_id: str) -> dict[str, Any]:
        return self.text(user, f"#b:{button_id}")

    def media(self, user: str, kind: str) -> dict[str, Any]:
        attachment = {"type": kind, "payload": {"url": "https://example.invalid/x", "thumbnail": ""}}
        return self.user_event(f"user_send_{kind}", user, {"attachments": [attachment]})

    def user_event(
        self, name: str, user: str, message: dict[str, Any], msg_id: str | None = None
    ) -> dict[str, Any]:
        event = self._base(name)
        event.update(sender={"id": user}, recipient={"id": self.oa_id}, user_id_by_app=f"app-{user}")
        event["message"] = {"msg_id": msg_id or uuid.uuid4().hex[:20], **message}
        return event

    def follow(self, user: str) -> dict[str, Any]:
        event = self._base("follow")
        event.update(
            oa_id=self.oa_id, source="oa_profile", follower={"id": user}, user_id_by_app=f"app-{user}"
        )
        return event

    def echo(self, user: str, text: str) -> dict[str, Any]:
        """What Zalo sends back after the OA itself sent `text` (sender = the OA)."""
        event = self._base("oa_send_text")
        event.update(sender={"id": self.oa_id}, recipient={"id": user})
        event["message"] = {"msg_id": uuid.uuid4().hex[:20], "text": text}
        return event

    def receipt(self, user: str, name: str = "user_seen_message") -> dict[str, Any]:
        event = self._base(name)
        event.update(sender={"id": self.oa_id}, recipient={"id": user})
        event["message"] = {"msg_ids": [uuid.uuid4().hex[:20]]}
        return event

    def signed(self, event: dict[str, Any], *, key: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers of the webhook request Zalo would make for `event`."""
        raw = json.dumps(event, ensure_ascii=False).encode("utf-8")
        mac = sign(str(event["app_id"]), raw, str(event["timestamp"]), key or self._secret)
        return raw, {HEADER: mac, "Content-Type": "application/json"}
