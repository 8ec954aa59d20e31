"""What both stores write, computed in one place so `SqlStore` and `MemoryStore` cannot drift apart.

Personal data is masked here, at the last step before anything is stored (defence in depth: callers are
asked to mask already). The inbox keeps the citizen's text masked as well: the engine never needs an
ID-card or phone number to answer, and "never stored in clear" has to hold for every table.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.domain.privacy import mask_pii, pseudonymise
from bot.storage.base import ConversationKey, OutboxItem, TurnEvent

# Used only when the deployment sets no salt (development, tests). Production passes MOTCUA_SECRET_SALT:
# with a public salt, anyone holding the event table could test guesses of user ids.
DEFAULT_SALT = "motcua-dev-salt-not-secret"

MAX_ERROR_LEN = 2000
EVENT_TEXT_LIMIT = 500  # what the report needs of a message; a longer one is clipped after masking


def json_copy(value: Any) -> Any:
    """`value` as it comes back from a JSON column: the in-memory store copies through JSON so that
    anything the database would refuse (a set, a datetime) fails there too, and no caller shares the
    stored object."""
    return json.loads(json.dumps(value))


def require_aware(value: dt.datetime) -> dt.datetime:
    """Refuse naive datetimes like the SQL store's UtcDateTime does, rather than guess their zone."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
    return value.astimezone(dt.UTC)


def mask_json(value: Any) -> Any:
    """`value` with every string inside it (keys stay) passed through `mask_pii`."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: mask_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(v) for v in value]
    return value


def masked_incoming(incoming: dict[str, Any]) -> dict[str, Any]:
    """The incoming message as stored: the citizen's free text masked, button ids and payloads kept."""
    stored = dict(incoming)
    if isinstance(stored.get("text"), str):
        stored["text"] = mask_pii(stored["text"])
    return stored


def event_row(event: TurnEvent, salt: str) -> dict[str, Any]:
    return {
        "at": require_aware(event.at),
        "channel": event.key.channel,
        "user_hash": pseudonymise(event.key.user_id, salt),
        "flow": event.flow,
        "step": event.step,
        "procedure": event.procedure,
        "incoming_kind": event.incoming_kind,
        "text_masked": mask_pii(event.text_masked)[:EVENT_TEXT_LIMIT],  # masked, then clipped
        "search_decision": event.search_decision,
        "search_top": event.search_top,
        "extra": mask_json(event.extra),
    }


def event_from_row(row: dict[str, Any]) -> TurnEvent:
    """An event read back: its key carries the pseudonym (user_hash), never the user id."""
    return TurnEvent(
        key=ConversationKey(row["channel"], row["user_hash"]),
        flow=row["flow"],
        step=row["step"],
        procedure=row["procedure"],
        incoming_kind=row["incoming_kind"],
        text_masked=row["text_masked"],
        search_decision=row["search_decision"],
        search_top=row["search_top"],
        extra=row["extra"],
        at=row["at"],
    )


def feedback_row(
    key: ConversationKey, procedure: str | None, helpful: bool, comment: str, salt: str, at: dt.datetime
) -> dict[str, Any]:
    return {
        "at": at,
        "channel": key.channel,
        "user_hash": pseudonymise(key.user_id, salt),
        "procedure": procedure,
        "helpful": helpful,
        "comment_masked": mask_pii(comment),
    }


def stored_error(error: str) -> str:
    """A delivery error as kept for the report: masked (platform errors echo recipients) and bounded."""
    return mask_pii(error)[:MAX_ERROR_LEN]


def due_items(items: list[OutboxItem], now: dt.datetime, limit: int) -> list[OutboxItem]:
    """The reference rule for `due_outbox`, given undelivered, not given-up items in id order.

    An item is due when its time has come and no earlier reply of the same conversation is still waiting
    for a retry: a citizen must never receive step 2 before step 1. A sender that fails an item should skip
    the rest of that conversation in the same batch; the next batch holds them back by this rule."""
    waiting: set[ConversationKey] = set()
    due: list[OutboxItem] = []
    for item in items:
        if item.next_attempt_at is not None and item.next_attempt_at > now:
            waiting.add(item.key)
        elif item.key not in waiting:
            due.append(item)
            if len(due) == limit:
                break
    return due
