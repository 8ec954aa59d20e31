"""README tells a ward every setting, with an example `.env` that works: each key a real setting, the
values valid, and the links printed on leaflets and QR codes all buildable from it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.outreach.links import BotLinks, Channel

README = Path(__file__).resolve().parents[1] / "README.md"
MUST = ("MOTCUA_PUBLIC_BASE_URL", "MOTCUA_ZALO_OA_LINK", "MOTCUA_TELEGRAM_BOT_USERNAME", "MOTCUA_SECRET_SALT")


def ward_section() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^## Settings for a ward\n(.*?)^## ", text, re.M | re.S)
    assert found, "README has no section 'Settings for a ward'"
    return found.group(1)


def example_env() -> dict[str, str]:
    blocks = re.findall(r"```bash\n(.*?)```", ward_section(), re.S)
    env = [b for b in blocks if "MOTCUA_PUBLIC_BASE_URL=" in b]
    assert env, "no example .env in the section"
    values: dict[str, str] = {}
    for line in env[0].splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = shlex.split(value)[0] if value else ""
    return values


def test_every_setting_is_named_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [
        f"MOTCUA_{name.upper()}" for name in Settings.model_fields if f"MOTCUA_{name.upper()}" not in text
    ]
    assert missing == []


def test_the_example_env_is_valid_and_gives_every_printed_link(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    values = example_env()
    assert set(MUST) <= set(values)
    known = {f"MOTCUA_{name.upper()}" for name in Settings.model_fields}
    assert set(values) <= known, f"not settings: {set(values) - known}"
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MOTCUA_DATABASE_URL", sqlite_url)  # the example's PostgreSQL is not here
    links = BotLinks.from_settings(load_settings())
    assert links.skipped == () and links.missing() == []
    assert {link.channel for link in links.for_procedure("khai-sinh")} == set(Channel)
