"""The one orchestrator: every channel's turn goes through `ChatService`.

    accept (inbox, deduped) -> lock the conversation -> load state -> engine (pure) -> save state,
    replies to the outbox, event log — one transaction -> send each reply -> mark delivered

Webhooks only `accept` and answer 200; processing runs in the background. If the process dies between
accepting and sending, `recover()` (at start-up and then periodically) finishes the accepted messages and
delivers what the outbox still holds, so nothing accepted is lost and nothing is processed twice.
Sending is bot/delivery.py's: replies are claimed before they are sent, so several workers on one
database never send the same reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.channels.base import InboundMessage, Sender
from bot.channels.edge import admit
from bot.content import Content
from bot.delivery import Delivery
from bot.domain.engine import Turn
from bot.domain.messages import Incoming, Reply
from bot.domain.state import ConversationState
from bot.errors import AlreadyProcessed
from bot.storage.base import ConversationKey, ConversationTx, InboxItem, OutboxItem, Store, TurnEvent, utcnow

log = logging.getLogger("motcua.service")

DIRECT_CHANNELS = frozenset({"web", "cli"})  # replies travel back in the response itself
# The periodic recovery leaves a message this young to the worker that accepted it (it is being
# processed there); older ones are taken by whichever worker looks, as their worker may have died.
RECOVERY_GRACE_SECONDS = 10.0
HOUSEKEEPING_SECONDS = 300.0


class TurnHook(Protocol):
    """What the service asks instead of the engine, inside the conversation's locked block (the handoff
    desk, bot/handoff/desk.py): the turn for `incoming`, with anything it writes done through `tx`."""

    async def turn(
        self,
        tx: ConversationTx,
        item: InboxItem,
        state: ConversationState | None,
        incoming: Incoming,
        content: Content,
    ) -> Turn: ...


class ChatService:
    def __init__(
        self, store: Store, content: Content | None, *, max_attempts: int = 12, poll_seconds: float = 2.0
    ) -> None:
        self.store = store
        self._content = content
        self.senders: dict[str, Sender] = {}
        self.delivery = Delivery(store, self.senders, max_attempts=max_attempts)
        self.poll_seconds = poll_seconds
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: set[int] = set()
        self._worker: asyncio.Task[None] | None = None
        self.on_turn: list[Callable[[ConversationKey, Turn], None]] = []  # hooks for tests and metrics
        self.handoff: TurnHook | None = None  # handoff to a person (bot/handoff); None: the bot only
        # Masking delivered replies and deleting old rows (bot/storage/retention.py), every few minutes.
        self.housekeeping: Callable[[], Awaitable[object]] | None = None

    # --- content -----------------------------------------------------------------------------------
    @property
    def content(self) -> Content:
        """The content being served; None only before the first revision is loaded at start-up."""
        if self._content is None:
            raise RuntimeError("no content loaded yet: start the content manager (bot.admin.start_admin)")
        return self._content

    def swap_content(self, content: Content) -> None:
        """Replace catalogue, index and flows at once; turns already running finish with the old ones."""
        self._content = content

    def register_sender(self, sender: Sender) -> None:
        self.senders[sender.channel] = sender

    # --- the turn ----------------------------------------------------------------------------------
    async def accept(self, msg: InboundMessage) -> bool:
        """Record a channel message and process it in the background. False: a redelivery, or a message
        that cannot be stored as it should (bot/channels/edge.py), ignored."""
        admitted = admit(msg)
        if admitted is None:
            return False
        msg = admitted
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
            async with self.store.conversation(item.key, inbox_id=item.id) as tx:
                if await tx.is_processed(item.id):
                    return []
                saved = tx.conversation.state
                state = ConversationState.from_json(saved) if saved else None
                incoming = Incoming.from_json(item.incoming)
                # --- handoff hook (bot/handoff/desk.py): while a person holds the conversation, the desk
                # records the message for the inbox and the bot stays silent; otherwise the engine answers.
                if self.handoff is not None:
                    turn = await self.handoff.turn(tx, item, state, incoming, self.content)
                else:
                    turn = self.content.engine.handle(state, incoming)
                # --- end of the handoff hook
                await tx.save(turn.state.to_json())
                outbox: list[OutboxItem] = await tx.add_replies([r.to_json() for r in turn.replies], item.id)
                await tx.add_event(self._event(item, turn))
                if turn.trace.feedback is not None:
                    helpful, comment = turn.trace.feedback
                    await tx.add_feedback(turn.trace.procedure, helpful, comment)  # storage masks it
                await tx.mark_processed(item.id)
        except AlreadyProcessed:
            return []  # another worker's turn, committed while this one ran; this one rolled back
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
            text_masked=str(said),  # storage masks and clips it (records.event_row)
            search_decision=turn.trace.search_decision,
            search_top=turn.trace.search_top,
        )

    # --- delivery ----------------------------------------------------------------------------------
    async def _process_and_deliver(self, item: InboxItem) -> None:
        if item.key.channel in DIRECT_CHANNELS:
            return
        await self.process(item)
        await self.delivery.deliver_for(item.key)

    async def deliver_for(self, key: ConversationKey) -> None:
        """Send this conversation's due replies in order (Delivery.deliver_for)."""
        await self.delivery.deliver_for(key)

    # --- recovery and the worker loop --------------------------------------------------------------
    async def recover(self, grace_seconds: float = 0.0) -> None:
        """Finish accepted messages nobody processed (a crash) and send what the outbox holds.

        `grace_seconds`: leave messages accepted more recently than this to the worker processing them."""
        now = utcnow()
        cutoff = now - dt.timedelta(seconds=grace_seconds)
        # A web turn is answered in its own HTTP response; another worker may be answering one right now,
        # so even at start-up only those older than the grace are taken.
        direct_cutoff = now - dt.timedelta(seconds=max(grace_seconds, RECOVERY_GRACE_SECONDS))
        for item in await self.store.pending_inbox(limit=200):
            direct = item.key.channel in DIRECT_CHANNELS
            if item.id in self._in_flight or item.received_at > (direct_cutoff if direct else cutoff):
                continue
            try:
                await (self._settle(item) if direct else self.process(item))
            except Exception:
                log.exception("could not process inbox item %s", item.id)
        await self.delivery.deliver_due()

    async def _settle(self, item: InboxItem) -> None:
        """A web (or terminal) turn whose process died before answering: its page got an error and sends
        the message again, so running it now would apply it twice. It is marked done, unanswered."""
        with contextlib.suppress(AlreadyProcessed):  # someone else settled it: nothing left to do
            async with self.store.conversation(item.key, inbox_id=item.id) as tx:
                if not await tx.is_processed(item.id):
                    await tx.mark_processed(item.id)
                    log.info("settled an unanswered %s turn left by a stopped process", item.key.channel)

    async def _loop(self) -> None:
        next_housekeeping = 0.0
        while True:
            try:
                await self.recover(RECOVERY_GRACE_SECONDS)
            except Exception:
                log.exception("recovery round failed")
            if self.housekeeping is not None and time.monotonic() >= next_housekeeping:
                next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
                try:
                    await self.housekeeping()
                except Exception:
                    log.exception("housekeeping round failed")
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
