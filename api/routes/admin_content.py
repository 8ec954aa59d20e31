"""Helpers the admin content routes share: the newest revision's files, the served content, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import HTTPException
from fastapi.responses import JSONResponse

from bot.admin.context import AdminContext
from bot.admin.problems_vi import problems_json
from bot.content import MAX_FILE_BYTES, Content, Files, normalise_text
from bot.errors import Problem
from bot.storage.base import utcnow

MAX_YAML = MAX_FILE_BYTES
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # no daylight saving time


def today() -> dt.date:
    """The date in Vietnam, where "verified 180 days ago" is counted."""
    return utcnow().astimezone(VIETNAM).date()


async def served(admin: AdminContext) -> Content:
    """The content this worker serves, brought up to the newest revision first (the page that shows
    it must not lag behind a publish made through another worker)."""
    await admin.manager.refresh()
    return admin.service.content


async def content_files(admin: AdminContext) -> Files:
    latest = await admin.revisions.latest_id()
    if latest is None:
        raise HTTPException(503, "Chưa có nội dung nào được nhập.")
    return await admin.revisions.files(latest)


async def current_text(admin: AdminContext, path: str) -> tuple[int, str]:
    """(newest revision, the file's text in it); 404 when that revision has no such file."""
    latest = await admin.revisions.latest_id()
    text = None if latest is None else await admin.revisions.file_text(latest, path)
    if latest is None or text is None:
        raise HTTPException(404, "Không có tệp này trong nội dung đang dùng.")
    return latest, text


def with_file(files: Files, path: str, text: str) -> Files:
    return {**files, path: normalise_text(text)}


def invalid(problems: list[Problem]) -> JSONResponse:
    body: dict[str, Any] = {
        "detail": f"Nội dung còn {len(problems)} lỗi. Sửa hết rồi thử lại.",
        "problems": problems_json(problems),
    }
    return JSONResponse(body, status_code=422)
