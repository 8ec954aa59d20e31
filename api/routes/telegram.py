"""POST /webhooks/telegram: check the secret, parse the update, hand it to the service, answer 200 fast.

Answers, and why:
- 404 when Telegram is not configured on this server.
- 403 when X-Telegram-Bot-Api-Secret-Token is missing or wrong (compared in constant time); the body is
  not even read, nothing is stored. Telegram only knows the secret we gave it in setWebhook.
- 400 for a body that is not an update (413 for an oversized one comes from api/limits.py BodyLimit);
  Telegram never sends either.
- 200 otherwise, also for updates we ignore and for redeliveries: any other answer makes Telegram send
  the update again. A storage failure surfaces as 500, so that redelivery is exactly what happens.

A button press's callback query is answered after the response goes out (a background task), so the
citizen's spinner stops at once whatever the engine then takes to reply.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, Response

from api.deps import ServiceDep
from bot.channels.telegram import CHANNEL, SECRET_HEADER, WEBHOOK_PATH, TelegramChannel

router = APIRouter(tags=["telegram"])
log = logging.getLogger("motcua.telegram")


def get_telegram(service: ServiceDep) -> TelegramChannel:
    """The channel the app registered as the service's Telegram sender at start-up."""
    channel = service.senders.get(CHANNEL)
    if not isinstance(channel, TelegramChannel):
        raise HTTPException(404, "Telegram is not enabled on this server (MOTCUA_TELEGRAM_TOKEN is unset)")
    return channel


TelegramDep = Annotated[TelegramChannel, Depends(get_telegram)]


@router.post(WEBHOOK_PATH)
async def telegram_webhook(
    request: Request, background: BackgroundTasks, channel: TelegramDep, service: ServiceDep
) -> Response:
    if not channel.secret_matches(request.headers.get(SECRET_HEADER)):
        log.warning("telegram webhook refused: missing or wrong secret token")
        raise HTTPException(403, f"missing or wrong {SECRET_HEADER}")
    try:
        data = json.loads(await request.body())
    except (ValueError, RecursionError):  # RecursionError: absurdly nested arrays
        raise HTTPException(400, "the body is not JSON") from None
    try:
        parsed = channel.parse(data)
    except ValueError as err:
        raise HTTPException(400, str(err)) from None
    if parsed.inbound is not None and not await channel.deliver(parsed, service):
        log.info("telegram webhook: redelivery of update %s ignored", parsed.update_id)
    if parsed.callback_query_id is not None:
        background.add_task(channel.answer_callback, parsed.callback_query_id)
    return Response(status_code=200)
