"""Dependency aliases shared by the routers (one place, `Annotated` style).

Everything comes from the process's runtime (bot/runtime.py), which the app's lifespan puts on
app.state.runtime; a request before it (there is none once the server answers) is a 503.
The dependencies are `async def` although they do not wait for anything: FastAPI runs a plain `def`
dependency in its thread pool, and three thread hops per webhook cost more than the rest of the request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.config import Settings
from bot.runtime import Runtime
from bot.service import ChatService

NOT_STARTED = 503


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(NOT_STARTED, "the app has not started")
    return runtime


async def get_runtime(request: Request) -> Runtime:
    return runtime_of(request)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_service(runtime: RuntimeDep) -> ChatService:
    return runtime.service


async def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


ServiceDep = Annotated[ChatService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
