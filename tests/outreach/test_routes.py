"""The outreach routes through FastAPI's TestClient, on a small app carrying only this router and a
service that exposes the real catalogue (the full app wires the same router in api/main.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import errors
from api.routes import outreach
from bot import runtime
from bot.config import Settings, load_settings
from bot.content.outreach_file import OUTREACH_FILE, load_outreach
from bot.domain.catalogue import Catalogue
from bot.outreach.links import BotLinks
from bot.outreach.pdf import PdfRenderer
from bot.outreach.printer import OutreachPrinter
from bot.outreach.texts import OutreachTexts
from bot.runtime import Lazy, Runtime
from tests.outreach import pdftools
from tests.outreach.conftest import BOT_USERNAME, PUBLIC_BASE, ZALO_OA
from tests.outreach.recording import RecordingRenderer


def outreach_app(settings: Settings, catalogue: Catalogue) -> FastAPI:
    app = FastAPI()
    app.include_router(outreach.router)
    errors.install(app)  # the app's answers to errors (PdfUnavailable: 503), as api.main installs them
    service = SimpleNamespace(content=SimpleNamespace(catalogue=catalogue))
    app.state.runtime = Runtime.of(settings, service)  # type: ignore[arg-type]
    return app


@pytest.fixture
def app(settings: Settings, catalogue: Catalogue) -> FastAPI:
    linked = load_settings(
        database_url=settings.database_url,
        public_base_url=PUBLIC_BASE,
        telegram_bot_username=BOT_USERNAME,
        zalo_oa_link=ZALO_OA,
    )
    return outreach_app(linked, catalogue)


@pytest.fixture
def renderer(app: FastAPI, texts: OutreachTexts, links: BotLinks) -> RecordingRenderer:
    """Swap the browser for a recorder (the real one is exercised by the browser test below)."""
    recorder = RecordingRenderer()
    printer = OutreachPrinter(texts, links, recorder)
    app.state.runtime.printer = Lazy(lambda: printer)
    return recorder


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def test_a_short_link_opens_the_web_chat_at_its_procedure(client: TestClient) -> None:
    response = client.get("/p/khai-sinh", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/?p=khai-sinh"


def test_a_short_link_typed_with_capitals_still_works(client: TestClient) -> None:
    response = client.get("/p/Khai-Sinh%20", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/?p=khai-sinh"


def test_an_unknown_short_link_is_a_404_page_in_vietnamese(client: TestClient, texts: OutreachTexts) -> None:
    response = client.get("/p/<b>khong-co<b>", follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert texts.not_found.title in response.text
    assert texts.not_found.home in response.text and 'href="/"' in response.text
    assert "<b>khong-co" not in response.text, "the address is never echoed into the page"


def test_a_leaflet_is_served_as_a_pdf_and_revalidated_by_etag(
    client: TestClient, renderer: RecordingRenderer, catalogue: Catalogue
) -> None:
    response = client.get("/leaflets/thuong-tru.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="thuong-tru.pdf"' in response.headers["content-disposition"]
    assert catalogue["thuong-tru"].name in renderer.printed[0]
    again = client.get("/leaflets/thuong-tru.pdf", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    client.get("/leaflets/thuong-tru.pdf")
    assert len(renderer.printed) == 1, "revalidated and cached: rendered once"


def test_an_unknown_leaflet_is_404(client: TestClient, renderer: RecordingRenderer) -> None:
    assert client.get("/leaflets/khong-co.pdf").status_code == 404
    assert renderer.printed == []


def test_a_poster_is_served_for_the_listed_procedures(
    client: TestClient, renderer: RecordingRenderer, catalogue: Catalogue
) -> None:
    response = client.get("/posters.pdf", params={"ids": "khai-sinh, thuong-tru,khai-sinh"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    [html] = renderer.printed
    assert html.count('class="card"') == 2, "a repeated id is printed once"
    assert html.index(catalogue["khai-sinh"].name) < html.index(catalogue["thuong-tru"].name)


@pytest.mark.parametrize(
    ("ids", "status"),
    [
        (",", 400),
        ("", 400),
        (",".join(["khai-sinh"] * 2 + [f"x{i}" for i in range(13)]), 400),
        ("khai-sinh,zzz", 404),
    ],
)
def test_a_poster_with_a_bad_list_is_refused(
    ids: str, status: int, client: TestClient, renderer: RecordingRenderer
) -> None:
    assert client.get("/posters.pdf", params={"ids": ids}).status_code == status
    assert renderer.printed == []


def test_the_poster_title_cannot_be_set_from_the_address(
    client: TestClient, renderer: RecordingRenderer, texts: OutreachTexts
) -> None:
    client.get("/posters.pdf", params={"ids": "tam-tru", "title": "Gọi 0900 000 000 để được hỗ trợ"})
    [html] = renderer.printed
    assert "0900" not in html and texts.poster.title in html


# A missing browser, and a "browser" that exits at once (a broken install).
@pytest.mark.parametrize("executable", [Path("/nonexistent/chromium"), Path("/bin/false")])
def test_no_working_browser_means_503_not_a_crash(
    executable: Path, client: TestClient, app: FastAPI, texts: OutreachTexts, links: BotLinks
) -> None:
    printer = OutreachPrinter(texts, links, PdfRenderer(executable=executable))
    app.state.runtime.printer = Lazy(lambda: printer)
    assert client.get("/leaflets/khai-sinh.pdf").status_code == 503
    assert client.get("/p/khai-sinh", follow_redirects=False).status_code == 302, "short links still work"


@pdftools.printing
def test_a_real_leaflet_through_the_route_carries_the_settings_links(
    client: TestClient, tmp_path: Path
) -> None:
    response = client.get("/leaflets/tam-tru.pdf")
    assert response.status_code == 200
    codes = pdftools.qr_codes(response.content, tmp_path)
    assert sorted(codes) == sorted(
        [f"{PUBLIC_BASE}/p/tam-tru", f"https://t.me/{BOT_USERNAME}?start=tam-tru", ZALO_OA]
    )
    assert "(A5)" in pdftools.info(response.content, tmp_path)["Page size"]


def test_invalid_leaflet_texts_are_logged_with_their_line_and_answered_503(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "outreach.yaml"
    text = OUTREACH_FILE.read_text(encoding="utf-8").replace("  fee: Lệ phí\n", "  fees: Lệ phí\n", 1)
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setattr(runtime, "load_outreach", lambda _path: load_outreach(bad))
    assert client.get("/leaflets/khai-sinh.pdf").status_code == 503
    assert any(f"{bad}:" in message and "leaflet.fees" in message for message in caplog.messages)
    # Short links do not need the leaflet texts, so they keep working.
    assert client.get("/p/khai-sinh", follow_redirects=False).status_code == 302
