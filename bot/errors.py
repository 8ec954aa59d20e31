"""Every error Motcua raises on purpose, in one tree.

    MotcuaError
    ├── ContentInvalid          procedures/ or flows.yaml failed validation; .problems lists every one
    ├── ConfigError             a setting is missing or contradictory at start-up
    ├── PdfUnavailable          no browser to print leaflets with (bot/outreach/pdf.py)
    ├── StorageError            the database refused or lost something
    │   └── ConflictError       someone else changed the same record first (optimistic lock)
    └── ChannelError            a channel API failed; .channel, .code say which and how
        ├── ChannelAuthError    token invalid or expired and could not be refreshed
        ├── ChannelRateLimited  the platform asked us to slow down; .retry_after seconds
        └── ChannelRejected     the platform will never accept this message (outside window, blocked)

Each error says what to fix; ids travel as attributes, not only inside the message.
"""

from __future__ import annotations

from dataclasses import dataclass


class MotcuaError(Exception):
    """Base of every error Motcua raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: where it is and what is wrong, in words an official understands."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ContentInvalid(MotcuaError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(MotcuaError):
    pass


class StorageError(MotcuaError):
    pass


class ConflictError(StorageError):
    def __init__(self, what: str, expected: int, found: int) -> None:
        self.what, self.expected, self.found = what, expected, found
        super().__init__(f"{what} was changed by someone else (expected version {expected}, found {found})")


class ChannelError(MotcuaError):
    def __init__(self, channel: str, code: int | str, message: str) -> None:
        self.channel, self.code = channel, code
        super().__init__(f"{channel}: {code}: {message}")


class ChannelAuthError(ChannelError):
    pass


class ChannelRateLimited(ChannelError):
    def __init__(self, channel: str, code: int | str, message: str, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(channel, code, message)


class ChannelRejected(ChannelError):
    pass


class ConversationBusy(MotcuaError):
    """One conversation has too many accepted messages not processed yet: refuse more for a moment (HTTP
    429 with Retry-After; Zalo and Telegram deliver the refused message again later)."""

    retry_after = 5.0

    def __init__(self, channel: str) -> None:
        super().__init__(f"a {channel} conversation has too many messages waiting")
