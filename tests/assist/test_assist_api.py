"""The volunteer quick mode API: whole checklists, the handover links, and the consented count."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from bot.outreach.pdf import PdfRenderer
from bot.storage.tables_assist import AssistedSession
from tests.admin.support import context, run, sign_in
from tests.assist.conftest import MESSENGER_PAGE, PUBLIC_BASE, TELEGRAM_BOT, ZALO_OA, AssistKit
from tests.outreach import pdftools
from tests.outreach.pdftools import printing

CITIZEN_WORDS = ("phone", "citizen", "user", "channel", "name", "cccd", "text", "chat", "address")


async def _rows(kit: AssistKit) -> list[dict[str, Any]]:
    async with context(kit.client).engine.connect() as conn:
        result = await conn.execute(sa.select(AssistedSession.__table__).order_by(AssistedSession.id))
        return [dict(r) for r in result.mappings()]


def test_both_routes_need_a_signed_in_staff_member(kit: AssistKit) -> None:
    kit.client.cookies.clear()
    assert kit.client.get("/admin/api/assist/search", params={"q": "khai sinh"}).status_code == 401
    answer = kit.client.post("/admin/api/assist/handover", json={"procedure": "khai-sinh", "consent": True})
    assert answer.status_code == 401
    wrong = {"Authorization": "Bearer not-a-token"}
    assert kit.client.get("/admin/api/assist/search", params={"q": "x"}, headers=wrong).status_code == 401


def test_search_gives_each_match_its_whole_checklist(kit: AssistKit) -> None:
    answer = kit.client.get(
        "/admin/api/assist/search", params={"q": "khai sinh"}, headers=kit.volunteer.bearer
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["items"], data
    served = context(kit.client).service.content.catalogue
    top = data["items"][0]
    assert top["id"] == "khai-sinh"
    procedure = served["khai-sinh"]
    assert [d["name"] for d in top["documents"]] == [d.name for d in procedure.documents]
    assert [d["kind"] for d in top["documents"]] == [d.kind.value for d in procedure.documents]
    terms = context(kit.client).service.content.flows.terms["documents.kind"]
    assert [d["kind_label"] for d in top["documents"]] == [terms[d.kind.value] for d in procedure.documents]
    assert top["fee"] == procedure.fee.text
    assert top["time"] == procedure.processing_time.text
    assert top["where"]["place"] == procedure.agency.where
    assert top["in_person"] == procedure.in_person
    assert top["online"]["level"] == procedure.level
    assert top["online"]["available"] == procedure.channels.online
    for item in data["items"]:  # every match is whole, not only the first
        assert len(item["documents"]) == len(served[item["id"]].documents)


def test_an_empty_search_finds_nothing(kit: AssistKit) -> None:
    answer = kit.client.get("/admin/api/assist/search", params={"q": "  "}, headers=kit.volunteer.bearer)
    assert answer.json() == {"query": "  ", "decision": "none", "items": []}


def test_handover_gives_links_that_open_the_procedure_and_counts_with_consent(kit: AssistKit) -> None:
    before = len(run(kit.client, _rows, kit))
    answer = kit.client.post(
        "/admin/api/assist/handover",
        json={"procedure": "khai-sinh", "consent": True},
        headers=kit.volunteer.bearer,
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    links = {link["channel"]: link for link in data["links"]}
    telegram = urlsplit(links["telegram"]["url"])
    assert (telegram.netloc, telegram.path) == ("t.me", f"/{TELEGRAM_BOT}")
    assert parse_qs(telegram.query) == {"start": ["khai-sinh"]}
    assert links["web"]["url"] == f"{PUBLIC_BASE}/p/khai-sinh"
    assert links["zalo"]["url"] == ZALO_OA
    assert all(link["qr_svg"].startswith("<svg") for link in data["links"])
    assert data["recorded"] is True
    rows = run(kit.client, _rows, kit)
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["volunteer_id"], row["ward"], row["procedure"], row["consent"]) == (
        kit.volunteer.id,
        "Phường Bến Nghé",
        "khai-sinh",
        True,
    )
    assert row["started_at"] is not None


def test_without_consent_the_links_come_but_nothing_is_written(kit: AssistKit) -> None:
    before = run(kit.client, _rows, kit)
    answer = kit.client.post(
        "/admin/api/assist/handover",
        json={"procedure": "khai-sinh", "consent": False},
        headers=kit.volunteer.bearer,
    )
    assert answer.status_code == 200
    assert answer.json()["recorded"] is False and answer.json()["links"]
    assert run(kit.client, _rows, kit) == before


def test_citizen_data_is_refused_and_unknown_procedures_are_404(kit: AssistKit) -> None:
    extra = {"procedure": "khai-sinh", "consent": True, "phone": "0912345678"}
    answer = kit.client.post("/admin/api/assist/handover", json=extra, headers=kit.volunteer.bearer)
    assert answer.status_code == 422
    missing = {"procedure": "khong-co-thu-tuc-nay", "consent": True}
    answer = kit.client.post("/admin/api/assist/handover", json=missing, headers=kit.volunteer.bearer)
    assert answer.status_code == 404


def test_a_browser_session_needs_the_csrf_token(kit: AssistKit) -> None:
    csrf = sign_in(kit.client, kit.other_ward)
    body = {"procedure": "khai-sinh", "consent": True}
    assert kit.client.post("/admin/api/assist/handover", json=body).status_code == 403
    assert kit.client.post("/admin/api/assist/handover", json=body, headers=csrf).status_code == 200
    kit.client.cookies.clear()


def test_the_table_has_no_column_for_the_citizen() -> None:
    columns = set(AssistedSession.__table__.columns.keys())
    assert columns == {"id", "volunteer_id", "ward", "procedure", "consent", "started_at"}
    assert not [c for c in columns if any(word in c for word in CITIZEN_WORDS)]


def test_the_page_is_served_to_signed_in_staff(kit: AssistKit) -> None:
    kit.client.cookies.clear()
    assert kit.client.get("/admin/assist.html", follow_redirects=False).status_code == 303
    sign_in(kit.client, kit.volunteer)
    page = kit.client.get("/admin/assist.html")
    assert page.status_code == 200 and 'src="/admin/assist_page.js"' in page.text
    assert kit.client.get("/admin/assist_page.js").status_code == 200
    kit.client.cookies.clear()


def test_the_short_address_leads_to_the_page(kit: AssistKit) -> None:
    answer = kit.client.get("/admin/assist", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/admin/assist.html"


@printing
def test_the_handover_m_me_code_scans_to_the_procedure(kit: AssistKit, tmp_path: Path) -> None:
    """The QR the volunteer shows, printed and read back with zbarimg as the leaflet tests do."""
    answer = kit.client.post(
        "/admin/api/assist/handover",
        json={"procedure": "khai-sinh", "consent": False},
        headers=kit.volunteer.bearer,
    )
    [messenger] = [link for link in answer.json()["links"] if link["channel"] == "messenger"]
    assert messenger["url"] == f"https://m.me/{MESSENGER_PAGE}?ref=khai-sinh"
    assert messenger["opens_procedure"] is True
    page = f"<!doctype html><div style='width:6cm'>{messenger['qr_svg']}</div>"
    pdf = asyncio.run(PdfRenderer().pdf(page))
    assert pdftools.qr_codes(pdf, tmp_path) == [messenger["url"]]
