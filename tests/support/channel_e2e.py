"""What the Messenger and Zalo end-to-end tests share: the engine as the oracle of what a citizen should
receive, the app under test with its database, and waiting for replies to reach the fake platform."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from bot.config import Settings
from bot.content.model import Content, load_content
from bot.domain.messages import Incoming, Reply
from bot.domain.state import ConversationState

Render = Callable[[str, Reply], list[dict[str, Any]]]  # a channel's render_reply: API bodies for a reply


class Platform(Protocol):
    def messages_to(self, user: str) -> list[dict[str, Any]]: ...


P = TypeVar("P", bound=Platform)


@dataclass
class Oracle:
    """The engine on the same content, one state per citizen: what each turn should deliver, rendered by
    the channel's own renderer."""

    content: Content
    render: Render
    states: dict[str, ConversationState] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: Settings, render: Render) -> Oracle:
        return cls(load_content(settings.catalogue_dir, settings.flows_file, settings.lexicon_file), render)

    def expect_per_reply(self, user: str, incoming: Incoming) -> list[list[dict[str, Any]]]:
        """The platform messages of each reply of the turn (a long reply is several messages)."""
        turn = self.content.engine.handle(self.states.get(user), incoming)
        self.states[user] = turn.state
        return [[body["message"] for body in self.render(user, reply)] for reply in turn.replies]

    def expect(self, user: str, incoming: Incoming) -> list[dict[str, Any]]:
        return [message for reply in self.expect_per_reply(user, incoming) for message in reply]


@dataclass
class ChannelBot(Generic[P]):
    """The app under test (its URL and SQLite database), the fake platform it answers and the oracle."""

    channel: ClassVar[str]
    url: str
    settings: Settings
    fake: P
    oracle: Oracle

    def db(self, sql: str, *params: str) -> list[tuple[Any, ...]]:
        path = self.settings.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            return conn.execute(sql, params).fetchall()

    def inbox_count(self, user: str | None = None) -> int:
        sql = "SELECT count(*) FROM inbox WHERE channel = ?"
        if user is None:
            return int(self.db(sql, self.channel)[0][0])
        return int(self.db(sql + " AND user_id = ?", self.channel, user)[0][0])


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


def delivered(bot: ChannelBot[Any], user: str, count: int, *, settle: float = 0.6) -> list[dict[str, Any]]:
    """The messages `user` received, once there are `count`, after checking no more arrive."""
    wait_until(lambda: len(bot.fake.messages_to(user)) >= count)
    time.sleep(settle)
    return bot.fake.messages_to(user)


class Thread:
    """One citizen's conversation on a fake platform, read as the texts it has received so far."""

    @property
    def texts(self) -> list[str]:
        raise NotImplementedError

    def wait_for(self, count: int, timeout: float = 15.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(found := self.texts) < count:
            assert time.monotonic() < deadline, f"{len(found)} messages, wanted {count}: {found}"
            time.sleep(0.02)
        return found

    def settled(self, quiet: float = 0.8) -> int:
        """How many texts there are once `quiet` seconds pass without a new one."""
        count = len(self.texts)
        while True:
            time.sleep(quiet)
            if (now := len(self.texts)) == count:
                return count
            count = now
