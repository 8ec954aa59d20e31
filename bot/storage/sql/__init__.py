"""The SQL store: one SqlStore over SQLAlchemy, its queries and its transactions."""

from bot.storage.sql.store import SqlStore
from bot.storage.sql.units import Units, lock_content

__all__ = ["SqlStore", "Units", "lock_content"]
