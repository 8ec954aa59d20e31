"""Tables of the handoff to a person: the queue of conversations handed over, and their transcripts.
Imported at the end of tables.py, so they share its metadata (and its portable types).

A `handoffs` row follows one request from a citizen: waiting (in the ward's queue) -> active (a person
claimed it) -> closed (the person handed back, or the citizen left). At most one row per conversation is
open at a time; that is kept by the conversation lock, under which every change to a row is made.

`handoff_messages` is what the person reads: the bot's conversation up to the request (copied when the
handoff opens, so it does not depend on how long the inbox is kept), then every message while it is
open. Citizens' texts are stored masked, like everywhere else.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables_base import CHANNEL_LEN, USER_ID_LEN, Base, Id

WARD_LEN = 200
NAME_LEN = 200


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_status", "status", "created_at"),
        Index("ix_handoffs_conversation", "channel", "user_id", "id"),
        Index("ix_handoffs_ward_claimed", "ward", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LEN))
    user_id: Mapped[str] = mapped_column(String(USER_ID_LEN))
    ward: Mapped[str] = mapped_column(String(WARD_LEN))
    procedure: Mapped[str | None] = mapped_column(String(100))
    origin: Mapped[str | None] = mapped_column(String(100))  # "flow.step" the citizen came from
    status: Mapped[str] = mapped_column(String(16))  # waiting | active | closed
    created_at: Mapped[dt.datetime]
    # Asked during office hours: only such waits say how long a wait is when someone is on duty.
    in_hours: Mapped[bool] = mapped_column(Boolean)
    acked: Mapped[bool] = mapped_column(Boolean)  # the citizen was told their waiting messages are kept
    claimed_at: Mapped[dt.datetime | None]
    claimed_by_id: Mapped[int | None] = mapped_column(Id, ForeignKey("admin_users.id", ondelete="SET NULL"))
    claimed_by: Mapped[str | None] = mapped_column(String(NAME_LEN))  # the name at the time
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(16))  # person | citizen
    rating_pending: Mapped[bool] = mapped_column(Boolean)  # asked to rate, no answer yet
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[dt.datetime | None]


class HandoffMessage(Base):
    __tablename__ = "handoff_messages"
    __table_args__ = (Index("ix_handoff_messages_handoff", "handoff_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(Id, ForeignKey("handoffs.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime]
    who: Mapped[str] = mapped_column(String(16))  # citizen | bot | person
    author: Mapped[str | None] = mapped_column(String(NAME_LEN))  # the person's name
    text: Mapped[str] = mapped_column(Text)  # masked: never an ID-card or phone number in clear
    outbox_id: Mapped[int | None] = mapped_column(Id, ForeignKey("outbox.id", ondelete="SET NULL"))
