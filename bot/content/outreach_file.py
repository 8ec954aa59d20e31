"""outreach.yaml -> `OutreachTexts`, with every problem reported as FILE:LINE: field: message."""

from __future__ import annotations

from pathlib import Path

from bot.config import CHECKOUT
from bot.content.loading import load_model
from bot.outreach.texts import OutreachTexts

OUTREACH_FILE = CHECKOUT / "outreach.yaml"


def load_outreach(path: Path = OUTREACH_FILE) -> OutreachTexts:
    """Read and validate the leaflet and poster words; raise ContentInvalid listing every problem."""
    return load_model(path, OutreachTexts)
