"""The admin side: staff accounts, content revisions, the worker's content manager, and the helpers
behind the admin JSON API (api/routes/admin_api.py).

`start_admin` wires it into an app's lifespan:

    async with start_admin(app, settings, service, store):
        yield

On entry it imports procedures/ and flows.yaml when the database holds no content yet, swaps the newest
revision into the service, starts polling for newer revisions, and puts an `AdminContext` on
app.state.admin for the routes. On exit it stops the polling. A process without routes (the terminal
chat, Telegram polling) passes `app=None` and still serves the published content.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.admin.context import AdminContext
from bot.admin.disk import settings_files
from bot.config import Settings
from bot.service import ChatService
from bot.storage.sql import SqlStore

__all__ = ["AdminContext", "start_admin"]


@asynccontextmanager
async def start_admin(
    app: Any, settings: Settings, service: ChatService, store: SqlStore, *, poll_seconds: float = 2.0
) -> AsyncIterator[AdminContext]:
    context = AdminContext.create(settings, service, store.engine, store.units, poll_seconds)
    await context.manager.start(lambda: settings_files(settings))
    if app is not None:  # None: a process without HTTP routes (motcua chat, telegram --polling)
        app.state.admin = context
    try:
        yield context
    finally:
        await context.manager.stop()
