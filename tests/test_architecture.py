"""The package layers of docs/DESIGN.md ("The shape") hold: import-linter checks the contracts written in
pyproject.toml ([tool.importlinter]) against every import in bot/ and api/, type-only and lazy ones too."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_every_import_keeps_the_contracts() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--config", "pyproject.toml", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_every_package_of_bot_has_a_layer() -> None:
    """A new package must be placed in the layers, or the layers contract says nothing about it."""
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    assert isinstance(layers, list)
    named = {name.strip("() ") for layer in layers for name in str(layer).split("|")}
    packages = {f"bot.{p.parent.name}" for p in (ROOT / "bot").glob("*/__init__.py")}
    assert packages, "no package found under bot/"
    assert sorted(packages - named) == []
