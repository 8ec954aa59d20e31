"""Setting up staff from the terminal as a ward would: a volunteer's ward must be a queue handoffs go to,
and the login link points where the server really answers."""

from __future__ import annotations

import pytest

from bot.cli.serve import address_mismatch
from bot.config import Settings, load_settings
from tests.admin.test_cli_admin import BASE, motcua

KNOWN = "Bộ phận Một cửa"  # flows.yaml: handoff.ward


@pytest.fixture
def cli_settings(sqlite_url: str) -> Settings:
    return load_settings(database_url=sqlite_url, public_base_url=BASE)


def listed_users(settings: Settings, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()
    assert motcua(settings, "user", "list") == 0
    return [line.split("\t") for line in capsys.readouterr().out.strip().splitlines() if line]


def test_a_volunteer_of_an_unknown_ward_is_refused_with_the_known_ones(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = motcua(cli_settings, "user", "add", "--role", "volunteer", "--name", "Lê Hoa", "--ward", "Xã A")
    err = capsys.readouterr().err
    assert code == 1
    assert "Xã A" in err and f'"{KNOWN}"' in err
    assert listed_users(cli_settings, capsys) == []  # nothing was created


def test_a_volunteer_needs_a_ward(cli_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert motcua(cli_settings, "user", "add", "--role", "volunteer", "--name", "Lê Hoa") == 1
    assert KNOWN in capsys.readouterr().err


def test_the_ward_is_kept_as_flows_yaml_spells_it(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["user", "add", "--role", "volunteer", "--name", "Lê Hoa", "--ward", "bộ phận  một cửa"]
    assert motcua(cli_settings, *argv) == 0
    assert listed_users(cli_settings, capsys)[0][4] == KNOWN


def test_the_login_link_uses_the_given_address(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["user", "add", "--role", "official", "--name", "Ngô Lan", "--base-url", "http://127.0.0.1:8765"]
    assert motcua(cli_settings, *argv) == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:8765/admin/login?token=")
    assert motcua(cli_settings, "user", "link", "1", "--base-url", "http://127.0.0.1:8765/") == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:8765/admin/login?token=")


def test_an_unset_public_address_is_said(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings(database_url=sqlite_url)
    assert motcua(settings, "user", "add", "--role", "official", "--name", "Ngô Lan") == 0
    printed = capsys.readouterr()
    assert printed.out.startswith("http://127.0.0.1:8000/admin/login?token=")
    assert "MOTCUA_PUBLIC_BASE_URL is not set" in printed.err and "--base-url" in printed.err


def test_serve_says_when_links_would_point_at_another_port(sqlite_url: str) -> None:
    default = load_settings(database_url=sqlite_url)
    said = address_mismatch(default, 8080)
    assert said and "8080" in said and "MOTCUA_PUBLIC_BASE_URL" in said
    assert address_mismatch(default, 8000) is None
    public = load_settings(database_url=sqlite_url, public_base_url="https://motcua.example.vn")
    assert address_mismatch(public, 8080) is None  # behind a proxy: the proxy's port is the public one
