"""Signing in and out, who am I, staff accounts and the audit log.

    GET  /admin/login?token=...      a page asking to confirm; it spends nothing (a chat app's link preview
                                     or a mail scanner opens links by GET)
    POST /admin/login  token=...     spend the one-time link: session cookies, then 303 to /admin/
    GET  /admin/api/me               {"name", "role", "ward"}
    POST /admin/api/logout
    GET  /admin/api/users            admin: every account
    POST /admin/api/users            admin: {"name", "role", "ward"} -> {"id", "login_link"}
    POST /admin/api/users/{id}/disable            admin: the account and all its credentials stop working
    POST /admin/api/users/{id}/login-link         admin: a fresh one-time link -> {"login_link"}
    GET  /admin/api/audit            admin: {"items": [{"at", "who", "action", "target", "detail"}]}

The session cookie is HttpOnly and SameSite=Strict. A login link opened from another site (a mail or
chat app) is a cross-site navigation, and a browser does not send Strict cookies on a redirect that
follows one; so in that case the answer is a tiny page that moves on to /admin/ itself, which counts
as a same-site navigation, instead of the 303.
"""

from __future__ import annotations

import html
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.admin_deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AdminDep,
    AdminUser,
    CurrentUser,
    VolunteerUser,
)
from api.limits import BIGINT_MAX, RowId
from bot.admin import users
from bot.admin.auth import SESSION_TTL, CredentialKind, csrf_for, log_in, log_out
from bot.storage import audit

router = APIRouter(tags=["admin"])

HOME = "/admin/"
LOGIN_FAILED = "/admin/login.html?error=link"
COOKIE_PATH = "/admin"
_BOUNCE = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    f'<meta http-equiv="refresh" content="0;url={HOME}"><title>Một Cửa</title></head>'
    f'<body><p><a href="{HOME}">Mở trang quản trị</a></p></body></html>'
)
_CONFIRM = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="stylesheet" href="/admin/admin.css"><title>Đăng nhập – Một Cửa</title></head>'
    '<body><main class="login-confirm"><h1>Đăng nhập trang quản trị Một Cửa</h1>'
    "<p>Đường dẫn đăng nhập chỉ dùng được một lần. Bấm nút dưới đây để vào.</p>"
    '<form method="post" action="/admin/login"><input type="hidden" name="token" value="{token}">'
    '<button type="submit">Đăng nhập</button></form></main></body></html>'
)


@router.get("/admin/login", include_in_schema=False)
async def confirm_login(token: Annotated[str, Query(max_length=200)] = "") -> Response:
    page = HTMLResponse(_CONFIRM.format(token=html.escape(token, quote=True)))
    page.headers["cache-control"] = "no-store"
    page.headers["referrer-policy"] = "no-referrer"  # the link's token must not leak to another site
    return page


@router.post("/admin/login", include_in_schema=False)
async def login(request: Request, admin: AdminDep) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=5)
    token = (form.get("token") or [""])[0]
    signed_in = await log_in(admin.units, token)
    if signed_in is None:
        response: Response = RedirectResponse(LOGIN_FAILED, status_code=303)
    else:
        _account, session = signed_in
        if request.headers.get("sec-fetch-site") == "cross-site":
            response = HTMLResponse(_BOUNCE)
        else:
            response = RedirectResponse(HOME, status_code=303)
        secure = request.url.scheme == "https"
        age = int(SESSION_TTL.total_seconds())
        response.set_cookie(
            SESSION_COOKIE,
            session,
            max_age=age,
            path=COOKIE_PATH,
            secure=secure,
            httponly=True,
            samesite="strict",
        )
        response.set_cookie(
            CSRF_COOKIE,
            csrf_for(session),
            max_age=age,
            path=COOKIE_PATH,
            secure=secure,
            httponly=False,
            samesite="strict",
        )
    response.headers["cache-control"] = "no-store"
    return response


@router.get("/admin/api/me")
async def me(user: VolunteerUser) -> dict[str, Any]:
    return user.to_json()


@router.post("/admin/api/logout")
async def logout(request: Request, user: CurrentUser, admin: AdminDep) -> Response:
    if user.via == CredentialKind.SESSION:
        await log_out(admin.units, request.cookies.get(SESSION_COOKIE, ""), user)
    response = Response(content=b'{"ok":true}', media_type="application/json")
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path=COOKIE_PATH)
    return response


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=users.MAX_NAME)]
    role: Literal["admin", "official", "volunteer"]
    ward: Annotated[str, Field(max_length=users.MAX_NAME)] | None = None


@router.get("/admin/api/users")
async def list_users(_user: AdminUser, admin: AdminDep) -> dict[str, Any]:
    return {"items": await users.list_users(admin.units)}


@router.post("/admin/api/users")
async def add_user(body: NewUser, user: AdminUser, admin: AdminDep) -> dict[str, Any]:
    account, token = await users.add_user(admin.units, body.name, body.role, body.ward, user.actor)
    return {"id": account.id, "login_link": users.login_link(admin.settings.public_base_url, token)}


@router.post("/admin/api/users/{user_id}/disable")
async def disable_user(user_id: RowId, user: AdminUser, admin: AdminDep) -> dict[str, Any]:
    if user_id == user.id:
        raise HTTPException(409, "Bạn không thể tự khóa tài khoản của chính mình.")
    await users.disable_user(admin.units, user_id, user.actor)
    return {"ok": True}


@router.post("/admin/api/users/{user_id}/login-link")
async def new_login_link(user_id: RowId, user: AdminUser, admin: AdminDep) -> dict[str, Any]:
    token = await users.issue_login_link(admin.units, user_id, user.actor)
    return {"login_link": users.login_link(admin.settings.public_base_url, token)}


@router.get("/admin/api/audit")
async def audit_log(
    _user: AdminUser,
    admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    before: Annotated[int | None, Query(ge=1, le=BIGINT_MAX)] = None,
) -> dict[str, Any]:
    return {"items": await audit.entries(admin.units, limit, before)}
