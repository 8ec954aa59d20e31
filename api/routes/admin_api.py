"""The content side of the admin JSON API: read, check, draft, preview, publish, history, roll back.

    GET  /admin/api/procedures?q=&sector=&level=&verified=&unverified=&tier=   list with filters
    GET  /admin/api/procedures/{id}      {"id", "yaml", "revision", "fields", "portal"}
    GET  /admin/api/file?path=flows.yaml {"file", "yaml", "revision"}  (any content file)
    POST /admin/api/validate             {"file", "yaml"} -> {"ok", "problems"}
    POST /admin/api/form                 {"id", "yaml", "changes"} -> {"yaml", "ok", "problems"}
    POST /admin/api/preview              {"yaml", "id", "state", "input"} -> {"messages", "state"}
    POST /admin/api/publish              {"file", "yaml", "comment", "base_revision"} -> {"revision"}
    GET  /admin/api/revisions[?file=]    newest first
    GET  /admin/api/diff?from=&to=[&file=]
    POST /admin/api/rollback             {"revision", "comment"} -> {"revision"}
    GET  /admin/api/unanswered, /admin/api/stale
    POST /admin/api/alias-draft          {"id", "alias"} -> {"yaml", "added"}
    POST /admin/api/topic-draft          {"topic", "phrasing"} -> {"yaml", "added", "revision"} (flows.yaml)

Reading needs any staff role; drafting, publishing and rolling back need official or admin. Problems
come back as {"file", "line", "field", "message"} with the message in plain Vietnamese.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.admin_deps import AdminDep, OfficialUser, VolunteerUser
from api.limits import BIGINT_MAX
from api.routes.admin_content import (
    MAX_YAML,
    content_files,
    current_text,
    invalid,
    served,
    today,
    with_file,
)
from bot.admin.catalogue_views import STALE_DAYS, list_procedures, portal_differences, stale_procedures
from bot.admin.diffing import files_diff
from bot.admin.preview import run_turn
from bot.admin.problems_vi import problems_json
from bot.admin.unanswered import add_topic_phrasing
from bot.admin.unanswered import unanswered as unanswered_questions
from bot.admin.yaml_patch import PatchError, add_list_item, set_fields
from bot.content import FLOWS, UnknownRevision, is_content_path, procedure_path, sha_of
from bot.domain.messages import Incoming
from bot.domain.text import fold

router = APIRouter(tags=["admin"])

Yaml = Annotated[str, Field(max_length=MAX_YAML)]
ProcedureId = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- reading --------------------------------------------------------------------------------------
@router.get("/admin/api/procedures")
async def procedures(
    _user: VolunteerUser,
    admin: AdminDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sector: Annotated[str | None, Query(max_length=200)] = None,
    level: Annotated[int | None, Query(ge=2, le=4)] = None,
    verified: Literal["stale", "never", "ok"] | None = None,
    unverified: Literal["yes", "no"] | None = None,
    tier: Literal["curated", "portal", "all"] = "curated",
) -> dict[str, Any]:
    content = await served(admin)
    has_unverified = None if unverified is None else unverified == "yes"
    return list_procedures(content.catalogue, today(), q, sector, level, verified, has_unverified, tier=tier)


@router.get("/admin/api/procedures/{procedure_id}")
async def procedure(procedure_id: str, _user: VolunteerUser, admin: AdminDep) -> dict[str, Any]:
    path = procedure_path(procedure_id)
    revision, text = await current_text(admin, path)
    parsed, _problems = admin.revisions.checker.procedure(path, text)
    fields = parsed.model_dump(mode="json") if parsed is not None else None
    portal = portal_differences((await served(admin)).catalogue, parsed) if parsed is not None else None
    return {"id": procedure_id, "yaml": text, "revision": revision, "fields": fields, "portal": portal}


@router.get("/admin/api/file")
async def content_file(
    path: Annotated[str, Query(max_length=200)], _user: VolunteerUser, admin: AdminDep
) -> dict[str, Any]:
    revision, text = await current_text(admin, path)
    return {"file": path, "yaml": text, "revision": revision}


# --- checking and drafting ------------------------------------------------------------------------
class ValidateIn(_Body):
    file: Annotated[str, Field(max_length=200)]
    yaml: Yaml


@router.post("/admin/api/validate")
async def validate(body: ValidateIn, _user: VolunteerUser, admin: AdminDep) -> dict[str, Any]:
    if not is_content_path(body.file):
        raise HTTPException(
            422, "Chỉ kiểm tra được tệp thủ tục, flows.yaml, lexicon.yaml hoặc outreach.yaml."
        )
    files = with_file(await content_files(admin), body.file, body.yaml)
    problems = await asyncio.to_thread(admin.revisions.checker.problems, files)
    return {"ok": not problems, "problems": problems_json(problems)}


class FormIn(_Body):
    id: ProcedureId
    yaml: Yaml
    changes: dict[str, str | int | float | bool | None] = Field(max_length=100)


@router.post("/admin/api/form")
async def form(body: FormIn, _user: OfficialUser, admin: AdminDep) -> Any:
    try:
        text = set_fields(body.yaml, body.changes)
    except PatchError as err:  # UnknownField (422 naming the field) is answered by api/errors.py
        detail = f"Không sửa được “{err.field}” bằng biểu mẫu; hãy sửa ở chế độ YAML."
        return JSONResponse({"detail": detail, "field": err.field}, 422)
    path = procedure_path(body.id)
    files = with_file(await content_files(admin), path, text)
    problems = await asyncio.to_thread(admin.revisions.checker.problems, files)
    return {"yaml": text, "ok": not problems, "problems": problems_json(problems)}


class PreviewIn(_Body):
    id: ProcedureId
    yaml: Yaml
    state: dict[str, Any] | None = None
    input: dict[str, Annotated[str, Field(max_length=2000)]]

    @model_validator(mode="after")
    def _one_input(self) -> PreviewIn:
        if len(self.input) != 1 or next(iter(self.input)) not in ("text", "button", "start"):
            raise ValueError("input must be exactly one of {text}, {button}, {start}")
        return self

    def incoming(self) -> Incoming:
        kind, value = next(iter(self.input.items()))
        if kind == "button":
            return Incoming.pressed(value)
        return Incoming.started(value) if kind == "start" else Incoming.typed(value)


@router.post("/admin/api/preview")
async def preview(body: PreviewIn, _user: VolunteerUser, admin: AdminDep) -> Any:
    draft, problems = admin.revisions.checker.procedure(procedure_path(body.id), body.yaml)
    if draft is None or problems:
        return invalid(problems)
    base = await served(admin)
    revision = admin.manager.revision or 0
    content = await asyncio.to_thread(admin.previews.content_with, base, revision, draft, sha_of(body.yaml))
    return run_turn(content, body.state, body.incoming())


# --- publishing -----------------------------------------------------------------------------------
class PublishIn(_Body):
    file: Annotated[str, Field(max_length=200)]
    yaml: Yaml
    comment: Annotated[str, Field(max_length=2000)]
    base_revision: Annotated[int, Field(ge=1, le=BIGINT_MAX)]


@router.post("/admin/api/publish")
async def publish(body: PublishIn, user: OfficialUser, admin: AdminDep) -> Any:
    if not is_content_path(body.file):
        raise HTTPException(422, "Chỉ đăng được tệp thủ tục, flows.yaml, lexicon.yaml hoặc outreach.yaml.")
    if not body.comment.strip():
        raise HTTPException(422, "Hãy ghi vài chữ cho biết bạn sửa gì và vì sao.")
    try:
        published = await admin.revisions.publish(
            body.file, body.yaml, body.comment, body.base_revision, user.actor
        )
    except UnknownRevision:  # the base revision, not the one asked for: 422 here, not api/errors.py's 404
        raise HTTPException(422, "Phiên bản gốc (base_revision) không tồn tại.") from None
    if published.built is None:
        return {"revision": published.revision, "unchanged": True}
    admin.manager.adopt(published.revision, published.built)
    return {"revision": published.revision}


class RollbackIn(_Body):
    revision: Annotated[int, Field(ge=1, le=BIGINT_MAX)]
    comment: Annotated[str, Field(max_length=2000)] = ""


@router.post("/admin/api/rollback")
async def rollback(body: RollbackIn, user: OfficialUser, admin: AdminDep) -> Any:
    published = await admin.revisions.rollback(body.revision, body.comment, user.actor)
    if published.built is None:
        return {"revision": published.revision, "unchanged": True}
    admin.manager.adopt(published.revision, published.built)
    return {"revision": published.revision}


@router.get("/admin/api/revisions")
async def revisions(
    _user: VolunteerUser,
    admin: AdminDep,
    file: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    return {"items": [r.to_json() for r in await admin.revisions.history(limit, file)]}


@router.get("/admin/api/diff")
async def diff(
    _user: VolunteerUser,
    admin: AdminDep,
    from_: Annotated[int, Query(alias="from", ge=1, le=BIGINT_MAX)],
    to: Annotated[int, Query(ge=1, le=BIGINT_MAX)],
    file: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    before, after = await admin.revisions.files(from_), await admin.revisions.files(to)
    return {"files": files_diff(before, after, file)}


# --- what needs attention -------------------------------------------------------------------------
@router.get("/admin/api/unanswered")
async def unanswered(
    _user: VolunteerUser, admin: AdminDep, days: Annotated[int, Query(ge=1, le=365)] = 90
) -> dict[str, Any]:
    content = await served(admin)
    items = await unanswered_questions(admin.units, content.index, dt.timedelta(days=days))
    topics = [{"id": key, "title": t.title or key} for key, t in content.flows.topics.items()]
    return {"items": items, "topics": topics}


class AliasIn(_Body):
    id: ProcedureId
    alias: Annotated[str, Field(min_length=1, max_length=200)]


@router.post("/admin/api/alias-draft")
async def alias_draft(body: AliasIn, _user: OfficialUser, admin: AdminDep) -> Any:
    path = procedure_path(body.id)
    _revision, text = await current_text(admin, path)
    alias = " ".join(body.alias.split())
    parsed, _problems = admin.revisions.checker.procedure(path, text)
    if parsed is not None and fold(alias) in {fold(a) for a in parsed.aliases}:
        return {"yaml": text, "added": False}
    try:
        return {"yaml": add_list_item(text, "aliases", alias), "added": True}
    except PatchError:
        return JSONResponse({"detail": "Không thêm được tự động; hãy thêm cách gọi này ở chế độ YAML."}, 422)


class TopicPhrasingIn(_Body):
    topic: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[a-z][a-z0-9_]*$")]
    phrasing: Annotated[str, Field(min_length=1, max_length=200)]


@router.post("/admin/api/topic-draft")
async def topic_draft(body: TopicPhrasingIn, _user: OfficialUser, admin: AdminDep) -> Any:
    revision, text = await current_text(admin, FLOWS)
    try:
        yaml_text, added = add_topic_phrasing(text, body.topic, body.phrasing)
    except KeyError:
        return JSONResponse({"detail": f"Không có chủ đề “{body.topic}” trong flows.yaml."}, 422)
    except PatchError:
        return JSONResponse({"detail": "Không thêm được tự động; hãy thêm cách nói này ở chế độ YAML."}, 422)
    return {"yaml": yaml_text, "added": added, "revision": revision}


@router.get("/admin/api/stale")
async def stale(
    _user: VolunteerUser, admin: AdminDep, days: Annotated[int, Query(ge=1, le=3650)] = STALE_DAYS
) -> dict[str, Any]:
    content = await served(admin)
    return {"items": stale_procedures(content.catalogue, today(), days)}
