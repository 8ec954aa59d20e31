"""outreach.yaml -> `OutreachTexts`, with every problem reported as FILE:LINE: field: message."""

from __future__ import annotations

from pathlib import Path

from bot.config import CHECKOUT
from bot.errors import UNREADABLE, ContentInvalid, Problem
from bot.loading import read_document, validate_model
from bot.outreach.texts import OutreachTexts
from bot.yamlsource import YamlError

OUTREACH_FILE = CHECKOUT / "outreach.yaml"


def load_outreach(path: Path = OUTREACH_FILE) -> OutreachTexts:
    """Read and validate the leaflet and poster words; raise ContentInvalid listing every problem."""
    try:
        doc = read_document(path)
    except YamlError as err:
        raise ContentInvalid([err.problem]) from None
    except OSError as err:
        raise ContentInvalid(
            [Problem.of(str(path), 1, "(file)", "unreadable", UNREADABLE, why=str(err.strerror))]
        ) from None
    texts, problems = validate_model(OutreachTexts, doc)
    if texts is None:
        raise ContentInvalid(problems)
    return texts
