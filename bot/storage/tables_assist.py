"""The table of volunteer-assisted sessions (bot/assist). Imported at the end of tables.py, so it shares
its metadata and portable types.

One row is one citizen a volunteer helped, recorded only with the citizen's consent. By design it holds
nothing about the citizen: no channel, no user id, no name, no text. Only who helped (a staff account),
in which ward, for which procedure and when; the quarterly report counts these per ward (bot/report/load.py
reads the columns `started_at`, `ward` and `volunteer_id` by name).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables_base import Base, Id

WARD_LEN = 200
PROCEDURE_LEN = 100


class AssistedSession(Base):
    __tablename__ = "assisted_sessions"
    __table_args__ = (Index("ix_assisted_sessions_started", "started_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # The staff account; kept NULL if the account is deleted so the ward's count survives.
    volunteer_id: Mapped[int | None] = mapped_column(Id, ForeignKey("admin_users.id", ondelete="SET NULL"))
    ward: Mapped[str | None] = mapped_column(String(WARD_LEN))  # the volunteer's ward at the time
    procedure: Mapped[str] = mapped_column(String(PROCEDURE_LEN))
    consent: Mapped[bool] = mapped_column(Boolean)  # always true: without consent nothing is written
    started_at: Mapped[dt.datetime]
