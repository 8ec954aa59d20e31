"""The whole record set of ../shared/portal: every record imports, the committed tier is what the importer
makes of it, and every card the bot can show for a portal procedure fits one message."""

from __future__ import annotations

import pytest

from bot.cli.portal import import_folder
from bot.content.flows_file import load_flows
from bot.domain import templates
from bot.domain.catalogue import Catalogue
from bot.domain.flows.sites import template_sites
from bot.domain.messages import MESSAGE_LIMIT
from bot.portal.page import PARSERS, ParseReport
from bot.portal.records import captured_from_readme
from bot.portal.tier import load_tier
from tests.portal.support import ROOT, snapshot

MIN_RATE = 0.9  # the share of records whose field is read (or shown empty on the page), for every field


@pytest.fixture(scope="module")
def imported() -> tuple[str, ParseReport]:
    folder = snapshot()
    captured = captured_from_readme(folder)
    assert captured == "06–07/2026"
    return import_folder(folder, captured, progress=False)


def test_every_record_imports_and_each_field_is_mostly_read(imported: tuple[str, ParseReport]) -> None:
    _text, report = imported
    assert report.records >= 2600 and report.unreadable == []
    for name in PARSERS:
        counts = report.fields[name]
        assert counts.parsed + counts.empty + counts.unparsed == report.records
        assert (counts.parsed + counts.empty) / report.records >= MIN_RATE, name


def test_the_committed_tier_is_what_the_importer_makes(imported: tuple[str, ParseReport]) -> None:
    text, _report = imported
    committed = (ROOT / "portal.json").read_text(encoding="utf-8")
    assert committed == text, "portal.json is stale: run `motcua portal import ../shared/portal`"


def test_every_portal_card_fits_one_message(imported: tuple[str, ParseReport]) -> None:
    procedures, problems = load_tier(imported[0])
    assert problems == ()
    flows = load_flows(ROOT / "flows.yaml")
    formats = {key: templates.parse(source) for key, source in flows.formats.items()}
    wording = templates.Wording(flows.terms, formats, flows.messages.unverified)
    sites = [s for s in template_sites(flows) if s.message and s.flow == "portal"]
    assert sites
    too_long = []
    for site in sites:
        template = templates.parse(site.source)
        for procedure in Catalogue(list(procedures)).procedures():
            text = templates.render(template, templates.Facts(procedure=procedure), wording)
            if len(text) > MESSAGE_LIMIT:
                too_long.append((site.path, procedure.id, len(text)))
    assert too_long == []
