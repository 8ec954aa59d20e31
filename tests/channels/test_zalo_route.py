"""POST /webhooks/zalo in a bare app (no database): what reaches the service and what is answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.routes.zalo import router
from bot.channels.base import InboundMessage
from bot.channels.zalo.signature import HEADER
from bot.config import Settings, load_settings
from bot.domain.messages import Incoming
from bot.runtime import Runtime
from tests.fakes.zalo_server import ZaloEvents

APP_ID, SECRET = "2553928453557884079", "oa-secret"
EVENTS = ZaloEvents(app_id=APP_ID, oa_id="oa-1", oa_secret_key=SECRET)
USER = "6142494823000000001"


class RecordingService:
    """Stands in for ChatService.accept: records messages, refuses a dedupe key seen before."""

    def __init__(self) -> None:
        self.accepted: list[InboundMessage] = []

    async def accept(self, message: InboundMessage) -> bool:
        if any(m.dedupe_key == message.dedupe_key for m in self.accepted):
            return False
        self.accepted.append(message)
        return True


def zalo_settings(tmp_path: Path) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        zalo_app_id=APP_ID,
        zalo_oa_secret_key=SECRET,
        zalo_app_secret="app-secret",
        zalo_access_token="at-0",
        zalo_refresh_token="rt-0",
    )


@pytest.fixture
def service() -> RecordingService:
    return RecordingService()


async def client_for(settings: Settings, service: RecordingService) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = Runtime.of(settings, service)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot.test")


@pytest.fixture
async def client(tmp_path: Path, service: RecordingService) -> AsyncIterator[httpx.AsyncClient]:
    async with await client_for(zalo_settings(tmp_path), service) as http:
        yield http


async def test_a_signed_text_is_accepted_and_answered_200(
    client: httpx.AsyncClient, service: RecordingService
) -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "cấp lại căn cước", msg_id="m-1"))
    response = await client.post("/webhooks/zalo", content=raw, headers=headers)
    assert response.status_code == 200
    assert service.accepted == [
        InboundMessage("zalo", USER, Incoming.typed("cấp lại căn cước"), "zalo:msg:m-1")
    ]


async def test_a_redelivery_is_answered_200_and_accepted_once(
    client: httpx.AsyncClient, service: RecordingService
) -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "xin chào", msg_id="m-2"))
    for _ in range(3):
        assert (await client.post("/webhooks/zalo", content=raw, headers=headers)).status_code == 200
    assert len(service.accepted) == 1


async def test_unsigned_requests_are_401_and_reach_nothing(
    client: httpx.AsyncClient, service: RecordingService
) -> None:
    raw, _ = EVENTS.signed(EVENTS.text(USER, "hi"))
    response = await client.post("/webhooks/zalo", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert service.accepted == []


async def test_a_wrong_signature_is_401(client: httpx.AsyncClient, service: RecordingService) -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "hi"), key="not-the-oa-key")
    assert (await client.post("/webhooks/zalo", content=raw, headers=headers)).status_code == 401
    assert service.accepted == []


async def test_malformed_json_is_400(client: httpx.AsyncClient, service: RecordingService) -> None:
    response = await client.post("/webhooks/zalo", content=b"{oops", headers={HEADER: "mac=" + "0" * 64})
    assert response.status_code == 400
    assert service.accepted == []


# The route is the one place a Zalo body's size is checked (ZaloWebhook.check trusts it): these pin it.
async def test_a_large_body_is_413(
    client: httpx.AsyncClient, service: RecordingService, caplog: pytest.LogCaptureFixture
) -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "x" * 70_000))
    assert (await client.post("/webhooks/zalo", content=raw, headers=headers)).status_code == 413
    assert service.accepted == []
    assert any("body over 65536 bytes" in message for message in caplog.messages)


async def test_a_large_streamed_body_without_length_is_413(
    client: httpx.AsyncClient, service: RecordingService, caplog: pytest.LogCaptureFixture
) -> None:
    raw, headers = EVENTS.signed(EVENTS.text(USER, "x" * 70_000))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(raw), 8192):
            yield raw[start : start + 8192]

    response = await client.post("/webhooks/zalo", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert service.accepted == []
    assert any("body over 65536 bytes" in message for message in caplog.messages)


async def test_echoes_are_answered_200_and_ignored(
    client: httpx.AsyncClient, service: RecordingService
) -> None:
    for event in (EVENTS.echo(USER, "Chào bạn!"), EVENTS.receipt(USER)):
        raw, headers = EVENTS.signed(event)
        assert (await client.post("/webhooks/zalo", content=raw, headers=headers)).status_code == 200
    assert service.accepted == []


async def test_the_webhook_is_404_when_zalo_is_off(tmp_path: Path, service: RecordingService) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    raw, headers = EVENTS.signed(EVENTS.text(USER, "hi"))
    async with await client_for(settings, service) as http:
        assert (await http.post("/webhooks/zalo", content=raw, headers=headers)).status_code == 404
    assert service.accepted == []
