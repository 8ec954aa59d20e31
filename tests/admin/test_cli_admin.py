"""`motcua user ...`, `motcua export DIR` and `motcua import DIR`."""

from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.cli.admin import ADMIN_COMMANDS, add_admin_commands, run_admin
from bot.config import CHECKOUT, Settings, load_settings
from bot.content.revisions import Revisions
from bot.storage.sql.store import SqlStore
from tests.admin.support import admin_app, spend_link

BASE = "https://motcua.example.vn"


@pytest.fixture
def cli_settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, public_base_url=BASE)


def motcua(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="motcua")
    add_admin_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    assert args.command in ADMIN_COMMANDS
    return run_admin(args, settings)


def _history(settings: Settings) -> list[dict[str, object]]:
    async def read() -> list[dict[str, object]]:
        store = await SqlStore.open(settings.database_url)
        try:
            return [r.to_json() for r in await Revisions(store.units).history()]
        finally:
            await store.close()

    return asyncio.run(read())


def test_user_add_prints_a_one_time_login_link_that_signs_in(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        motcua(
            cli_settings,
            "user",
            "add",
            "--role",
            "official",
            "--name",
            "Nguyễn Thị Lan",
            "--ward",
            "Phường Bến Nghé",
        )
        == 0
    )
    link = capsys.readouterr().out.strip()
    assert re.fullmatch(re.escape(BASE) + r"/admin/login\?token=[A-Za-z0-9_\-]{40,}", link)
    with TestClient(admin_app(cli_settings)) as client:
        assert spend_link(client, link.removeprefix(BASE)).status_code == 303
        assert client.get("/admin/api/me").json() == {
            "name": "Nguyễn Thị Lan",
            "role": "official",
            "ward": "Phường Bến Nghé",
        }
        client.cookies.clear()
        assert spend_link(client, link.removeprefix(BASE)).headers["location"].endswith("error=link")


def test_user_list_disable_token_and_link(cli_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    motcua(cli_settings, "user", "add", "--role", "admin", "--name", "Lê Quản Trị")
    motcua(
        cli_settings, "user", "add", "--role", "volunteer", "--name", "Trần Minh", "--ward", "Bộ phận Một cửa"
    )
    capsys.readouterr()
    assert motcua(cli_settings, "user", "token", "1", "--label", "sao lưu") == 0
    token = capsys.readouterr().out.strip()
    assert motcua(cli_settings, "user", "link", "2") == 0
    link = capsys.readouterr().out.strip()
    assert motcua(cli_settings, "user", "disable", "2") == 0
    assert motcua(cli_settings, "user", "list") == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert [r[:4] for r in rows] == [
        ["1", "admin", "active", "Lê Quản Trị"],
        ["2", "volunteer", "disabled", "Trần Minh"],
    ]
    assert rows[1][4] == "Bộ phận Một cửa"
    with TestClient(admin_app(cli_settings)) as client:
        assert client.get("/admin/api/users", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        spend_link(client, link.removeprefix(BASE))
        assert client.get("/admin/api/me").status_code == 401  # the account was disabled after the link


def test_user_commands_on_a_missing_account_fail_with_a_message(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert motcua(cli_settings, "user", "disable", "42") == 1
    assert "no account has the id 42" in capsys.readouterr().err


def test_export_writes_the_published_files(cli_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "content"
    (out / "procedures").mkdir(parents=True)
    (out / "procedures" / "da-xoa.yaml").write_text("id: da-xoa\n", encoding="utf-8")
    assert motcua(cli_settings, "export", str(out)) == 0
    exported = sorted(p.name for p in (out / "procedures").glob("*.yaml"))
    assert exported == sorted(p.name for p in (CHECKOUT / "procedures").glob("*.yaml"))  # da-xoa.yaml is gone
    for name in ("flows.yaml", "lexicon.yaml", "outreach.yaml", "procedures/khai-sinh.yaml"):
        assert (out / name).read_text(encoding="utf-8") == (CHECKOUT / name).read_text(encoding="utf-8")


def test_import_publishes_a_checked_folder_as_a_new_revision(
    cli_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "content"
    motcua(cli_settings, "export", str(folder))
    fee_file = folder / "procedures" / "ho-chieu.yaml"
    fee_file.write_text(
        fee_file.read_text(encoding="utf-8").replace("200.000 đ", "210.000 đ"), encoding="utf-8"
    )
    assert motcua(cli_settings, "import", str(folder), "--comment", "Theo thông tư mới") == 0
    newest = _history(cli_settings)[0]
    assert newest["id"] == 2 and newest["kind"] == "import" and newest["comment"] == "Theo thông tư mới"
    assert newest["files"] == ["procedures/ho-chieu.yaml"]

    capsys.readouterr()
    assert motcua(cli_settings, "import", str(folder)) == 0
    assert "nothing to import" in capsys.readouterr().err
    assert len(_history(cli_settings)) == 2


def test_an_invalid_folder_is_not_imported_and_every_problem_is_printed(
    cli_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "content"
    motcua(cli_settings, "export", str(folder))
    broken = folder / "procedures" / "khai-tu.yaml"
    text = broken.read_text(encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("level: "))) + 1
    broken.write_text(text.replace("\nlevel: ", "\nlevel: 9 #", 1), encoding="utf-8")
    capsys.readouterr()
    assert motcua(cli_settings, "import", str(folder)) == 1
    err = capsys.readouterr().err
    assert f"{folder}/procedures/khai-tu.yaml:{line}: level: must be one of: 2, 3 or 4" in err
    assert len(_history(cli_settings)) == 1
