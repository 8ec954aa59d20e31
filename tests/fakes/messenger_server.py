"""A fake Messenger Platform (Graph API) on 127.0.0.1, speaking the documented wire formats.

- `POST /v<version>/me/messages?access_token=…`: the Send API. Checks the page token (else HTTP 400 with
  Graph error 190), validates the body as Meta's limits say (recipient.id; messaging_type; text 1-2,000
  characters, counted in UTF-16 units to be strict about emoji; at most 13 quick replies, titles within
  20 characters, payloads within 1,000; button templates with 1-3 postback/web_url buttons and text
  within 640), records what it accepts and answers `{"recipient_id", "message_id"}`. Answers can be
  scripted per request: a Graph error (code, subcode, HTTP status), an HTTP 429, or a hang.
- `GET|POST|DELETE /v<version>/me/messenger_profile`: the page's Get Started button and persistent menu;
  every write is counted, so tests can tell an idempotent set-up from one that rewrites.
- `MessengerEvents`: builders of webhook deliveries, and `signed()`, which serialises them the way Meta
  does (non-ASCII escaped as \\uXXXX, `/` as `\\/`) and signs the bytes with the app secret.
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

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.messenger.events import GET_STARTED
from bot.channels.messenger.signature import HEADER, sign
from tests.fakes.base import FakePlatform
from tests.fakes.zalo_server import utf16_units

META_ESCAPES = {"/": "\\/", "<": "\\u003C", "%": "\\u0025", "@": "\\u0040"}
PROFILE_FIELDS = ("get_started", "persistent_menu", "greeting", "ice_breakers", "whitelisted_domains")


@dataclass(frozen=True, slots=True)
class Answer:
    """A scripted answer for the next Send API request."""

    http_status: int = 400
    code: int | None = None
    subcode: int | None = None
    message: str = "scripted error"
    hang_seconds: float = 0.0


def graph_error(code: int, subcode: int | None = None, *, status: int = 400, message: str = "") -> Answer:
    return Answer(status, code, subcode, message or f"scripted error {code}")


def too_many_requests() -> Answer:
    return Answer(http_status=429, message="Too many requests")


@dataclass
class FakeMessengerState:
    page_token: str
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted Send API bodies, in order
    attempts: int = 0  # every Send API request, accepted or not
    profile: dict[str, Any] = field(default_factory=dict)
    profile_writes: int = 0
    versions: set[str] = field(default_factory=set)  # API versions the requests named
    script: deque[Answer] = field(default_factory=deque)


class FakeMessenger(FakePlatform[Answer]):
    def __init__(self, *, page_token: str = "page-token-0") -> None:
        self.state: FakeMessengerState = FakeMessengerState(page_token)
        self._mids = itertools.count(1)
        super().__init__(
            [
                Route("/{version}/me/messages", self._messages, methods=["POST"]),
                Route("/{version}/me/messenger_profile", self._profile, methods=["GET", "POST", "DELETE"]),
            ]
        )

    # --- test controls ----------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.state.messages, self.state.attempts = [], 0
            self.state.script.clear()

    def messages_to(self, psid: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m["message"] for m in self.state.messages if m["recipient"]["id"] == psid]

    # --- endpoints --------------------------------------------------------------------------------
    def _token_error(self, request: Request) -> Response | None:
        version = request.path_params["version"]
        if not version.startswith("v"):
            return _error(400, 2500, None, f"Unknown path components: /{version}")
        with self._lock:
            self.state.versions.add(version)
        if request.query_params.get("access_token") != self.state.page_token:
            return _error(400, 190, None, "Invalid OAuth access token.")
        return None

    async def _messages(self, request: Request) -> Response:
        raw = await request.body()
        with self._lock:
            self.state.attempts += 1
            scripted = self.state.script.popleft() if self.state.script else None
        if scripted is not None:
            if scripted.hang_seconds:
                await asyncio.sleep(scripted.hang_seconds)
            if scripted.http_status == 429:
                return JSONResponse({"error": {"message": scripted.message, "code": 4}}, status_code=429)
            return _error(scripted.http_status, scripted.code, scripted.subcode, scripted.message)
        refused = self._token_error(request)
        if refused is not None:
            return refused
        try:
            body = json.loads(raw)
        except ValueError:
            return _error(400, 100, None, "(#100) The parameter message is required")
        problem = message_problem(body)
        if problem:
            return _error(400, 100, None, f"(#100) {problem}")
        with self._lock:
            self.state.messages.append(body)
        return JSONResponse({"recipient_id": body["recipient"]["id"], "message_id": f"m_{next(self._mids)}"})

    async def _profile(self, request: Request) -> Response:
        refused = self._token_error(request)
        if refused is not None:
            return refused
        if request.method == "GET":
            wanted = request.query_params.get("fields", "").split(",")
            with self._lock:
                found = {k: v for k, v in self.state.profile.items() if k in wanted}
            return JSONResponse({"data": [found] if found else []})
        body = json.loads(await request.body())
        with self._lock:
            self.state.profile_writes += 1
            if request.method == "DELETE":
                for name in body.get("fields", []):
                    self.state.profile.pop(name, None)
            else:
                unknown = [k for k in body if k not in PROFILE_FIELDS]
                if unknown:
                    return _error(400, 100, None, f"(#100) unknown field {unknown[0]}")
                self.state.profile.update(body)
        return JSONResponse({"result": "success"})


def _error(status: int, code: int | None, subcode: int | None, message: str) -> Response:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "fbtrace_id": uuid.uuid4().hex[:11],
    }
    if code is not None:
        error["code"] = code
    if subcode is not None:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status_code=status)


def message_problem(body: Any) -> str | None:
    """What the Send API would refuse in `body`, or None."""
    if not isinstance(body, dict) or not isinstance(body.get("recipient"), dict):
        return "recipient is required"
    if not isinstance(body["recipient"].get("id"), str) or not body["recipient"]["id"]:
        return "recipient.id is required"
    if body.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
        return "messaging_type is invalid"
    message = body.get("message")
    if not isinstance(message, dict):
        return "message is required"
    text, attachment = message.get("text"), message.get("attachment")
    if (text is None) == (attachment is None):
        return "exactly one of message.text and message.attachment"
    if text is not None and (not isinstance(text, str) or not 1 <= utf16_units(text) <= 2000):
        return "message.text must be 1-2000 characters"
    if attachment is not None and (problem := _template_problem(attachment)):
        return problem
    quick = message.get("quick_replies")
    if quick is not None:
        if not isinstance(quick, list) or not 1 <= len(quick) <= 13:
            return "quick_replies: 1-13"
        for item in quick:
            if item.get("content_type") != "text" or not 1 <= len(item.get("title", "")) <= 20:
                return "quick_replies.title: 1-20 characters"
            if not isinstance(item.get("payload"), str) or not 1 <= len(item["payload"]) <= 1000:
                return "quick_replies.payload: 1-1000 characters"
    return None


def _template_problem(attachment: Any) -> str | None:
    payload = attachment.get("payload") if isinstance(attachment, dict) else None
    if attachment.get("type") != "template" or not isinstance(payload, dict):
        return "message.attachment must be a template"
    if payload.get("template_type") != "button":
        return "only button templates are expected from Motcua"
    text, buttons = payload.get("text"), payload.get("buttons")
    if not isinstance(text, str) or not 1 <= utf16_units(text) <= 640:
        return "template text: 1-640 characters"
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return "template buttons: 1-3"
    for button in buttons:
        if not 1 <= len(button.get("title", "")) <= 20:
            return "button title: 1-20 characters"
        if button.get("type") == "postback" and isinstance(button.get("payload"), str) and button["payload"]:
            continue
        if button.get("type") == "web_url" and str(button.get("url", "")).startswith(("http://", "https://")):
            continue
        return "button: postback with payload or web_url with url"
    return None


class MessengerEvents:
    """Builds webhook deliveries the way Meta sends them, and signs them."""

    def __init__(self, *, page_id: str, app_secret: str) -> None:
        self.page_id, self._secret = page_id, app_secret
        self._clock = itertools.count(int(time.time() * 1000))

    def _event(self, psid: str, **body: Any) -> dict[str, Any]:
        return {
            "sender": {"id": psid},
            "recipient": {"id": self.page_id},
            "timestamp": next(self._clock),
            **body,
        }

    def text(self, psid: str, text: str, mid: str | None = None) -> dict[str, Any]:
        return self._event(psid, message={"mid": mid or f"m_{uuid.uuid4().hex}", "text": text})

    def quick_reply(self, psid: str, title: str, payload: str) -> dict[str, Any]:
        message = {"mid": f"m_{uuid.uuid4().hex}", "text": title, "quick_reply": {"payload": payload}}
        return self._event(psid, message=message)

    def postback(self, psid: str, payload: str, title: str = "", ref: str | None = None) -> dict[str, Any]:
        postback: dict[str, Any] = {"mid": f"m_{uuid.uuid4().hex}", "title": title, "payload": payload}
        if ref is not None:
            postback["referral"] = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}
        return self._event(psid, postback=postback)

    def get_started(self, psid: str, ref: str | None = None) -> dict[str, Any]:
        return self.postback(psid, GET_STARTED, "Bắt đầu", ref)

    def referral(self, psid: str, ref: str) -> dict[str, Any]:
        return self._event(psid, referral={"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"})

    def image(self, psid: str) -> dict[str, Any]:
        attachment = {"type": "image", "payload": {"url": "https://scontent.example.invalid/x.jpg"}}
        return self._event(psid, message={"mid": f"m_{uuid.uuid4().hex}", "attachments": [attachment]})

    def echo(self, psid: str, text: str) -> dict[str, Any]:
        """What Meta sends back after the page itself sent `text` (sender = the page)."""
        message = {"mid": f"m_{uuid.uuid4().hex}", "is_echo": True, "app_id": 1517776481860111, "text": text}
        return {
            "sender": {"id": self.page_id},
            "recipient": {"id": psid},
            "timestamp": next(self._clock),
            "message": message,
        }

    def read(self, psid: str) -> dict[str, Any]:
        return self._event(psid, read={"watermark": next(self._clock)})

    def delivery(self, psid: str) -> dict[str, Any]:
        return self._event(psid, delivery={"mids": [f"m_{uuid.uuid4().hex}"], "watermark": next(self._clock)})

    def delivery_of(self, *events: dict[str, Any]) -> dict[str, Any]:
        """One webhook delivery carrying `events` (one entry per event, as Meta often batches)."""
        entries = [{"id": self.page_id, "time": next(self._clock), "messaging": [event]} for event in events]
        return {"object": "page", "entry": entries}

    def signed(self, delivery: dict[str, Any], *, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers of the request Meta would make. Meta's docs: the body is signed as
        sent, non-ASCII escaped as \\uXXXX (lower-case hex), `/` as `\\/`, `<` `%` `@` as escapes too."""
        text = json.dumps(delivery, ensure_ascii=True, separators=(",", ":"))
        for char, escaped in META_ESCAPES.items():
            text = text.replace(char, escaped)
        raw = text.encode("ascii")
        return raw, {HEADER: sign(raw, secret or self._secret), "Content-Type": "application/json"}
