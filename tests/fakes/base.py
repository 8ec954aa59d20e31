"""What the fake platforms share: serving a Starlette app on loopback from a thread, and a script of
answers (errors, hangs) the next requests get instead of the normal one."""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, Literal, Protocol, Self, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

A = TypeVar("A")


class Scripted(Protocol[A]):
    script: deque[A]


class FakePlatform(Generic[A]):
    """A platform's HTTP API, faked: `state` (with its `script` of answers) is shared by the server thread
    and the test thread, always under `_lock`."""

    state: Scripted[A]

    def __init__(self, routes: list[Route]) -> None:
        self._lock = threading.Lock()  # the server thread and the test thread share the state
        self.app = Starlette(routes=routes)
        self._server: UvicornThread | None = None

    def script(self, *answers: A) -> None:
        with self._lock:
            self.state.script.extend(answers)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return self._server.url

    def start(self) -> Self:
        self._server = UvicornThread(self.app).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    @contextmanager
    def running(self) -> Iterator[Self]:
        self.start()
        try:
            yield self
        finally:
            self.stop()


class UvicornThread:
    """Serve an ASGI app on 127.0.0.1 (a free port bound before the thread starts) in a daemon thread."""

    def __init__(self, app: Callable[..., Any], *, lifespan: Literal["auto", "on", "off"] = "off") -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan=lifespan, ws="none", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name=f"fake-{self.port}", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> UvicornThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
