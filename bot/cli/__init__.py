"""The `motcua` command line: one module per command group; `main` is the entry point."""

from bot.cli.main import main

__all__ = ["main"]
