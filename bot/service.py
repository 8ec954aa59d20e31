"""The one orchestrator: every channel's turn goes through `ChatService`.

    accept (inbox, deduped) -> lock the conversation -> load state -> engine (pure) -> save state,
    replies to the outbox, event log — one transaction -> send each reply -> mark delivered

Webhooks only `accept` and answer 200; processing runs in the background. If the process dies between
accepting and sending, `recover()` (at start-up and then periodically) finishes the accepted messages and
delivers what the outbox still holds, so nothing accepted is lost and nothing is processed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from bot.channels.base import InboundMessage, Sender
from bot.content import Content
from bot.domain.engine import Turn
from bot.domain.messages import Incoming, Reply
from bot.domain.privacy import mask_pii
from bot.domain.state import ConversationState
from bot.errors import ChannelError, ChannelRateLimited, ChannelRejected
from bot.storage.base import ConversationKey, InboxItem, OutboxItem, Store, TurnEvent, utcnow

log = logging.getLogger("motcua.service")

DIRECT_CHANNELS = frozenset({"web", "cli"})  # replies travel back in the response itself


def backoff_seconds(attempts: int) -> float:
    """1, 2, 4 ... seconds, capped at five minutes."""
    return float(min(300, 2 ** max(0, attempts - 1)))


class ChatService:
    def __init__(self, store: Store, content: Content, *, max_attempts: int = 12, poll_seconds: float = 2.0) -> None:
        self.store = store
        self._content = content
        self.senders: dict[str, Sender] = {}
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: set[int] = set()
        self._delivering: set[str] = set()
        self._worker: asyncio.Task[None] | None = None
        self.on_turn: list[Callable[[ConversationKey, Turn], None]] = []  # hooks for tests and metrics

    # --- content -----------------------------------------------------------------------------------
    @property
    def content(self) -> Content:
        return self._content

    def swap_content(self, content: Content) -> None:
        """Replace catalogue, index and flows at once; turns already running finish with the old ones."""
        self._content = content

    def register_sender(self, sender: Sender) -> None:
        self.senders[sender.channel] = sender

    # --- the turn ----------------------------------------------------------------------------------
    async def accept(self, msg: InboundMessage) -> bool:
        """Record a channel message and process it in the background. False: a redelivery, ignored."""
        key = ConversationKey(msg.channel, msg.user_id)
        item = await self.store.accept(key, msg.dedupe_key, msg.incoming.to_json())
        if item is None:
            return False
        self._spawn(self._process_and_deliver(item))
        return True

    async def converse(self, channel: str, user_id: str, incoming: Incoming) -> list[Reply]:
        """A turn whose replies go back to the caller (web chat, terminal)."""
        key = ConversationKey(channel, user_id)
        item = await self.store.accept(key, f"direct:{uuid.uuid4().hex}", incoming.to_json())
        if item is None:  # pragma: no cover - a fresh uuid cannot collide
            return []
        outbox = await self.process(item)
        for entry in outbox:
            await self.store.mark_delivered(entry.id)
        return [Reply.from_json(entry.reply) for entry in outbox]

    async def process(self, item: InboxItem) -> list[OutboxItem]:
        """Run one accepted message through the engine; everything it changes commits together."""
        self._in_flight.add(item.id)
        try:
            async with self.store.conversation(item.key) as tx:
                if await tx.is_processed(item.id):
                    return []
                saved = tx.conversation.state
                state = ConversationState.from_json(saved) if saved else None
                turn = self._content.engine.handle(state, Incoming.from_json(item.incoming))
                await tx.save(turn.state.to_json())
                outbox: list[OutboxItem] = await tx.add_replies([r.to_json() for r in turn.replies], item.id)
                await tx.add_event(self._event(item, turn))
                if turn.trace.feedback is not None:
                    helpful, comment = turn.trace.feedback
                    await tx.add_feedback(turn.trace.procedure, helpful, mask_pii(comment))
                await tx.mark_processed(item.id)
        finally:
            self._in_flight.discard(item.id)
        for hook in self.on_turn:
            hook(item.key, turn)
        return outbox

    @staticmethod
    def _event(item: InboxItem, turn: Turn) -> TurnEvent:
        incoming = item.incoming
        said = incoming.get("text") or incoming.get("button") or incoming.get("payload") or ""
        return TurnEvent(
            key=item.key,
            flow=turn.trace.flow,
            step=turn.trace.step,
            procedure=turn.trace.procedure,
            incoming_kind=str(incoming.get("kind", "text")),
            text_masked=mask_pii(str(said))[:500],
            search_decision=turn.trace.search_decision,
            search_top=turn.trace.search_top,
        )

    # --- delivery ----------------------------------------------------------------------------------
    async def _process_and_deliver(self, item: InboxItem) -> None:
        if item.key.channel in DIRECT_CHANNELS:
            return
        await self.process(item)
        await self.deliver_for(item.key)

    async def deliver_for(self, key: ConversationKey) -> None:
        """Send this conversation's due replies in order; stop at the first that must wait."""
        name = str(key)
        if name in self._delivering:
            return  # another task is already sending this citizen's replies, in order
        self._delivering.add(name)
        try:
            due = [o for o in await self.store.due_outbox(limit=500) if o.key == key]
            for entry in due:
                if not await self._send_one(entry):
                    break
        finally:
            self._delivering.discard(name)

    async def _send_one(self, entry: OutboxItem) -> bool:
        sender = self.senders.get(entry.key.channel)
        if sender is None:
            log.warning("no sender for channel %s; reply %s waits", entry.key.channel, entry.id)
            return False
        try:
            await sender.send(entry.key.user_id, entry.reply)
        except ChannelRejected as err:
            log.warning("reply %s rejected for good: %s", entry.id, err)
            await self.store.mark_failed(entry.id, str(err), None)
            return True  # the next reply may still be deliverable (e.g. a shorter one)
        except ChannelRateLimited as err:
            await self._retry_later(entry, str(err), err.retry_after)
            return False
        except (ChannelError, OSError, Exception) as err:  # noqa: BLE001 - any transport failure is retried
            await self._retry_later(entry, f"{type(err).__name__}: {err}", backoff_seconds(entry.attempts + 1))
            return False
        await self.store.mark_delivered(entry.id)
        return True

    async def _retry_later(self, entry: OutboxItem, error: str, delay: float) -> None:
        if entry.attempts + 1 >= self.max_attempts:
            log.error("giving up on reply %s after %d attempts: %s", entry.id, entry.attempts + 1, error)
            await self.store.mark_failed(entry.id, error, None)
        else:
            await self.store.mark_failed(entry.id, error, utcnow() + dt.timedelta(seconds=delay))

    # --- recovery and the worker loop --------------------------------------------------------------
    async def recover(self) -> None:
        """Finish accepted messages nobody processed (a crash) and send what the outbox holds."""
        for item in await self.store.pending_inbox(limit=200):
            if item.id in self._in_flight or item.key.channel in DIRECT_CHANNELS:
                continue
            try:
                await self.process(item)
            except Exception:  # noqa: BLE001 - one broken conversation must not stop the others
                log.exception("could not process inbox item %s", item.id)
        keys: dict[str, ConversationKey] = {}
        for entry in await self.store.due_outbox(limit=500):
            if entry.key.channel not in DIRECT_CHANNELS:
                keys.setdefault(str(entry.key), entry.key)
        for key in keys.values():
            await self.deliver_for(key)

    async def _loop(self) -> None:
        while True:
            try:
                await self.recover()
            except Exception:  # noqa: BLE001 - keep the loop alive; the next round retries
                log.exception("recovery round failed")
            await asyncio.sleep(self.poll_seconds)

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._loop(), name="motcua-outbox")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for sender in self.senders.values():
            await sender.aclose()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background turn failed", exc_info=task.exception())
