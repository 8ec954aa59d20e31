"""flows.yaml -> validated `Flows`, or every problem at once as FILE:LINE: field: message.

The `voice:` words are put in first (bot.domain.voice). Then two passes, like the catalogue: the shape
of the file (pydantic, `extra="forbid"`, one model per step kind), then the cross-references
(bot.domain.flows.checks). Given the catalogue, the second pass also renders every message for every
procedure and reports those past the channel's length limit.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.content.loading import dotted, problems_from_validation, read_or_problems
from bot.content.yamlsource import YamlDocument, YamlError, parse_yaml
from bot.domain.catalogue import Catalogue
from bot.domain.flows import KINDS, Flows, Issue, check_flows
from bot.domain.voice import apply_voice
from bot.errors import ContentInvalid, Problem


def load_flows(path: Path, catalogue: Catalogue | None = None) -> Flows:
    """Read and validate flows.yaml; raises ContentInvalid listing every problem."""
    flows, problems = validate_flows(read_or_problems(path), catalogue)
    if flows is None or problems:
        raise ContentInvalid(problems)
    return flows


def check_flows_text(text: str, file: str, catalogue: Catalogue | None = None) -> list[Problem]:
    """Every problem of a flows.yaml text, for `motcua validate`; [] when it is valid."""
    try:
        doc = parse_yaml(text, file)
    except YamlError as err:
        return [err.problem]
    return validate_flows(doc, catalogue)[1]


def validate_flows(
    doc: YamlDocument, catalogue: Catalogue | None = None
) -> tuple[Flows | None, list[Problem]]:
    data, voice_issues = apply_voice(doc.data)
    try:
        flows = Flows.model_validate(data)
    except ValidationError as err:
        return None, _shape_problems(err, doc) + _problems(voice_issues, doc)
    problems = _problems([*voice_issues, *check_flows(flows, catalogue)], doc)
    return flows, sorted(set(problems), key=lambda p: (p.line, p.field, p.message))


def _problems(issues: list[Issue], doc: YamlDocument) -> list[Problem]:
    return [
        Problem(
            doc.file,
            doc.line_of(issue.path) + issue.lines_below,
            dotted(issue.path),
            issue.message,
            issue.code,
            issue.params,
        )
        for issue in issues
    ]


def _shape_problems(err: ValidationError, doc: YamlDocument) -> list[Problem]:
    """pydantic's problems, with the step kind it adds to each location taken out again.

    A step's kind is its key (`say:`), which pydantic also puts in the error location
    (flows.menu.steps.0.say.next); the official's file has no such level, and its line map neither."""
    problems = []
    for problem, error in zip(problems_from_validation(err, doc), err.errors(), strict=True):
        loc = _without_kind(tuple(error["loc"]))
        problems.append(replace(problem, line=doc.line_of(loc), field=dotted(loc)))
    return problems


def _without_kind(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if (
        len(loc) > 4
        and loc[0] == "flows"
        and loc[2] == "steps"
        and isinstance(loc[3], int)
        and loc[4] in KINDS
    ):
        return loc[:4] + loc[5:]
    return loc
