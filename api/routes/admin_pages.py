"""The admin pages under /admin: plain HTML, CSS and JavaScript files from api/static/admin (no build step).

A page asked for without a session goes to the sign-in page (303 to /admin/login.html?next=...). That is for
convenience only: the pages hold no data, and every piece of data comes from /admin/api, which checks the
session and the role on each request. The sign-in itself (GET /admin/login?token=...) and the JSON API
belong to api/routes/admin_api.py.

The staff pages share one head, skip link, top bar and footer: each page is a Jinja2 template extending
_base.html (never served itself), rendered on each request so an edited file shows on the next load.

The pages get a strict Content-Security-Policy (scripts and styles only from this site, no inline code), so
text typed by a citizen or an official can never run as code in an official's browser.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

router = APIRouter(include_in_schema=False)

PAGES_DIR = Path(__file__).resolve().parent.parent / "static" / "admin"
SESSION_COOKIE = "motcua_session"  # set by GET /admin/login (api/routes/admin_api.py)
LOGIN_PAGE = "login.html"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
TEMPLATES = Environment(
    loader=FileSystemLoader(PAGES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS = {
    # Officials get a new version of the pages on the next load; the ETag keeps that cheap.
    "Cache-Control": "no-cache",
    "Content-Security-Policy": PAGE_POLICY,
    "X-Frame-Options": "DENY",
}


def _known_file(name: str) -> Path:
    """Only the files that are there, by exact name: a request can never reach outside the folder."""
    known = {
        path.name: path
        for path in PAGES_DIR.iterdir()
        if path.is_file() and path.suffix in MEDIA_TYPES and not path.name.startswith("_")  # _base.html
    }
    path = known.get(name)
    if path is None:
        raise HTTPException(status_code=404)
    return path


def _send(name: str) -> FileResponse:
    path = _known_file(name)
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=HEADERS)


def has_session(request: Request) -> bool:
    """A session cookie is present. Whether it is still valid is for the API to say (401 -> sign-in page)."""
    return bool(request.cookies.get(SESSION_COOKIE))


def _page(request: Request, name: str) -> Response:
    path = _known_file(name)
    if name != LOGIN_PAGE and not has_session(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/admin/{LOGIN_PAGE}?next={quote(target, safe='/')}", status_code=303)
    return render_page(path.name)


def render_page(name: str) -> Response:
    """The page as the browser gets it. The ETag is the page's digest (a file's would no longer say
    whether the shared head changed)."""
    body = TEMPLATES.get_template(name).render().encode("utf-8")
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    return Response(body, media_type=MEDIA_TYPES[".html"], headers={**HEADERS, "ETag": etag})


@router.get("/admin")
async def admin_root() -> RedirectResponse:
    return RedirectResponse("/admin/", status_code=308)


@router.get("/admin/")
async def procedures_page(request: Request) -> Response:
    return _page(request, "index.html")


@router.get("/admin/{name}.html")
async def page(request: Request, name: str) -> Response:
    return _page(request, f"{name}.html")


@router.get("/admin/{name}.js")
async def script(name: str) -> FileResponse:
    return _send(f"{name}.js")


@router.get("/admin/{name}.css")
async def stylesheet(name: str) -> FileResponse:
    return _send(f"{name}.css")
