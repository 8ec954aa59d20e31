"""The FastAPI app: web chat, webhooks, health. `create_app(settings)` wires the routes; its lifespan
enters the process's runtime (bot/runtime.py: content, database, service, channels, recovery, the delivery
loop, in that order) and puts it on app.state.runtime, the only thing this app keeps on app.state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

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
from bot.config import Settings, load_settings
from bot.runtime import runtime

STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 256 * 1024  # no legitimate request is larger; a 1 MB body is refused before parsing


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime(settings) as rt:
            app.state.runtime = rt
            yield

    app = FastAPI(title="Motcua", version="0.1.0", lifespan=lifespan)
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
