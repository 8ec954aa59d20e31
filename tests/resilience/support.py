"""What the resilience tests share: content, planned conversations, the database, and the exactly-once check.

The server runs as a real child process (bench/e2e_server.py) so it can be killed; citizens and the fake
Zalo platform run in the test's event loop (bench/e2e_load.py). What each citizen must receive is never
written here: the engine on the same content is the oracle, and the outbox rows name which reply each
received message belongs to.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.common import LEXICON_FILE, PORTAL_FILE, PROCEDURES_DIR, ROOT, TUNING_QUERIES, read_queries
from bench.e2e_load import Citizen, CitizenRun, Deliveries, WebhookClient, converse, plan_conversations
from bot.channels.zalo.render import render_reply
from bot.content.model import Content, load_content
from bot.domain.messages import Reply
from bot.storage.database import sync_url

_CONTENT: list[Content] = []


def content() -> Content:
    """The checkout's content, loaded once for the whole session (it takes a few seconds)."""
    if not _CONTENT:
        _CONTENT.append(load_content(PROCEDURES_DIR, ROOT / "flows.yaml", LEXICON_FILE, PORTAL_FILE))
    return _CONTENT[0]


def citizens(count: int, turns: int, seed: int, prefix: str) -> list[Citizen]:
    questions = [q.query for q in read_queries(TUNING_QUERIES)]
    return plan_conversations(content(), count, turns, questions, seed, prefix=prefix)


async def talk(
    url: str, people: Sequence[Citizen], deliveries: Deliveries, reply_timeout: float
) -> list[CitizenRun]:
    clients = [WebhookClient(url) for _ in people]
    try:
        runs = await asyncio.gather(
            *(
                converse(person, client, deliveries, reply_timeout=reply_timeout)
                for person, client in zip(people, clients, strict=True)
            )
        )
    finally:
        for client in clients:
            client.close()
    return list(runs)


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one read on the server's database from the test (sqlite3 or PostgreSQL)."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql, params).fetchall()
    engine = sa.create_engine(sync_url(database_url))
    try:
        with engine.connect() as conn:
            text = sql.replace("?", "%s") if params else sql
            return [tuple(row) for row in conn.exec_driver_sql(text, params).fetchall()]
    finally:
        engine.dispose()


@dataclass(frozen=True)
class OutboxRow:
    id: int
    user_id: str
    messages: tuple[dict[str, Any], ...]  # the Zalo messages this reply is sent as


def outbox_rows(database_url: str) -> list[OutboxRow]:
    rows = query(database_url, "SELECT id, user_id, reply FROM outbox WHERE channel = 'zalo' ORDER BY id")
    out = []
    for outbox_id, user_id, reply in rows:
        data = json.loads(reply) if isinstance(reply, str) else reply
        bodies = render_reply(user_id, Reply.from_json(data))
        out.append(OutboxRow(int(outbox_id), str(user_id), tuple(body["message"] for body in bodies)))
    return out


def match_allowing_repeats(
    received: Sequence[dict[str, Any]], rows: Sequence[OutboxRow], in_doubt: Callable[[int], bool]
) -> tuple[bool, list[int]]:
    """Whether `received` is every row's messages in order, each once, except that a row `in_doubt`
    (its send was under way when the server died) may be preceded by a first, interrupted copy of some
    of its messages. Returns (matches, ids of rows that arrived more than once).

    Every way of reading `received` is followed (a row repeated, or the next row saying the same), so
    an ambiguous start cannot hide a match."""
    paths: dict[int, list[int]] = {0: []}  # position in `received` -> rows repeated on the way there
    for row in rows:
        n, following = len(row.messages), dict[int, list[int]]()
        for at, repeated in paths.items():
            for head in range(0, (n if in_doubt(row.id) else 0) + 1):
                if list(received[at : at + head]) == list(row.messages[:head]) and list(
                    received[at + head : at + head + n]
                ) == list(row.messages):
                    following.setdefault(at + head + n, repeated + ([row.id] if head else []))
        paths = following
    if len(received) in paths:
        return True, paths[len(received)]
    return False, []


def flatten(rows: Iterable[OutboxRow]) -> list[dict[str, Any]]:
    return [message for row in rows for message in row.messages]


def log_of(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
