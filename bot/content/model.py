"""Everything the engine needs, loaded and checked together: catalogue, lexicon, search index, flows.

A `Content` is immutable; a new revision of the content is a new `Content`, swapped in whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.flows_file import load_flows
from bot.content.lexicon_file import load_lexicon
from bot.content.loading import load_catalogue
from bot.domain.catalogue import Catalogue
from bot.domain.engine import Engine
from bot.domain.flows import Flows
from bot.domain.lexicon import Lexicon, Reader
from bot.domain.search import ProcedureIndex, topic_specs
from bot.errors import ContentInvalid, Problem
from bot.portal.tier import load_tier


@dataclass(frozen=True)
class Content:
    catalogue: Catalogue
    lexicon: Lexicon
    index: ProcedureIndex
    flows: Flows
    engine: Engine

    @classmethod
    def build(
        cls, catalogue: Catalogue, lexicon: Lexicon, flows: Flows, reading: Reader | None = None
    ) -> Content:
        """`reading`: what reads the catalogue's texts for the index (see ProcedureIndex.build)."""
        index = ProcedureIndex.build(catalogue, lexicon, topic_specs(flows.topics), reading)
        return cls(catalogue, lexicon, index, flows, Engine(catalogue, index, flows))


def load_content(
    catalogue_dir: Path, flows_file: Path, lexicon_file: Path, portal_file: Path | None = None
) -> Content:
    """Load and cross-check all content; raise ContentInvalid listing every problem in every file.
    The portal tier is added only when `portal_file` is given (the app reads it from the settings)."""
    problems: list[Problem] = []
    catalogue: Catalogue | None = None
    lexicon = Lexicon.empty()
    flows: Flows | None = None
    try:
        catalogue = load_catalogue(catalogue_dir)
    except ContentInvalid as err:
        problems.extend(err.problems)
    if lexicon_file.exists():
        try:
            lexicon = load_lexicon(lexicon_file)
        except ContentInvalid as err:
            problems.extend(err.problems)
    try:
        flows = load_flows(flows_file, catalogue)
    except ContentInvalid as err:
        problems.extend(err.problems)
    if portal_file is not None and catalogue is not None:
        portal, found = load_tier(portal_file.read_text(encoding="utf-8"), str(portal_file))
        problems.extend(found)
        catalogue = catalogue.with_portal(portal)
    if problems or catalogue is None or flows is None:
        raise ContentInvalid(problems)
    return Content.build(catalogue, lexicon, flows)
