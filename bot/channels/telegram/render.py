"""`Reply` -> the Telegram messages that show it: escaped HTML text, split to fit, inline keyboard last.

- Text is sent with parse mode HTML, every engine character escaped (`<`, `>`, `&`), so nothing the
  engine or a procedure file says can be read as markup.
- Telegram allows 4,096 characters per message *after* entity parsing, counted in UTF-16 code units, so
  the raw text is measured and split before escaping. Splits prefer a paragraph, then a line, then a
  sentence, then a word boundary, and never cut inside a surrogate pair.
- Buttons become an inline keyboard, one per row (Vietnamese labels are long); links become URL buttons
  under them. The keyboard rides on the last part, where the citizen's eyes end up.
- callback_data is the button id. Telegram accepts 1-64 bytes; ids are short ASCII by the engine's
  contract, so a longer one is a bug we report by name instead of truncating it into another id.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.domain.messages import Reply
from bot.errors import ChannelRejected

CHANNEL = "telegram"
MAX_TEXT_UTF16 = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CALLBACK_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64

# Preferred places to cut, best first. A boundary is only used when it keeps the part at least half full,
# so a short first paragraph does not become a message of its own.
_BOUNDARIES = ("\n\n", "\n", ". ", "! ", "? ", "… ", "; ", ": ", ", ", " ")


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One sendMessage call: HTML text and, on the last part only, the keyboard."""

    html_text: str
    keyboard: InlineKeyboardMarkup | None = None


def render_reply(reply: Reply) -> list[OutgoingMessage]:
    """The messages that show `reply`, in order. Raises ChannelRejected when it cannot be shown."""
    keyboard = build_keyboard(reply)
    parts = split_text(reply.text)
    if not parts:
        raise ChannelRejected(
            CHANNEL, "empty_text", "the reply has no text; Telegram requires 1-4096 characters"
        )
    out = [OutgoingMessage(html.escape(part, quote=False)) for part in parts]
    out[-1] = OutgoingMessage(out[-1].html_text, keyboard)
    return out


def build_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    for button in reply.buttons:
        size = len(button.id.encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_BYTES:
            raise ChannelRejected(
                CHANNEL,
                "callback_data",
                f"button id {button.id!r} is {size} bytes; Telegram callback_data must be "
                f"1-{MAX_CALLBACK_BYTES} bytes, so shorten the id in flows.yaml",
            )
        rows.append([InlineKeyboardButton(text=button.label, callback_data=button.id)])
    rows.extend([InlineKeyboardButton(text=link.label, url=link.url)] for link in reply.links)
    return InlineKeyboardMarkup(rows) if rows else None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters beyond the BMP (emoji) take two UTF-16 units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def split_text(text: str, limit: int = MAX_TEXT_UTF16) -> list[str]:
    """Parts of at most `limit` UTF-16 units each, cut at the best boundary; empty parts are dropped."""
    parts: list[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        cut = _best_cut(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts


def _best_cut(text: str, limit: int) -> int:
    """Index (in code points) where the first part ends."""
    fits = _fitting_prefix(text, limit)
    window = text[:fits]
    for boundary in _BOUNDARIES:
        at = window.rfind(boundary)
        if at > 0 and at >= fits // 2:
            return at + len(boundary)
    return fits  # one unbroken run of characters: cut it where the limit falls


def _fitting_prefix(text: str, limit: int) -> int:
    """The longest prefix, in code points, whose UTF-16 length is within `limit` (always at least 1)."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return max(index, 1)
    return len(text)
