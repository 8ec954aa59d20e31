"""GET /healthz: 200 when the app can serve: content loaded, and the database is the one it started with
and takes a write (bot/storage/identity.py); 503 otherwise."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServiceDep
from bot.storage.base import ConversationKey
from bot.storage.identity import prove
from bot.storage.sql import SqlStore

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(service: ServiceDep) -> JSONResponse:
    body: dict[str, Any] = {
        "status": "ok",
        "procedures": len(service.content.catalogue),
        "channels": sorted(["web", *service.senders]),
    }
    try:
        if isinstance(service.store, SqlStore):
            await prove(service.store)
        else:
            await service.store.load_state(ConversationKey("health", "probe"))
    except Exception as err:
        return JSONResponse({"status": "unavailable", "reason": type(err).__name__}, status_code=503)
    return JSONResponse(body)
