"""Fixtures for handoff tests: the real content (procedures/, flows.yaml) loaded once, and its
`handoff:` section."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.model import Content, load_content
from bot.domain.handoff_config import HandoffConfig

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml")


@pytest.fixture(scope="session")
def config(content: Content) -> HandoffConfig:
    assert content.flows.handoff is not None, "flows.yaml has a handoff: section"
    return content.flows.handoff
