"""What an official reads in the quarterly report: steps named in words (never "steps", "about"), the
terminal chat's trial conversations left out, and a plain sentence when no volunteer session exists yet."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.content.flows_file import load_flows
from bot.content.loading import load_catalogue
from bot.report.labels import Labels
from bot.report.load import load_history
from bot.report.quarter import Quarter
from bot.report.texts import load_report_texts
from bot.storage.database import create_engine_for
from tests.report.builders import (
    GUIDE_TO_THE_END,
    Conversation,
    at,
    build_database,
    insert_history,
    play,
    small_engine,
)

SPOKEN = ("ask", "say", "pick", "walk", "handoff")  # the kinds that say something to the citizen


def test_every_step_of_the_real_flows_is_named_in_words() -> None:
    settings = Settings()
    catalogue = load_catalogue(settings.catalogue_dir)
    flows = load_flows(settings.flows_file, catalogue)
    labels = Labels(load_report_texts(), catalogue, flows)
    named = {
        (flow_id, step.id): labels.step(flow_id, step.id)
        for flow_id, flow in flows.flows.items()
        for step in flow.steps
        if step.kind in SPOKEN
    }
    assert len(named) > 50
    by_id = [key for key, label in named.items() if label == key[1]]
    assert by_id == [], f"steps shown by their internal id: {by_id}"
    assert named[("online", "steps")] == load_report_texts().walk_step


@pytest.mark.parametrize("test_channel", ["cli"])
async def test_terminal_conversations_are_not_counted_with_citizens(
    database_url: str, test_channel: str
) -> None:
    await build_database(database_url)
    engine = create_engine_for(database_url)
    try:
        before = await load_history(engine, Quarter(2026, 1))
        trial = play(
            small_engine(), Conversation(test_channel, "staff", at("2026-02-02 03:00"), GUIDE_TO_THE_END)
        )
        assert trial.events and trial.feedback
        await insert_history(engine, [trial])
        after = await load_history(engine, Quarter(2026, 1))
    finally:
        await engine.dispose()
    assert after.events == before.events and after.feedback == before.feedback
    assert all(e.channel != test_channel for e in after.events)
