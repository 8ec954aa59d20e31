"""The root of every error Motcua raises on purpose.

It lives in the domain because the domain raises errors too (ConditionError, TemplateError) and imports
nothing of ours above it; bot.errors re-exports it and holds the rest of the tree.
"""

from __future__ import annotations


class MotcuaError(Exception):
    """Base of every error Motcua raises on purpose."""
