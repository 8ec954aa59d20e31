"""Text every database can store: no NUL characters, no lone UTF-16 surrogates.

Both arrive as valid JSON escapes in a webhook (\\u0000, \\ud800) and Python carries them in a str, but
PostgreSQL refuses NUL in text and JSONB and a lone surrogate in JSONB, and SQLite's driver cannot encode
a surrogate at all. Stored as sent, one such message would fail its turn on every retry (and a webhook
that cannot be stored is answered 500, which Zalo repeats for hours). Nothing the citizen meant is lost:
a NUL carries nothing, and a lone surrogate (half of an emoji) becomes U+FFFD, the replacement character.
"""

from __future__ import annotations

from typing import Any


def storable_text(text: str) -> str:
    # Through UTF-16 with surrogatepass: a proper pair becomes its character again, a lone half U+FFFD.
    cleaned = text.replace("\x00", "")
    return cleaned.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def storable_incoming(incoming: dict[str, Any]) -> dict[str, Any]:
    """The incoming message (Incoming.to_json()) with every text value made storable."""
    return {key: storable_text(value) if isinstance(value, str) else value for key, value in incoming.items()}
