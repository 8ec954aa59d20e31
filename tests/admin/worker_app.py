"""A worker process for the multi-worker tests: `uvicorn --factory tests.admin.worker_app:app_factory`.

Settings come from the environment (MOTCUA_DATABASE_URL), as in `motcua serve --workers N`; content is
polled at the production interval."""

from __future__ import annotations

from fastapi import FastAPI

from bot.config import load_settings
from tests.admin.support import admin_app


def app_factory() -> FastAPI:
    return admin_app(load_settings(), poll_seconds=2.0)
