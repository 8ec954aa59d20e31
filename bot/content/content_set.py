"""A set of content files, {path: YAML text}, checked and built as one `Content`.

The paths are those of a revision (and of an exported folder): procedures/<id>.yaml, flows.yaml, and
optionally lexicon.yaml, outreach.yaml and portal.json (the portal tier, from `motcua portal import`).
Problems name these paths, so an official sees the same file name in the admin pages, in `motcua import`
and in git.

A publish changes one file, so the work is kept per piece: parsed files by (path, SHA-256 of the text),
the portal tier by its hash, and for the search index each catalogue text as read through the lexicon
(`RememberingReader`). The next check of a set re-does only what changed; what is global (cross-checks,
the index's word weights) is recomputed from the kept pieces. Cached values are immutable (frozen models)
and safe to share. The compiled-content cache (bot/content/compiled.py) keeps the pieces on disk with the
built set, so a process that starts from it can publish as cheaply as the one that built it.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from bot.content.flows_file import validate_flows
from bot.content.loading import (
    ID_USED_TWICE,
    NO_PROCEDURES,
    catalogue_problems,
    parse_procedure,
    validate_model,
)
from bot.content.model import Content
from bot.content.yamlsource import YamlDocument, YamlError, parse_yaml
from bot.domain.catalogue import ID_PATTERN, Catalogue, Procedure
from bot.domain.flows import Flows
from bot.domain.lexicon import Lexicon, Reader, Word
from bot.errors import ContentInvalid, Problem
from bot.outreach.texts import OutreachTexts
from bot.portal.tier import TIER_FILE, load_tier

FLOWS, LEXICON, OUTREACH, PORTAL = "flows.yaml", "lexicon.yaml", "outreach.yaml", TIER_FILE
PROCEDURES = "procedures"
_PROCEDURE_PATH = re.compile(r"^procedures/(" + ID_PATTERN.strip("^$") + r")\.yaml$")
CACHE_SIZE = 16_384  # parsed files: a catalogue of thousands of procedure files stays parsed
BUILT_KEPT = 2

Files = dict[str, str]


def sha_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def procedure_path(procedure_id: str) -> str:
    return f"{PROCEDURES}/{procedure_id}.yaml"


def procedure_id_of(path: str) -> str | None:
    match = _PROCEDURE_PATH.match(path)
    return match.group(1) if match else None


def is_content_path(path: str) -> bool:
    return path in (FLOWS, LEXICON, OUTREACH, PORTAL) or procedure_id_of(path) is not None


def normalise_text(text: str) -> str:
    """One form for every stored text: LF line ends and a final newline (browsers send CRLF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True)
class Built:
    """A set of files turned into what the bot serves."""

    content: Content
    outreach: OutreachTexts | None


class _Lru:
    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()  # checks run in worker threads (asyncio.to_thread)

    def get(self, key: tuple[str, str]) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str], value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_SHARED = _Lru(CACHE_SIZE)  # parses depend only on (path, text): every checker in the process may share
# A built set with the portal tier weighs a hundred MB or more: a worker keeps the one it serves and the
# one a publish is checking, not every revision it has seen.
_SHARED_BUILT = _Lru(BUILT_KEPT)


class RememberingReader(Reader):
    """Reads the catalogue's texts for the search index and remembers each reading, so that the next
    build (a publish that changed one procedure) reads only the texts that are new. Reading a text
    through the lexicon is the bulk of building the index; it depends on the text and the lexicon
    alone, and a reader is made for one lexicon."""

    LIMIT = 400_000  # texts remembered before starting afresh (old versions of edited texts pile up)

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__(lexicon)
        self._read: dict[str, list[Word]] = {}
        self.texts_read = 0  # readings done rather than remembered (tests count them)

    def read(self, text: str) -> list[Word]:
        words = self._read.get(text)
        if words is None:
            self.texts_read += 1
            if len(self._read) >= self.LIMIT:
                self._read = {}
            words = self._read[text] = super().read(text)
        return words

    def readings(self) -> dict[str, list[Word]]:
        return dict(self._read)

    def remember(self, readings: dict[str, list[Word]]) -> None:
        """Readings made by another process with the same lexicon (from the compiled-content cache)."""
        self._read.update(readings)


Parses = dict[tuple[str, str], Any]  # the parses of a set's files, as kept in the cache (see `parses`)


class ContentChecker:
    def __init__(self, cache: _Lru | None = None) -> None:
        self._cache = cache or _SHARED
        self._built = _SHARED_BUILT if cache is None else _Lru(BUILT_KEPT)
        # Work done rather than found in the cache, which tests count: a publish that changes one
        # procedure parses that one file, and reads the portal tier again only when it changed.
        self.files_parsed = 0
        self.tiers_parsed = 0
        self._readers: dict[str, RememberingReader] = {}  # by the lexicon file's hash ("" for none)

    def cached(self, files: Files) -> Built | None:
        """The set as this process last built it, when it is kept in memory (sets with a portal tier)."""
        cached = self._built.get(_built_key(files)) if PORTAL in files else None
        return cached if isinstance(cached, Built) else None

    def parses(self, files: Files) -> Parses:
        """What this process holds of the set's files, parsed: kept beside a compiled set so that a process
        which loaded the set from disk re-parses only the files that a later publish changes."""
        keys = [_parse_key(path, text) for path, text in files.items()]
        parses = {key: value for key in keys if (value := self._cache.get(key)) is not None}
        lexicon = _lexicon_key(files)
        if (reader := self._readers.get(lexicon)) is not None:
            parses[_READINGS, lexicon] = reader.readings()
        return parses

    def adopt(self, files: Files, built: Built, parses: Parses) -> None:
        """Keep a set built by another process (read from the compiled-content cache) as if built here."""
        for key, value in parses.items():
            if key[0] == _READINGS:
                if key[1] == _lexicon_key(files):
                    self._reader(files, built.content.lexicon).remember(value)
            else:
                self._cache.put(key, value)
        if PORTAL in files:
            self._built.put(_built_key(files), built)

    def problems(self, files: Files) -> list[Problem]:
        """Every problem of the set, in every file; [] when it can be published."""
        return self._load(files)[-1]

    def build(self, files: Files) -> Built:
        """The set as `Content`; raises ContentInvalid listing every problem."""
        # With the portal tier the search index takes a second or two to build: a process that builds the
        # same set again (several apps in tests, a worker re-reading its revision) reuses the first.
        cached = self.cached(files)
        if cached is not None:
            return cached
        catalogue, lexicon, flows, outreach, problems = self._load(files)
        if problems or catalogue is None or flows is None:
            raise ContentInvalid(problems)
        built = Built(Content.build(catalogue, lexicon, flows, self._reader(files, lexicon)), outreach)
        if PORTAL in files:
            self._built.put(_built_key(files), built)
        return built

    @property
    def texts_read(self) -> int:
        """Catalogue texts read through the lexicon for a search index, rather than remembered."""
        return sum(reader.texts_read for reader in self._readers.values())

    def _reader(self, files: Files, lexicon: Lexicon) -> RememberingReader:
        key = _lexicon_key(files)
        reader = self._readers.get(key)
        if reader is None:
            self._readers.clear()  # a new lexicon reads every text anew
            reader = self._readers[key] = RememberingReader(lexicon)
        return reader

    def procedure(self, path: str, text: str) -> tuple[Procedure | None, list[Problem]]:
        """One procedure file on its own (shape and its own rules), as the preview needs it."""
        procedure, _doc, problems = self._procedure(path, text)
        return procedure, problems

    # --- the parts ---------------------------------------------------------------------------------
    def _load(
        self, files: Files
    ) -> tuple[Catalogue | None, Lexicon, Flows | None, OutreachTexts | None, list[Problem]]:
        problems = [
            Problem.of(
                path,
                1,
                "(file)",
                "not_content_file",
                "not a content file: use procedures/<id>.yaml, flows.yaml, lexicon.yaml, outreach.yaml"
                " or portal.json",
            )
            for path in files
            if not is_content_path(path)
        ]
        catalogue = self._catalogue({p: t for p, t in files.items() if procedure_id_of(p)}, problems)
        lexicon = Lexicon.empty()
        if LEXICON in files:
            lexicon = self._model(LEXICON, files[LEXICON], Lexicon, problems) or lexicon
        outreach = None
        if OUTREACH in files:
            outreach = self._model(OUTREACH, files[OUTREACH], OutreachTexts, problems)
        flows = None
        if FLOWS not in files:
            problems.append(Problem.of(FLOWS, 1, "(file)", "file_missing", "the file is missing"))
        else:
            doc = self._document(FLOWS, files[FLOWS], problems)
            if doc is not None:
                flows, found = validate_flows(doc, catalogue)
                problems.extend(found)
        if PORTAL in files and catalogue is not None:
            # Flows are checked against the curated tier; the portal card's length is checked per entry by
            # the tier's own tests (checking ~2,700 procedures here would slow every publish).
            portal, found_in_tier = self._tier(files[PORTAL])
            problems.extend(found_in_tier)
            catalogue = catalogue.with_portal(portal)
        return catalogue, lexicon, flows, outreach, sorted(problems, key=lambda p: (p.file, p.line, p.field))

    def _catalogue(self, files: Files, problems: list[Problem]) -> Catalogue | None:
        """The same rules as bot.content.loading.load_catalogue_texts, on cached parses."""
        procedures: list[Procedure] = []
        docs: dict[str, YamlDocument] = {}
        failed: set[str] = set()  # ids of files with problems of their own
        before = len(problems)
        for path in sorted(files):
            procedure, doc, found = self._procedure(path, files[path])
            problems.extend(found)
            if procedure is None or doc is None:
                failed.add(PurePosixPath(path).stem)
                continue
            if procedure.id in docs:
                problems.append(Problem.of(path, 1, "id", "id_used_twice", ID_USED_TWICE, id=procedure.id))
                continue
            procedures.append(procedure)
            docs[procedure.id] = doc
        catalogue = Catalogue(procedures)
        # A file that exists but has a mistake of its own is reported once, not again in every
        # procedure that names it under related:.
        problems.extend(
            p
            for p in catalogue_problems(catalogue, docs)
            if not (p.code == "no_such_procedure" and p.params["id"] in failed)
        )
        if not files:
            problems.append(Problem.of(PROCEDURES, 1, "(folder)", "no_procedures", NO_PROCEDURES))
        return catalogue if len(problems) == before else None

    def _tier(self, text: str) -> tuple[tuple[Procedure, ...], tuple[Problem, ...]]:
        key = _parse_key(PORTAL, text)
        cached = self._cache.get(key)
        if cached is None:
            self.tiers_parsed += 1
            cached = load_tier(text, PORTAL)
            self._cache.put(key, cached)
        tier: tuple[tuple[Procedure, ...], tuple[Problem, ...]] = cached
        return tier

    def _procedure(self, path: str, text: str) -> tuple[Procedure | None, YamlDocument | None, list[Problem]]:
        key = _parse_key(path, text)
        cached = self._cache.get(key)
        if cached is None:
            self.files_parsed += 1
            cached = parse_procedure(text, path, PurePosixPath(path).stem)
            self._cache.put(key, cached)
        procedure, doc, problems = cached
        return procedure, doc, list(problems)

    def _document(self, path: str, text: str, problems: list[Problem]) -> YamlDocument | None:
        key = _parse_key(path, text)
        cached = self._cache.get(key)
        if cached is None:
            self.files_parsed += 1
            try:
                cached = parse_yaml(text, path)
            except YamlError as err:
                cached = err.problem
            self._cache.put(key, cached)
        if isinstance(cached, Problem):
            problems.append(cached)
            return None
        document: YamlDocument = cached
        return document

    def _model(self, path: str, text: str, model: type[Any], problems: list[Problem]) -> Any:
        doc = self._document(path, text, problems)
        if doc is None:
            return None
        value, found = validate_model(model, doc)
        problems.extend(found)
        return value


def _parse_key(path: str, text: str) -> tuple[str, str]:
    """A file's parse in the cache: a procedure file, the portal tier or another YAML document."""
    kind = "procedure:" if procedure_id_of(path) else "tier:" if path == PORTAL else "yaml:"
    return kind + path, sha_of(text)


_READINGS = "readings"  # Parses' key of a lexicon's remembered readings: (_READINGS, _lexicon_key)


def _lexicon_key(files: Files) -> str:
    return sha_of(files[LEXICON]) if LEXICON in files else ""


def _built_key(files: Files) -> tuple[str, str]:
    return "built", sha_of("\n".join(f"{p} {sha_of(t)}" for p, t in sorted(files.items())))
