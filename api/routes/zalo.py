"""POST /webhooks/zalo: Zalo OA events arrive here.

The route only checks and hands on (bot/channels/zalo/webhook.py decides): an unsigned or wrongly signed
request gets 401, malformed JSON 400, an oversized body 413 — and none of them touches storage. A
verified event the bot acts on is accepted into the service's inbox (deduplicated on Zalo's msg_id) and
answered 200 at once; the reply is sent in the background. Ignored events (the OA's own echoes,
receipts, unknown kinds) are answered 200 too, so Zalo does not retry them.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import ServiceDep, SettingsDep
from api.limits import read_within
from bot.channels.zalo import HEADER, now_ms, webhook_for

router = APIRouter(tags=["zalo"])
log = logging.getLogger("motcua.zalo")


@router.post("/webhooks/zalo")
async def zalo_webhook(request: Request, settings: SettingsDep, service: ServiceDep) -> JSONResponse:
    webhook = webhook_for(settings)
    if webhook is None:
        return JSONResponse({"detail": "the Zalo channel is not configured"}, status_code=404)
    raw = await read_within(request, webhook.max_body_bytes)
    if raw is None:
        log.warning("zalo webhook refused: body over %d bytes", webhook.max_body_bytes)
        return JSONResponse({"detail": "body too large"}, status_code=413)
    outcome = webhook.check(raw, request.headers.get(HEADER), now_ms=now_ms())
    if outcome.status != 200:
        log.warning("zalo webhook refused (%d): %s", outcome.status, outcome.reason)
        return JSONResponse({"detail": outcome.reason}, status_code=outcome.status)
    if outcome.message is None:
        log.debug("zalo webhook: %s", outcome.reason)
        return JSONResponse({"ok": True})
    fresh = await service.accept(outcome.message)
    if not fresh:
        log.info("zalo webhook: a redelivery ignored")  # the key may hold a user id: not logged
    return JSONResponse({"ok": True})
