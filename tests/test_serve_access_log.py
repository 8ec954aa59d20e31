"""`motcua serve`'s access log: webhook requests (one per citizen message) are left out, the rest kept."""

from __future__ import annotations

import logging
import logging.config

import pytest

from bot.cli.serve import log_config


def _access_record(path: str) -> logging.LogRecord:
    # The shape of uvicorn's own access log call (uvicorn/protocols/http/*_impl.py).
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", path, "1.1", 200),
        None,
    )


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/webhooks/zalo", False),
        ("/webhooks/telegram?x=1", False),
        ("/webhooks/messenger", False),
        ("/api/chat", True),
        ("/admin/login", True),
        ("/healthz", True),
    ],
)
def test_access_log_leaves_out_webhooks_only(path: str, kept: bool) -> None:
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {
        n: (lg.handlers[:], lg.filters[:], lg.level, lg.propagate)
        for n in names
        if (lg := logging.getLogger(n))
    }
    logging.config.dictConfig(log_config())  # as uvicorn applies it, in each worker
    try:
        assert bool(logging.getLogger("uvicorn.access").filter(_access_record(path))) is kept
    finally:
        for name, (handlers, filters, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:], logger.filters[:], logger.level, logger.propagate = (
                handlers,
                filters,
                level,
                propagate,
            )
