"""GET|POST /webhooks/messenger: Meta's subscription handshake, and the page's Messenger events.

Answers, and why:
- 404 when Messenger is not configured on this server.
- GET: the `hub.challenge`, verbatim as text, when `hub.verify_token` is ours; 403 otherwise.
- POST: 401 for a missing or wrong `X-Hub-Signature-256` (checked over the raw bytes before parsing;
  nothing is stored), 400 for a signed body that is not JSON, 413 for an oversized one (read here
  with api/limits.py read_within, under the app-wide BodyLimit). Otherwise each event the bot acts on
  is accepted into the service's inbox (deduplicated) and the delivery answered 200 at once; replies
  are sent in the background. Ignored events (echoes, reads, deliveries) are answered 200 too, or Meta
  would deliver them again. A storage failure surfaces as 500, so that redelivery is exactly what
  happens.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.deps import ServiceDep, SettingsDep
from api.limits import read_within
from bot.channels.messenger import HEADER, WEBHOOK_PATH, webhook_for

router = APIRouter(tags=["messenger"])
log = logging.getLogger("motcua.messenger")

OFF = {"detail": "the Messenger channel is not configured"}


@router.get(WEBHOOK_PATH)
async def messenger_handshake(request: Request, settings: SettingsDep) -> Response:
    webhook = webhook_for(settings)
    if webhook is None:
        return JSONResponse(OFF, status_code=404)
    query = request.query_params
    challenge = webhook.handshake(
        query.get("hub.mode"), query.get("hub.verify_token"), query.get("hub.challenge")
    )
    if challenge is None:
        log.warning("messenger webhook handshake refused: wrong mode or verify token")
        return JSONResponse({"detail": "wrong hub.mode or hub.verify_token"}, status_code=403)
    log.info("messenger webhook subscription verified")
    return PlainTextResponse(challenge)


@router.post(WEBHOOK_PATH)
async def messenger_webhook(request: Request, settings: SettingsDep, service: ServiceDep) -> JSONResponse:
    webhook = webhook_for(settings)
    if webhook is None:
        return JSONResponse(OFF, status_code=404)
    raw = await read_within(request, webhook.max_body_bytes)
    if raw is None:
        log.warning("messenger webhook refused (413): body too large")
        return JSONResponse({"detail": "body too large"}, status_code=413)
    outcome = webhook.check(raw, request.headers.get(HEADER))
    if outcome.status != 200:
        log.warning("messenger webhook refused (%d): %s", outcome.status, outcome.reason)
        return JSONResponse({"detail": outcome.reason}, status_code=outcome.status)
    for message in outcome.messages:
        if not await service.accept(message):
            log.info("messenger webhook: redelivery of %s ignored", message.dedupe_key)
    return JSONResponse({"ok": True})
