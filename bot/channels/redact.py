"""Keeping platform tokens out of logs: httpx logs every request URL at INFO, and the Telegram Bot API
and Meta's Send API both put a token in the URL (the bot token in the path, `?access_token=` in the
query)."""

from __future__ import annotations

import logging


class RedactToken(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


def hide_token_from_http_logs(token: str) -> None:
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, RedactToken) and f.token == token for f in httpx_log.filters):
        httpx_log.addFilter(RedactToken(token))
