"""The portal tier: the committed data file `portal.json`, written by `motcua portal import` and read at
start-up into procedures of the catalogue.

The file holds one line per procedure (stable order, so git shows one line per changed procedure):

    {"format": "motcua-portal-tier/1", "captured": "06–07/2026", "count": 2642, "procedures": [
    {"code":"1.000178","name":"Giải quyết khiếu nại ...","page":{...PortalPage fields...}},
    ...]}

Only the portal's facts are stored. The fields every catalogue procedure has (agency, channels, fee...)
are derived from them when the file is read (`procedure_of`), the same way every time. Reading the file
is cached by its SHA-256, so several apps, checks and tests in one process parse it once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from bot.domain.catalogue import Procedure
from bot.domain.portal_page import PortalPage
from bot.errors import Problem
from bot.portal.derive import procedure_of

FORMAT = "motcua-portal-tier/1"
TIER_FILE = "portal.json"

_cache: dict[str, tuple[tuple[Procedure, ...], tuple[Problem, ...]]] = {}
_lock = threading.Lock()


def tier_id(code: str) -> str:
    """The procedure id of a portal entry, usable in deep links: 1.001193 -> tthc-1-001193."""
    return "tthc-" + code.replace(".", "-")


def dump_tier(captured: str, entries: Iterable[tuple[str, str, PortalPage]]) -> str:
    """The file's text for (code, name, page) entries, byte for byte the same for the same input."""
    lines = [
        json.dumps(
            {
                "code": code,
                "name": name,
                "page": page.model_dump(mode="json", exclude_defaults=True, exclude={"captured"}),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for code, name, page in sorted(entries, key=lambda e: e[0])
    ]
    head = json.dumps({"format": FORMAT, "captured": captured, "count": len(lines)}, ensure_ascii=False)
    return head[:-1] + ', "procedures": [\n' + ",\n".join(lines) + "\n]}\n"


def load_tier(text: str, path: str = TIER_FILE) -> tuple[tuple[Procedure, ...], tuple[Problem, ...]]:
    """The tier's procedures, or the problems that stop it loading (cached by the text's hash)."""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = _parse(text, path)
        with _lock:
            _cache.clear()  # one tier at a time is all a process serves
            _cache[key] = cached
    return cached


def _parse(text: str, path: str) -> tuple[tuple[Procedure, ...], tuple[Problem, ...]]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        return (), (Problem(path, err.lineno, "(file)", f"not JSON: {err.msg}"),)
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("procedures"), list)
    ):
        return (), (Problem(path, 1, "format", f"not a portal tier file (expected format {FORMAT})"),)
    procedures: list[Procedure] = []
    problems: list[Problem] = []
    for line, entry in enumerate(data["procedures"], start=2):
        try:
            page = PortalPage.model_validate({**entry["page"], "captured": data["captured"]})
            procedures.append(procedure_of(tier_id(entry["code"]), entry["code"], entry["name"], page))
        except (ValidationError, KeyError, TypeError) as err:
            problems.append(Problem(path, line, "procedures", f"entry {line - 1} cannot be read: {err}"))
    return tuple(procedures), tuple(problems)
