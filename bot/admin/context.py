"""Everything the admin routes need, made once per app by `start_admin` and kept on app.state.admin."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.content_manager import ContentManager
from bot.admin.preview import PreviewCache
from bot.admin.revisions import Revisions
from bot.config import Settings
from bot.service import ChatService


@dataclass
class AdminContext:
    settings: Settings
    service: ChatService
    engine: AsyncEngine
    revisions: Revisions
    manager: ContentManager
    previews: PreviewCache = field(default_factory=PreviewCache)

    @classmethod
    def create(
        cls, settings: Settings, service: ChatService, engine: AsyncEngine, poll_seconds: float = 2.0
    ) -> AdminContext:
        revisions = Revisions(engine)
        manager = ContentManager(revisions, service.store, service.swap_content, poll_seconds)
        return cls(settings, service, engine, revisions, manager)
