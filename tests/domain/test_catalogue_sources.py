"""Per-field citations (`sources:`): both written forms load; a bad address or key is refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.catalogue import Catalogue, FieldSource, Procedure


def _with_sources(catalogue: Catalogue, sources: list[Any]) -> dict[str, Any]:
    data = catalogue["tro-cap-that-nghiep"].model_dump(mode="json")
    data["sources"] = sources
    return data


def test_mapping_and_line_forms_load(real_catalogue: Catalogue) -> None:
    data = _with_sources(
        real_catalogue,
        [
            {"field": "processing_time", "url": "https://example.org/a", "note": "20 ngày làm việc"},
            "fee: https://example.org/b (không thu phí)",
        ],
    )
    loaded = Procedure.model_validate(data)
    assert isinstance(loaded.sources[0], FieldSource)
    assert loaded.sources[0].field == "processing_time"
    assert loaded.sources[1] == "fee: https://example.org/b (không thu phí)"


@pytest.mark.parametrize(
    "bad",
    [
        {"field": "fee", "url": "example.org/no-scheme"},
        {"field": "fee", "url": "https://example.org", "page": 3},
        {"url": "https://example.org"},
    ],
)
def test_bad_citation_is_refused(real_catalogue: Catalogue, bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Procedure.model_validate(_with_sources(real_catalogue, [bad]))


def test_shipped_citations_are_web_addresses(real_catalogue: Catalogue) -> None:
    cited = [s for p in real_catalogue.values() for s in p.sources if isinstance(s, FieldSource)]
    assert cited, "the curated catalogue cites per-field sources"
    assert all(s.url.startswith(("http://", "https://")) for s in cited)
