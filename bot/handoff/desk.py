"""`HandoffDesk`: what the service does about a person taking a conversation over, turn by turn.

`ChatService.process` calls `turn` instead of the engine, inside the conversation's locked block:

- a handoff is open (waiting in the queue, or held by a person): the citizen's message goes into the
  handoff's transcript and the bot says nothing (the inbox item is still marked processed, so nothing is
  lost or processed twice). Two exceptions: the first message while *waiting* gets one short note that it
  was kept, and a sticker or photo gets the engine's "please type" note, since the person cannot see it.
  A `leave` command (flows.yaml `handoff.leave`: "menu", "bắt đầu lại"), pressed or typed, or a new
  deep link ends the handoff from the citizen's side; the bot then answers that message as usual.
- the person has handed back and asked for a rating: a rating answer is stored and thanked, and the bot
  goes on after the handoff step; anything else counts as "no rating" and is answered as usual.
- otherwise the engine answers; when its trace asks for a person, the conversation enters the queue of
  the ward the engine named, and its handoff message gets the office hours and an honest waiting time
  (or, out of hours, the hotline). A channel that cannot carry a person's replies (the terminal) is told
  so and the bot goes on.

Everything is written on the conversation block's own connection, so it commits with the state and the
outbox, or not at all. The staff side (claim, reply, hand back) is `bot.handoff.inbox`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.content import Content
from bot.domain.engine import Turn, TurnTrace
from bot.domain.handoff_config import HandoffConfig
from bot.domain.messages import MESSAGE_LIMIT, Button, Incoming, IncomingKind, Reply
from bot.domain.state import ConversationState
from bot.errors import ConfigError
from bot.handoff import queue
from bot.handoff.hours import OfficeClock
from bot.handoff.inbox import HandoffInbox
from bot.handoff.queue import HandoffRow, Line
from bot.handoff.transcript import button_labels, conversation_so_far
from bot.handoff.wording import WEB, estimate, hotline_line, leaves, queue_notice, rating_of, said
from bot.storage.base import ConversationKey, ConversationTx, InboxItem, Store, utcnow
from bot.storage.sql import SqlStore

__all__ = ["WEB", "HandoffDesk"]  # WEB lives in wording.py; importers of bot.handoff.desk keep it

ESTIMATE_WINDOW = dt.timedelta(days=30)  # waits older than this say little about today's
ESTIMATE_SAMPLES = 20


class HandoffDesk:
    """The hook `ChatService` calls for every turn (its `TurnHook`). It is given what it needs of the
    service as callables, so it does not import the service: the content being served, whether a
    channel can carry a person's replies, and how to deliver a conversation's outbox."""

    def __init__(
        self,
        store: Store,
        *,
        content: Callable[[], Content],
        reachable: Callable[[str], bool],
        deliver: Callable[[ConversationKey], Awaitable[None]],
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        if not isinstance(store, SqlStore):
            raise ConfigError("handoff to a person needs the SQL store (MOTCUA_DATABASE_URL)")
        self.store: SqlStore = store
        self.content = content
        self.reachable = reachable  # whether a person's replies can reach a channel
        self.deliver = deliver
        self.clock = clock

    @property
    def inbox(self) -> HandoffInbox:
        return HandoffInbox(
            self.store,
            clock=lambda: self.clock(),
            config=self.config,
            content=self.content,
            deliver=self.deliver,
        )

    def config(self, content: Content | None = None) -> HandoffConfig:
        config = (content or self.content()).flows.handoff
        if config is None:
            raise ConfigError("flows.yaml has no handoff: section")
        return config

    def leave_button(self, content: Content) -> Button:
        config = self.config(content)
        name = config.leave[0]
        return Button(name, content.flows.commands[name].label)

    # --- the hook ----------------------------------------------------------------------------------
    async def turn(
        self,
        tx: ConversationTx,
        item: InboxItem,
        state: ConversationState | None,
        incoming: Incoming,
        content: Content,
    ) -> Turn:
        """The turn for `incoming`: the engine's, or a silent one while a person holds the conversation."""
        config = content.flows.handoff
        if config is None:  # content without handoffs: nothing to do here
            return content.engine.handle(state, incoming)
        conn, now = tx.connection, self.clock()
        current = await queue.latest(conn, item.key)
        if current is not None and current.is_open:
            if not leaves(config, content.engine.words, incoming):
                return await self._held(conn, current, state, incoming, content, now)
            await self._left(conn, current, incoming, config, now)
            turn = content.engine.handle(state, incoming)
            await queue.add_line(conn, current.id, Line("bot", config.messages.left, now))
            turn = replace(turn, replies=(Reply(config.messages.left), *turn.replies))
        elif current is not None and current.rating_pending:
            value = rating_of(config, incoming)
            await queue.rate(conn, current.id, value, now)
            if value is not None:
                resumed = content.engine.resume(state)
                return replace(resumed, replies=(Reply(config.rating.thanks), *resumed.replies))
            turn = content.engine.handle(state, incoming)
        else:
            turn = content.engine.handle(state, incoming)
        if turn.trace.handoff is not None:
            turn = await self._open(conn, item.key, turn, content, now)
        return turn

    async def _held(
        self,
        conn: AsyncConnection,
        current: HandoffRow,
        state: ConversationState | None,
        incoming: Incoming,
        content: Content,
        now: dt.datetime,
    ) -> Turn:
        config = self.config(content)
        labels = await button_labels(conn, current.key)
        await queue.add_line(conn, current.id, Line("citizen", said(incoming, labels), now))
        replies: list[Reply] = []
        if incoming.kind == IncomingKind.UNSUPPORTED:
            replies.append(Reply(content.flows.messages.not_text))
        elif current.status == queue.WAITING and not current.acked:
            await queue.mark_acked(conn, current.id)
            replies.append(Reply(config.messages.waiting_ack, (self.leave_button(content),)))
        for reply in replies:
            await queue.add_line(conn, current.id, Line("bot", reply.text, now))
        kept = state if state is not None else ConversationState()
        trace = TurnTrace(kept.flow, kept.step, kept.procedure, None, None, None)
        return Turn(kept, tuple(replies), trace)

    async def _left(
        self,
        conn: AsyncConnection,
        current: HandoffRow,
        incoming: Incoming,
        config: HandoffConfig,
        now: dt.datetime,
    ) -> None:
        labels = await button_labels(conn, current.key)
        await queue.add_line(conn, current.id, Line("citizen", said(incoming, labels), now))
        await queue.close(conn, current.id, "citizen", now, rating_pending=False)

    async def _open(
        self, conn: AsyncConnection, key: ConversationKey, turn: Turn, content: Content, now: dt.datetime
    ) -> Turn:
        config, request = self.config(content), turn.trace.handoff
        assert request is not None
        if not self.reachable(key.channel):
            resumed = content.engine.resume(turn.state)
            notice = Reply(f"{config.messages.unavailable}\n{hotline_line(config)}")
            return replace(resumed, replies=(*turn.replies[:-1], notice, *resumed.replies))
        waits = await queue.recent_waits(conn, request.ward, now - ESTIMATE_WINDOW, ESTIMATE_SAMPLES)
        replies = _with_notice(turn.replies, queue_notice(config, now, estimate(waits)))
        handoff_id = await queue.create(conn, key, request, now, OfficeClock(config).is_open(now))
        await queue.add_lines(conn, handoff_id, await conversation_so_far(conn, key))
        await queue.add_lines(conn, handoff_id, [Line("bot", r.text, now) for r in replies])
        return replace(turn, replies=replies)


def _with_notice(replies: tuple[Reply, ...], notice: str) -> tuple[Reply, ...]:
    """The handoff message (the last reply) with the notice added: in the same message when it fits,
    else as a message of its own that takes over the buttons."""
    if not replies:
        return (Reply(notice),)
    *before, last = replies
    joined = f"{last.text}\n\n{notice}"
    if len(joined) <= MESSAGE_LIMIT:
        return (*before, Reply(joined, last.buttons, last.links))
    return (*before, Reply(last.text, (), last.links), Reply(notice, last.buttons))
