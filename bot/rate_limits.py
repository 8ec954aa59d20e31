"""Request budgets: how often one conversation or one client address may ask, in this process.

A token bucket per key: `per_minute` requests, refilled evenly, with a burst of the same size. The
answer to a request over budget says how long to wait (HTTP 429 with Retry-After). Buckets live in the
process's memory: with several workers each keeps its own, so the effective limit is per worker.
Not tied to the web: a channel adapter (Messenger later) can hold its own `Budgets` for its own keys.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings
from bot.errors import MotcuaError

MAX_KEYS = 50_000  # buckets kept; the least recently used go first (a flood of addresses cannot grow it)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class Budgets:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def spend(self, key: str) -> float:
        """Take one request from `key`'s budget: 0.0 when allowed, else the seconds to wait (>= 1)."""
        now = self._clock()
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return float(max(1, math.ceil((1.0 - bucket.tokens) / self.rate)))


class TooMany(MotcuaError):
    """Over budget: answer 429 and ask the caller to come back after `retry_after` seconds."""

    def __init__(self, retry_after: float, what: str) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many requests ({what}); retry after {retry_after:.0f} s")


class WebBudgets:
    """The web chat's budgets (api/rate_limit.py): turns and polls per conversation, requests per address."""

    def __init__(self, settings: Settings) -> None:
        self.turns = Budgets(settings.rate_turns_per_minute)
        self.polls = Budgets(settings.rate_polls_per_minute)
        self.clients = Budgets(settings.rate_client_per_minute)
