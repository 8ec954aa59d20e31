"""What every field parser returns, and the portal's words for "nothing shown"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

NO_INFO = "Không có thông tin"  # the page showed nothing for this field


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A field's value, or None with the reason it could not be read (kept as "see the portal page")."""

    value: T | None
    problem: str | None = None


def stated(text: str) -> str | None:
    """The field's text, or None when the page showed nothing."""
    text = " ".join(text.split())
    return None if not text or text == NO_INFO else text


CLIP = 200  # longer cells are paragraphs: the first words name the thing, the rest stays on the page


def clip(text: str, limit: int = CLIP) -> str:
    """The text, or its first words up to `limit` characters and "…"."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"
