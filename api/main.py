"""The FastAPI app: web chat, webhooks, health. `create_app(settings)` wires everything in the lifespan.

Start-up order: content (refuse to start on invalid content, listing every problem) -> database
(migrated) -> service -> channels (each says whether it is on) -> recovery of anything a previous
process accepted but did not finish -> the delivery loop.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import errors, faults, rate_limit
from api.conversation_token import HEADER
from api.limits import BodyLimit, validation_error
from api.routes import (
    admin_api,
    admin_assist,
    admin_auth,
    admin_inbox,
    admin_pages,
    admin_portal,
    admin_report,
    chat,
    chat_poll,
    health,
    messenger,
    outreach,
    telegram,
    zalo,
)
from api.security import SecurityHeaders
from bot.admin import start_admin
from bot.config import Settings, load_settings
from bot.handoff.desk import WEB, HandoffDesk
from bot.service import ChatService
from bot.storage.identity import open_checked
from bot.storage.retention import Retention, retention_policy

log = logging.getLogger("motcua.api")

STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 256 * 1024  # no legitimate request is larger; a 1 MB body is refused before parsing
CHANNEL_MODULES = ("bot.channels.zalo", "bot.channels.telegram", "bot.channels.messenger")


async def _start_channels(settings: Settings, service: ChatService, http: httpx.AsyncClient) -> None:
    for module_name in CHANNEL_MODULES:
        module = importlib.import_module(module_name)
        starter: Callable[..., Awaitable[object]] = module.start_channel
        sender = await starter(settings, service, http)
        name = module_name.rsplit(".", 1)[-1]
        if sender is None:
            log.info("channel %s is off (its MOTCUA_%s_* settings are unset)", name, name.upper())
        else:
            service.register_sender(sender)  # type: ignore[arg-type]
            log.info("channel %s is on", name)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await open_checked(
            settings.database_url, salt=settings.secret_salt, require_existing=settings.require_database
        )
        store.max_pending = settings.max_pending_per_conversation
        # Content comes from the newest published revision, loaded by start_admin below.
        service = ChatService(
            store,
            None,
            max_attempts=settings.outbox_max_attempts,
            poll_seconds=settings.outbox_poll_seconds,
        )
        service.handoff = HandoffDesk(
            store,
            content=lambda: service.content,
            reachable=lambda channel: channel == WEB or channel in service.senders,
            deliver=service.deliver_for,
        )
        service.housekeeping = Retention(store, retention_policy(settings)).sweep
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        app.state.settings, app.state.service, app.state.http = settings, service, http
        try:
            # Published content lives in the database as revisions; the first start imports the files.
            async with start_admin(app, settings, service, store, poll_seconds=settings.content_poll_seconds):
                await _start_channels(settings, service, http)
                await service.recover()
                service.start()
                log.info("Motcua is serving %d procedures", len(service.content.catalogue))
                yield
        finally:
            await service.stop()
            await http.aclose()
            await store.close()

    app = FastAPI(title="Motcua", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.add_exception_handler(RequestValidationError, validation_error)
    rate_limit.install(app)
    faults.install(app)
    errors.install(app)

    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders, frame_origins=settings.cors_origins)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", HEADER],
        )
    routers = (health, chat, chat_poll, outreach, zalo, telegram)
    admin = (admin_auth, admin_api, admin_portal, admin_assist, admin_inbox, admin_report, admin_pages)
    for module in (*routers, *admin):
        app.include_router(module.router)
    app.include_router(messenger.router)  # GET|POST /webhooks/messenger
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="static")
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory api.main:app_factory` (several workers read settings from the environment)."""
    return create_app(load_settings())
