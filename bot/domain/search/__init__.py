"""Procedure search: the index, the scoring and the topics a message can name."""

from bot.domain.search.procedures import ProcedureIndex, SearchResult
from bot.domain.search.topics import topic_specs

__all__ = ["ProcedureIndex", "SearchResult", "topic_specs"]
