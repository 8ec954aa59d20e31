"""Events and feedback: pseudonymous, masked, and no raw ID-card or phone number anywhere in the store."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.privacy import pseudonymise
from bot.storage.base import ConversationKey, TurnEvent
from bot.storage.sql import store as sql
from tests.storage.conftest import SALT, Store, StoreKit

CCCD = "001203004005"
CMND = "212345678"
PHONE = "0912345678"
EMAIL = "nguyen.van.a@gmail.com"
RAW = (CCCD, "001 203 004 005", CMND, PHONE, "0912 345 678", EMAIL)


def _event(key: ConversationKey, text: str, at: dt.datetime | None = None, **extra: object) -> TurnEvent:
    event = TurnEvent(key, "find", "results", "khai-sinh", "text", text, "match", "khai-sinh", dict(extra))
    if at is not None:
        event.at = at
    return event


async def test_events_come_back_in_order_with_a_pseudonym(store: Store, key: ConversationKey) -> None:
    async with store.conversation(key) as tx:
        await tx.add_event(_event(key, "làm giấy khai sinh", turn=1))
        await tx.add_event(_event(key, "cần giấy tờ gì", turn=2))

    events = [e async for e in store.events()]

    assert [e.text_masked for e in events] == ["làm giấy khai sinh", "cần giấy tờ gì"]
    assert [e.extra for e in events] == [{"turn": 1}, {"turn": 2}]
    assert {e.key for e in events} == {ConversationKey(key.channel, pseudonymise(key.user_id, SALT))}
    assert events[0].search_decision == "match" and events[0].procedure == "khai-sinh"


async def test_events_since_a_time(store: Store, key: ConversationKey) -> None:
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    async with store.conversation(key) as tx:
        for day in range(4):
            await tx.add_event(_event(key, f"ngày {day}", at=start + dt.timedelta(days=day)))

    later = [e.text_masked async for e in store.events(since=start + dt.timedelta(days=2))]

    assert later == ["ngày 2", "ngày 3"]


async def test_events_are_read_page_by_page(
    kit: StoreKit, monkeypatch: pytest.MonkeyPatch, key: ConversationKey
) -> None:
    monkeypatch.setattr(sql, "EVENTS_PAGE", 2)
    store = await kit.open()
    async with store.conversation(key) as tx:
        for n in range(5):
            await tx.add_event(_event(key, f"câu {n}"))

    assert [e.text_masked async for e in store.events()] == [f"câu {n}" for n in range(5)]


async def test_nothing_stored_holds_a_raw_id_phone_or_email(kit: StoreKit, key: ConversationKey) -> None:
    store = await kit.open()
    said = f"CCCD {RAW[1]}, CMND {CMND}, SĐT {RAW[4]}, email {EMAIL}"
    item = await store.accept(key, "msg-1", {"kind": "text", "text": said})
    assert item is not None
    async with store.conversation(key) as tx:
        await tx.save({"flow": "menu"})
        # A careless caller: the text and extra are not masked. The store masks them anyway.
        await tx.add_event(_event(key, said, note=f"số {PHONE}", nested=[{"id": CCCD}]))
        await tx.add_feedback("khai-sinh", False, f"gọi lại {PHONE} hoặc {EMAIL}")
        (reply,) = await tx.add_replies([{"text": "Cảm ơn"}], item.id)
        await tx.mark_processed(item.id)
    await store.mark_failed(reply.id, f"Zalo: user {PHONE} not found", None)

    dump = await kit.dump(store)

    leaks = {table: [raw for raw in RAW if raw in text] for table, text in dump.items()}
    assert {table: found for table, found in leaks.items() if found} == {}
    everything = "\n".join(dump.values())
    assert "[CCCD]" in everything and "[SĐT]" in everything and "[EMAIL]" in everything


async def test_events_and_feedback_hold_a_salted_pseudonym_not_the_user_id(kit: StoreKit) -> None:
    key = ConversationKey("telegram", "user-7f3a9")
    for salt in (SALT, "production-salt"):
        store = await kit.open(salt=salt)
        async with store.conversation(key) as tx:
            await tx.add_event(_event(key, f"muối {salt}"))
            await tx.add_feedback(None, True, "hữu ích")

    events = [e async for e in store.events()]
    dump = await kit.dump(store)

    expected = [pseudonymise(key.user_id, SALT), pseudonymise(key.user_id, "production-salt")]
    if kit.durable:
        assert [e.key.user_id for e in events] == expected
    else:  # each in-process store has its own data
        assert [e.key.user_id for e in events] == expected[1:]
    for table in ("events", "feedback"):
        assert key.user_id not in dump[table] and expected[-1] in dump[table]
