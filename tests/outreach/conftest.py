"""Fixtures for leaflets and posters: the real catalogue and words, and settings with every link set."""

from __future__ import annotations

import pytest

from bot.config import CHECKOUT, Settings, load_settings
from bot.content.loading import load_catalogue
from bot.content.outreach_file import load_outreach
from bot.domain.catalogue import Catalogue
from bot.outreach.links import BotLinks
from bot.outreach.texts import OutreachTexts

PUBLIC_BASE = "https://motcua.example.vn"
BOT_USERNAME = "motcua_test_bot"
ZALO_OA = "https://zalo.me/4318765432109876543"
MESSENGER_PAGE = "ubndphuongbennghe"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(CHECKOUT / "procedures")


@pytest.fixture(scope="session")
def texts() -> OutreachTexts:
    return load_outreach()


@pytest.fixture(scope="session")
def linked_settings() -> Settings:
    """Every channel a leaflet can print: public web chat, Telegram bot, Messenger page, Zalo OA."""
    return load_settings(
        public_base_url=PUBLIC_BASE,
        telegram_bot_username=BOT_USERNAME,
        zalo_oa_link=ZALO_OA,
        messenger_page=MESSENGER_PAGE,
    )


@pytest.fixture(scope="session")
def links(linked_settings: Settings) -> BotLinks:
    return BotLinks.from_settings(linked_settings)
