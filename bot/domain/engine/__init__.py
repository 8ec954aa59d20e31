"""The conversation engine: one citizen message and the state in, one reply out."""

from bot.domain.engine.core import Engine, Turn, TurnTrace
from bot.domain.engine.render import PICK_PREFIX
from bot.domain.engine.run import HandoffRequest

__all__ = ["PICK_PREFIX", "Engine", "HandoffRequest", "Turn", "TurnTrace"]
