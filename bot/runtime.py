"""The composition root: the one place that builds the store, the service, the admin side and the channels.

    async with runtime(settings) as rt:             # the web server (api/main.py's lifespan)
        app.state.runtime = rt
        yield

    async with runtime(settings, serve=False) as rt:  # motcua chat, motcua telegram --polling
        ...rt.service...

Start-up order of the web server: content (refuse to start on invalid content, listing every problem) ->
database (migrated) -> service -> channels (each says whether it is on) -> recovery of anything a previous
process accepted but did not finish -> the delivery loop. A terminal process opens (and migrates) the
database and serves the published content; it starts nothing else (Telegram polling starts the delivery
loop itself).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

from bot.admin import AdminContext, start_admin
from bot.channels.base import ChannelStarter
from bot.config import Settings
from bot.content import load_outreach
from bot.handoff.desk import WEB, HandoffDesk
from bot.outreach.links import BotLinks
from bot.outreach.printer import OutreachPrinter
from bot.rate_limits import WebBudgets
from bot.report.texts import REPORT_FILE, ReportTexts, load_report_texts
from bot.service import ChatService
from bot.storage.identity import open_checked
from bot.storage.retention import Retention, retention_policy
from bot.storage.sql import SqlStore

log = logging.getLogger("motcua.api")  # the start-up lines the server has always logged under this name
outreach_log = logging.getLogger("motcua.outreach")

T = TypeVar("T")


def channels() -> tuple[tuple[str, ChannelStarter[ChatService]], ...]:
    """Each channel's start-up hook, in the order they start; the name is what the start-up log says.
    Imported when the web server starts them: a terminal process (`motcua chat`) starts none, and the
    Telegram library alone takes a fifth of a second to import."""
    from bot.channels import telegram
    from bot.channels.messenger import channel as messenger
    from bot.channels.zalo import channel as zalo

    return (
        ("zalo", zalo.start_channel),
        ("telegram", telegram.start_channel),
        ("messenger", messenger.start_channel),
    )


# Every connection to a platform's API is kept open for reuse: with httpx's default (keep 20 of up to
# 100) a burst of replies to many citizens opened and closed connections on every send. Not more than
# 20 either: httpcore looks through its connections on every request, and sends beyond 20 at once wait
# a millisecond for one rather than cost every send that search. HTTP/1.1, not HTTP/2: httpx speaks
# HTTP/2 only with the `h2` package, which Motcua does not install.
HTTP_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20)


class Lazy(Generic[T]):
    """A value made on first use and kept for the life of the process. A load that raises is not kept, so
    the next use tries again: an invalid report.yaml or outreach.yaml is a 503 at request time (the
    route logs its problems), never a refused start, and a fixed file is picked up without a restart."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._value: T | None = None

    def get(self) -> T:
        if self._value is None:
            self._value = self._load()
        return self._value


def make_printer(settings: Settings) -> OutreachPrinter:
    """The leaflet and poster printer; raises ContentInvalid when outreach.yaml is invalid."""
    texts = load_outreach(settings.outreach_file)
    links = BotLinks.from_settings(settings)
    for reason in links.skipped:
        outreach_log.info("leaflets: %s", reason)
    return OutreachPrinter(texts, links)


@dataclass
class Runtime:
    """What a running process holds: read by the routes as `request.app.state.runtime`."""

    settings: Settings
    service: ChatService
    admin: AdminContext | None  # None: an app without the admin side (tests of single routers)
    budgets: WebBudgets
    report_texts: Lazy[ReportTexts]
    printer: Lazy[OutreachPrinter]

    @classmethod
    def of(cls, settings: Settings, service: ChatService, admin: AdminContext | None = None) -> Runtime:
        """A runtime around a service already built (also how tests give a bare router its state)."""
        return cls(
            settings,
            service,
            admin,
            WebBudgets(settings),
            Lazy(lambda: load_report_texts(REPORT_FILE)),
            Lazy(lambda: make_printer(settings)),
        )


async def open_store(settings: Settings) -> SqlStore:
    """The database of a terminal command, migrated (the web server opens it with `open_checked`)."""
    return await SqlStore.open(settings.database_url, migrate=True, salt=settings.secret_salt)


def _service(settings: Settings, store: SqlStore, *, serve: bool) -> ChatService:
    # Content comes from the newest published revision, swapped in by start_admin.
    if serve:
        store.max_pending = settings.max_pending_per_conversation
        service = ChatService(
            store, None, max_attempts=settings.outbox_max_attempts, poll_seconds=settings.outbox_poll_seconds
        )
    else:
        service = ChatService(store, None)
    # The terminal has no inbox: the desk tells the citizen a person can't be reached there.
    service.handoff = HandoffDesk(
        store,
        content=lambda: service.content,
        reachable=lambda channel: channel == WEB or channel in service.senders,
        deliver=service.deliver_for,
    )
    if serve:
        service.housekeeping = Retention(store, retention_policy(settings)).sweep
    return service


async def _start_channels(service: ChatService, settings: Settings, http: httpx.AsyncClient) -> None:
    for name, start in channels():
        sender = await start(settings, service, http)
        if sender is None:
            log.info("channel %s is off (its MOTCUA_%s_* settings are unset)", name, name.upper())
        else:
            service.register_sender(sender)
            log.info("channel %s is on", name)


@asynccontextmanager
async def runtime(settings: Settings, *, serve: bool = True) -> AsyncIterator[Runtime]:
    """The process's runtime for the length of the block. `serve`: the web server (checked database,
    channels, recovery, the delivery loop, stopped on exit); otherwise a terminal process."""
    if serve:
        store = await open_checked(
            settings.database_url,
            salt=settings.secret_salt,
            require_existing=settings.require_database,
            pool_size=settings.database_pool_size,
        )
    else:
        store = await open_store(settings)
    service = _service(settings, store, serve=serve)
    if serve:
        # httpx logs every request at INFO: one line per reply sent, a few percent of the server's CPU
        # under load. Failed sends are logged by motcua.delivery and the channels.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0), limits=HTTP_LIMITS) if serve else None
    try:
        # Published content lives in the database as revisions; the first start imports the files (and
        # files changed on disk since the last start are published first).
        async with start_admin(settings, service, store, poll_seconds=settings.content_poll_seconds) as admin:
            if http is not None:
                await _start_channels(service, settings, http)
                await service.recover()
                service.start()
                log.info("Motcua is serving %d procedures", len(service.content.catalogue))
            yield Runtime.of(settings, service, admin)
    finally:
        if http is not None:
            await service.stop()
            await http.aclose()
        await store.close()
