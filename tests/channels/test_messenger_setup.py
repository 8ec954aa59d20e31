"""`motcua messenger setup` against the fake Messenger platform: Get Started and the persistent menu from
flows.yaml, written once however often the command runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.channels.messenger.events import GET_STARTED
from bot.cli.main import main
from bot.config import CHECKOUT
from bot.content.flows_file import load_flows
from tests.fakes.messenger_server import FakeMessenger

PAGE_TOKEN = "setup-page-token"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMessenger]:
    with FakeMessenger(page_token=PAGE_TOKEN).running() as server:
        for name, value in {
            "MOTCUA_MESSENGER_APP_SECRET": "secret",
            "MOTCUA_MESSENGER_VERIFY_TOKEN": "verify",
            "MOTCUA_MESSENGER_PAGE_TOKEN": PAGE_TOKEN,
            "MOTCUA_MESSENGER_GRAPH_BASE": server.url,
            "MOTCUA_MESSENGER_API_VERSION": "21.0",
        }.items():
            monkeypatch.setenv(name, value)
        yield server


def test_setup_sets_get_started_and_the_menu_once(
    fake: FakeMessenger, capsys: pytest.CaptureFixture[str]
) -> None:
    flows = load_flows(CHECKOUT / "flows.yaml")
    assert main(["messenger", "setup"]) == 0
    profile = fake.state.profile
    assert profile["get_started"] == {"payload": GET_STARTED}
    [menu] = profile["persistent_menu"]
    payloads = [action["payload"] for action in menu["call_to_actions"]]
    assert payloads[0] == flows.settings.menu_button
    assert all(name in flows.commands for name in payloads)
    assert [a["title"] for a in menu["call_to_actions"]] == [flows.commands[p].label for p in payloads]
    assert fake.state.versions == {"v21.0"}
    assert "updated" in capsys.readouterr().out
    assert main(["messenger", "setup"]) == 0
    assert main(["messenger", "setup"]) == 0
    assert fake.state.profile_writes == 1, "an unchanged profile is not written again"
    assert "already up to date" in capsys.readouterr().out


def test_setup_rewrites_a_menu_changed_by_hand(fake: FakeMessenger) -> None:
    assert main(["messenger", "setup"]) == 0
    fake.state.profile["persistent_menu"][0]["call_to_actions"].pop()
    assert main(["messenger", "setup"]) == 0
    assert fake.state.profile_writes == 2


def test_setup_with_a_wrong_token_fails_clearly(fake: FakeMessenger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_MESSENGER_PAGE_TOKEN", "revoked")
    assert main(["messenger", "setup"]) == 1
    assert fake.state.profile_writes == 0


def test_setup_without_settings_says_messenger_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("APP_SECRET", "VERIFY_TOKEN", "PAGE_TOKEN"):
        monkeypatch.delenv(f"MOTCUA_MESSENGER_{name}", raising=False)
    assert main(["messenger", "setup"]) == 2
