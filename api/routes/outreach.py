"""Printed outreach over HTTP: the short links printed on leaflets, and the leaflet and poster PDFs.

    GET /p/{id}                 302 to the web chat opened at that procedure (/?p=<id>); 404 page otherwise
    GET /leaflets/{id}.pdf      the procedure's A5 leaflet
    GET /posters.pdf?ids=a,b    an A4 poster for those procedures

PDFs come from an `OutreachPrinter` made on first use and kept on the runtime (its cache lives as long
as the app). The poster's title is not taken from the query string: a PDF served from our address with
anyone's words on it would be a gift to phishers.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import RuntimeDep, ServiceDep
from bot.domain.catalogue import Catalogue, Procedure
from bot.errors import ContentInvalid
from bot.outreach.printer import OutreachPrinter
from bot.outreach.render import render

router = APIRouter(tags=["outreach"])
log = logging.getLogger("motcua.outreach")

MAX_POSTER_PROCEDURES = 12  # three A4 pages; a longer list is a booklet, not a poster
MAX_ID_CHARS = 64


def get_printer(runtime: RuntimeDep) -> OutreachPrinter:
    """The app's printer, made on first use; an invalid outreach.yaml is logged line by line and is a 503."""
    try:
        return runtime.printer.get()
    except ContentInvalid as err:
        for problem in err.problems:
            log.error("outreach.yaml: %s", problem)
        raise HTTPException(
            503, "the leaflet texts (outreach.yaml) are invalid; see the server log"
        ) from None


PrinterDep = Annotated[OutreachPrinter, Depends(get_printer)]


def _find(catalogue: Catalogue, procedure_id: str) -> Procedure | None:
    # Printed links get retyped by hand: tolerate capitals and stray spaces.
    key = procedure_id.strip().lower()[:MAX_ID_CHARS]
    return catalogue.get(key)


def _pdf(etag: str, body: bytes | None, filename: str) -> Response:
    headers = {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}  # revalidate: content may be edited
    if body is None:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(body, media_type="application/pdf", headers=headers)


def _fresh(request: Request, etag: str) -> bool:
    """The client already holds this exact PDF (If-None-Match), so nothing needs rendering."""
    wanted = request.headers.get("if-none-match", "")
    return f'"{etag}"' in {tag.strip() for tag in wanted.split(",")}


@router.get("/p/{procedure_id}", response_model=None)
async def short_link(
    procedure_id: str, request: Request, runtime: RuntimeDep
) -> RedirectResponse | HTMLResponse:
    service = runtime.service
    procedure = _find(service.content.catalogue, procedure_id)
    root = request.scope.get("root_path", "")
    if procedure is not None:  # needs nothing else, so printed links work even when printing does not
        return RedirectResponse(f"{root}/?p={quote(procedure.id, safe='')}", status_code=302)
    words = get_printer(runtime).texts.not_found
    page = render("not_found.html", title=words.title, text=words.text, home=words.home, home_url=f"{root}/")
    return HTMLResponse(page, status_code=404)


@router.get("/leaflets/{procedure_id}.pdf", response_model=None)
async def leaflet_pdf(
    procedure_id: str, request: Request, service: ServiceDep, printer: PrinterDep
) -> Response:
    procedure = _find(service.content.catalogue, procedure_id)
    if procedure is None:
        raise HTTPException(404, "no procedure has this id")
    etag = printer.leaflet_key(procedure)
    if _fresh(request, etag):
        return _pdf(etag, None, "")
    body = await printer.leaflet(procedure)  # PdfUnavailable: 503, api/errors.py
    return _pdf(etag, body, f"{procedure.id}.pdf")


@router.get("/posters.pdf", response_model=None)
async def poster_pdf(
    request: Request,
    service: ServiceDep,
    printer: PrinterDep,
    ids: Annotated[str, Query(max_length=MAX_POSTER_PROCEDURES * (MAX_ID_CHARS + 1))],
) -> Response:
    wanted = list(dict.fromkeys(part.strip().lower() for part in ids.split(",") if part.strip()))
    if not wanted:
        raise HTTPException(400, "give the procedure ids as ?ids=id1,id2")
    if len(wanted) > MAX_POSTER_PROCEDURES:
        raise HTTPException(400, f"a poster holds at most {MAX_POSTER_PROCEDURES} procedures")
    catalogue = service.content.catalogue
    unknown = [pid for pid in wanted if pid not in catalogue]
    if unknown:
        raise HTTPException(404, f"no procedure has the id(s): {', '.join(unknown)}")
    procedures = [catalogue[pid] for pid in wanted]
    etag = printer.poster_key(procedures)
    if _fresh(request, etag):
        return _pdf(etag, None, "")
    body = await printer.poster(procedures)
    return _pdf(etag, body, "poster.pdf")
