"""Everything the admin routes need, made once per process by `start_admin` and kept on the runtime."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.preview import PreviewCache
from bot.config import Settings
from bot.content import ContentManager, Revisions
from bot.content.compiled import DEFAULT_DIR as COMPILED_DIR
from bot.service import ChatService
from bot.storage.sql import Units


@dataclass
class AdminContext:
    settings: Settings
    service: ChatService
    engine: AsyncEngine  # reports and assist sessions read and write on it directly
    units: Units  # the store's units of work: users, sign-in, revisions, audit
    revisions: Revisions
    manager: ContentManager
    previews: PreviewCache = field(default_factory=PreviewCache)

    @classmethod
    def create(
        cls,
        settings: Settings,
        service: ChatService,
        engine: AsyncEngine,
        units: Units,
        poll_seconds: float = 2.0,
    ) -> AdminContext:
        revisions = Revisions(units, compiled_dir=COMPILED_DIR)
        manager = ContentManager(revisions, service.store, service.swap_content, poll_seconds)
        return cls(settings, service, engine, units, revisions, manager)
