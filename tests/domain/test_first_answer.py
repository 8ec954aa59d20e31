"""The first answer about a procedure fits a phone screen, for EVERY procedure of the catalogue: at most two
messages and about 600 characters, with what it is, fee, time, whether it is online, and where; the rest
one button away. Also: each part the search may open directly (overview.fee...) shows that part."""

from __future__ import annotations

import pytest

from bot.content.model import Content
from bot.domain.catalogue import Procedure
from bot.domain.flows.model import AskStep
from tests.helpers import Chat

MAX_MESSAGES = 2
MAX_CHARACTERS = 650  # "about 600": a phone screen
PARTS = ("about", "documents", "fee", "time", "conditions", "where")  # step ids other flows open


def first_answers(content: Content) -> list[tuple[Procedure, list[str]]]:
    out = []
    for procedure in content.catalogue.procedures():
        chat = Chat(content.engine)
        chat.start(procedure.id)
        out.append((procedure, [r.text for r in chat.replies]))
    return out


def test_the_first_answer_fits_a_phone_screen_for_every_procedure(real_content: Content) -> None:
    answers = first_answers(real_content)
    assert len(answers) == len(real_content.catalogue)
    too_long = [
        (p.id, len(texts), sum(map(len, texts)))
        for p, texts in answers
        if len(texts) > MAX_MESSAGES or sum(map(len, texts)) > MAX_CHARACTERS
    ]
    assert not too_long, (
        f"(procedure, messages, characters) over {MAX_MESSAGES} / {MAX_CHARACTERS}: {too_long}"
    )


def test_the_first_answer_says_what_fee_time_online_and_where(real_content: Content) -> None:
    terms = real_content.flows.terms["level"]
    uncertain = real_content.flows.uncertain.get("level", {})
    for procedure, texts in first_answers(real_content):
        card = texts[0]
        assert card.startswith(procedure.short_name)
        assert procedure.fee.text.split()[0] in card and procedure.processing_time.text.split()[0] in card
        level = str(procedure.level)
        assert terms[level] in card or uncertain.get(level, "\0") in card, procedure.id
        assert procedure.agency.where.split()[0] in card


def test_a_search_answer_is_as_short_as_a_deep_link(chat: Chat, real_content: Content) -> None:
    chat.type("làm giấy khai sinh cho con")
    assert chat.where == ("overview", "next_steps")
    assert len(chat.replies) <= MAX_MESSAGES and len("".join(r.text for r in chat.replies)) <= MAX_CHARACTERS


def test_papers_steps_postal_and_details_are_behind_buttons(real_content: Content) -> None:
    step = real_content.flows.step("overview", "next_steps")
    assert isinstance(step, AskStep)
    targets = {b.goto or b.call for b in step.buttons}
    assert {"documents", "online.intro", "postal", "details"} <= targets


@pytest.mark.parametrize("part", PARTS)
def test_every_part_other_flows_open_exists_and_shows_its_fact(real_content: Content, part: str) -> None:
    procedure = real_content.catalogue["ly-lich-tu-phap"]
    assert real_content.flows.step("overview", part) is not None
    chat = Chat(real_content.engine)
    chat.start(procedure.id)
    fact = {
        "about": procedure.short_name,
        "documents": procedure.documents[0].name,
        "fee": procedure.fee.text[:40],
        "time": procedure.processing_time.text[:30],
        "conditions": procedure.for_whom[:30],
        "where": procedure.agency.name,
    }[part]
    buttons = {
        "about": [],
        "documents": ["overview.next_steps.documents"],
        "fee": ["overview.next_steps.details", "overview.details.fee"],
        "time": ["overview.next_steps.details", "overview.details.fee"],
        "conditions": ["overview.next_steps.details", "overview.details.conditions"],
        "where": ["overview.next_steps.details", "overview.details.where"],
    }[part]
    for button in buttons:
        chat.press(button)
    assert fact in chat.text
