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
import enum
import logging
from collections.abc import Mapping, Sequence

from bot.channels.base import Sender
from bot.errors import ChannelError, ChannelRateLimited, ChannelRejected
from bot.storage.base import CLAIM_BATCH, CLAIM_SECONDS, ConversationKey, OutboxItem, Store, utcnow

log = logging.getLogger("motcua.delivery")

DUE_SCAN = 500  # due replies looked at per round of `deliver_due`
ROUND_CONCURRENCY = 8  # conversations sent to at once by `deliver_due` (a backlog after an outage)


class Outcome(enum.Enum):
    SENT = "sent"  # the channel took it
    REFUSED = "refused"  # refused for good, recorded; the conversation's next reply may go
    WAIT = "wait"  # to be tried again later; the conversation's later replies wait behind it


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
        claimed before it stops. It claims again at the end of every batch as well (in the transaction
        that marks the batch's last reply), for replies another worker wrote while this one's claim held
        them back."""
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
            batch: list[OutboxItem] | None = await self._claim(key)
            while batch is not None and (batch or self._rounds[name]):
                if not batch:  # asked for another round while claiming: claim again
                    batch = await self._claim(key)
                    continue
                batch = await self._send_claimed(sender, key, batch)
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

    async def _claim(self, key: ConversationKey) -> list[OutboxItem]:
        self._rounds[str(key)] = False  # from here on, a new request for a round is this claim's to see
        return await self.store.claim_outbox(key, limit=CLAIM_BATCH, lease_seconds=self.lease_seconds)

    async def _send_claimed(
        self, sender: Sender, key: ConversationKey, batch: Sequence[OutboxItem]
    ) -> list[OutboxItem] | None:
        """Send claimed replies in order; returns the next batch, claimed when the last reply is marked,
        or None when a reply must wait. What was not attempted is released, also when the service stops
        mid-batch; the reply being sent at that moment stays claimed (it may have reached the citizen)
        until its lease runs out."""
        attempted = 0
        try:
            for entry in batch:
                attempted += 1
                outcome = await self._attempt(sender, entry)
                if outcome is Outcome.WAIT:
                    return None
                if outcome is Outcome.SENT and attempted == len(batch):
                    self._rounds[str(key)] = False
                    return await self.store.mark_delivered_and_claim(
                        entry.id, key, limit=CLAIM_BATCH, lease_seconds=self.lease_seconds
                    )
                if outcome is Outcome.SENT:
                    await self.store.mark_delivered(entry.id)
            return await self._claim(key)  # the last reply was refused for good (already marked)
        finally:
            if attempted < len(batch):
                await self.store.release_outbox(batch[attempted:])

    async def _attempt(self, sender: Sender, entry: OutboxItem) -> Outcome:
        """Send one reply. SENT is for the caller to mark; a refusal or a retry is marked here."""
        try:
            await sender.send(entry.key.user_id, entry.reply)
        except ChannelRejected as err:
            log.warning("reply %s rejected for good: %s", entry.id, err)
            await self.store.mark_failed(entry.id, str(err), None)
            return Outcome.REFUSED  # the next reply may still be deliverable (e.g. a shorter one)
        except ChannelRateLimited as err:
            return await self._retry_later(entry, str(err), err.retry_after)
        except (ChannelError, OSError, Exception) as err:  # any transport failure is retried
            error = f"{type(err).__name__}: {err}"
            return await self._retry_later(entry, error, backoff_seconds(entry.attempts + 1))
        return Outcome.SENT

    async def _retry_later(self, entry: OutboxItem, error: str, delay: float) -> Outcome:
        if entry.attempts + 1 >= self.max_attempts:
            log.error("giving up on reply %s after %d attempts: %s", entry.id, entry.attempts + 1, error)
            await self.store.mark_failed(entry.id, error, None)
            return Outcome.REFUSED  # given up: it no longer holds the conversation's next replies back
        await self.store.mark_failed(entry.id, error, utcnow() + dt.timedelta(seconds=delay))
        return Outcome.WAIT

    def _warn_no_sender(self, channel: str) -> None:
        if channel not in self._warned:  # once per channel, not once per reply and round
            self._warned.add(channel)
            log.warning("no sender for channel %s: its replies wait until the channel is configured", channel)
