"""A web chat citizen as the page is one: starts a conversation, then sends its token every time."""

from __future__ import annotations

from typing import Any, Protocol

HEADER = "X-Motcua-Conversation"


class Client(Protocol):
    """fastapi's TestClient or an httpx.Client."""

    def post(self, url: str, **kwargs: Any) -> Any: ...
    def get(self, url: str, **kwargs: Any) -> Any: ...


class WebChat:
    def __init__(self, client: Client, base: str = "") -> None:
        self.client, self.base = client, base
        self.token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {HEADER: self.token} if self.token else {}

    def post(self, **body: str) -> Any:
        """POST /api/chat; the first answer's token is kept for the next requests."""
        response = self.client.post(f"{self.base}/api/chat", json=body, headers=self.headers)
        if response.status_code == 200 and self.token is None:
            self.token = response.json()["token"]
        return response

    def say(self, **body: str) -> list[dict[str, Any]]:
        response = self.post(**body)
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    def updates(self, after: int | None = None) -> Any:
        params = {} if after is None else {"after": after}
        return self.client.get(f"{self.base}/api/chat/updates", params=params, headers=self.headers)
