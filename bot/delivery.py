"""Sending the outbox: each reply by one worker only, a conversation's replies in order, failures retried.

    claim (Store.claim_outbox: atomic, leased) -> send each, in order -> mark delivered / failed
                                                 -> the first that must wait: release the rest

Several workers (processes, machines) may deliver from one database at once; the claim is what keeps
them apart. A reply is claimed before it is sent, and while it is claimed neither it nor any later reply
of its conversation can be claimed by anyone else. If a worker dies mid-send, its claims run out after
the lease and another worker sends those replies: a reply whose send had reached the channel just
before the crash then arrives twice (no channel API lets us ask). That window is one HTTP call wide.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping, Sequence

from bot.channels.base import Sender
from bot.errors import ChannelError, ChannelRateLimited, ChannelRejected
from bot.storage.base import CLAIM_BATCH, CLAIM_SECONDS, ConversationKey, OutboxItem, Store, utcnow

log = logging.getLogger("motcua.delivery")

DUE_SCAN = 500  # due replies looked at per round of `deliver_due`
ROUND_CONCURRENCY = 8  # conversations sent to at once by `deliver_due` (a backlog after an outage)


def backoff_seconds(attempts: int) -> float:
    """1, 2, 4 ... seconds, capped at five minutes."""
    return float(min(300, 2 ** max(0, attempts - 1)))


class Delivery:
    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender],
        *,
        max_attempts: int = 12,
        lease_seconds: float = CLAIM_SECONDS,
    ) -> None:
        self.store = store
        self.senders = senders  # the service's own dict: channels registered later are seen
        self.max_attempts = max_attempts
        self.lease_seconds = lease_seconds
        # Conversations this process is delivering to -> "asked for another round meanwhile".
        self._rounds: dict[str, bool] = {}
        self._warned: set[str] = set()

    async def deliver_for(self, key: ConversationKey) -> None:
        """Send this conversation's due replies in order, until none is left or one must wait.

        Called after each turn. When a task of this process is already sending to the conversation, a
        second one only asks it for another round: replies written after its last claim are then
        claimed before it stops. It claims again after every batch as well, for the replies another
        worker wrote while this one's claim held them back."""
        sender = self.senders.get(key.channel)
        if sender is None:
            self._warn_no_sender(key.channel)
            return
        name = str(key)
        if name in self._rounds:
            self._rounds[name] = True
            return
        self._rounds[name] = False
        try:
            while True:
                self._rounds[name] = False
                batch = await self.store.claim_outbox(
                    key, limit=CLAIM_BATCH, lease_seconds=self.lease_seconds
                )
                if batch:
                    if not await self._send_claimed(sender, batch):
                        return  # a reply waits for a retry; later ones wait behind it
                elif not self._rounds[name]:
                    return
        finally:
            del self._rounds[name]

    async def deliver_due(self, concurrency: int = ROUND_CONCURRENCY) -> None:
        """One round over every conversation with replies due (after a restart, an outage, a retry)."""
        keys: dict[str, ConversationKey] = {}
        for entry in await self.store.due_outbox(limit=DUE_SCAN):
            if entry.key.channel in self.senders:  # the web chat's replies went back in its responses
                keys.setdefault(str(entry.key), entry.key)
        gate = asyncio.Semaphore(concurrency)

        async def one(key: ConversationKey) -> None:
            async with gate:
                await self.deliver_for(key)

        outcomes = await asyncio.gather(*(one(key) for key in keys.values()), return_exceptions=True)
        for key, outcome in zip(keys.values(), outcomes, strict=True):
            if isinstance(outcome, Exception):
                log.error("delivery to %s failed", key.channel, exc_info=outcome)
            elif isinstance(outcome, BaseException):
                raise outcome  # cancellation: the service is stopping

    async def _send_claimed(self, sender: Sender, batch: Sequence[OutboxItem]) -> bool:
        """Send claimed replies in order; False when one must wait. What was not attempted is released,
        also when the service stops mid-batch; the reply being sent at that moment stays claimed (it may
        have reached the citizen) until its lease runs out."""
        attempted = 0
        try:
            for entry in batch:
                attempted += 1
                if not await self._send_one(sender, entry):
                    return False
            return True
        finally:
            if attempted < len(batch):
                await self.store.release_outbox(batch[attempted:])

    async def _send_one(self, sender: Sender, entry: OutboxItem) -> bool:
        """True: done with this reply (delivered, or refused for good); False: it waits for a retry."""
        try:
            await sender.send(entry.key.user_id, entry.reply)
        except ChannelRejected as err:
            log.warning("reply %s rejected for good: %s", entry.id, err)
            await self.store.mark_failed(entry.id, str(err), None)
            return True  # the next reply may still be deliverable (e.g. a shorter one)
        except ChannelRateLimited as err:
            await self._retry_later(entry, str(err), err.retry_after)
            return False
        except (ChannelError, OSError, Exception) as err:  # any transport failure is retried
            await self._retry_later(
                entry, f"{type(err).__name__}: {err}", backoff_seconds(entry.attempts + 1)
            )
            return False
        await self.store.mark_delivered(entry.id)
        return True

    async def _retry_later(self, entry: OutboxItem, error: str, delay: float) -> None:
        if entry.attempts + 1 >= self.max_attempts:
            log.error("giving up on reply %s after %d attempts: %s", entry.id, entry.attempts + 1, error)
            await self.store.mark_failed(entry.id, error, None)
        else:
            await self.store.mark_failed(entry.id, error, utcnow() + dt.timedelta(seconds=delay))

    def _warn_no_sender(self, channel: str) -> None:
        if channel not in self._warned:  # once per channel, not once per reply and round
            self._warned.add(channel)
            log.warning("no sender for channel %s: its replies wait until the channel is configured", channel)
