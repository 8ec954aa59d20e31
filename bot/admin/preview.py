"""The chat simulator of the editor: run the engine on the served content's curated procedures with one
draft procedure.

Nothing is stored: the page keeps the conversation state and sends it back with each message. Building
a search index for a draft takes a moment, so the last few drafts' contents are kept (keyed by the
served revision and the draft's hash); typing in the simulator then costs one engine turn.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from bot.content import Content
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.messages import Incoming, replies_to_json
from bot.domain.state import ConversationState

CACHE_SIZE = 8


class PreviewCache:
    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[int, str], Content] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def content_with(self, base: Content, revision: int, draft: Procedure, draft_sha: str) -> Content:
        """`base` with `draft` in place of (or added next to) the procedure of the same id."""
        key = (revision, draft_sha)
        with self._lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                return cached
        # The curated tier only: an index over the ~2,700 portal procedures takes seconds to build, and the
        # simulator is there to try the draft, not the portal's entries.
        others = [p for p in base.catalogue.curated() if p.id != draft.id]
        content = Content.build(Catalogue([*others, draft]), base.lexicon, base.flows)
        with self._lock:
            self._items[key] = content
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return content


def run_turn(content: Content, state: dict[str, Any] | None, incoming: Incoming) -> dict[str, Any]:
    """One simulated turn: {"messages": [...], "state": {...}} (the state to send with the next one)."""
    saved = ConversationState.from_json(state) if state else None
    turn = content.engine.handle(saved, incoming)
    return {"messages": replies_to_json(turn.replies)["messages"], "state": turn.state.to_json()}
