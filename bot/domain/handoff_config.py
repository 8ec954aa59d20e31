"""The `handoff:` section of flows.yaml: who receives a conversation a citizen hands to a person, when
the office is open, and every sentence the bot says around a handoff.

The flow language only marks *where* a conversation goes to a person (a `handoff` step, see flows/model.py);
this section holds what is the same for the whole site:

    ward        the queue (ward, commune, agency) that receives handoffs, matched against the `ward` of
                volunteer accounts; `wards:` may route by the procedure's agency level (xã / tỉnh / bộ)
    hours       the office schedule per weekday, in `timezone` (Vietnam: Asia/Ho_Chi_Minh), and
                `closed_days` (public holidays); `hours_text` says the same in words for citizens
    hotline     the number to call when nobody is on duty; unset, the bot tells citizens to call the office
    leave       the commands that, typed or pressed by the citizen, end the wait or the conversation with
                the person (the bot takes over again)
    messages    the texts, with {placeholders} the service fills in (each text lists the ones it may use)
    rating      the question asked when the person hands the conversation back, and its answers

Nothing here does I/O except naming a time zone, which is looked up in the system's tz database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from bot.domain.catalogue import AgencyLevel

Text = Annotated[str, Field(min_length=1)]
CommandName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=20)]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python's weekday() order

_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    """The names a handoff text asks for, in order (`{hours}` -> "hours")."""
    return [name.strip() for name in _PLACEHOLDER.findall(text)]


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each {name} replaced; validation has made sure every name is one the caller gives."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), ""), text).strip()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Span(Strict):
    """One opening period of a day, e.g. 07:30-11:30 (minutes since midnight)."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Span:
        found = _SPAN.match(text.strip())
        if found is None:
            raise ValueError(f"'{text}' is not a period like 07:30-11:30")
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or h1 * 60 + m1 > 1440 or h2 * 60 + m2 > 1440:
            raise ValueError(f"'{text}' is not a time of day")
        span = cls(start=h1 * 60 + m1, end=h2 * 60 + m2)
        if span.start >= span.end:
            raise ValueError(f"'{text}' ends before it starts")
        return span


class HandoffTexts(Strict):
    """What the bot says around a handoff. {placeholders} allowed in each, filled by the service."""

    ALLOWED: ClassVar[dict[str, frozenset[str]]] = {
        "open_now": frozenset({"hours"}),
        "closed_now": frozenset({"hours", "opens"}),
        "estimate": frozenset({"wait", "count"}),
        "no_estimate": frozenset(),
        "hotline": frozenset({"hotline"}),
        "no_hotline": frozenset(),
        "waiting_ack": frozenset(),
        "claimed": frozenset({"person"}),
        "person_says": frozenset({"person", "text"}),
        "released": frozenset(),
        "left": frozenset(),
        "unavailable": frozenset(),
        "minutes": frozenset({"n"}),
        "hours_wait": frozenset({"n"}),
        "opens_today": frozenset({"time"}),
        "opens_later": frozenset({"time", "day", "date"}),
    }

    open_now: Text  # the conversation is in the queue and the office is open
    closed_now: Text  # ... the office is closed; {opens} is when it opens again
    estimate: Text  # recent waits: about {wait}, from {count} handoffs
    no_estimate: Text  # too few recent handoffs to say how long the wait is
    hotline: Text  # nobody on duty: call {hotline}
    no_hotline: Text  # nobody on duty, and no hotline is configured
    waiting_ack: Text  # the first message a waiting citizen sends: it was kept for the person
    claimed: Text  # a person took the conversation
    person_says: Text  # how a person's reply is shown: {text}, {person}
    released: Text  # the person handed the conversation back to the bot
    left: Text  # the citizen left the queue or the conversation with the person
    unavailable: Text  # this channel cannot carry a person's replies (the terminal)
    minutes: Text  # a wait in minutes: {n}
    hours_wait: Text  # a wait in hours: {n}
    opens_today: Text  # {time}
    opens_later: Text  # {time} {day} {date}

    @field_validator("*")
    @classmethod
    def _known_placeholders(cls, value: str, info: ValidationInfo) -> str:
        allowed = cls.ALLOWED.get(info.field_name or "", frozenset())
        unknown = [name for name in placeholders(value) if name not in allowed]
        if unknown:
            offer = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
            raise ValueError(f"{{{unknown[0]}}} cannot be used here (this text may use: {offer})")
        return value


class RatingOption(Strict):
    value: Annotated[int, Field(ge=0, le=5)]  # what is stored
    label: Text  # on the button
    words: list[Text] = Field(default_factory=list)  # typed words that count as this answer


class Rating(Strict):
    ask: Text
    thanks: Text
    options: list[RatingOption] = Field(min_length=2, max_length=5)  # Zalo shows 5 buttons a message

    @model_validator(mode="after")
    def _distinct(self) -> Rating:
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError("two rating options store the same value")
        return self


class HandoffConfig(Strict):
    ward: Text  # the site's own queue
    wards: dict[AgencyLevel, Text] = Field(default_factory=dict)  # by the procedure's agency level
    timezone: Text = "Asia/Ho_Chi_Minh"
    hours: dict[Day, list[str]]
    closed_days: list[dt.date] = Field(default_factory=list)
    hours_text: Text
    days: list[Text]  # weekday names, Monday first
    hotline: str | None = None
    leave: list[CommandName] = Field(min_length=1)
    messages: HandoffTexts
    rating: Rating

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a time zone (Vietnam: Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("hours")
    @classmethod
    def _spans(cls, value: dict[Day, list[str]]) -> dict[Day, list[str]]:
        if not any(value.values()):
            raise ValueError("give the office hours of at least one day, e.g. mon: [07:30-11:30]")
        for spans in value.values():
            parsed = sorted((Span.parse(text) for text in spans), key=lambda s: s.start)
            if any(a.end > b.start for a, b in itertools.pairwise(parsed)):
                raise ValueError(f"periods overlap: {', '.join(spans)}")
        return value

    @field_validator("days")
    @classmethod
    def _week(cls, value: list[str]) -> list[str]:
        if len(value) != 7:
            raise ValueError(f"give the 7 weekday names, Monday first (found {len(value)})")
        return value

    @field_validator("hotline")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def spans(self, day: Day) -> list[Span]:
        return sorted((Span.parse(text) for text in self.hours.get(day, [])), key=lambda s: s.start)

    def ward_for(self, agency_level: AgencyLevel | None) -> str:
        """The queue a handoff goes to: by the procedure's agency level when routed, else the site's."""
        if agency_level is not None and agency_level in self.wards:
            return self.wards[agency_level]
        return self.ward
