"""A scripted conversation through each flow of the real flows.yaml, on the real catalogue.

Expected texts come from the loaded flows (and the catalogue's facts), not from this file, so editing a
sentence in flows.yaml does not break a test; changing what a flow does does.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.content.model import Content
from bot.domain.catalogue import Procedure
from bot.domain.engine.render import wording_of
from bot.domain.flows.model import AskStep, Flows, PickStep, SayStep, WalkStep
from bot.domain.templates import Facts, parse, render
from tests.helpers import Chat


def source(flows: Flows, flow: str, step: str) -> str:
    found = flows.step(flow, step)
    assert isinstance(found, SayStep | AskStep | PickStep), f"{flow}.{step} is not a message"
    return (
        found.say if isinstance(found, SayStep) else found.ask if isinstance(found, AskStep) else found.pick
    )


def text_of(content: Content, flow: str, step: str, procedure: Procedure | None = None) -> str:
    """What a step says, rendered the way the engine renders it."""
    facts = Facts(procedure=procedure)
    return render(parse(source(content.flows, flow, step)), facts, wording_of(content.flows))


def first(content: Content, test: Callable[[Procedure], bool]) -> Procedure:
    found = [p for p in content.catalogue.procedures() if test(p)]
    assert found, "the catalogue has no procedure for this test"
    return found[0]


def matching(content: Content, query: str) -> str:
    """The procedure a query clearly means (the precondition of tests that need a `match`)."""
    result = content.index.search(query)
    assert result.decision == "match", f"search no longer matches {query!r}: {result}"
    return result.matches[0].id


def ids(flows: Flows, flow: str, step: str) -> list[str]:
    found = flows.step(flow, step)
    assert isinstance(found, AskStep | PickStep)
    return [b.command or f"{flow}.{step}.{b.id}" for b in found.buttons]


def test_welcome_then_menu(chat: Chat, real_content: Content) -> None:
    chat.start()
    assert [r.text for r in chat.replies] == [
        text_of(real_content, "welcome", "hello"),
        text_of(real_content, "menu", "choose"),
    ]
    assert chat.button_ids == ids(real_content.flows, "menu", "choose")
    assert chat.where == ("menu", "choose")


def test_find_a_procedure_that_matches_and_read_its_overview(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.find")
    assert chat.where == ("find", "ask_query")
    target = matching(real_content, "làm giấy khai sinh cho con")
    chat.type("làm giấy khai sinh cho con")
    procedure = real_content.catalogue[target]
    assert chat.state is not None and chat.state.procedure == target
    assert len(chat.replies) <= 2  # the short card, then what to read next
    assert chat.replies[0].text.startswith(text_of(real_content, "overview", "about", procedure))
    assert procedure.short_name in chat.text
    assert chat.where == ("overview", "next_steps")
    expected = [*ids(real_content.flows, "overview", "next_steps"), "menu"]
    assert chat.button_ids == expected  # online (it is online) and "not this one" (it came from a search)
    chat.press("overview.next_steps.documents")
    for document in procedure.documents:
        assert document.name in chat.text


def test_a_vague_query_offers_a_choice_and_not_this_one_comes_back_to_it(
    chat: Chat, real_content: Content
) -> None:
    result = real_content.index.search("khai sinh")
    assert result.decision == "choose"
    chat.start()
    chat.type("khai sinh")
    assert chat.where == ("find", "pick")
    offered = [f"p:{m.id}" for m in result.matches]
    assert chat.button_ids == [*offered, "find.pick.none_fit", "menu"]
    assert [b.label for b in chat.buttons[: len(offered)]] == [
        real_content.catalogue[m.id].short_name for m in result.matches
    ]
    chat.press(offered[1])
    assert chat.where == ("overview", "next_steps")
    assert chat.state is not None and chat.state.procedure == result.matches[1].id
    chat.press("overview.next_steps.other")
    assert chat.where == ("find", "pick")
    assert chat.button_ids[: len(offered)] == offered


def test_nothing_found_asks_to_rephrase_and_searches_again(chat: Chat, real_content: Content) -> None:
    gibberish = "qwxz plokm"
    assert real_content.index.search(gibberish).decision == "none"
    chat.start()
    chat.type(gibberish)
    assert chat.where == ("find", "not_found")
    assert chat.text == text_of(real_content, "find", "not_found")
    target = matching(real_content, "đăng ký kết hôn")
    chat.type("đăng ký kết hôn")
    assert chat.state is not None and chat.state.procedure == target
    chat.type("quay lại")
    assert chat.where == ("find", "not_found")
    chat.press("find.not_found.examples")
    assert chat.text == text_of(real_content, "find", "examples")


def test_the_overview_of_a_procedure_that_is_not_online(chat: Chat, real_content: Content) -> None:
    offline = first(real_content, lambda p: not p.channels.online)
    chat.start(offline.id)
    assert "overview.next_steps.online" not in chat.button_ids
    assert "overview.next_steps.other" not in chat.button_ids  # a deep link is not a search result
    chat.press("overview.next_steps.details")
    chat.press("overview.details.where")
    assert text_of(real_content, "overview", "where_offline", offline) in chat.text
    assert offline.agency.where in chat.text
    chat.type("cách nộp trực tuyến")  # not a label here: a question for the search
    assert chat.last.trace.search_decision is not None


def test_online_submission_walks_every_step_then_asks_for_feedback(chat: Chat, real_content: Content) -> None:
    procedure = first(real_content, lambda p: p.level == 4 and any(s.help for s in p.online_steps))
    chat.start(procedure.id)
    chat.press("overview.next_steps.online")
    assert chat.replies[0].text.startswith(text_of(real_content, "online", "level", procedure))
    total = len(procedure.online_steps)
    for number, step in enumerate(procedure.online_steps, start=1):
        assert chat.where == ("online", "steps")
        assert chat.replies[-1].text.startswith(f"Bước {number}/{total}: {step.title}")
        assert chat.button_ids == ["online.steps.next", "online.steps.stuck", "menu"]
        if step.help:
            chat.press("online.steps.stuck")
            assert step.help in chat.text
            helped = ["online.steps.next", "online.steps.stuck", "online.steps.contact", "menu"]
            assert chat.button_ids == helped
        chat.press("online.steps.next")
    assert text_of(real_content, "online", "submitted", procedure) in chat.text
    if not procedure.fee.free:  # level 4 with a fee: paid online
        assert text_of(real_content, "online", "pay_online", procedure) in chat.text
    assert chat.where == ("feedback", "helpful")
    chat.press("feedback.helpful.useful")
    assert chat.last.trace.feedback == (True, "")
    assert chat.replies[0].text == text_of(real_content, "feedback", "thank_you")
    assert chat.where == ("menu", "choose")


def test_online_for_a_partly_online_procedure_says_to_pay_and_collect_at_the_counter(
    chat: Chat, real_content: Content
) -> None:
    procedure = first(
        real_content,
        lambda p: p.level == 3 and p.channels.online and not p.fee.free and p.fee.online_amount is None,
    )
    chat.start(procedure.id)
    chat.press("overview.next_steps.online")
    assert chat.replies[0].text.startswith(text_of(real_content, "online", "level", procedure))
    for _ in procedure.online_steps:
        chat.press("online.steps.next")
    assert text_of(real_content, "online", "pay_counter", procedure) in chat.text


def test_online_from_the_menu_asks_which_procedure_first(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.online")
    assert chat.where == ("find", "ask_query")
    assert chat.state is not None and [f.flow for f in chat.state.stack] == ["online", "find"]
    target = matching(real_content, "lý lịch tư pháp")
    chat.type("lý lịch tư pháp")
    procedure = real_content.catalogue[target]
    assert chat.replies[0].text == text_of(real_content, "find", "found_here", procedure)
    assert chat.where == ("online", "steps")


def test_online_from_the_menu_with_a_procedure_confirms_it(chat: Chat, real_content: Content) -> None:
    chat.start("khai-sinh")
    chat.press("menu")
    chat.press("menu.choose.online")
    assert chat.where == ("online", "confirm")
    chat.press("online.confirm.other")
    assert chat.where == ("find", "ask_query")


def test_online_for_a_procedure_that_cannot_be_filed_online(chat: Chat, real_content: Content) -> None:
    offline = first(real_content, lambda p: not p.channels.online)
    chat.start(offline.id)
    chat.press("menu")
    chat.press("menu.choose.online")
    chat.press("online.confirm.this")
    assert chat.where == ("online", "not_online")
    assert chat.text.startswith(text_of(real_content, "online", "not_online", offline))
    chat.press("online.not_online.documents")
    assert offline.documents[0].name in chat.text


@pytest.mark.parametrize("topic", ["otp", "password", "passcode", "mismatch", "old"])
def test_account_troubleshooting(chat: Chat, real_content: Content, topic: str) -> None:
    chat.start()
    chat.press("menu.choose.account")
    chat.press("account.choose.trouble")
    assert chat.button_ids == [*ids(real_content.flows, "account", "trouble"), "menu"]
    chat.press(f"account.trouble.{topic}")
    step = {"old": "old_account"}.get(topic, topic)
    assert chat.replies[0].text == text_of(real_content, "account", step)
    assert chat.where == ("account", "trouble_next")
    chat.press("account.trouble_next.other")
    assert chat.where == ("account", "trouble")


def test_account_register_activate_login_then_feedback(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.account")
    chat.press("account.choose.register")
    assert chat.replies[0].text == text_of(real_content, "account", "register")
    chat.press("account.register_next.activate")
    assert chat.replies[0].text == text_of(real_content, "account", "activate")
    chat.press("account.activate_next.login")
    assert chat.replies[0].text == text_of(real_content, "account", "login")
    assert chat.replies[0].links and chat.replies[0].links[0].url == "https://dichvucong.gov.vn"
    chat.press("account.login_next.done")
    assert chat.where == ("feedback", "helpful")
    chat.press("feedback.helpful.not_useful")
    chat.type("Không thấy hướng dẫn cho người nước ngoài")
    assert chat.last.trace.feedback == (False, "Không thấy hướng dẫn cho người nước ngoài")
    assert chat.where == ("menu", "choose")


@pytest.mark.parametrize(
    ("known", "step"), [(True, "result_yes"), (False, "result_no"), (None, "result_unknown")]
)
def test_postal_return_for_a_procedure(
    chat: Chat, real_content: Content, known: bool | None, step: str
) -> None:
    procedure = first(real_content, lambda p: p.postal.return_result is known)
    chat.start(procedure.id)
    chat.press("overview.next_steps.postal")
    assert chat.replies[0].text.startswith(text_of(real_content, "postal", step, procedure))
    # the general how-to (choose postal return when filing) only where the result can be posted
    assert (text_of(real_content, "postal", "how") in chat.text) is (known is True)
    assert chat.where == ("postal", "more")


def test_postal_without_a_procedure_offers_to_look_one_up(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.postal")
    assert chat.where == ("postal", "ask_procedure")
    chat.press("postal.ask_procedure.choose")
    target = matching(real_content, "đăng ký kết hôn")
    chat.type("đăng ký kết hôn")
    procedure = real_content.catalogue[target]
    step = {True: "result_yes", False: "result_no", None: "result_unknown"}[procedure.postal.return_result]
    assert text_of(real_content, "postal", step, procedure) in chat.text
    chat.press("postal.more.done")
    chat.press("feedback.helpful.skip")
    assert chat.where == ("menu", "choose")
    assert chat.last.trace.feedback is None


def test_track_a_dossier(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.track")
    assert [r.text for r in chat.replies[:2]] == [
        text_of(real_content, "track", "how"),
        text_of(real_content, "track", "status"),
    ]
    chat.press("track.more.done")
    assert chat.where == ("feedback", "helpful")


def test_contact_without_a_procedure_names_the_one_stop_office(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.official")
    assert chat.replies[0].text == text_of(real_content, "contact", "general")
    assert "contact.options.resume" not in chat.button_ids  # nothing to go back to


def test_contact_for_a_procedure_then_back_to_it(chat: Chat, real_content: Content) -> None:
    procedure = first(real_content, lambda p: p.channels.online)
    chat.start(procedure.id)
    chat.press("overview.next_steps.details")
    chat.press("overview.details.contact")
    assert chat.replies[0].text.startswith(text_of(real_content, "contact", "procedure_office", procedure))
    assert procedure.contact.office in chat.text
    chat.press("contact.options.resume")
    assert chat.where == ("overview", "details")


def test_help_lists_what_the_bot_does_and_comes_back(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.account")
    chat.type("trợ giúp")
    assert chat.text == text_of(real_content, "help", "about")
    chat.press("help.about.resume")
    assert chat.where == ("account", "choose")


def test_thanks_is_answered_without_losing_the_place(chat: Chat, real_content: Content) -> None:
    chat.start()
    chat.press("menu.choose.account")
    chat.type("Cảm ơn!")
    assert chat.replies[0].text == text_of(real_content, "thanks", "reply")
    assert chat.where == ("account", "choose")


def test_typed_words_move_through_the_walk(chat: Chat, real_content: Content) -> None:
    walk = real_content.flows.step("online", "steps")
    assert isinstance(walk, WalkStep) and walk.continue_words and walk.stuck_words
    chat.start("khai-sinh")
    chat.press("overview.next_steps.online")
    chat.type(walk.continue_words[0])
    assert chat.replies[-1].text.startswith("Bước 2/")
    chat.type(walk.stuck_words[0].upper())
    assert chat.button_ids == ["online.steps.next", "online.steps.stuck", "online.steps.contact", "menu"]


def test_every_example_the_bot_suggests_finds_something(real_content: Content) -> None:
    examples = [
        line.removeprefix("• ")
        for line in source(real_content.flows, "find", "examples").splitlines()
        if line.startswith("• ")
    ]
    assert len(examples) >= 5
    for example in examples:
        assert real_content.index.search(example).decision != "none", example
