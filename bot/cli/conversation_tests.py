"""Conversation tests that officials write: whole conversations in YAML, replayed against the content.

Like Rasa's end-to-end tests, a file in tests/conversations/ says what the citizen types or presses and
what the bot must say or offer in return:

    conversations:
      - name: Làm giấy khai sinh, xem giấy tờ cần chuẩn bị
        steps:
          - user: làm giấy khai sinh cho con      # what the citizen types
            says: Đăng ký khai sinh               # text the reply must contain (one, or a list)
            offers: [Giấy tờ cần chuẩn bị]        # button labels the reply must offer
          - press: Giấy tờ cần chuẩn bị           # a button, by its label or its id
            says: [Giấy chứng sinh]
            not_says: (chưa kiểm chứng)

A step does one of `user:`, `press:` or `start:` (a deep link: a procedure id, or "" for a new
conversation), then checks any of `says`, `not_says`, `offers`, `not_offers`, `max_messages`,
`max_chars`. Text is compared ignoring case and spacing; `loose: true` (on a step or a conversation)
also ignores diacritics. A conversation starts new, with no saved state. Failures name FILE:LINE.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.content import YamlDocument, YamlError, read_document, validate_model
from bot.domain.engine import Engine
from bot.domain.messages import Incoming, Reply
from bot.domain.state import ConversationState
from bot.domain.text import command_key, fold
from bot.errors import ContentInvalid, Problem

Texts = Annotated[list[str], Field(default_factory=list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Turn(_Strict):
    user: str | None = None
    press: str | None = None
    start: str | None = None
    says: str | list[str] = Field(default_factory=list)
    not_says: str | list[str] = Field(default_factory=list)
    offers: Texts
    not_offers: Texts
    max_messages: int | None = None
    max_chars: int | None = None
    loose: bool | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Turn:
        if sum(x is not None for x in (self.user, self.press, self.start)) != 1:
            raise ValueError("a step needs exactly one of user:, press: or start:")
        return self


class Conversation(_Strict):
    name: Annotated[str, Field(min_length=1)]
    loose: bool = False
    steps: Annotated[list[Turn], Field(min_length=1)]


class ConversationFile(_Strict):
    conversations: Annotated[list[Conversation], Field(min_length=1)]


@dataclass(frozen=True)
class Scripted:
    """One conversation of a file, with the lines of its steps (for FILE:LINE on a failure)."""

    file: str
    line: int
    conversation: Conversation
    step_lines: tuple[int, ...]

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}: {self.conversation.name}"


def conversation_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.yaml")) if path.is_dir() else [path]


def load_conversations(path: Path) -> list[Scripted]:
    """Every conversation under `path` (a file or a folder); raises ContentInvalid with every problem."""
    found: list[Scripted] = []
    problems: list[Problem] = []
    for file in conversation_files(path):
        try:
            doc = read_document(file)
        except (YamlError, OSError) as err:
            message = err.problem if isinstance(err, YamlError) else Problem(str(file), 1, "(file)", str(err))
            problems.append(message)
            continue
        parsed, errors = validate_model(ConversationFile, doc)
        problems += errors
        if parsed is not None:
            found += list(_scripted(parsed, doc))
    if problems:
        raise ContentInvalid(problems)
    return found


def _scripted(parsed: ConversationFile, doc: YamlDocument) -> Iterator[Scripted]:
    for i, conversation in enumerate(parsed.conversations):
        at = ("conversations", i)
        lines = tuple(doc.line_of((*at, "steps", j)) for j in range(len(conversation.steps)))
        yield Scripted(doc.file, doc.line_of(at), conversation, lines)


def run(scripted: Scripted, engine: Engine, visited: set[str] | None = None) -> list[str]:
    """Replay one conversation; the failures as `FILE:LINE: message` (empty when it passes).

    `visited` collects the flows the conversation rests in after each turn (to check coverage)."""
    state: ConversationState | None = None
    offered: tuple[Reply, ...] = ()
    for turn, line in zip(scripted.conversation.steps, scripted.step_lines, strict=True):
        where = f"{scripted.file}:{line}"
        if turn.press is not None:
            button = _button(offered, turn.press)
            if button is None:
                labels = ", ".join(f"“{b.label}”" for r in offered for b in r.buttons) or "none"
                return [f"{where}: no button “{turn.press}” was offered (offered: {labels})"]
            incoming = Incoming.pressed(button)
        elif turn.start is not None:
            state, incoming = None, Incoming.started(turn.start)
        else:
            incoming = Incoming.typed(turn.user or "")
        result = engine.handle(state, incoming)
        state, offered = result.state, result.replies
        if visited is not None:
            visited.update(frame.flow for frame in state.stack)
        failures = _check(turn, result.replies, scripted.conversation.loose)
        if failures:
            return [f"{where}: {failure}" for failure in failures]
    return []


def _button(replies: tuple[Reply, ...], wanted: str) -> str | None:
    key = command_key(wanted)
    for reply in replies:
        for button in reply.buttons:
            if button.id == wanted or command_key(button.label) == key:
                return button.id
    return None


def _check(turn: Turn, replies: tuple[Reply, ...], loose_default: bool) -> list[str]:
    loose = turn.loose if turn.loose is not None else loose_default
    said = "\n".join(r.text for r in replies)
    labels = [b.label for r in replies for b in r.buttons]
    shown = _shorten(said)
    failures = [
        f"the reply does not say “{t}”; it said: {shown}"
        for t in _listed(turn.says)
        if not _in(t, said, loose)
    ]
    failures += [f"the reply says “{t}”, it must not" for t in _listed(turn.not_says) if _in(t, said, loose)]
    offered = [_key(label, loose) for label in labels]
    missing = [t for t in turn.offers if _key(t, loose) not in offered]
    if missing:
        failures.append(
            f"no button {', '.join(f'“{t}”' for t in missing)}; offered: {', '.join(labels) or 'none'}"
        )
    failures += [
        f"the button “{t}” must not be offered" for t in turn.not_offers if _key(t, loose) in offered
    ]
    if turn.max_messages is not None and len(replies) > turn.max_messages:
        failures.append(f"{len(replies)} messages, at most {turn.max_messages} expected")
    if turn.max_chars is not None and len(said) > turn.max_chars:
        failures.append(f"{len(said)} characters, at most {turn.max_chars} expected")
    return failures


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _key(text: str, loose: bool) -> str:
    """Case and spacing never matter; diacritics only when not `loose`."""
    spaced = " ".join(unicodedata.normalize("NFC", text).split())
    return fold(spaced) if loose else spaced.casefold()


def _in(wanted: str, said: str, loose: bool) -> bool:
    return _key(wanted, loose) in _key(said, loose)


def _shorten(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return f"“{flat[:limit]}…”" if len(flat) > limit else f"“{flat}”"
