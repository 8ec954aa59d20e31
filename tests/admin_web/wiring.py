"""The app the browser tests drive: `create_app(settings)` exactly as `motcua serve` builds it."""

from __future__ import annotations

from fastapi import FastAPI

from api.main import create_app
from bot.config import Settings


def wired_app(settings: Settings) -> FastAPI:
    """The app exactly as `motcua serve` builds it, with content revisions picked up quickly."""
    return create_app(settings.model_copy(update={"content_poll_seconds": 0.5}))
