"""Fixtures for dialogue tests: the real content (procedures/, flows.yaml, lexicon.yaml) loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.model import Content, load_content
from bot.domain.catalogue import Catalogue
from bot.domain.flows.model import Flows
from tests.helpers import Chat

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def real_content() -> Content:
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml")


@pytest.fixture(scope="session")
def served_content() -> Content:
    """What a server of this checkout serves: the curated files and the national portal's tier."""
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", ROOT / "portal.json")


@pytest.fixture(scope="session")
def real_catalogue(real_content: Content) -> Catalogue:
    return real_content.catalogue


@pytest.fixture(scope="session")
def real_flows(real_content: Content) -> Flows:
    return real_content.flows


@pytest.fixture
def chat(real_content: Content) -> Chat:
    """A new citizen talking to the engine built from the real content."""
    return Chat(real_content.engine)
