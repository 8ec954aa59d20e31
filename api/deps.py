"""Dependency aliases shared by the routers (one place, `Annotated` style).

Everything comes from the process's runtime (bot/runtime.py), which the app's lifespan puts on
app.state.runtime; a request before it (there is none once the server answers) is a 503.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.config import Settings
from bot.runtime import Runtime
from bot.service import ChatService

NOT_STARTED = 503


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(NOT_STARTED, "the app has not started")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_service(runtime: RuntimeDep) -> ChatService:
    return runtime.service


def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


ServiceDep = Annotated[ChatService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
