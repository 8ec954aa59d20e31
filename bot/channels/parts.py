"""Sending a reply that takes several platform messages, resuming a retry where the last one failed.

A long reply is several messages (Zalo and Messenger allow 2,000 characters each). When part k fails,
the outbox retries the whole reply later; `send_parts` then starts again at part k instead of sending the
citizen parts 1..k-1 twice. The resume points live in memory only: after a restart a part may repeat.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.errors import ChannelRejected

MAX_REMEMBERED = 1024


class ResumePoints:
    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._at: OrderedDict[str, int] = OrderedDict()
        self.limit = limit

    async def send_parts(
        self,
        user_id: str,
        reply: dict[str, Any],
        bodies: Sequence[dict[str, Any]],
        deliver: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        key = _reply_key(user_id, reply)
        for index in range(self._at.pop(key, 0), len(bodies)):
            try:
                await deliver(bodies[index])
            except ChannelRejected:
                raise  # never retried, nothing to resume
            except BaseException:
                if index:
                    self._remember(key, index)
                raise

    def _remember(self, key: str, index: int) -> None:
        self._at[key] = index
        while len(self._at) > self.limit:
            self._at.popitem(last=False)


def _reply_key(user_id: str, reply: dict[str, Any]) -> str:
    canonical = json.dumps(reply, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{user_id}\n{canonical}".encode()).hexdigest()
