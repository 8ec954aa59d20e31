"""lexicon.yaml -> `Lexicon`, with every problem reported as FILE:LINE: field: message."""

from __future__ import annotations

from pathlib import Path

from bot.content.loading import load_model
from bot.domain.lexicon import Lexicon


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate the lexicon; raise ContentInvalid listing every problem."""
    return load_model(path, Lexicon)
