"""The service with the handoff desk, on a real database and the real content, with a recording sender:
queueing, the bot's silence while a person holds the conversation, delivery in order, handing back,
rating, leaving, and the honest notices (hours, waiting time, hotline)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.content.model import Content
from bot.domain.flows.model import HandoffStep
from bot.domain.handoff_config import HandoffConfig, fill
from bot.domain.messages import Incoming
from bot.domain.state import ConversationState
from bot.handoff.inbox import HandoffConflict
from bot.handoff.queue import ACTIVE, CLOSED, WAITING
from bot.handoff.wording import RATE_PREFIX, hotline_line
from bot.service import ChatService
from tests.handoff.support import SATURDAY_8PM, TUESDAY_9AM, Citizen, Clock, Desk, desk_service

WARD = "Bộ phận Một cửa"  # flows.yaml handoff.ward


@pytest.fixture
async def desk(database_url: str, content: Content) -> AsyncIterator[Desk]:
    async with desk_service(database_url, content, Clock(TUESDAY_9AM)) as desk:
        yield desk


async def queued(desk: Desk, citizen: Citizen | None = None) -> tuple[Citizen, int]:
    citizen = citizen or desk.citizen()
    await citizen.asks_for_a_person()
    official = await desk.staff("official")
    items = [i for i in await desk.desk.inbox.items(official) if i["status"] == WAITING]
    mine = [i for i in items if any(line["text"] == "gặp cán bộ" for line in i["transcript"])]
    return citizen, mine[-1]["id"]


async def state_of(service: ChatService, citizen: Citizen) -> ConversationState:
    saved = await service.store.load_state(citizen.key)
    assert saved is not None
    return ConversationState.from_json(saved)


async def test_asking_for_a_person_queues_the_conversation_with_hours_and_an_honest_wait(
    desk: Desk, content: Content, config: HandoffConfig
) -> None:
    citizen = desk.citizen()
    answer = await citizen.asks_for_a_person()
    step = content.flows.step("handoff", "queue")
    assert isinstance(step, HandoffStep) and len(answer) == 1
    assert answer[0].startswith(step.handoff)
    assert fill(config.messages.open_now, {"hours": config.hours_text}) in answer[0]
    assert config.messages.no_estimate in answer[0]  # a new database has no waits to go by
    [item] = await desk.desk.inbox.items(await desk.staff("admin"))
    assert (item["status"], item["ward"], item["procedure"], item["channel"]) == (
        WAITING,
        WARD,
        "khai-sinh",
        "telegram",
    )
    said = [(line["who"], line["text"]) for line in item["transcript"]]
    assert ("citizen", "gặp cán bộ") in said
    assert ("citizen", "Nhắn tin với cán bộ") in said  # a press shows as the label the citizen saw
    assert said[-1] == ("bot", answer[0])


async def test_the_bot_stays_silent_while_a_person_holds_the_conversation_and_nothing_is_lost(
    desk: Desk, config: HandoffConfig
) -> None:
    citizen, handoff_id = await queued(desk)
    before = await state_of(desk.service, citizen)
    assert await citizen.says("alo, có ai không?") == [config.messages.waiting_ack]  # once, while waiting
    assert await citizen.says("cho hỏi lệ phí") == []
    volunteer = await desk.staff("volunteer", WARD)
    await desk.desk.inbox.claim(handoff_id, volunteer)
    heard = len(citizen.received)
    for text in ("khai sinh", "menu chính ở đâu vậy", "số tôi là 0912345678"):
        assert await citizen.says(text) == [], text  # "khai sinh" would start a search if the bot answered
    assert await citizen.send(Incoming.pressed("contact.options.find")) == []
    assert len(citizen.received) == heard
    after = await state_of(desk.service, citizen)
    assert (after.flow, after.step) == (before.flow, before.step) == ("handoff", "queue")
    assert await desk.service.store.pending_inbox() == []  # every message was processed
    [item] = [i for i in await desk.desk.inbox.items(volunteer) if i["id"] == handoff_id]
    citizen_lines = [line["text"] for line in item["transcript"] if line["who"] == "citizen"]
    assert citizen_lines[-6:] == [
        "alo, có ai không?",
        "cho hỏi lệ phí",
        "khai sinh",
        "menu chính ở đâu vậy",
        "số tôi là [SĐT]",
        "Tìm thủ tục",
    ]


async def test_the_phone_number_is_masked_in_the_transcript(desk: Desk) -> None:
    citizen, handoff_id = await queued(desk)
    await citizen.says("gọi tôi qua 0912345678 nhé")
    item = await desk.desk.inbox._view(handoff_id)
    assert not any("0912345678" in line["text"] for line in item["transcript"])


async def test_a_persons_replies_reach_the_citizen_in_order_even_through_a_failure(
    desk: Desk, config: HandoffConfig
) -> None:
    citizen, handoff_id = await queued(desk)
    volunteer = await desk.staff("volunteer", WARD, "Trần Văn Minh")
    await desk.desk.inbox.claim(handoff_id, volunteer)
    assert citizen.received[-1] == fill(config.messages.claimed, {"person": "Trần Văn Minh"})
    heard = len(citizen.received)
    await desk.desk.inbox.reply(handoff_id, volunteer, "Chào bạn, mình là cán bộ phường.")
    desk.sender.fail = 1  # the second reply fails once: the third must not overtake it
    await desk.desk.inbox.reply(handoff_id, volunteer, "Bạn đang vướng ở bước nào?")
    await desk.desk.inbox.reply(handoff_id, volunteer, "Bạn gửi lại giúp mình nhé.")
    assert len(citizen.received) == heard + 1
    await asyncio.sleep(1.1)  # the first retry comes after a second
    await desk.service.recover()
    texts = ["Chào bạn, mình là cán bộ phường.", "Bạn đang vướng ở bước nào?", "Bạn gửi lại giúp mình nhé."]
    said = [fill(config.messages.person_says, {"text": t, "person": volunteer.name}) for t in texts]
    assert citizen.received[heard:] == said
    assert desk.sender.attempts == len(desk.sender.sent) + 1  # the failed send was tried again
    item = await desk.desk.inbox._view(handoff_id)
    assert [line["text"] for line in item["transcript"] if line["who"] == "person"] == texts


async def test_handing_back_asks_for_a_rating_stores_it_and_the_bot_goes_on(
    desk: Desk, config: HandoffConfig
) -> None:
    citizen, handoff_id = await queued(desk)
    volunteer = await desk.staff("volunteer", WARD)
    await desk.desk.inbox.claim(handoff_id, volunteer)
    await desk.desk.inbox.reply(handoff_id, volunteer, "Bạn nộp ở mục Hộ tịch nhé.")
    await desk.desk.inbox.release(handoff_id, volunteer)
    assert citizen.received[-2:] == [config.messages.released, config.rating.ask]
    rating_buttons = [
        b["id"] for _, r in desk.sender.sent if r["text"] == config.rating.ask for b in r["buttons"]
    ]
    assert rating_buttons == [f"{RATE_PREFIX}{o.value}" for o in config.rating.options]
    answer = await citizen.presses(f"{RATE_PREFIX}4")
    assert answer[0] == config.rating.thanks
    state = await state_of(desk.service, citizen)
    assert (state.flow, state.step) == ("overview", "next_steps")  # where "gặp cán bộ" was typed
    row = await desk.handoff_row(handoff_id)
    assert (row.status, row.closed_by, row.rating, row.rating_pending) == (CLOSED, "person", 4, False)
    assert await citizen.says("khai sinh") != []  # the bot answers again


async def test_a_typed_rating_counts_and_no_rating_is_asked_twice(desk: Desk, config: HandoffConfig) -> None:
    citizen, handoff_id = await queued(desk)
    volunteer = await desk.staff("volunteer", WARD)
    await desk.desk.inbox.claim(handoff_id, volunteer)
    await desk.desk.inbox.reply(handoff_id, volunteer, "Xong rồi nhé.")
    await desk.desk.inbox.release(handoff_id, volunteer)
    assert (await citizen.says("5"))[0] == config.rating.thanks
    assert (await desk.handoff_row(handoff_id)).rating == 5
    assert config.rating.thanks not in await citizen.says(
        "4"
    )  # the question is answered; "4" is a question now


async def test_going_on_without_rating_is_answered_as_usual(desk: Desk) -> None:
    citizen, handoff_id = await queued(desk)
    volunteer = await desk.staff("volunteer", WARD)
    await desk.desk.inbox.claim(handoff_id, volunteer)
    await desk.desk.inbox.reply(handoff_id, volunteer, "Chào bạn.")
    await desk.desk.inbox.release(handoff_id, volunteer)
    answer = await citizen.says("đăng ký kết hôn")
    assert answer and "kết hôn" in answer[0].lower()
    row = await desk.handoff_row(handoff_id)
    assert (row.rating, row.rating_pending) == (None, False)


async def test_handing_back_before_any_reply_goes_on_at_once_without_a_rating(
    desk: Desk, config: HandoffConfig
) -> None:
    citizen, handoff_id = await queued(desk)
    official = await desk.staff("official")
    await desk.desk.inbox.release(handoff_id, official)  # waiting: the bot can answer this one
    assert config.messages.released in citizen.received
    assert config.rating.ask not in citizen.received
    state = await state_of(desk.service, citizen)
    assert (state.flow, state.step) == ("overview", "next_steps")
    assert (await desk.handoff_row(handoff_id)).rating_pending is False


async def test_menu_ends_the_handoff_from_the_citizens_side(desk: Desk, config: HandoffConfig) -> None:
    citizen, handoff_id = await queued(desk)
    volunteer = await desk.staff("volunteer", WARD)
    await desk.desk.inbox.claim(handoff_id, volunteer)
    answer = await citizen.says("Menu")
    assert answer[0] == config.messages.left and len(answer) > 1  # then the menu itself
    assert (await state_of(desk.service, citizen)).flow == "menu"
    row = await desk.handoff_row(handoff_id)
    assert (row.status, row.closed_by, row.rating_pending) == (CLOSED, "citizen", False)
    with pytest.raises(HandoffConflict):
        await desk.desk.inbox.reply(handoff_id, volunteer, "Bạn còn đó không?")


async def test_a_photo_while_held_gets_the_please_type_note(desk: Desk, content: Content) -> None:
    citizen, handoff_id = await queued(desk)
    await desk.desk.inbox.claim(handoff_id, await desk.staff("volunteer", WARD))
    assert await citizen.send(Incoming.unsupported("photo")) == [content.flows.messages.not_text]


async def test_the_terminal_cannot_reach_a_person_and_says_so(desk: Desk, config: HandoffConfig) -> None:
    citizen = desk.citizen("cli")
    answer = await citizen.asks_for_a_person()
    assert answer[0] == f"{config.messages.unavailable}\n{hotline_line(config)}"
    assert len(answer) > 1  # and the bot goes on
    assert await desk.desk.inbox.items(await desk.staff("admin")) == []


async def test_out_of_hours_the_citizen_hears_when_the_office_opens_and_whom_to_call(
    desk: Desk, config: HandoffConfig
) -> None:
    desk.clock.now = SATURDAY_8PM
    [answer] = await desk.citizen().asks_for_a_person()
    monday = fill(config.messages.opens_later, {"time": "7:30", "day": config.days[0], "date": "09/03"})
    assert fill(config.messages.closed_now, {"hours": config.hours_text, "opens": monday}) in answer
    assert hotline_line(config) in answer
    assert config.messages.no_estimate not in answer


async def test_the_waiting_estimate_is_the_median_of_recent_claims(desk: Desk, config: HandoffConfig) -> None:
    volunteer = await desk.staff("volunteer", WARD)
    for minutes in (4, 6, 30):
        _, handoff_id = await queued(desk)
        desk.clock.advance(minutes=minutes)
        await desk.desk.inbox.claim(handoff_id, volunteer)
    [answer] = await desk.citizen().asks_for_a_person()
    wait = fill(config.messages.minutes, {"n": "6"})
    assert fill(config.messages.estimate, {"wait": wait, "count": "3"}) in answer


async def test_two_claims_at_once_one_wins_the_other_is_told(desk: Desk) -> None:
    _, handoff_id = await queued(desk)
    first, second = await desk.staff("volunteer", WARD, "An"), await desk.staff("volunteer", WARD, "Bình")
    results = await asyncio.gather(
        desk.desk.inbox.claim(handoff_id, first),
        desk.desk.inbox.claim(handoff_id, second),
        return_exceptions=True,
    )
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, HandoffConflict)]
    assert len(wins) == 1 and len(losses) == 1
    assert wins[0]["status"] == ACTIVE and losses[0].claimed_by == wins[0]["claimed_by"]


async def test_the_web_page_fetches_a_persons_replies(desk: Desk, config: HandoffConfig) -> None:
    citizen, handoff_id = await queued(desk, desk.citizen("web"))
    inbox = desk.desk.inbox
    first = await inbox.updates(citizen.key.user_id, None)
    assert (first["messages"], first["handoff"]) == ([], WAITING)
    volunteer = await desk.staff("volunteer", WARD)
    await inbox.claim(handoff_id, volunteer)
    await inbox.reply(handoff_id, volunteer, "Chào bạn.")
    got = await inbox.updates(citizen.key.user_id, first["after"])
    assert [m["text"] for m in got["messages"]] == [
        fill(config.messages.claimed, {"person": volunteer.name}),
        fill(config.messages.person_says, {"text": "Chào bạn.", "person": volunteer.name}),
    ]
    assert got["handoff"] == ACTIVE and got["after"] > first["after"]
    again = await inbox.updates(citizen.key.user_id, got["after"])
    assert again["messages"] == [] and again["after"] == got["after"]
    assert (await inbox.updates(citizen.key.user_id, None))["messages"] == []  # all fetched already
    await inbox.release(handoff_id, volunteer)
    last = await inbox.updates(citizen.key.user_id, got["after"])
    assert [m["text"] for m in last["messages"]] == [config.messages.released, config.rating.ask]
    assert last["handoff"] is None
    assert (await citizen.presses(f"{RATE_PREFIX}5"))[0] == config.rating.thanks
