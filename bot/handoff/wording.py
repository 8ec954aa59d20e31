"""What the bot says around a handoff, put together from the texts of flows.yaml (`handoff:`).

Nothing here invents a fact: the waiting time is the median of recent real waits, or the honest
"not enough data" text; the hotline is the configured one, or the text that sends citizens to the office.
Pure functions: the desk gathers the facts (time, recent waits) and these turn them into replies.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass

from bot.domain.handoff_config import HandoffConfig, fill
from bot.domain.messages import Button, Incoming, IncomingKind, Reply
from bot.domain.text import command_key
from bot.handoff.hours import OfficeClock

WEB = "web"  # the web chat receives a person's replies by polling GET /api/chat/updates

MIN_SAMPLES = 3  # fewer recent waits than this say nothing about the next one
RATE_PREFIX = "rate:"  # button ids of the rating question: rate:<value>


@dataclass(frozen=True, slots=True)
class Estimate:
    seconds: float | None  # the median recent wait; None when there are too few to tell
    count: int  # how many recent waits it is based on


def estimate(waits: list[float], minimum: int = MIN_SAMPLES) -> Estimate:
    """The typical wait from recent ones (seconds); the median, so one forgotten night does not count."""
    if len(waits) < minimum:
        return Estimate(None, len(waits))
    return Estimate(statistics.median(waits), len(waits))


def say_wait(config: HandoffConfig, seconds: float) -> str:
    """A wait in whole minutes (at least one), or in hours from 90 minutes on."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 90:
        return fill(config.messages.minutes, {"n": str(minutes)})
    return fill(config.messages.hours_wait, {"n": str(round(minutes / 60))})


def hotline_line(config: HandoffConfig) -> str:
    if config.hotline:
        return fill(config.messages.hotline, {"hotline": config.hotline})
    return config.messages.no_hotline


def queue_notice(config: HandoffConfig, now: dt.datetime, found: Estimate) -> str:
    """What follows the handoff step's own message: office hours, then the wait or the hotline."""
    clock = OfficeClock(config)
    texts = config.messages
    if clock.is_open(now):
        lines = [fill(texts.open_now, {"hours": config.hours_text})]
        if found.seconds is None:
            lines.append(texts.no_estimate)
        else:
            wait = say_wait(config, found.seconds)
            lines.append(fill(texts.estimate, {"wait": wait, "count": str(found.count)}))
        return "\n".join(lines)
    opening = clock.next_opening(now)
    # no opening within weeks (a long closure): repeat the schedule rather than invent a date
    opens = clock.say_opening(now, opening) if opening is not None else config.hours_text
    closed = fill(texts.closed_now, {"hours": config.hours_text, "opens": opens})
    return "\n".join([closed, hotline_line(config)])


def rating_question(config: HandoffConfig) -> Reply:
    buttons = tuple(Button(f"{RATE_PREFIX}{o.value}", o.label) for o in config.rating.options)
    return Reply(config.rating.ask, buttons)


def rating_of(config: HandoffConfig, incoming: Incoming) -> int | None:
    """The rating this message gives (a rating button, or its label or words typed), else None."""
    if incoming.kind == IncomingKind.BUTTON:
        for option in config.rating.options:
            if incoming.button == f"{RATE_PREFIX}{option.value}":
                return option.value
        return None
    if incoming.kind != IncomingKind.TEXT:
        return None
    typed = command_key(incoming.text)
    for option in config.rating.options:
        if typed and typed in {command_key(w) for w in (option.label, *option.words)}:
            return option.value
    return None


def leaves(config: HandoffConfig, words: dict[str, str], incoming: Incoming) -> bool:
    """Whether the citizen ends the handoff: a `leave` command, pressed or typed (`words`: the engine's
    typed command words, folded, to command names)."""
    if incoming.kind == IncomingKind.BUTTON:
        return incoming.button in config.leave
    if incoming.kind == IncomingKind.START:
        return True  # a new deep link or "get started": the citizen starts something else
    return incoming.kind == IncomingKind.TEXT and words.get(command_key(incoming.text)) in config.leave


def person_reply(config: HandoffConfig, text: str, person: str) -> Reply:
    return Reply(fill(config.messages.person_says, {"text": text.strip(), "person": person}))


def said(incoming: Incoming, labels: dict[str, str]) -> str:
    """A citizen's message as the person reads it: the text, or the label of the button pressed."""
    if incoming.kind == IncomingKind.TEXT:
        return incoming.text
    if incoming.kind == IncomingKind.BUTTON:
        return labels.get(incoming.button, incoming.button)
    if incoming.kind == IncomingKind.START:
        return f"/start {incoming.payload}".strip()
    return f"({incoming.payload})" if incoming.payload else "(…)"
