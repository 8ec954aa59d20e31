"""Every error Motcua raises on purpose, in one tree.

    MotcuaError                 bot/domain/errors.py (the domain raises some; it imports nothing above it)
    ├── ContentInvalid          procedures/ or flows.yaml failed validation; .problems lists every one
    ├── ConfigError             a setting is missing or contradictory at start-up
    ├── StorageError            the database refused or lost something
    │   └── AlreadyProcessed    another worker processed this inbox item first; the turn rolled back
    ├── ChannelError            a channel API failed; .channel, .code say which and how
    │   ├── ChannelAuthError    token invalid or expired and could not be refreshed
    │   ├── ChannelRateLimited  the platform asked us to slow down; .retry_after seconds
    │   └── ChannelRejected     the platform will never accept this message (outside window, blocked)
    ├── ConversationBusy        one conversation has too many messages waiting (HTTP 429)
    ├── ConditionError, TemplateError (also ValueError, so pydantic validators report them)  bot/domain
    ├── YamlError               a YAML file cannot be read; .problem says where bot/content/yamlsource.py
    ├── UserError (ValueError)  an account request that cannot be done (HTTP 422)     bot/admin/users.py
    │   └── UnknownAccount      no such account, or it is disabled (HTTP 404)
    ├── UnknownRevision (LookupError)  no content revision with this number           bot/content/revisions.py
    ├── PublishConflict         the file changed since the editor's base revision (HTTP 409)
    ├── PatchError (ValueError) the form cannot edit this field in place              bot/admin/yaml_patch.py
    ├── UnknownField (ValueError)  the procedure model has no such field (HTTP 422)   bot/admin/form_fields.py
    ├── HandoffNotFound, HandoffConflict  inbox actions (HTTP 404, 409)               bot/handoff/inbox.py
    ├── BadQuarter (ValueError) a report quarter not written YYYY-QN                  bot/report/quarter.py
    ├── PdfUnavailable          no browser to print leaflets with (HTTP 503)          bot/outreach/pdf.py
    ├── RecordError (ValueError)  a portal record file that is not what it must be    bot/portal/records.py
    ├── TooMany                 over a request budget (HTTP 429)                      bot/rate_limits.py
    └── BodyTooLarge            a request body over the size limit (HTTP 413)         api/limits.py

Each error says what to fix; ids travel as attributes, not only inside the message. The HTTP answer of
each is given once, in api/errors.py (api/faults.py for StorageError), not by each route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field  # `field` is also a Problem attribute
from types import MappingProxyType

# Re-exported: everything but the domain imports the root of the tree from here.
from bot.domain.errors import MotcuaError as MotcuaError

UNREADABLE = "cannot be read: {why}"  # a file the system would not give us; `why` is its reason
_NO_PARAMS: Mapping[str, str | int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: where it is and what is wrong.

    `message` is the English sentence (`motcua validate`, CI logs); `code` names the kind of problem and
    `params` the values it names, so bot/admin/problems_vi.py can say it in Vietnamese without reading
    the English. Two problems are the same when place and message are (code and params only restate it).
    """

    file: str
    line: int
    field: str
    message: str
    code: str = _field(default="", compare=False)
    params: Mapping[str, str | int] = _field(default_factory=lambda: _NO_PARAMS, compare=False)

    @classmethod
    def of(cls, file: str, line: int, field: str, code: str, english: str, /, **params: str | int) -> Problem:
        """A problem whose English message is `english` filled with `params` ({name} placeholders)."""
        return cls(file, line, field, english.format(**params), code, MappingProxyType(params))

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


class AlreadyProcessed(StorageError):
    """A turn found, when marking its inbox item, that another worker processed it meanwhile (the item
    looked unprocessed when the turn locked the conversation). Everything the turn wrote rolled back."""

    def __init__(self, inbox_id: int) -> None:
        self.inbox_id = inbox_id
        super().__init__(f"inbox item {inbox_id} was processed by another worker meanwhile")


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
