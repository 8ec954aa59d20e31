"""The admin side: staff accounts, content revisions, the worker's content manager, and the helpers
behind the admin JSON API (api/routes/admin_api.py).

`start_admin` wires it into a process (bot/runtime.py, for the web server and the terminal alike):

    async with start_admin(settings, service, store) as admin:
        ...

On entry it imports procedures/ and flows.yaml when the database holds no content yet, swaps the newest
revision into the service, starts polling for newer revisions, and gives the `AdminContext` the routes
use (the runtime keeps it). On exit it stops the polling.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.admin.context import AdminContext
from bot.config import Settings
from bot.content import settings_files
from bot.service import ChatService
from bot.storage.sql import SqlStore

__all__ = ["AdminContext", "start_admin"]


@asynccontextmanager
async def start_admin(
    settings: Settings, service: ChatService, store: SqlStore, *, poll_seconds: float = 2.0
) -> AsyncIterator[AdminContext]:
    context = AdminContext.create(settings, service, store.engine, store.units, poll_seconds)
    await context.manager.start(lambda: settings_files(settings))
    try:
        yield context
    finally:
        await context.manager.stop()
