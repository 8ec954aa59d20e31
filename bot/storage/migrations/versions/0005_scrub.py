"""Scrub personal numbers stored before masking learned every separator.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Masking used to miss phone and ID numbers written with other separators ("0912_345_678", a zero-width
space, commas...). Rows written then may hold them in clear: the inbox's typed text, conversation state
(answers a flow saved), the event log, feedback comments, handoff transcripts, delivery errors and the
replies already delivered or given up. This pass runs today's `mask_pii` over them, a page at a time.
Data only, no schema change; downgrade cannot restore what was masked, and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.domain.privacy import mask_pii

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGE = 500


def _mask_json(value: Any) -> Any:
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: _mask_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    return value


def _typed_text(incoming: Any) -> Any:
    if isinstance(incoming, dict) and isinstance(incoming.get("text"), str):
        return {**incoming, "text": mask_pii(incoming["text"])}
    return incoming


def _text(value: Any) -> Any:
    return mask_pii(value) if isinstance(value, str) else value


def _scrub(table: sa.Table, column: str, mask: Callable[[Any], Any], where: Any = None) -> None:
    """Rewrite `column` of every row (matching `where`) whose masked value differs, by id pages."""
    bind = op.get_bind()
    key, target = table.c.id, table.c[column]
    after: Any = None
    while True:
        query = sa.select(key, target).order_by(key).limit(PAGE)
        if where is not None:
            query = query.where(where)
        if after is not None:
            query = query.where(key > after)
        rows = bind.execute(query).all()
        for row_id, value in rows:
            masked = mask(value)
            if masked != value:
                bind.execute(sa.update(table).where(key == row_id).values({column: masked}))
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def upgrade() -> None:
    meta = sa.MetaData()
    json = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

    def table(name: str, *columns: sa.Column[Any]) -> sa.Table:
        return sa.Table(name, meta, sa.Column("id", sa.BigInteger, primary_key=True), *columns)

    inbox = table("inbox", sa.Column("incoming", json))
    conversations = table("conversations", sa.Column("state", json))
    events = table("events", sa.Column("text_masked", sa.Text), sa.Column("extra", json))
    feedback = table("feedback", sa.Column("comment_masked", sa.Text))
    lines = table("handoff_messages", sa.Column("text", sa.Text))
    outbox = table(
        "outbox",
        sa.Column("reply", json),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime),
        sa.Column("failed_at", sa.DateTime),
    )
    _scrub(inbox, "incoming", _typed_text)
    _scrub(conversations, "state", _mask_json, conversations.c.state.is_not(None))
    _scrub(events, "text_masked", _text)
    _scrub(events, "extra", _mask_json)
    _scrub(feedback, "comment_masked", _text)
    _scrub(lines, "text", _text)
    _scrub(outbox, "last_error", _text, outbox.c.last_error.is_not(None))
    # Replies still waiting keep their words: they have not reached the citizen yet.
    done = sa.or_(outbox.c.delivered_at.is_not(None), outbox.c.failed_at.is_not(None))
    _scrub(outbox, "reply", _mask_json, done)


def downgrade() -> None:
    """Masking cannot be undone."""
