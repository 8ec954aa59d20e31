"""The links a leaflet may print, built from Settings.

A printed link cannot be fixed after the fact, so a link is only built when its setting is set and can
work on a citizen's phone: the web address must be public (not 127.0.0.1, not a private network), the
Telegram username and the Messenger page name must be valid ones. Anything left out is reported in
`skipped` (for the operator, in English) instead of being printed broken.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

from bot.config import Settings

_TELEGRAM_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
# A Facebook page's username: letters, digits and periods (at least 5); m.me also takes the page's id.
_MESSENGER_PAGE = re.compile(r"^[A-Za-z0-9.]{5,50}$")


class Channel(StrEnum):
    WEB = "web"
    TELEGRAM = "telegram"
    ZALO = "zalo"
    MESSENGER = "messenger"


@dataclass(frozen=True, slots=True)
class ChannelLink:
    channel: Channel
    url: str
    opens_procedure: bool  # False for Zalo: the citizen still has to type the procedure's name


def _unreachable_host_reason(url: str) -> str | None:
    """Why a phone could not open `url`, or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) address"
    host = parts.hostname.lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "points at this computer (localhost)"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a domain name
    if address.is_loopback or address.is_unspecified:
        return f"points at this computer ({host})"
    if address.is_private or address.is_link_local:
        return f"points at a private address ({host}) that phones cannot reach"
    return None


@dataclass(frozen=True, slots=True)
class BotLinks:
    web_base: str | None  # public base URL without a trailing slash
    telegram_username: str | None
    zalo_oa: str | None
    messenger_page: str | None = None  # the page's m.me name
    skipped: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> BotLinks:
        skipped: list[str] = []
        web: str | None = settings.public_base_url.strip().rstrip("/") or None
        if web is not None and (reason := _unreachable_host_reason(web)):
            skipped.append(f"web links left out: MOTCUA_PUBLIC_BASE_URL {reason}")
            web = None
        username = (settings.telegram_bot_username or "").strip().removeprefix("@") or None
        if username is not None and not _TELEGRAM_USERNAME.match(username):
            skipped.append("Telegram links left out: MOTCUA_TELEGRAM_BOT_USERNAME is not a valid username")
            username = None
        elif username is None:
            skipped.append("Telegram links left out: MOTCUA_TELEGRAM_BOT_USERNAME is unset")
        zalo = (settings.zalo_oa_link or "").strip() or None
        if zalo is not None and (reason := _unreachable_host_reason(zalo)):
            skipped.append(f"Zalo link left out: MOTCUA_ZALO_OA_LINK {reason}")
            zalo = None
        elif zalo is None:
            skipped.append("Zalo link left out: MOTCUA_ZALO_OA_LINK is unset")
        page = (settings.messenger_page or "").strip().removeprefix("https://m.me/").strip("/@") or None
        if page is not None and not _MESSENGER_PAGE.match(page):
            skipped.append("Messenger links left out: MOTCUA_MESSENGER_PAGE is not a page name")
            page = None
        elif page is None:
            skipped.append("Messenger links left out: MOTCUA_MESSENGER_PAGE is unset")
        return cls(web, username, zalo, page, tuple(skipped))

    def short_url(self, procedure_id: str) -> str | None:
        """The web chat, opened at this procedure (GET /p/<id> redirects to /?p=<id>)."""
        return f"{self.web_base}/p/{quote(procedure_id, safe='')}" if self.web_base else None

    def telegram(self, procedure_id: str | None = None) -> str | None:
        """The Telegram bot; with an id, a deep link that sends `/start <id>`."""
        if not self.telegram_username:
            return None
        base = f"https://t.me/{self.telegram_username}"
        return f"{base}?start={quote(procedure_id, safe='')}" if procedure_id else base

    def messenger(self, procedure_id: str | None = None) -> str | None:
        """The page's Messenger thread; with an id, `?ref=<id>` opens the bot at that procedure."""
        if not self.messenger_page:
            return None
        base = f"https://m.me/{self.messenger_page}"
        return f"{base}?ref={quote(procedure_id, safe='')}" if procedure_id else base

    def web_home(self) -> str | None:
        return f"{self.web_base}/" if self.web_base else None

    def for_procedure(self, procedure_id: str) -> list[ChannelLink]:
        """Every printable link to the bot at this procedure: web, Telegram, Messenger, then Zalo."""
        links = [
            ChannelLink(Channel.WEB, self.short_url(procedure_id) or "", True),
            ChannelLink(Channel.TELEGRAM, self.telegram(procedure_id) or "", True),
            ChannelLink(Channel.MESSENGER, self.messenger(procedure_id) or "", True),
            ChannelLink(Channel.ZALO, self.zalo_oa or "", False),
        ]
        return [link for link in links if link.url]

    def for_bot(self) -> list[ChannelLink]:
        """Every printable link to the bot's start, in the same order."""
        links = [
            ChannelLink(Channel.WEB, self.web_home() or "", False),
            ChannelLink(Channel.TELEGRAM, self.telegram() or "", False),
            ChannelLink(Channel.MESSENGER, self.messenger() or "", False),
            ChannelLink(Channel.ZALO, self.zalo_oa or "", False),
        ]
        return [link for link in links if link.url]

    def missing(self) -> list[str]:
        """The settings that give no link, as an operator sets them (named on notices and errors)."""
        unset = [
            ("MOTCUA_PUBLIC_BASE_URL", self.web_base),
            ("MOTCUA_TELEGRAM_BOT_USERNAME", self.telegram_username),
            ("MOTCUA_ZALO_OA_LINK", self.zalo_oa),
            ("MOTCUA_MESSENGER_PAGE", self.messenger_page),
        ]
        return [name for name, value in unset if not value]

    def cache_key(self) -> tuple[str | None, ...]:
        return (self.web_base, self.telegram_username, self.zalo_oa, self.messenger_page)
