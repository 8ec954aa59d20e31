"""lexicon.yaml -> `Lexicon`, with every problem reported as FILE:LINE: field: message."""

from __future__ import annotations

from pathlib import Path

from bot.domain.lexicon import Lexicon
from bot.errors import UNREADABLE, ContentInvalid, Problem
from bot.loading import read_document, validate_model
from bot.yamlsource import YamlError


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate the lexicon; raise ContentInvalid listing every problem."""
    try:
        doc = read_document(path)
    except YamlError as err:
        raise ContentInvalid([err.problem]) from None
    except OSError as err:
        raise ContentInvalid(
            [Problem.of(str(path), 1, "(file)", "unreadable", UNREADABLE, why=str(err.strerror))]
        ) from None
    lexicon, problems = validate_model(Lexicon, doc)
    if lexicon is None:
        raise ContentInvalid(problems)
    return lexicon
