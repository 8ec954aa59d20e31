"""POST /api/chat and GET /healthz through the real app (TestClient runs the lifespan)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bot.config import Settings, load_settings
from tests.support.web_chat import WebChat


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = load_settings(database_url=database_url)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_health_answers_when_the_app_can_serve(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["procedures"] >= 30
    assert body["channels"] == ["web"]


def test_start_then_type_a_question_reaches_a_procedure(client: TestClient) -> None:
    chat = WebChat(client)
    first = chat.post(start="").json()
    assert first["messages"] and first["messages"][-1]["buttons"], "the greeting offers buttons"
    reply = chat.post(text="lam giay khai sinh cho con").json()
    text = "\n".join(m["text"] for m in reply["messages"])
    assert "khai sinh" in text.lower()
    assert all(isinstance(b["id"], str) and b["label"] for m in reply["messages"] for b in m["buttons"])


def test_a_button_from_the_reply_moves_the_conversation_on(client: TestClient) -> None:
    chat = WebChat(client)
    greeting = chat.post(start="").json()
    button = greeting["messages"][-1]["buttons"][0]
    after = chat.post(button=button["id"]).json()
    assert after["messages"], "pressing a live button always answers"
    assert after != greeting


def test_deep_link_start_opens_the_procedure(client: TestClient) -> None:
    reply = WebChat(client).post(start="ho-chieu").json()
    assert "hộ chiếu" in "\n".join(m["text"] for m in reply["messages"]).lower()


@pytest.mark.parametrize(
    "body",
    [
        {"text": "x" * 2001},  # over the message limit
        {},  # nothing to say
        {"text": "a", "button": "b"},  # two things at once
        {"user_id": "u", "text": "a"},  # the web API takes no user id: the token names the conversation
        {"token": "short", "text": "a"},  # not a token the server made
        {"token": "a b" * 20, "text": "a"},
        {"text": "a", "extra": 1},
    ],
)
def test_invalid_input_is_refused_and_changes_nothing(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422
    assert "Traceback" not in response.text


def test_the_message_limit_is_the_setting_and_its_refusal_reads_like_any_422(database_url: str) -> None:
    settings = load_settings(database_url=database_url, max_message_chars=100)
    with TestClient(create_app(settings)) as client:
        chat = WebChat(client)
        chat.post(start="")
        assert chat.post(text="x" * 100).status_code == 200
        refused = chat.post(text="x" * 101)
    assert refused.status_code == 422
    said = "String should have at most 100 characters"
    assert refused.json() == {"detail": [{"loc": ["body", "text"], "msg": said, "type": "string_too_long"}]}


def test_a_one_megabyte_body_is_refused_before_parsing(client: TestClient) -> None:
    response = client.post(
        "/api/chat",
        content=b'{"text": "' + b"a" * 1_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_the_page_and_its_words_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "chat.js" in page.text
    assert "frame-ancestors" in page.headers["content-security-policy"]
    ui = client.get("/api/ui").json()
    assert ui["title"] and ui["placeholder"] and ui["send"]
    assert client.get("/widget.js").status_code == 200


def test_cors_allows_only_configured_origins(sqlite_url: str) -> None:
    settings: Settings = load_settings(
        database_url=sqlite_url, cors_origins=["https://phuong.example.gov.vn"]
    )
    with TestClient(create_app(settings)) as client:
        allowed = client.options(
            "/api/chat",
            headers={"Origin": "https://phuong.example.gov.vn", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers.get("access-control-allow-origin") == "https://phuong.example.gov.vn"
        refused = client.options(
            "/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in refused.headers
