"""The compiled catalogue: a built content set kept on disk, so a command starts in a second, not ten.

Building the content with the portal tier (parsing the YAML, validating ~2,700 procedures, building the
search index) takes seconds; a command such as `motcua search` would pay them on every run. So the built
parts are pickled into a cache folder, keyed by a SHA-256 of every content file's text and of the code
that builds and defines them (every .py file of the `bot` package, and the versions of Python, pydantic,
rapidfuzz and PyYAML): a changed procedure, flows.yaml, portal.json or source file is a new key.

The index and the whole `Built` are separate files: a search needs only the index, which loads in a
fraction of the time the catalogue's pydantic models take. Beside the `Built` are the parses of its files
(YAML documents, procedures, the portal tier): a server that started from the cache and then publishes
one changed procedure parses that one file, not the whole set again.

A cache file is a hint, never trusted: one that cannot be read, fails to unpickle, names another key or
holds the wrong type is ignored and rebuilt from the files (which are checked as always: problems raise
ContentInvalid, and nothing is cached). Writing is best-effort (a read-only checkout just builds each
time) and atomic (a temporary file renamed into place), so concurrent commands never read half a file.
Only the newest KEEP keys are kept.

The folder is `.cache/content/` in the checkout (ignored by git; delete it at will). The pickles are
written and read only by this code, so the folder must not be writable by anyone else.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import platform
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from bot.content.content_set import Built, ContentChecker, Files, Parses
from bot.domain.search import ProcedureIndex

CODE_ROOT = Path(__file__).resolve().parent.parent  # the `bot` package
DEFAULT_DIR = CODE_ROOT.parent / ".cache" / "content"
KEEP = 8  # keys kept: a few checkouts' or revisions' worth, without growing for ever
FORMAT = 2  # bump when the layout of a cache file changes
_LIBRARIES = ("pydantic", "pydantic-core", "rapidfuzz", "PyYAML")
_INDEX, _BUILT = "index", "built"
T = TypeVar("T")

_code_version: str | None = None


def code_version() -> str:
    """A hash of the code whose objects are pickled or that builds them (once per process)."""
    global _code_version
    if _code_version is None:
        digest = hashlib.sha256(f"{FORMAT} {platform.python_version()}".encode())
        for name in _LIBRARIES:
            with contextlib.suppress(metadata.PackageNotFoundError):
                digest.update(f" {name}={metadata.version(name)}".encode())
        for path in sorted(CODE_ROOT.rglob("*.py")):
            digest.update(str(path.relative_to(CODE_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
        _code_version = digest.hexdigest()
    return _code_version


def cache_key(files: Files) -> str:
    digest = hashlib.sha256(code_version().encode())
    for path in sorted(files):
        text = files[path].encode("utf-8", "surrogatepass")
        digest.update(b"\0" + path.encode() + b"\0" + str(len(text)).encode() + b"\0" + text)
    return digest.hexdigest()


@dataclass(frozen=True)
class Compiled:
    built: Built
    parses: Parses  # the checker's parses of the set's files (ContentChecker.parses)


class CompiledContent:
    """Built content sets and their search indexes, from the cache folder or built and stored there."""

    def __init__(self, directory: Path | None = None, checker: ContentChecker | None = None) -> None:
        self.directory = directory if directory is not None else DEFAULT_DIR
        self._checker = checker or ContentChecker()

    @property
    def checker(self) -> ContentChecker:
        return self._checker

    def built(self, files: Files) -> Built:
        """The set as `Content` (and outreach texts); raises ContentInvalid listing every problem."""
        held = self._checker.cached(files)  # a set this process has already built or read
        if held is not None:
            return held
        key = cache_key(files)
        cached = self._read(key, _BUILT, Compiled)
        if cached is None:
            return self._build(key, files)
        self._checker.adopt(files, cached.built, cached.parses)
        return cached.built

    def index(self, files: Files) -> ProcedureIndex:
        """The set's search index alone: what `motcua search` answers with."""
        held = self._checker.cached(files)
        if held is not None:
            return held.content.index
        key = cache_key(files)
        cached = self._read(key, _INDEX, ProcedureIndex)
        return cached if cached is not None else self._build(key, files).content.index

    def _build(self, key: str, files: Files) -> Built:
        built = self._checker.build(files)
        # The index first: it is what a search reads, and a built set without it would be rebuilt anyway.
        self._write(key, _INDEX, built.content.index)
        self._write(key, _BUILT, Compiled(built, self._checker.parses(files)))
        self._prune()
        return built

    def _path(self, key: str, part: str) -> Path:
        return self.directory / f"{key}.{part}.pickle"

    def _read(self, key: str, part: str, kind: type[T]) -> T | None:
        # Unpickling makes a few hundred thousand objects, all kept: the cyclic collector would scan them
        # again and again on the way (half of the load time), so it waits until the load is done.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self._path(key, part).open("rb") as file:
                stored = pickle.load(file)
        except Exception:  # missing, truncated, foreign, or of classes that changed: build afresh
            return None
        finally:
            if collecting:
                gc.enable()
        if not (isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (key, part)):
            return None
        value = stored[2]
        return value if isinstance(value, kind) else None

    def _write(self, key: str, part: str, value: object) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{part}-", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    pickle.dump((key, part, value), file, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self._path(key, part))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except (OSError, pickle.PicklingError):
            pass  # best-effort: the command still answers, it only builds again next time

    def _prune(self) -> None:
        try:
            entries = [(p.stat().st_mtime, p) for p in self.directory.glob("*.pickle")]
        except OSError:
            return
        keys: dict[str, float] = {}
        for mtime, path in entries:
            key = path.name.split(".", 1)[0]
            keys[key] = max(mtime, keys.get(key, 0.0))
        for old in sorted(keys, key=lambda k: keys[k], reverse=True)[KEEP:]:
            for path in self.directory.glob(f"{old}.*.pickle"):
                with contextlib.suppress(OSError):
                    path.unlink()
