"""Text chores of the engine: recognising typed commands and button words, and cutting long messages.

Citizens type "Quay lai", "quay lại!", "/menu" or "MENU": all must reach the same command. Matching is on
the whole message after folding (case, diacritics, đ→d), with punctuation and a leading slash dropped,
so a question that merely contains "quay lại" is still read as a question.
"""

from __future__ import annotations

import re

from bot.domain.text import fold

MESSAGE_LIMIT = 2000  # Zalo's limit per text message; Telegram allows 4096

_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def command_key(text: str) -> str:
    """The form typed words are compared in: folded, without punctuation or a leading slash."""
    folded = fold(text).lstrip("/")
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut `text` into pieces of at most `limit` characters, at paragraph, then line, then word breaks."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > limit // 3:
                break
        if cut <= limit // 3:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
