"""A Zalo OA link cannot open a procedure, so the leaflet prints what to type under the Zalo code: the
procedure's short name. That only works if the bot's search finds exactly that procedure from it."""

from __future__ import annotations

import pytest

from bot.config import CHECKOUT
from bot.content.lexicon_file import load_lexicon
from bot.domain.catalogue import Catalogue
from bot.domain.lexicon import Lexicon
from bot.domain.search.procedures import ProcedureIndex


@pytest.fixture(scope="module")
def index(catalogue: Catalogue) -> ProcedureIndex:
    lexicon_file = CHECKOUT / "lexicon.yaml"
    lexicon = load_lexicon(lexicon_file) if lexicon_file.exists() else Lexicon.empty()
    return ProcedureIndex.build(catalogue, lexicon)


def test_typing_the_printed_short_name_finds_that_procedure(
    catalogue: Catalogue, index: ProcedureIndex
) -> None:
    wrong = {}
    for procedure in catalogue.procedures():
        result = index.search(procedure.short_name)
        top = result.matches[0].id if result.matches else None
        if result.decision != "match" or top != procedure.id:
            wrong[procedure.id] = (procedure.short_name, result.decision, top)
    assert not wrong, f"these leaflets would send Zalo users astray: {wrong}"
