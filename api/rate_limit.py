"""The web chat's request budgets (bot/rate_limits.py): per conversation and per client address.

The client address is the one uvicorn reports: behind a reverse proxy, start uvicorn with
--forwarded-allow-ips set to the proxy's address so it reads X-Forwarded-For (docs/deploy.md); otherwise
every citizen shares the proxy's address and budget.
"""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.deps import runtime_of
from bot.errors import ConversationBusy
from bot.rate_limits import Budgets, TooMany, WebBudgets


def _budgets(request: Request) -> WebBudgets:
    return runtime_of(request).budgets


def _check(request: Request, conversation: Budgets, user_id: str) -> None:
    budgets = _budgets(request)
    address = request.client.host if request.client is not None else "unknown"
    wait = budgets.clients.spend(address)
    if wait:
        raise TooMany(wait, "client address")
    wait = conversation.spend(user_id)
    if wait:
        raise TooMany(wait, "conversation")


async def guard_turn(request: Request, user_id: str) -> None:
    _check(request, _budgets(request).turns, user_id)


async def guard_poll(request: Request, user_id: str) -> None:
    _check(request, _budgets(request).polls, user_id)


async def too_many(_request: Request, exc: Exception) -> JSONResponse:
    wait = exc.retry_after if isinstance(exc, TooMany | ConversationBusy) else 1.0
    headers = {"Retry-After": str(math.ceil(wait))}
    return JSONResponse({"detail": "too many requests"}, status_code=429, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(TooMany, too_many)
    app.add_exception_handler(ConversationBusy, too_many)
