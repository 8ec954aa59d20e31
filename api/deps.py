"""Dependency aliases shared by the routers (one place, `Annotated` style)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.config import Settings
from bot.service import ChatService


def get_service(request: Request) -> ChatService:
    service: ChatService = request.app.state.service
    return service


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ServiceDep = Annotated[ChatService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
