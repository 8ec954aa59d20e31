"""The HTTP answer of each error a route lets through, given once instead of a try/except in every route.

Registered by `install(app)`. An error whose answer depends on the route stays caught in that route:
UnknownRevision of a publish's base revision (422, not 404), PatchError (each draft route names its own
way out), BadQuarter (the wording comes from report.yaml, loaded by the route's dependency), the 503 of
an invalid report.yaml or outreach.yaml, and StorageError in the report routes. A database that cannot
be used is api/faults.py's.

Staff read `detail` as it is (the admin pages show it), so it is plain Vietnamese.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from api.routes.admin_content import invalid
from bot.admin.form_fields import UnknownField
from bot.admin.users import UnknownAccount, UserError
from bot.content import PublishConflict, UnknownRevision
from bot.errors import ContentInvalid
from bot.handoff.inbox import HandoffConflict, HandoffNotFound
from bot.outreach.pdf import PdfUnavailable

log = logging.getLogger("motcua.api")

HANDOFF_NOT_FOUND = "Không tìm thấy cuộc trò chuyện này, hoặc nó thuộc xã, phường khác."
# By what the staff member tried (HandoffConflict.action).
HANDOFF_CONFLICTS = {
    "claim": "Cuộc trò chuyện này không còn chờ nữa: {who} đã nhận, hoặc nó đã kết thúc.",
    "reply to": "Bạn chưa nhận cuộc trò chuyện này (hoặc nó đã kết thúc), nên chưa trả lời được.",
    "hand back": "Cuộc trò chuyện này đã kết thúc, hoặc đang do {who} hỗ trợ.",
}
SOMEONE = "người khác"
NO_ACCOUNT = "Không có tài khoản này, hoặc tài khoản đã bị khóa."

E = TypeVar("E", bound=Exception)


async def _content_invalid(_request: Request, err: ContentInvalid) -> Response:
    return invalid(err.problems)


async def _handoff_not_found(_request: Request, _err: HandoffNotFound) -> Response:
    return JSONResponse({"detail": HANDOFF_NOT_FOUND}, 404)


async def _handoff_conflict(_request: Request, err: HandoffConflict) -> Response:
    detail = HANDOFF_CONFLICTS[err.action].format(who=err.claimed_by or SOMEONE)
    return JSONResponse({"detail": detail, "status": err.status, "claimed_by": err.claimed_by}, 409)


async def _publish_conflict(_request: Request, err: PublishConflict) -> Response:
    current = err.current
    return JSONResponse(
        {
            "detail": f"{current.author} đã đăng một bản mới của tệp này trong lúc bạn sửa. "
            "Chưa có gì bị ghi đè: hãy xem thay đổi của họ rồi sửa lại trên bản mới nhất.",
            "current_revision": current.id,
            "changed_by": current.author,
            "changed_at": current.at.isoformat(),
        },
        409,
    )


async def _unknown_revision(_request: Request, err: UnknownRevision) -> Response:
    return JSONResponse({"detail": f"Không có phiên bản số {err.revision}."}, 404)


async def _unknown_field(_request: Request, err: UnknownField) -> Response:
    return JSONResponse(
        {"detail": f"Không có trường “{err.field}” trong mẫu thủ tục.", "field": err.field}, 422
    )


async def _unknown_account(_request: Request, _err: UnknownAccount) -> Response:
    return JSONResponse({"detail": NO_ACCOUNT}, 404)


async def _user_error(_request: Request, err: UserError) -> Response:
    return JSONResponse({"detail": str(err)}, 422)


async def _pdf_unavailable(_request: Request, err: PdfUnavailable) -> Response:
    log.error("cannot print a PDF: %s", err)
    return JSONResponse({"detail": "PDF printing is not available on this server"}, 503)


def _add(app: FastAPI, kind: type[E], handler: Callable[[Request, E], Awaitable[Response]]) -> None:
    # Starlette types handlers as taking any Exception; each of ours takes only the class it is for.
    app.add_exception_handler(kind, handler)  # type: ignore[arg-type]


def install(app: FastAPI) -> None:
    _add(app, ContentInvalid, _content_invalid)
    _add(app, HandoffNotFound, _handoff_not_found)
    _add(app, HandoffConflict, _handoff_conflict)
    _add(app, PublishConflict, _publish_conflict)
    _add(app, UnknownRevision, _unknown_revision)
    _add(app, UnknownField, _unknown_field)
    # Starlette picks the handler of the nearest class in the error's MRO: UnknownAccount before UserError.
    _add(app, UnknownAccount, _unknown_account)
    _add(app, UserError, _user_error)
    _add(app, PdfUnavailable, _pdf_unavailable)
