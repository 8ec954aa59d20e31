"""Oversized and hostile input: every door answers with a clear 4xx (or, for content files, a validation
error naming the line), never a crash or a 5xx, and reads no more of a huge body than its limit.

Doors: the Zalo and Telegram webhooks and the web chat API on a running app (uvicorn on 127.0.0.1, with
both channels on against their fakes), and `motcua validate` for procedure files.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.e2e_server import ROOT
from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from bot.channels.zalo.signature import HEADER, sign
from bot.config import load_settings
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo, ZaloEvents
from tests.support.server import live_app

pytestmark = pytest.mark.e2e

APP_ID, OA_ID, APP_SECRET, OA_SECRET = "2553928453557884079", "3662729599332560487", "app-secret", "oa-secret"
TG_SECRET = "hostile_secret-Token"
EVENTS = ZaloEvents(app_id=APP_ID, oa_id=OA_ID, oa_secret_key=OA_SECRET)
MB = 1024 * 1024


@dataclass
class App:
    url: str
    zalo: FakeZalo

    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", content=body, headers=headers or {}, timeout=30)

    def healthy(self) -> bool:
        return httpx.get(f"{self.url}/healthz", timeout=10).status_code == 200


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    zalo = FakeZalo(app_id=APP_ID, app_secret=APP_SECRET).start()
    try:
        with FakeTelegram().running() as telegram:
            settings = load_settings(
                database_url=f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'motcua.db'}",
                zalo_app_id=APP_ID,
                zalo_app_secret=APP_SECRET,
                zalo_oa_secret_key=OA_SECRET,
                zalo_access_token="at-0",
                zalo_openapi_base=zalo.url,
                zalo_oauth_base=zalo.url,
                telegram_token=telegram.token,
                telegram_base_url=telegram.base_url,
                telegram_webhook_secret=TG_SECRET,
            )
            with live_app(settings) as url:
                yield App(url, zalo)
    finally:
        zalo.stop()


def _zalo_headers(raw: bytes) -> dict[str, str]:
    """A signature header (any: the body is refused before the signature can even be checked)."""
    return {"X-ZEvent-Signature": "mac=" + "0" * 64, "Content-Type": "application/json"}


DOORS = {
    "zalo": ("/webhooks/zalo", _zalo_headers),
    "telegram": (WEBHOOK_PATH, lambda raw: {SECRET_HEADER: TG_SECRET, "Content-Type": "application/json"}),
    "chat": ("/api/chat", lambda raw: {"Content-Type": "application/json"}),
}


@pytest.mark.parametrize("door", DOORS)
def test_a_one_megabyte_body_is_refused_with_413(app: App, door: str) -> None:
    path, headers = DOORS[door]
    body = json.dumps({"text": "x" * MB}).encode()

    assert app.post(path, body, headers(body)).status_code == 413
    assert app.healthy()


@pytest.mark.parametrize(
    "door",
    [
        "zalo",
        "telegram",
        "chat",
    ],
)
def test_a_huge_chunked_body_is_refused_and_never_held_in_memory(app: App, door: str) -> None:
    """No Content-Length, and 96 MB of body: the app answers 413 once its limit is passed, and whatever
    it does with the rest, it does not keep it (this process's memory, where the app runs, stays flat)."""
    path, headers = DOORS[door]
    before = _rss()

    status = _stream_chunked(app.url, path, headers(b""), total=96 * MB)

    assert _rss() - before < 32 * MB
    assert status == 413
    assert app.healthy()


@pytest.mark.parametrize("door", DOORS)
def test_absurdly_nested_json_is_a_400_class_answer(app: App, door: str) -> None:
    path, headers = DOORS[door]
    body = b"[" * 40_000 + b"]" * 40_000  # 80 KB, within the app's limit

    answer = app.post(path, body, headers(body))

    assert 400 <= answer.status_code < 500
    assert "Traceback" not in answer.text
    assert app.healthy()


@pytest.mark.parametrize("door", DOORS)
def test_invalid_utf8_is_a_400_class_answer(app: App, door: str) -> None:
    path, headers = DOORS[door]
    body = b'{"text": "\xff\xfe\xc3("}'

    answer = app.post(path, body, headers(body))

    assert 400 <= answer.status_code < 500
    assert app.healthy()


def test_nul_and_half_an_emoji_in_a_zalo_message_are_stored_and_answered(app: App) -> None:
    """Valid JSON escapes that not every database can store (PostgreSQL refuses \\u0000; a lone
    \\ud800 cannot even be encoded): the webhook answers 200 and the citizen gets the engine's reply,
    instead of a turn that fails on every retry."""
    event = EVENTS.text("hostile-text", "xin chào\u0000 \ud800")
    raw = json.dumps(event).encode()  # ensure_ascii: the escapes travel as \\u0000 and \\ud800
    signature = sign(APP_ID, raw, str(event["timestamp"]), OA_SECRET)

    answer = app.post("/webhooks/zalo", raw, {HEADER: signature, "Content-Type": "application/json"})

    assert answer.status_code == 200
    deadline = time.monotonic() + 30
    while not app.zalo.messages_to("hostile-text"):
        assert time.monotonic() < deadline, "no reply reached the citizen"
        time.sleep(0.05)


def test_nul_and_half_an_emoji_in_the_web_chat_are_answered_without_a_5xx(app: App) -> None:
    said = json.dumps({"text": "a\u0000b \udfff"}).encode()

    answer = app.post("/api/chat", said, {"Content-Type": "application/json"})

    assert answer.status_code in (200, 422)
    assert app.healthy()


def _rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _stream_chunked(base: str, path: str, headers: dict[str, str], total: int) -> int:
    host, port = base.removeprefix("http://").split(":")
    chunk = b"x" * (64 * 1024)
    head = [f"POST {path} HTTP/1.1", f"Host: {host}", "Transfer-Encoding: chunked"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            while sent < total:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass  # the app closed the connection after answering
        sock.settimeout(10)
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    return int(answer.split()[1]) if answer.startswith(b"HTTP/1.1") else 0


# --- content files ---------------------------------------------------------------------------------

BILLION_LAUGHS = """\
id: bomb
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: [*g, *g, *g, *g, *g, *g, *g, *g, *g]
"""

# file text -> the start of the problem line expected: the line, and the YAML reader's own field
HOSTILE_YAML = {
    "billion laughs": (BILLION_LAUGHS, "bomb.yaml:2: (yaml)"),
    "python object on a scalar": (
        'id: !!python/object/apply:os.system "touch $PWNED"\n',
        "bomb.yaml:1: (yaml)",
    ),
    "python object on a list": (
        'id: x\nname: !!python/object/apply:os.system ["touch $PWNED"]\n',
        "bomb.yaml:2: (yaml)",
    ),
    "python object on a map": (
        "id: x\nagency: !!python/object:builtins.dict {name: x}\n",
        "bomb.yaml:2: (yaml)",
    ),
    "merge key": ("base: {a: 1}\nid:\n  <<: {a: 1}\n", "bomb.yaml:3: (yaml)"),
    "deep nesting": ("id: x\nname: " + "[" * 20_000 + "]" * 20_000 + "\n", "bomb.yaml:2: (yaml)"),
    "over the size limit": ("id: x\nname: '" + "x" * (600 * 1024) + "'\n", "bomb.yaml:1: (file)"),
}
KNOWN_GAPS: dict[str, str] = {}  # cases that fail for a known reason (none at present)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name]))
        if name in KNOWN_GAPS
        else name
        for name in HOSTILE_YAML
    ],
)
def test_a_hostile_procedure_file_is_a_validation_error_naming_its_line(tmp_path: Path, case: str) -> None:
    text, problem = HOSTILE_YAML[case]
    folder = tmp_path / "procedures"
    folder.mkdir()
    (folder / "bomb.yaml").write_text(text, encoding="utf-8")
    marker = tmp_path / "pwned"

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "validate", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PWNED": str(marker)},
    )

    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said
    assert problem in said
    assert not marker.exists()
