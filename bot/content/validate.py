"""`motcua validate [PATH]`: check content files and print every problem as FILE:LINE: field: message.

PATH may be the procedures folder, one procedure file, flows.yaml or lexicon.yaml; without PATH the
configured procedures/, flows.yaml and lexicon.yaml are all checked. One procedure file is checked in
the context of the configured catalogue, so its `related` ids are resolved.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from bot.content.flows_file import check_flows_text
from bot.content.lexicon_file import load_lexicon
from bot.content.loading import load_catalogue, load_catalogue_texts, read_catalogue_dir
from bot.content.outreach_file import load_outreach
from bot.domain.catalogue import Catalogue
from bot.errors import ContentInvalid, Problem


def _check_catalogue(files: dict[str, str]) -> list[Problem]:
    try:
        load_catalogue_texts(files)
    except ContentInvalid as err:
        return err.problems
    return []


def _catalogue_or_none(settings: Settings) -> Catalogue | None:
    """The configured catalogue, so flow messages are also checked at their length once facts fill them."""
    try:
        return load_catalogue(settings.catalogue_dir)
    except ContentInvalid:
        return None  # its own problems are reported separately


def _check_file(path: Path, settings: Settings) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [Problem.of(str(path), 1, "(file)", "not_utf8", "the file is not UTF-8 text")]
    if path.name == "outreach.yaml" or path.resolve() == settings.outreach_file.resolve():
        try:
            load_outreach(path)
        except ContentInvalid as err:
            return err.problems
        return []
    if path.name == "lexicon.yaml":
        try:
            load_lexicon(path)
        except ContentInvalid as err:
            return err.problems
        return []
    if path.name == "flows.yaml" or path.resolve() == settings.flows_file.resolve():
        return check_flows_text(text, str(path), catalogue=_catalogue_or_none(settings))
    # One procedure: check it together with the configured catalogue so cross-references resolve.
    context: dict[str, str] = {}
    if settings.catalogue_dir.is_dir():
        context = {
            k: v for k, v in read_catalogue_dir(settings.catalogue_dir).items() if Path(k).stem != path.stem
        }
    context[str(path)] = text
    return [p for p in _check_catalogue(context) if p.file == str(path)]


def collect_problems(settings: Settings, path: str | None) -> list[Problem]:
    if path is None:
        problems = _check_catalogue(read_catalogue_dir(settings.catalogue_dir))
        problems += _check_file(settings.flows_file, settings)
        for extra in (settings.lexicon_file, settings.outreach_file):
            if extra.exists():
                problems += _check_file(extra, settings)
        return problems
    target = Path(path)
    if target.is_dir():
        return _check_catalogue(read_catalogue_dir(target))
    if not target.exists():
        return [Problem(path, 1, "(file)", "no such file or folder")]
    return _check_file(target, settings)


def validate_path(settings: Settings, path: str | None) -> int:
    try:
        problems = collect_problems(settings, path)
    except ContentInvalid as err:
        problems = err.problems
    for problem in sorted(problems, key=lambda p: (p.file, p.line, p.field)):
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    return 0
