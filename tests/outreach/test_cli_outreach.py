"""`motcua leaflet` and `motcua poster`, through the functions the `motcua` parser hands them to."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli.outreach import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_outreach_commands, run_outreach
from bot.config import Settings, load_settings
from tests.outreach import pdftools
from tests.outreach.conftest import BOT_USERNAME, PUBLIC_BASE


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua")
    add_outreach_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.fixture
def web_and_telegram() -> Settings:
    return load_settings(public_base_url=PUBLIC_BASE, telegram_bot_username=BOT_USERNAME)


def test_both_commands_require_an_output_file() -> None:
    with pytest.raises(SystemExit):
        parse("leaflet", "khai-sinh")
    with pytest.raises(SystemExit):
        parse("poster", "--procedures", "khai-sinh")


def test_an_unknown_procedure_is_a_usage_error_naming_it(
    tmp_path: Path, web_and_telegram: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    assert (
        run_outreach(
            parse("poster", "--procedures", "khai-sinh,khong-co", "--out", str(out)), web_and_telegram
        )
        == EXIT_USAGE
    )
    assert "khong-co" in capsys.readouterr().err
    assert not out.exists()


def test_an_empty_procedure_list_is_a_usage_error(tmp_path: Path, web_and_telegram: Settings) -> None:
    args = parse("poster", "--procedures", " , ", "--out", str(tmp_path / "x.pdf"))
    assert run_outreach(args, web_and_telegram) == EXIT_USAGE


def test_without_a_browser_the_command_fails_and_says_why(
    tmp_path: Path,
    web_and_telegram: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("bot.outreach.pdf.CHROMIUM", tmp_path / "no-chromium")
    args = parse("leaflet", "khai-sinh", "--out", str(tmp_path / "x.pdf"))
    assert run_outreach(args, web_and_telegram) == EXIT_FAILED
    assert "chromium" in capsys.readouterr().err


@pdftools.printing
def test_leaflet_writes_an_a5_pdf_and_notes_the_links_left_out(
    tmp_path: Path, web_and_telegram: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "khai-tu.pdf"
    assert run_outreach(parse("leaflet", "khai-tu", "--out", str(out)), web_and_telegram) == EXIT_OK
    assert "MOTCUA_ZALO_OA_LINK is unset" in capsys.readouterr().err
    pdf = out.read_bytes()
    assert "(A5)" in pdftools.info(pdf, tmp_path / "read")["Page size"]
    codes = pdftools.qr_codes(pdf, tmp_path / "read")
    assert sorted(codes) == sorted([f"{PUBLIC_BASE}/p/khai-tu", f"https://t.me/{BOT_USERNAME}?start=khai-tu"])


@pdftools.printing
def test_poster_writes_an_a4_pdf_with_the_given_title(tmp_path: Path, web_and_telegram: Settings) -> None:
    out = tmp_path / "bang-tin.pdf"
    args = parse(
        "poster", "--procedures", "tam-tru,tam-vang", "--title", "Bảng tin Công an phường", "--out", str(out)
    )
    assert run_outreach(args, web_and_telegram) == EXIT_OK
    pdf = out.read_bytes()
    assert "(A4)" in pdftools.info(pdf, tmp_path / "read")["Page size"]
    assert "Bảng tin Công an phường" in pdftools.text(pdf, tmp_path / "read")
