"""Citizens talking to a running server over Zalo, and the fake Zalo platform that receives its replies.

Used by bench/e2e_throughput.py and tests/resilience/. Everything runs in the caller's event loop:

- `FakePlatform`: tests/fakes/zalo_server.py's FakeZalo served by uvicorn on 127.0.0.1, wrapped so that
  each message it accepts is timestamped and wakes the citizen waiting for it (`Deliveries`), and so that
  a test can hold sends hanging until it lets them go (`Hangs`).
- `plan_conversations`: what each citizen says (bench/engine_turns.py's scripts: a search, picking a
  procedure, the online steps, back, menu ...) and, computed up front by the engine on the same content,
  exactly which Zalo messages each turn must deliver. Planning before the run keeps the engine's CPU
  time out of the load generator while it measures.
- `WebhookClient`: signed webhooks over keep-alive HTTP/1.1 on raw asyncio streams (a general-purpose
  client costs more CPU per request than the server's whole turn); a failed post is posted again with
  the same msg_id until it is answered 200, as Zalo does, so a server restart loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bench.e2e_server import ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_ID, ZALO_OA_SECRET
from bench.engine_turns import press, script
from bot.channels.zalo.render import render_reply
from bot.content.model import Content
from bot.domain.messages import Incoming, IncomingKind
from bot.domain.state import ConversationState
from tests.fakes.zalo_server import FakeZalo, ZaloEvents

MESSAGE_PATH = "/v3.0/oa/message/cs"
EVENTS = ZaloEvents(app_id=ZALO_APP_ID, oa_id=ZALO_OA_ID, oa_secret_key=ZALO_OA_SECRET)


# --- what citizens say, and what they must receive -------------------------------------------------


@dataclass(frozen=True)
class PlannedTurn:
    incoming: Incoming
    expected: tuple[dict[str, Any], ...]  # the Zalo `message` objects this turn delivers, in order


@dataclass
class Citizen:
    user: str
    turns: list[PlannedTurn]

    def expected(self, sent: int | None = None) -> list[dict[str, Any]]:
        """Every message of the first `sent` turns (all turns by default), in order."""
        return [message for turn in self.turns[:sent] for message in turn.expected]


def plan_conversations(
    content: Content, count: int, turns: int, questions: Sequence[str], seed: int, prefix: str = "c"
) -> list[Citizen]:
    """`count` citizens with `turns` turns each: scripted conversations, one after another."""
    rng = random.Random(seed)
    citizens = []
    for n in range(count):
        user, state = f"{prefix}{n}", None
        planned: list[PlannedTurn] = []
        while len(planned) < turns:
            for move in script(content, questions, rng):
                incoming = press(move, state.offered if state is not None else [])
                if incoming is None or len(planned) == turns:
                    continue
                state, messages = _oracle_turn(content, user, state, incoming)
                planned.append(PlannedTurn(incoming, tuple(messages)))
        citizens.append(Citizen(user, planned))
    return citizens


def _oracle_turn(
    content: Content, user: str, state: ConversationState | None, incoming: Incoming
) -> tuple[ConversationState, list[dict[str, Any]]]:
    turn = content.engine.handle(state, incoming)
    return turn.state, [body["message"] for reply in turn.replies for body in render_reply(user, reply)]


def zalo_event(user: str, incoming: Incoming) -> dict[str, Any]:
    if incoming.kind is IncomingKind.START:
        return EVENTS.follow(user)
    if incoming.kind is IncomingKind.BUTTON:
        return EVENTS.tap(user, incoming.button)
    return EVENTS.text(user, incoming.text)


# --- the fake platform ------------------------------------------------------------------------------


class Deliveries:
    """Messages the fake platform accepted, per citizen, each with the time it arrived."""

    def __init__(self) -> None:
        self.by_user: dict[str, list[tuple[float, dict[str, Any]]]] = defaultdict(list)
        self._arrived: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def record(self, user: str, message: dict[str, Any]) -> None:
        self.by_user[user].append((time.perf_counter(), message))
        self._arrived[user].set()

    def messages(self, user: str) -> list[dict[str, Any]]:
        return [message for _, message in self.by_user.get(user, [])]

    def total(self) -> int:
        return sum(len(items) for items in self.by_user.values())

    async def wait_for(self, user: str, count: int, timeout: float) -> bool:
        """True once `user` has `count` messages; False if `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        arrived = self._arrived[user]
        while len(self.by_user[user]) < count:
            arrived.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                return False
        return True


class Hangs:
    """Sends the test holds: the next `count` message requests hang until `release()`, then fail (504)."""

    def __init__(self) -> None:
        self.waiting = 0  # requests hanging right now
        self.pending = 0  # requests still to be caught
        self.caught = asyncio.Event()  # set when the first hanging request has arrived
        self._release = asyncio.Event()

    def catch(self, count: int) -> None:
        self.pending += count

    def release(self) -> None:
        self._release.set()

    async def maybe_hang(self) -> bool:
        if self.pending <= 0:
            return False
        self.pending -= 1
        self.waiting += 1
        self.caught.set()
        try:
            await self._release.wait()
        finally:
            self.waiting -= 1
        return True


class FakePlatform:
    """FakeZalo on a loopback port in this event loop, recording deliveries and holding hangs."""

    def __init__(self) -> None:
        self.fake = FakeZalo(
            app_id=ZALO_APP_ID, app_secret=ZALO_APP_SECRET, access_token="at-0", refresh_token="rt-0"
        )
        self.deliveries = Deliveries()
        self.hangs = Hangs()
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
        # without it every answer waits ~40 ms for a delayed ACK (Nagle), which would swamp the numbers.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            self._recording(self.fake.app), log_level="warning", lifespan="off", access_log=False, ws="none"
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> FakePlatform:
        self._task = asyncio.get_running_loop().create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises what stopped it
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.hangs.release()
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._sock.close()

    def _recording(self, app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"] != MESSAGE_PATH:
                await app(scope, receive, send)
                return
            if await self.hangs.maybe_hang():  # the sender gave up long ago (its timeout); answer late
                await _respond(send, 504, b'{"message": "gateway timeout"}')
                return
            request, answer = bytearray(), bytearray()

            async def recording_receive() -> Message:
                message = await receive()
                request.extend(message.get("body", b""))
                return message

            async def recording_send(message: Message) -> None:
                answer.extend(message.get("body", b""))
                await send(message)

            await app(scope, recording_receive, recording_send)
            _record_if_accepted(self.deliveries, bytes(request), bytes(answer))

        return wrapped


def _record_if_accepted(deliveries: Deliveries, request: bytes, answer: bytes) -> None:
    try:
        result, body = json.loads(answer), json.loads(request)
    except ValueError:
        return
    if isinstance(result, dict) and result.get("error") == 0:
        deliveries.record(body["recipient"]["user_id"], body["message"])


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# --- posting webhooks -------------------------------------------------------------------------------


class WebhookClient:
    """One keep-alive connection to the server; `post` answers the HTTP status."""

    def __init__(self, base_url: str) -> None:
        host_port = base_url.removeprefix("http://").rstrip("/")
        self.host, _, port = host_port.partition(":")
        self.port = int(port)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        reused = self._writer is not None
        try:
            return await self._exchange(request)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
        # The server closed the kept-alive connection while it sat idle (uvicorn does after 5 s): any
        # HTTP client then opens a new one and sends again.
        return await self._exchange(request)

    async def _exchange(self, request: bytes) -> int:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        try:
            self._writer.write(request)
            return await self._read_response(self._reader)
        except BaseException:
            self.close()
            raise

    async def _read_response(self, reader: asyncio.StreamReader) -> int:
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        status, length, keep = int(status_line.split()[1]), 0, True
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                keep = False
        await reader.readexactly(length)
        if not keep:
            self.close()
        return status

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


@dataclass
class PostResult:
    status: int
    attempts: int  # 1 when the first post was answered
    seconds: float  # from the first attempt to the final answer


async def post_until_answered(
    client: WebhookClient, event: dict[str, Any], *, give_up_after: float = 60.0, pause: float = 0.1
) -> PostResult:
    """Post one signed event, posting it again (same bytes, same msg_id) after a connection error or a
    5xx answer, as Zalo redelivers; returns the first other answer (200, or a 4xx)."""
    raw, headers = EVENTS.signed(event)
    started, attempts = time.perf_counter(), 0
    deadline = time.monotonic() + give_up_after
    while True:
        attempts += 1
        try:
            status = await client.post("/webhooks/zalo", raw, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        if 0 < status < 500:
            return PostResult(status, attempts, time.perf_counter() - started)
        if time.monotonic() > deadline:
            return PostResult(status, attempts, time.perf_counter() - started)
        await asyncio.sleep(pause)


# --- a citizen in conversation ----------------------------------------------------------------------


@dataclass
class CitizenRun:
    user: str
    sent: int = 0  # turns posted and answered 200
    posts: list[PostResult] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)  # webhook posted -> each message delivered
    first_ms: list[float] = field(default_factory=list)  # webhook posted -> a turn's first message
    stalled: bool = False  # a turn's messages did not all arrive in time


async def converse(
    citizen: Citizen,
    client: WebhookClient,
    deliveries: Deliveries,
    *,
    reply_timeout: float = 30.0,
    stop: asyncio.Event | None = None,
) -> CitizenRun:
    """Say each planned turn, waiting for all of its messages before the next, like a person would.
    `stop` ends the conversation early (after the turn under way)."""
    run = CitizenRun(citizen.user)
    have = len(deliveries.by_user.get(citizen.user, []))
    for turn in citizen.turns:
        if stop is not None and stop.is_set():
            break
        posted = time.perf_counter()
        result = await post_until_answered(client, zalo_event(citizen.user, turn.incoming))
        run.posts.append(result)
        if result.status != 200:
            break
        run.sent += 1
        want = have + len(turn.expected)
        if not await deliveries.wait_for(citizen.user, want, reply_timeout):
            run.stalled = True
            break
        arrivals = deliveries.by_user[citizen.user][have:want]
        run.latencies_ms += [(at - posted) * 1000 for at, _ in arrivals]
        run.first_ms += [(at - posted) * 1000 for at, _ in arrivals[:1]]
        have = want
    return run
