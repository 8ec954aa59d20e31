"""Templates in flows.yaml: text with `{procedure.fee.text}`-style placeholders, rendered from facts.

One catalogue edit must update every sentence that mentions it, so flows never repeat a fact: they
point at it. How a fact is shown depends on its type: choices (document kinds, agency levels, the online
level) through the `terms:` labels of flows.yaml, lists of records (documents, online steps) through the
per-item templates of `formats:`, plain lists as bullets, numbers with Vietnamese thousands dots.

Two rules keep rendered text honest:
- A line whose placeholder has nothing to show (an unknown fact, an empty list) is dropped entirely, so
  a citizen never reads "Đường dây nóng: " with nothing after it. Put optional facts on their own line.
- A fact the catalogue marks `unverified` is followed by the `messages.unverified` mark, or, when
  `uncertain:` words its value as uncertain ("có thể chưa nộp trực tuyến được"), shown in those words
  instead. A name (of the procedure, a document, a step) never carries the mark inside it: its mark goes
  to the end of the line, and a line that is only a name (a title) carries none. The engine adds the
  mark's meaning once per answer (messages.unverified_note).

`{procedure.fee.text|brief}` shows only the first sentence of a long text, with "…" when more was cut:
the short card about a procedure uses it, and the full text is one button away.

Write `{{` and `}}` for literal braces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from pydantic import BaseModel

from bot.domain.catalogue import Procedure
from bot.domain.errors import MotcuaError

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PATH = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
NAME_FIELDS = frozenset({"name", "short_name", "title", "code"})  # identify a thing: never marked inside
LIST_FIELDS = ("number", "total")  # `list.number` / `list.total`: where the current item stands


class TemplateError(MotcuaError, ValueError):
    """The template cannot be read (an unclosed brace, an empty placeholder).

    `code` and `params` name the problem and its values, as a validation problem's do (bot.errors.Problem),
    so flows.yaml's checks can pass them on to the admin pages' Vietnamese."""

    def __init__(self, code: str, english: str, /, **params: str) -> None:
        self.code, self.params = code, params
        super().__init__(english.format(**params))


FILTERS = ("brief",)
BRIEF_LIMIT = 100  # a first sentence longer than this is cut at a word
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")  # a clause after ";" is a sentence of its own here


@dataclass(frozen=True, slots=True)
class Placeholder:
    parts: tuple[str, ...]
    brief: bool = False  # `|brief`: the first sentence only

    def __str__(self) -> str:
        return ".".join(self.parts)


Line = tuple[str | Placeholder, ...]


@dataclass(frozen=True, slots=True)
class Template:
    source: str
    lines: tuple[Line, ...]

    def fields(self) -> Iterator[tuple[str, ...]]:
        for _, parts in self.placeholders():
            yield parts

    def placeholders(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """Every placeholder with the index of its line in the template."""
        for index, line in enumerate(self.lines):
            for part in line:
                if isinstance(part, Placeholder):
                    yield index, part.parts

    @property
    def static_text(self) -> str:
        """The text without its placeholders: a lower bound of what it renders to."""
        return "\n".join("".join(p for p in line if isinstance(p, str)) for line in self.lines)


def parse(source: str) -> Template:
    lines: list[Line] = []
    for raw in source.split("\n"):
        parts: list[str | Placeholder] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(raw):
            parts.append(raw[pos : match.start()])
            token = match.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
            elif token in ("{", "}"):
                raise TemplateError(
                    "template_lone_brace",
                    "a lone '{token}' in '{raw}': write {{{{ or }}}} for a brace",
                    token=token,
                    raw=raw.strip(),
                )
            else:
                inner, _, wanted = (x.strip() for x in match.group(1).partition("|"))
                if not _PATH.fullmatch(inner) or "." not in inner:
                    raise TemplateError(
                        "template_not_fact",
                        "'{{{inner}}}' is not a fact; write it like {{procedure.fee.text}}",
                        inner=inner,
                    )
                if wanted and wanted not in FILTERS:
                    raise TemplateError(
                        "template_unknown_filter",
                        "'|{wanted}' is unknown; write {{{inner}|brief}} or {{{inner}}}",
                        wanted=wanted,
                        inner=inner,
                    )
                parts.append(Placeholder(tuple(inner.split(".")), brief=bool(wanted)))
            pos = match.end()
        parts.append(raw[pos:])
        lines.append(tuple(p for p in parts if p != ""))
    return Template(source, tuple(lines))


@dataclass(frozen=True, slots=True)
class Item:
    """The record a template is about: one document of a list, one online step of a walk."""

    key: str  # the procedure field it comes from, e.g. "online_steps" (terms are looked up below it)
    value: BaseModel
    number: int = 1  # its place in the list, from 1
    total: int = 1  # how many items the list has


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything a template or a condition can read, by namespace."""

    procedure: Procedure | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    search: Mapping[str, object] = field(default_factory=dict)
    flow: Mapping[str, object] = field(default_factory=dict)
    item: Item | None = None

    def lookup(self, parts: tuple[str, ...]) -> object:
        """The value at a dotted path, or None when it is unknown or not there."""
        head, rest = parts[0], parts[1:]
        if head == "procedure":
            return _attr_path(self.procedure, rest)
        if head == "item" and self.item is not None:
            return _attr_path(self.item.value, rest)
        if head == "list" and self.item is not None and rest in (("number",), ("total",)):
            return self.item.number if rest == ("number",) else self.item.total
        source = {"answers": self.answers, "search": self.search, "flow": self.flow}.get(head)
        if source is None or len(rest) != 1:
            return None
        return source.get(rest[0])

    def term_key(self, parts: tuple[str, ...]) -> str | None:
        """Where `terms:` labels for this path live: the procedure field path, e.g. `documents.kind`."""
        if parts[0] == "procedure" and len(parts) > 1:
            return ".".join(parts[1:])
        if parts[0] == "item" and self.item is not None and parts[1:]:
            return ".".join((self.item.key, *parts[1:]))
        return None

    def with_item(self, item: Item) -> Facts:
        return Facts(self.procedure, self.answers, self.search, self.flow, item)


def _attr_path(value: object, parts: tuple[str, ...]) -> object:
    for part in parts:
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


@dataclass(frozen=True, slots=True)
class Wording:
    """The parts of flows.yaml that say how facts read: labels, per-item formats, the unverified mark."""

    terms: Mapping[str, Mapping[str, str]]
    formats: Mapping[str, Template]
    unverified_mark: str  # "" renders without marks (button and link labels)
    uncertain: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def term_value(value: object) -> str:
    """How a value is written as a key of `terms:` (YAML keys are text: 4 -> "4", True -> "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def render(template: Template, facts: Facts, wording: Wording) -> str:
    kept: list[str] = []
    in_item = facts.item is not None  # a record of a list: one mark per record, at a line's end
    item_marked = False
    for line in template.lines:
        pieces: list[str] = []
        line_mark = False  # a fact marked at the end of the line rather than after itself
        for part in line:
            if isinstance(part, str):
                pieces.append(part)
                continue
            at_end = in_item or part.parts[-1] in NAME_FIELDS
            shown = show(part.parts, facts, wording, inline=not at_end, brief=part.brief)
            if not shown:
                break  # an unknown fact: drop the whole line rather than leave it dangling
            pieces.append(shown)
            line_mark = line_mark or (
                at_end and _unverified(part.parts, facts) and not _worded(part, facts, wording)
            )
        else:
            text = "".join(pieces)
            if line_mark and len(line) > 1 and not item_marked:  # a line that is only a name is a title
                text = with_mark(text, wording.unverified_mark)
                item_marked = in_item
            kept.append(text)
    text = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def show(
    parts: tuple[str, ...], facts: Facts, wording: Wording, inline: bool = True, brief: bool = False
) -> str:
    """One fact as text; "" when there is nothing to show. `inline`: an unverified fact carries its mark;
    `brief`: only its first sentence."""
    value = facts.lookup(parts)
    key = facts.term_key(parts)
    unverified = _unverified(parts, facts)
    worded = _uncertain_words(value, key, wording) if unverified else None
    if worded is not None:
        return worded
    shown = _format(value, key, facts, wording)
    if brief:
        shown = first_sentence(shown)
    if shown and unverified and inline and parts[-1] not in NAME_FIELDS and not _is_records(value):
        shown = with_mark(shown, wording.unverified_mark)
    return shown


def _uncertain_words(value: object, key: str | None, wording: Wording) -> str | None:
    if value is None or key is None:
        return None
    return wording.uncertain.get(key, {}).get(term_value(value))


def _worded(part: Placeholder, facts: Facts, wording: Wording) -> bool:
    return _uncertain_words(facts.lookup(part.parts), facts.term_key(part.parts), wording) is not None


def first_sentence(text: str, limit: int = BRIEF_LIMIT) -> str:
    """The first sentence of `text` (cut at a word past `limit`), with "…" when anything was left out."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        if first.count("(") > first.count(")"):  # never end inside a bracket
            first = first[: first.rfind("(")].rstrip(" ,;:")
    return first if first == text.strip() else f"{first.rstrip('.;')}…"


def with_mark(text: str, mark: str) -> str:
    """`text` followed by the unverified mark, once (never doubled)."""
    if not mark or text.rstrip().endswith(mark):
        return text
    return f"{text.rstrip()} {mark}"


def _is_records(value: object) -> bool:
    """A list of records is marked item by item (its own template), never after its last line."""
    if isinstance(value, BaseModel):
        return True
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, BaseModel) for v in value)


def _unverified(parts: tuple[str, ...], facts: Facts) -> bool:
    if facts.procedure is None or not facts.procedure.unverified:
        return False
    marked = set(facts.procedure.unverified)
    if parts[0] == "procedure":
        path = parts[1:]
    elif parts[0] == "item" and facts.item is not None:
        path = (*facts.item.key.split("."), *parts[1:])
    else:
        return False
    return any(".".join(path[:cut]) in marked for cut in range(1, len(path) + 1))


def _format(value: object, key: str | None, facts: Facts, wording: Wording) -> str:
    if value is None:
        return ""
    labels = wording.terms.get(key) if key is not None else None
    if labels is not None and term_value(value) in labels:
        return labels[term_value(value)]
    if isinstance(value, BaseModel):
        return _records([value], key, facts, wording)
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, BaseModel) for v in value):
            return _records(list(value), key, facts, wording)
        return "\n".join(f"• {_format(v, None, facts, wording)}" for v in value)
    if isinstance(value, bool):
        return term_value(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return (
            _format(int(value), None, facts, wording) if value.is_integer() else str(value).replace(".", ",")
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _records(values: list[object], key: str | None, facts: Facts, wording: Wording) -> str:
    template = wording.formats.get(key) if key is not None else None
    if template is None or key is None:
        return ""
    rendered = []
    for number, value in enumerate(values, start=1):
        assert isinstance(value, BaseModel)  # _format only passes records here
        item = Item(key, value, number, len(values))
        rendered.append(render(template, facts.with_item(item), wording))
    return "\n".join(r for r in rendered if r)
