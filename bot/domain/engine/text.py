"""Text chores of the engine: cutting long messages, the once-per-answer note on unverified facts, and
noticing an ID-card or phone number in what was typed. Typed commands and button words are matched by
`command_key` in bot/domain/text.py, which flow checks and reports share without loading the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.domain.messages import MESSAGE_LIMIT, Reply
from bot.domain.privacy import CCCD_TOKEN, CMND_TOKEN, PHONE_TOKEN, mask_pii


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


def names_a_person(text: str) -> bool:
    """Whether `text` holds an ID-card (CCCD, CMND) or phone number, as bot.domain.privacy reads them."""
    masked = mask_pii(text)
    return any(token in masked for token in (CCCD_TOKEN, CMND_TOKEN, PHONE_TOKEN))


def with_unverified_note(replies: Sequence[Reply], mark: str, note: str | None) -> list[Reply]:
    """The answer with the mark's meaning said once, after the last message that shows the mark.

    Facts are marked where they stand (a short mark), so one answer may carry several marks but the
    words "chưa kiểm chứng" only once; a mark doubled by two facts side by side is said once."""
    doubled = f"{mark} {mark}"
    out = [replace(r, text=r.text.replace(doubled, mark)) if doubled in r.text else r for r in replies]
    marked = [i for i, r in enumerate(out) if mark in r.text]
    if not marked or not note or any(note in r.text for r in out):
        return out
    last = out[marked[-1]]
    out[marked[-1]] = replace(last, text=f"{last.text}\n{note}")
    return out
