"""Builders for handoff tests: a service with the desk and a recording sender, citizens who talk to it,
staff accounts, a settable clock, and the app wired with the inbox routes."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select

from bot.admin import users
from bot.admin.auth import Account
from bot.config import Settings
from bot.content.model import Content
from bot.domain.messages import Incoming
from bot.handoff.desk import WEB, HandoffDesk
from bot.service import ChatService
from bot.storage.audit import SYSTEM
from bot.storage.base import ConversationKey
from bot.storage.database import create_engine_for
from bot.storage.sql.store import SqlStore
from bot.storage.sql.units import Units
from bot.storage.tables_handoff import Handoff
from tests.admin.support import admin_app
from tests.support.server import free_port

VN = dt.timezone(dt.timedelta(hours=7))
TUESDAY_9AM = dt.datetime(2026, 3, 3, 9, 0, tzinfo=VN).astimezone(dt.UTC)  # the office is open
SATURDAY_8PM = dt.datetime(2026, 3, 7, 20, 0, tzinfo=VN).astimezone(dt.UTC)  # it is not
_ids = itertools.count(1)


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class RecordingSender:
    """A channel that records what it is asked to send; `fail` makes the next sends raise."""

    channel: str = "telegram"
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail: int = 0
    attempts: int = 0

    async def send(self, user_id: str, reply: dict[str, Any]) -> None:
        self.attempts += 1
        if self.fail:
            self.fail -= 1
            raise OSError("network unreachable")
        self.sent.append((user_id, reply))

    async def aclose(self) -> None: ...

    def texts(self, user_id: str) -> list[str]:
        return [str(reply["text"]) for to, reply in self.sent if to == user_id]


@dataclass
class Desk:
    service: ChatService
    desk: HandoffDesk
    sender: RecordingSender
    clock: Clock

    @property
    def store(self) -> SqlStore:
        return self.desk.store

    def citizen(self, channel: str = "telegram") -> Citizen:
        return Citizen(self, ConversationKey(channel, f"u{next(_ids)}"))

    async def staff(self, role: str, ward: str | None = None, name: str | None = None) -> Account:
        account, _ = await users.add_user(
            self.store.units, name or f"Cán bộ {next(_ids)}", role, ward, SYSTEM
        )
        return account

    async def handoff_row(self, handoff_id: int) -> Any:
        async with self.store.engine.connect() as conn:
            return (await conn.execute(select(Handoff).where(Handoff.id == handoff_id))).one()


@dataclass
class Citizen:
    """One citizen on one channel; each message goes through the service like a webhook's would."""

    desk: Desk
    key: ConversationKey

    async def send(self, incoming: Incoming) -> list[str]:
        """The texts the bot answered this message with (delivered through the sender when it has one)."""
        service = self.desk.service
        if self.key.channel in ("web", "cli"):
            return [r.text for r in await service.converse(self.key.channel, self.key.user_id, incoming)]
        item = await service.store.accept(self.key, f"m{next(_ids)}", incoming.to_json())
        assert item is not None
        outbox = await service.process(item)
        await service.deliver_for(self.key)
        return [str(entry.reply["text"]) for entry in outbox]

    async def says(self, text: str) -> list[str]:
        return await self.send(Incoming.typed(text))

    async def presses(self, button: str) -> list[str]:
        return await self.send(Incoming.pressed(button))

    async def asks_for_a_person(self) -> list[str]:
        """Open a procedure, say "gặp cán bộ", then press "Nhắn tin với cán bộ"."""
        await self.send(Incoming.started("khai-sinh"))
        await self.says("gặp cán bộ")
        return await self.presses("contact.options.person")

    @property
    def received(self) -> list[str]:
        return self.desk.sender.texts(self.key.user_id)


@asynccontextmanager
async def desk_service(database_url: str, content: Content, clock: Clock) -> AsyncIterator[Desk]:
    store = await SqlStore.open(database_url, migrate=True)
    service = ChatService(store, content, max_attempts=5)
    sender = RecordingSender()
    service.register_sender(sender)
    desk = HandoffDesk(
        store,
        content=lambda: service.content,
        reachable=lambda channel: channel == WEB or channel in service.senders,
        deliver=service.deliver_for,
        clock=clock,
    )
    service.handoff = desk
    try:
        yield Desk(service, desk, sender, clock)
    finally:
        await store.close()


def handoff_app(settings: Settings) -> FastAPI:
    """The app as `motcua serve` builds it: admin side, inbox routes and the handoff desk included."""
    return admin_app(settings)


@contextmanager
def serve(settings: Settings, timeout: float = 30.0) -> Iterator[str]:
    """Like tests/support/server.live_app, for `handoff_app`: uvicorn on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(
        handoff_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            assert thread.is_alive(), "the app failed to start (see the log above)"
            try:
                if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the app did not start in time"
            time.sleep(0.05)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def staff_headers(settings: Settings, role: str, name: str, ward: str | None) -> dict[str, str]:
    """An account with an API token, made on a connection of its own to the served app's database."""

    async def make() -> str:
        engine = create_engine_for(settings.database_url)
        units = Units(engine, single_connection=False)
        try:
            account, _ = await users.add_user(units, name, role, ward, SYSTEM)
            return await users.issue_api_token(units, account.id, "tests", SYSTEM)
        finally:
            await units.close()
            await engine.dispose()

    return {"Authorization": f"Bearer {asyncio.run(make())}"}
