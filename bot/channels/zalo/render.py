"""A domain `Reply` -> the request bodies of Zalo's v3 customer-service message API, in order.

Zalo's limits shape everything here:
- text: at most 2,000 characters per message, so long text is split on paragraph, line, sentence or word
  boundaries (in that order of preference), never inside a word unless a "word" is itself too long;
- buttons: at most 5 per message, so buttons 6+ travel in further messages; a tap "sends" the button's
  hidden payload `#b:<id>` (`oa.query.hide`) which the webhook turns back into a button press;
- titles are kept within 20 characters (the stricter of the documented limits), cut at a word if needed;
- links become `oa.open.url` buttons while there is room on the last message; the rest are written into
  the text, where Zalo makes them clickable.
Buttons go on the last text part. Messages that only carry buttons repeat no words: their text is the
`continuation` mark (Zalo requires some text with a button template).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from bot.channels.zalo.events import BUTTON_PREFIX
from bot.domain.messages import Button, Link, Reply
from bot.domain.pick_labels import CUT as PARTS

MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_TITLE = 20
CONTINUATION = "…"
ELLIPSIS = "…"
MIN_LEAD = 3  # characters of a choice label's opening words kept before the words that differ

_SENTENCE_END = re.compile(r"[.!?…;:][\"'”’»)\]]*(?=\s)")


def text_units(text: str) -> int:
    """Length as most messaging APIs count it (UTF-16 code units): an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into parts of at most `limit` units, each ending on the best boundary available."""
    # NFC first: decomposed Vietnamese (a letter plus combining marks) would count double and could be
    # cut between a letter and its tone mark.
    rest = unicodedata.normalize("NFC", text).strip()
    parts: list[str] = []
    while text_units(rest) > limit:
        window = _fitting_prefix(rest, limit)
        cut = _best_cut(rest, len(window))
        head = rest[:cut].rstrip()
        parts.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int) -> str:
    window = text[:limit]
    while text_units(window) > limit:  # astral characters (emoji) take two units each
        window = window[: -max(1, (text_units(window) - limit) // 2)]
    return window


def _best_cut(text: str, size: int) -> int:
    """Where the next part ends (an index <= size): the strongest boundary in the last two thirds of the
    window, else any boundary at all, else a hard cut. Looks one character past the window so a boundary
    sitting exactly at its edge ("... end.| Next") still counts."""
    probe = text[: size + 1]

    def last_sentence_end() -> int:
        ends = [m.end() for m in _SENTENCE_END.finditer(probe)]
        return ends[-1] if ends else -1

    finders: tuple[Callable[[], int], ...] = (
        lambda: probe.rfind("\n\n"),
        lambda: probe.rfind("\n"),
        last_sentence_end,
        lambda: probe.rfind(" "),
    )
    for floor in (size // 3, 0):  # a break early in the window would waste most of the message
        for find in finders:
            at = find()
            if at > floor:
                return at
    return size


def short_title(label: str, limit: int = MAX_TITLE) -> str:
    """The label itself when it fits; else cut at the last word that fits, marked with an ellipsis.

    A choice's label that reads "opening words… words that differ" (bot.domain.pick_labels, for names
    that part late) keeps the words that differ and cuts its opening words instead: "Trình báo mất hộ…
    cấp tỉnh" is "Trình báo… cấp tỉnh", not "Trình báo mất hộ…", which its neighbour reads too."""
    label = " ".join(unicodedata.normalize("NFC", label).split())
    if len(label) <= limit:
        return label
    lead, cut, tail = label.partition(f"{PARTS} ")
    opening = limit - len(tail) - len(f"{ELLIPSIS} ")  # characters left for the opening words
    if cut and tail and opening >= MIN_LEAD:
        kept = ""
        for word in lead.split():
            if len(f"{kept} {word}".strip()) > opening:
                break
            kept = f"{kept} {word}".strip()
        return f"{kept.rstrip(' ,.;:-') or lead[:opening]}{ELLIPSIS} {tail}"
    room = label[: limit - len(ELLIPSIS)]
    space = room.rfind(" ")
    if space >= limit // 2:
        room = room[:space]
    return room.rstrip(" ,.;:-" + ELLIPSIS) + ELLIPSIS


def query_button(button: Button) -> dict[str, Any]:
    return {"title": short_title(button.label), "type": "oa.query.hide", "payload": BUTTON_PREFIX + button.id}


def url_button(link: Link) -> dict[str, Any]:
    return {"title": short_title(link.label), "type": "oa.open.url", "payload": {"url": link.url}}


def render_reply(user_id: str, reply: Reply, *, continuation: str = CONTINUATION) -> list[dict[str, Any]]:
    """Every request body needed to deliver `reply`, in sending order (empty: nothing to send)."""
    groups = [
        [query_button(b) for b in reply.buttons[i : i + MAX_BUTTONS]]
        for i in range(0, len(reply.buttons), MAX_BUTTONS)
    ]
    room = MAX_BUTTONS - len(groups[-1]) if groups else MAX_BUTTONS
    url_buttons = [url_button(link) for link in reply.links[:room]]
    if url_buttons:
        if groups:
            groups[-1].extend(url_buttons)
        else:
            groups.append(url_buttons)
    text = reply.text + "".join(f"\n{link.label}: {link.url}" for link in reply.links[room:])
    parts = split_text(text) or ([continuation] if groups else [])
    bodies = [_body(user_id, part, None) for part in parts[:-1]]
    if parts:
        bodies.append(_body(user_id, parts[-1], groups[0] if groups else None))
    bodies.extend(_body(user_id, continuation, group) for group in groups[1:])
    return bodies


def _body(user_id: str, text: str, buttons: list[dict[str, Any]] | None) -> dict[str, Any]:
    message: dict[str, Any] = {"text": text}
    if buttons:
        message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
    return {"recipient": {"user_id": user_id}, "message": message}
