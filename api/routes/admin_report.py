"""The quarterly report for officials, under /admin (the same figures as `motcua report`).

    GET /admin/api/report?quarter=2026-Q1     the figures as JSON (the quarter so far when it is running;
                                              the current quarter when none is given)
    GET /admin/report/2026-Q1.html            the printable report page (charts inside the page)

Both need an official or admin (api.admin_deps.require_official). A quarter not written YYYY-QN is a 422
whose detail, from report.yaml, tells the official how to write it. The page draws its charts in a worker
thread, so a report being made does not hold up the chat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse

from api.admin_deps import AdminDep, require_official
from api.deps import RuntimeDep
from bot.errors import ContentInvalid, StorageError
from bot.report.build import ReportContent, report_from_database
from bot.report.figures import compute
from bot.report.flow_map import FlowMap
from bot.report.load import load_history
from bot.report.quarter import BadQuarter, Quarter
from bot.report.texts import ReportTexts, fill

router = APIRouter(tags=["admin-report"], dependencies=[Depends(require_official)])
log = logging.getLogger("motcua.report")

NOT_AVAILABLE = 503
MAX_QUARTER_CHARS = 16


def get_texts(runtime: RuntimeDep) -> ReportTexts:
    """report.yaml, read on first use and kept on the runtime; invalid, it is logged line by line (503)."""
    try:
        return runtime.report_texts.get()
    except ContentInvalid as err:
        for problem in err.problems:
            log.error("report.yaml: %s", problem)
        raise HTTPException(NOT_AVAILABLE, "report.yaml is invalid; see the server log") from None


TextsDep = Annotated[ReportTexts, Depends(get_texts)]


def _quarter(given: str | None, texts: ReportTexts) -> Quarter:
    if given is None:
        return Quarter.containing(dt.datetime.now(dt.UTC))
    try:
        return Quarter.parse(given)
    except BadQuarter:
        raise HTTPException(422, fill(texts.bad_quarter, given=given[:MAX_QUARTER_CHARS])) from None


def _content(admin: AdminDep, texts: ReportTexts) -> ReportContent:
    current = admin.service.content  # the published content, as the bot uses it right now
    return ReportContent(texts, current.catalogue, current.flows)


@router.get("/admin/api/report")
async def report_figures(
    admin: AdminDep, texts: TextsDep, quarter: Annotated[str | None, Query(max_length=64)] = None
) -> dict[str, Any]:
    period = _quarter(quarter, texts)
    try:
        history = await load_history(admin.engine, period)
    except StorageError as err:
        log.error("report %s: %s", period, err)
        raise HTTPException(NOT_AVAILABLE, str(err)) from None
    flows = admin.service.content.flows
    figures = await asyncio.to_thread(compute, history, period, FlowMap(flows))
    return figures.to_json()


@router.get("/admin/report/{quarter}.html", response_class=HTMLResponse)
async def report_page(quarter: str, admin: AdminDep, texts: TextsDep) -> HTMLResponse:
    period = _quarter(quarter, texts)
    try:
        report = await report_from_database(admin.engine, period, _content(admin, texts))
    except StorageError as err:
        log.error("report %s: %s", period, err)
        raise HTTPException(NOT_AVAILABLE, str(err)) from None
    return HTMLResponse(report.html, headers={"Cache-Control": "no-store"})
