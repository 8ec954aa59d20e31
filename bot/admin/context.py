"""Everything the admin routes need, made once per process by `start_admin` and kept on the runtime."""

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
        return cls(settings, service, engine, revisions, ContentManager(revisions, service, poll_seconds))
