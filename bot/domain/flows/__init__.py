"""The flows model (flows.yaml): step kinds, commands, their checks and topics."""

from bot.domain.flows.checks import check_flows
from bot.domain.flows.graph import exits
from bot.domain.flows.model import (
    END,
    KINDS,
    WAITING,
    AskStep,
    Exit,
    Flows,
    Issue,
    PickStep,
    Step,
    WalkStep,
    YamlPath,
)
from bot.domain.flows.topics import phrasing_key

__all__ = [
    "END",
    "KINDS",
    "WAITING",
    "AskStep",
    "Exit",
    "Flows",
    "Issue",
    "PickStep",
    "Step",
    "WalkStep",
    "YamlPath",
    "check_flows",
    "exits",
    "phrasing_key",
]
