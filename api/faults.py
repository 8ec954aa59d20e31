"""Answers for a database that cannot be used right now: JSON 503 with Retry-After, never a plain 500.

A locked SQLite file (another writer held it past busy_timeout), a database gone or replaced under the
server (bot/storage/identity.py), a dropped PostgreSQL connection: the request did not happen, and
saying 503 makes Zalo and Telegram deliver the webhook again later, and tells a page to try again.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from bot.errors import StorageError

log = logging.getLogger("motcua.api")

RETRY_AFTER_SECONDS = 5


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable on %s %s: %s", request.method, request.url.path, str(exc).splitlines()[0])
    return JSONResponse(
        {"detail": "the service is briefly unavailable; try again shortly"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(StorageError, database_unavailable)
    app.add_exception_handler(DBAPIError, database_unavailable)
