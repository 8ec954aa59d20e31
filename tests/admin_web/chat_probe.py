"""What the live bot says, asked over POST /api/chat as a citizen's web page would."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx


def bot_says(base: str, **incoming: str) -> str:
    """All reply texts to one message ({"start": id} or {"text": ...}) from a brand-new citizen."""
    response = httpx.post(f"{base}/api/chat", json=incoming, timeout=10.0)  # no token: a new conversation
    response.raise_for_status()
    return "\n".join(message["text"] for message in response.json()["messages"])


def wait_until_bot_says(
    base: str, check: Callable[[str], bool], timeout: float = 15.0, **incoming: str
) -> str:
    """Ask again until `check` holds: workers pick a new revision up within a few seconds."""
    deadline = time.monotonic() + timeout
    while True:
        said = bot_says(base, **incoming)
        if check(said):
            return said
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout} s the bot still says:\n{said}")
        time.sleep(0.3)
