from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.portal import import_folder
from bot.content.loading import load_catalogue
from bot.domain.catalogue import AgencyLevel, Procedure
from bot.domain.portal_page import ChannelKind
from bot.portal.tier import dump_tier, load_tier, tier_id
from tests.portal.support import FIXTURES, ROOT

CAPTURED = "06–07/2026"


@pytest.fixture(scope="module")
def tier_text() -> str:
    text, report = import_folder(FIXTURES, CAPTURED, progress=False)
    assert report.records == len(list(FIXTURES.glob("*/*.json")))
    return text


def _by_code(text: str) -> dict[str, Procedure]:
    procedures, problems = load_tier(text)
    assert problems == ()
    return {p.code or "": p for p in procedures}


def test_every_record_is_a_procedure_with_its_portal_facts(tier_text: str) -> None:
    procedure = _by_code(tier_text)["1.012786"]
    assert procedure.id == "tthc-1-012786" == tier_id("1.012786")
    assert procedure.tier == "portal" and procedure.portal_page is not None
    page = procedure.portal_page
    assert page.captured == CAPTURED and page.url.startswith("https://dichvucong.gov.vn/")
    assert procedure.source == page.url
    assert procedure.agency.level == AgencyLevel.TINH and page.level_text == "Cấp tỉnh"
    assert [c.kind for c in page.channels or []] == [
        ChannelKind.ONLINE,
        ChannelKind.POST,
        ChannelKind.IN_PERSON,
    ]
    assert procedure.channels.online and procedure.channels.post and procedure.level == 3
    assert procedure.fee.text == "Miễn phí" and procedure.fee.free
    assert procedure.processing_time.text == "Không có thông tin"  # 10 days online, 20 at the counter
    assert not procedure.online_steps  # the steps stay behind the link


def test_what_the_page_does_not_state_is_not_filled_in(tier_text: str) -> None:
    procedure = _by_code(tier_text)["2.002235"]  # its channel table is in another shape
    assert procedure.portal_page is not None and procedure.portal_page.channels is None
    assert not procedure.channels.online and not procedure.channels.post and procedure.level == 2
    assert procedure.fee.text == "Không có thông tin"
    unparsed_law = _by_code(tier_text)["3.000337"]
    assert unparsed_law.portal_page is not None and unparsed_law.portal_page.legal_basis is None
    assert unparsed_law.legal_basis == []


def test_the_file_is_compact_stable_and_read_once(tier_text: str) -> None:
    again, _ = import_folder(FIXTURES, CAPTURED, progress=False)
    assert again == tier_text
    assert tier_text.count("\n") == len(list(FIXTURES.glob("*/*.json"))) + 2  # head, one line each, end
    first, _ = load_tier(tier_text)
    assert load_tier(tier_text)[0] is first


def test_a_broken_file_is_reported_not_served() -> None:
    procedures, problems = load_tier('{"format": "something else"}', "portal.json")
    assert procedures == () and problems[0].file == "portal.json"
    procedures, problems = load_tier(dump_tier(CAPTURED, [])[:-5], "portal.json")
    assert procedures == () and "not JSON" in problems[0].message


def test_a_curated_procedure_overrides_its_portal_entry_and_keeps_its_id(tier_text: str) -> None:
    curated = load_catalogue(ROOT / "procedures")
    portal = list(load_tier(tier_text)[0])
    target = next(p for p in curated.procedures() if p.code)
    assert target.code is not None
    shadow = portal[0].model_copy(update={"id": tier_id(target.code), "code": target.code})
    entries = [shadow, *portal[1:]]
    merged = curated.with_portal(entries)
    assert merged[tier_id(target.code)] is target  # an old deep link opens the curated procedure
    assert tier_id(target.code) not in list(merged)
    assert merged.by_code(target.code) is target
    codes = {p.code for p in curated.procedures()}
    assert len(merged) == len(curated) + sum(1 for p in entries if p.code not in codes)
    assert {p.id for p in merged.curated()} == set(curated)


def test_the_committed_tier_loads() -> None:
    committed = ROOT / "portal.json"
    procedures, problems = load_tier(committed.read_text(encoding="utf-8"), str(committed))
    assert problems == () and len(procedures) >= 2600
    assert len({p.id for p in procedures}) == len(procedures)


def test_fixture_folder_needs_no_shared_checkout() -> None:
    assert Path(FIXTURES).is_dir() and (FIXTURES / "README.md").is_file()
