"""`motcua serve` (uvicorn) and `motcua telegram --polling` (local development without a public URL)."""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from bot.config import Settings
from bot.errors import ConfigError

log = logging.getLogger("motcua.serve")


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Platform webhooks: a line each in the access log would be one per citizen message (most of the
# traffic) and costs the worker a formatted write per request; their failures are logged by the routes
# themselves (bad signature, unknown app, ...). Everything else keeps its access log line.
QUIET_PREFIXES = ("/webhooks/",)


class QuietWebhooks(logging.Filter):
    """Drops uvicorn's access log records of webhook requests (uvicorn passes the path as args[2])."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            return not args[2].startswith(QUIET_PREFIXES)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with webhook requests left out of the access log. Given as a
    dictionary so that every worker process (started afresh) configures the same filter."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["quiet_webhooks"] = {"()": f"{__name__}.QuietWebhooks"}
    config["loggers"]["uvicorn.access"]["filters"] = ["quiet_webhooks"]
    return config


def address_mismatch(settings: Settings, port: int) -> str | None:
    """Why login links and QR codes would miss this server: the public address names this computer on
    another port. A public name is left alone (behind a proxy its port is the proxy's)."""
    parts = urlsplit(settings.public_base_url)
    if parts.hostname not in LOCAL_HOSTS:
        return None
    named = parts.port or (443 if parts.scheme == "https" else 80)
    if named == port:
        return None
    return (
        f"MOTCUA_PUBLIC_BASE_URL is {settings.public_base_url} but the server listens on port {port}: "
        f"login links (motcua user add) and QR codes would point at the wrong port; "
        f"set MOTCUA_PUBLIC_BASE_URL=http://127.0.0.1:{port} (or the public address)"
    )


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    if mismatch := address_mismatch(settings, port):
        log.warning(mismatch)
    if workers > 1 and settings.database_url.startswith("sqlite"):
        log.warning("several workers on SQLite serialise on one file; use PostgreSQL in production")
    if workers > 1:
        # Each worker process builds its own app from the environment (settings are re-read there).
        uvicorn.run(
            "api.main:app_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            log_config=log_config(),
        )
    else:
        from api.main import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", log_config=log_config())
    return 0


def telegram_polling(settings: Settings) -> int:
    if not settings.telegram_enabled:
        raise ConfigError("set MOTCUA_TELEGRAM_TOKEN to run the Telegram bot")
    from bot.channels.telegram import run_polling
    from bot.runtime import runtime

    async def run() -> None:
        async with runtime(settings, serve=False) as rt:
            await run_polling(settings, rt.service)

    asyncio.run(run())
    return 0
