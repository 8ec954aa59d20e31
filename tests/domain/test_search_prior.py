"""Near ties go to the procedure a citizen most likely means: curated first, then portal procedures handled
near the citizen (commune, province) and filed by citizens."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.model import Content, load_content
from bot.domain.catalogue import AgencyLevel
from bot.domain.search.prior import prior

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def with_portal() -> Content:
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", ROOT / "portal.json")


def test_curated_procedures_keep_their_score(with_portal: Content) -> None:
    assert all(prior(p) == 1.0 for p in with_portal.catalogue.procedures() if p.tier == "curated")


def test_portal_procedures_near_citizens_come_before_ministries_and_businesses(with_portal: Content) -> None:
    portal = [(p, p.portal_page.filers) for p in with_portal.catalogue.procedures() if p.portal_page]
    near = next(p for p, filers in portal if p.agency.level == AgencyLevel.XA and "citizen" in filers)
    far = next(
        p for p, filers in portal if p.agency.level == AgencyLevel.BO and filers and "citizen" not in filers
    )
    assert 1.0 > prior(near) > prior(far)


@pytest.mark.parametrize(
    "question", ["đăng ký khai sinh", "làm hộ chiếu", "đăng ký tạm trú", "đổi bằng lái xe", "lý lịch tư pháp"]
)
def test_common_questions_land_on_the_curated_procedure(with_portal: Content, question: str) -> None:
    best = with_portal.index.search(question).matches[0]
    assert best.tier == "curated", best
