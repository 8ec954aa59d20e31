"""A fake Telegram Bot API on 127.0.0.1, speaking the real wire format, for tests that use real sockets.

What it reproduces (reference/channels.md part B1):
- every call is `POST /bot<token>/<method>`, form-encoded, nested objects (reply_markup, entities,
  link_preview_options, allowed_updates) as JSON strings inside the form; a wrong token answers 401,
  an unknown method 404, as Telegram does;
- answers `{"ok": true, "result": ...}` or, with a non-2xx status, `{"ok": false, "error_code",
  "description", "parameters"?}`; PTB turns these into its exceptions (429 + retry_after -> RetryAfter);
- Telegram's own checks that matter to us: text of 1-4096 UTF-16 units after HTML parsing, HTML that
  parses, callback_data of 1-64 bytes, getUpdates refused (409) while a webhook is set;
- getUpdates serves queued updates from `offset` (dropping the ones below it, i.e. confirmed) and holds
  the request open up to its `timeout` until an update is pushed (long polling).

Tests script failures with `fail_next` / `rate_limit_next` and read `calls` (every call, failed or not).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

JSON_FIELDS = {"reply_markup", "entities", "link_preview_options", "allowed_updates", "reply_parameters"}
HTML_TAGS = r"(?:b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|blockquote|span)"
MAX_LONG_POLL = 5.0  # cap on how long a test's getUpdates may hang


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int  # the HTTP status the fake answered with
    at: float = field(default_factory=time.monotonic)  # when the answer was ready


@dataclass(slots=True)
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None
    chat_id: str | None  # None: the next call to the method, whichever chat it is for


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-fake-token"
    username: str = "motcua_test_bot"
    calls: list[Call] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_message_id = 1000
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None

    # --- scripting ---------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next call to `method` (for `chat_id`, when given) with this error."""
        failure = _Failure(status, description, parameters, None if chat_id is None else str(chat_id))
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

    def rate_limit_next(
        self, method: str = "sendMessage", retry_after: int = 1, *, chat_id: int | None = None
    ) -> None:
        description = f"Too Many Requests: retry after {retry_after}"
        self.fail_next(method, 429, description, {"retry_after": retry_after}, chat_id=chat_id)

    def push_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    # --- reading what happened ---------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_texts(self, chat_id: int | str) -> list[str]:
        """The visible text of every message delivered to a chat, in order (failed attempts excluded)."""
        return [
            visible_text(c.params["text"], c.params.get("parse_mode"))
            for c in self.calls_to("sendMessage")
            if c.status == 200 and str(c.params["chat_id"]) == str(chat_id)
        ]

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(ok := [c for c in self.calls_to(method) if c.status == 200]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{method}: {len(ok)} successful calls after {timeout} s, wanted {count}"
                )
            time.sleep(0.02)
        return ok

    async def await_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(ok := [c for c in self.calls_to(method) if c.status == 200]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{method}: {len(ok)} successful calls after {timeout} s, wanted {count}"
                )
            await asyncio.sleep(0.02)
        return ok

    # --- serving -----------------------------------------------------------------------------------
    @contextmanager
    def running(self) -> Iterator[FakeTelegram]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fake-telegram", daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            with self._lock:
                self._stopping = True
                self._lock.notify_all()
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            queued = self._failures.get(method, [])
            chat = str(params["chat_id"]) if "chat_id" in params else None
            failure = next((f for f in queued if f.chat_id in (None, chat)), None)
            if failure is not None:
                queued.remove(failure)
        if failure is not None:
            return _error(failure.status, failure.description, failure.parameters)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        result: tuple[int, dict[str, Any]] = handler(params)
        return result

    def record(self, method: str, params: dict[str, Any], status: int) -> None:
        with self._lock:
            self.calls.append(Call(method, params, status))

    # --- the Bot API methods -----------------------------------------------------------------------
    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": int(self.token.split(":")[0]),
            "is_bot": True,
            "first_name": "Motcua",
            "username": self.username,
        }

    def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "result": self._bot_user()}

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        text = str(params.get("text", ""))
        mode = params.get("parse_mode")
        if mode == "HTML" and not _html_parses(text):
            return _error(400, "Bad Request: can't parse entities: unsupported start tag or bad entity")
        shown = visible_text(text, mode)
        if not 1 <= _utf16_len(shown.strip()) <= 4096:
            return _error(
                400,
                "Bad Request: message is too long" if shown.strip() else "Bad Request: message text is empty",
            )
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    return _error(400, "Bad Request: BUTTON_DATA_INVALID")
        return 200, {"ok": True, "result": self._message(params["chat_id"], shown)}

    def _api_editMessageText(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "result": self._message(params["chat_id"], str(params.get("text", "")))}

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "result": True}

    def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook_url, self.webhook_secret = str(params["url"]), str(params.get("secret_token", ""))
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook_url = self.webhook_secret = ""
        return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}

    def _api_getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.webhook_url:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        deadline = time.monotonic() + min(MAX_LONG_POLL, float(params.get("timeout", 0) or 0))
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]  # below offset: confirmed
            while not self._updates and not self._stopping and (left := deadline - time.monotonic()) > 0:
                self._lock.wait(left)
            return 200, {"ok": True, "result": self._updates[:limit]}

    def _message(self, chat_id: Any, text: str) -> dict[str, Any]:
        with self._lock:
            self._next_message_id += 1
            message_id = self._next_message_id
        chat = {"id": int(chat_id), "type": "private"}
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": text,
        }


def visible_text(text: str, parse_mode: str | None) -> str:
    """What the citizen sees: tags removed and entities decoded when the text is HTML."""
    return html.unescape(re.sub(r"</?" + HTML_TAGS + r"\b[^>]*>", "", text)) if parse_mode == "HTML" else text


def _html_parses(text: str) -> bool:
    """Telegram refuses a bare '<' that starts no supported tag and a bare '&' that starts no entity."""
    bare_lt = re.search(r"<(?!/?" + HTML_TAGS + r"\b)", text)
    bare_amp = re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text)
    return bare_lt is None and bare_amp is None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _error(
    status: int, description: str, parameters: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return status, body


def _parse_form(body: bytes) -> dict[str, Any]:
    params: dict[str, Any] = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    for name in JSON_FIELDS & params.keys():
        params[name] = json.loads(params[name])
    return params


def _handler_for(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            match = re.fullmatch(r"/bot(?P<token>[^/]+)/(?P<method>\w+)", self.path)
            if match is None or match["token"] != fake.token:
                self._answer(*_error(401 if match else 404, "Unauthorized" if match else "Not Found"))
                return
            method = match["method"]
            kind = self.headers.get("Content-Type", "")
            params = (
                _parse_form(body) if body and kind.startswith("application/x-www-form-urlencoded") else {}
            )
            status, answer = fake.handle(method, params)
            fake.record(method, params, status)
            self._answer(status, answer)

        def _answer(self, status: int, answer: dict[str, Any]) -> None:
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except ConnectionError:  # the client gave up, e.g. a long poll cancelled at shutdown
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `fake.calls` instead of the access log."""

    return Handler


# --- updates as Telegram sends them (reference/channels.md B5), for webhook posts and getUpdates -------
def _citizen(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "An", "language_code": "vi"}


def message_update(update_id: int, chat_id: int, text: str | None = None, **content: Any) -> dict[str, Any]:
    """A private-chat message: text (a leading /command gets its bot_command entity) or other content."""
    message: dict[str, Any] = {
        "message_id": update_id + 1,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private", "first_name": "An"},
        "from": _citizen(chat_id),
        **content,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def button_update(
    update_id: int, chat_id: int, data: str, query_id: str = "4382bfdwdsb323b2d9"
) -> dict[str, Any]:
    """A press on an inline button of a message the bot sent."""
    bot_message = {
        "message_id": 42,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": 123456, "is_bot": True, "first_name": "Motcua", "username": "motcua_test_bot"},
        "text": "Chọn một mục",
    }
    query = {"id": query_id, "chat_instance": "-1234567890", "from": _citizen(chat_id), "data": data}
    return {"update_id": update_id, "callback_query": {**query, "message": bot_message}}


STICKER = {"file_id": "CAACAgI", "file_unique_id": "AgADBA", "type": "regular", "width": 512, "height": 512,
           "is_animated": False, "is_video": False}  # fmt: skip
PHOTO = [{"file_id": "AgACAgI", "file_unique_id": "AQADx", "width": 90, "height": 90}]
VOICE = {"file_id": "AwACAgI", "file_unique_id": "AgADy", "duration": 3}
