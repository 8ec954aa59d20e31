"""The web chat's conversation token: who may read and write one web conversation.

`POST /api/chat` without a token starts a conversation and answers with a new token; the page keeps it
(localStorage of the chat page's own origin, also inside the widget's iframe) and sends it with every
later request in the `X-Motcua-Conversation` header (a `"token"` field in the JSON body works too).

The token is 256 random bits made by the server. The conversation's user id is derived from it with an
HMAC keyed by MOTCUA_SECRET_SALT, so nothing needs storing, and a user id seen anywhere (the staff inbox,
a log) cannot be turned back into the token that opens the conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

HEADER = "X-Motcua-Conversation"
PREFIX = "w-"
_SHAPE = re.compile(r"[A-Za-z0-9_\-]{32,128}")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def well_formed(token: str) -> bool:
    return _SHAPE.fullmatch(token) is not None


def user_id_for(token: str, salt: str) -> str:
    """The web conversation's user id: stable for one token, useless without it."""
    digest = hmac.new(salt.encode("utf-8"), b"web-conversation:" + token.encode("ascii"), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:32]
