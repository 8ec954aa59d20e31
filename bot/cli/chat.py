"""`motcua chat`: the bot in a terminal, interactive (numbered buttons, colour, wrapped text) or scripted.

Both go through the same ChatService and database as the web chat, so a conversation started here
continues in a later process.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.config import Settings
from bot.domain.messages import Incoming, Reply, replies_to_json
from bot.runtime import runtime
from bot.service import ChatService
from bot.storage.base import ConversationKey

EXIT_OK = 0


@asynccontextmanager
async def open_service(settings: Settings) -> AsyncIterator[ChatService]:
    """The same service and published content as the web chat (bot/runtime.py), without the web's extras."""
    async with runtime(settings, serve=False) as rt:
        yield rt.service


def parse_jsonl_line(line: str) -> tuple[str, Incoming]:
    """One scripted input: {"user_id", "text"} or {"user_id", "button"} (or "start"). Raises ValueError."""
    data: Any = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    user_id = data.get("user_id")
    if not isinstance(user_id, str) or not user_id or len(user_id) > 128:
        raise ValueError("user_id must be a non-empty string")
    given = [k for k in ("text", "button", "start") if k in data]
    if len(given) != 1 or not isinstance(data[given[0]], str):
        raise ValueError("give exactly one of text, button, start as a string")
    value: str = data[given[0]]
    if given[0] == "button":
        return user_id, Incoming.pressed(value)
    if given[0] == "start":
        return user_id, Incoming.started(value)
    return user_id, Incoming.typed(value)


async def chat_jsonl(settings: Settings) -> int:
    async with open_service(settings) as service:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                return EXIT_OK
            if not line.strip():
                continue
            try:
                user_id, incoming = parse_jsonl_line(line)
            except ValueError as err:  # json.JSONDecodeError is a ValueError
                out: dict[str, Any] = {"messages": [], "error": str(err)}
            else:
                out = replies_to_json(await service.converse("cli", user_id, incoming))
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text


BULLETS = ("- ", "• ", "☐ ", "✓ ")


def wrap_paragraph(paragraph: str, width: int) -> list[str]:
    """Wrap one line of a message, keeping its indentation and hanging bullets; never split a web address."""
    indent = paragraph[: len(paragraph) - len(paragraph.lstrip(" "))]
    body = paragraph[len(indent) :]
    hanging = indent + ("  " if body.startswith(BULLETS) else "")
    return textwrap.wrap(
        paragraph,
        width=width,
        initial_indent="",
        subsequent_indent=hanging,
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    )


def render(replies: list[Reply], style: Style, width: int) -> list[str]:
    """Print the bot's messages; return the button ids in the order they were numbered."""
    numbered: list[str] = []
    for reply in replies:
        for paragraph in reply.text.split("\n"):
            for line in wrap_paragraph(paragraph, width) or [""]:
                print(style("36", line))
        for link in reply.links:
            print(style("4;34", f"{link.label}: {link.url}"))
        for button in reply.buttons:
            numbered.append(button.id)
            print(style("1;33", f"  [{len(numbered)}] ") + button.label)
        print()
    return numbered


MAX_CHOICE_DIGITS = 2  # longer numbers are something the person typed (a year, a code), not a button
PICK_NUMBER = "pick_number"  # flows.yaml ui: the words, with {count}


def pick_a_number(ui: dict[str, str], count: int) -> str:
    return ui.get(PICK_NUMBER, "1-{count}").replace("{count}", str(count))


async def chat_interactive(settings: Settings, user_id: str) -> int:
    style = Style(sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 2))
    async with open_service(settings) as service:
        known = await service.store.load_state(ConversationKey("cli", user_id))
        buttons: list[str] = []
        if known is None:
            buttons = render(await service.converse("cli", user_id, Incoming.started()), style, width)
        while True:
            try:
                line = await asyncio.to_thread(input, style("1;32", "› "))
            except EOFError:
                print()
                return EXIT_OK
            text = line.strip()
            if not text:
                continue
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                incoming = Incoming.pressed(buttons[int(text) - 1])
            elif buttons and text.isdigit() and len(text) <= MAX_CHOICE_DIGITS:
                # A button number that is not on screen: say which are, and stay on the step (searching
                # for "9" would only answer that no procedure matches, and leave the step behind).
                print(style("36", pick_a_number(service.content.flows.ui, len(buttons))) + "\n")
                continue
            else:
                incoming = Incoming.typed(text)
            buttons = render(await service.converse("cli", user_id, incoming), style, width)
