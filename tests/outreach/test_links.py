"""Which links a leaflet may print: only those whose setting is set and that a phone can open."""

from __future__ import annotations

import pytest

from bot.config import Settings, load_settings
from bot.outreach.links import BotLinks, Channel
from tests.outreach.conftest import BOT_USERNAME, MESSENGER_PAGE, PUBLIC_BASE, ZALO_OA


def test_every_channel_links_to_the_procedure(links: BotLinks) -> None:
    got = {link.channel: link for link in links.for_procedure("khai-sinh")}
    assert got[Channel.WEB].url == f"{PUBLIC_BASE}/p/khai-sinh"
    assert got[Channel.TELEGRAM].url == f"https://t.me/{BOT_USERNAME}?start=khai-sinh"
    assert got[Channel.ZALO].url == ZALO_OA
    assert got[Channel.MESSENGER].url == f"https://m.me/{MESSENGER_PAGE}?ref=khai-sinh"
    assert got[Channel.WEB].opens_procedure and got[Channel.TELEGRAM].opens_procedure
    assert got[Channel.MESSENGER].opens_procedure
    assert not got[Channel.ZALO].opens_procedure, "a Zalo OA link carries no payload"
    assert links.skipped == ()


def test_the_bot_start_links_carry_no_procedure(links: BotLinks) -> None:
    assert [link.url for link in links.for_bot()] == [
        f"{PUBLIC_BASE}/",
        f"https://t.me/{BOT_USERNAME}",
        f"https://m.me/{MESSENGER_PAGE}",
        ZALO_OA,
    ]


def test_unset_channels_are_left_out_and_said_so() -> None:
    links = BotLinks.from_settings(load_settings(public_base_url="https://dvc.example.vn/"))
    assert [link.channel for link in links.for_procedure("can-cuoc")] == [Channel.WEB]
    assert links.short_url("can-cuoc") == "https://dvc.example.vn/p/can-cuoc", "no double slash"
    assert links.telegram("can-cuoc") is None
    assert any("MOTCUA_TELEGRAM_BOT_USERNAME is unset" in reason for reason in links.skipped)
    assert any("MOTCUA_ZALO_OA_LINK is unset" in reason for reason in links.skipped)
    assert any("MOTCUA_MESSENGER_PAGE is unset" in reason for reason in links.skipped)


@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://app.localhost",
        "http://192.168.1.20",
        "http://0.0.0.0",
    ],
)
def test_a_web_address_phones_cannot_reach_is_never_printed(base: str) -> None:
    links = BotLinks.from_settings(load_settings(public_base_url=base, telegram_bot_username=BOT_USERNAME))
    assert links.short_url("khai-sinh") is None
    assert [link.channel for link in links.for_procedure("khai-sinh")] == [Channel.TELEGRAM]
    assert any("MOTCUA_PUBLIC_BASE_URL" in reason for reason in links.skipped)


def test_a_telegram_username_may_be_written_with_an_at_sign() -> None:
    links = BotLinks.from_settings(load_settings(telegram_bot_username=f"@{BOT_USERNAME}"))
    assert links.telegram("tam-tru") == f"https://t.me/{BOT_USERNAME}?start=tam-tru"


@pytest.mark.parametrize("username", ["bot", "motcua bot", "motcua_bot?start=x", "1motcua_bot"])
def test_an_invalid_telegram_username_is_left_out(username: str) -> None:
    links = BotLinks.from_settings(load_settings(telegram_bot_username=username))
    assert links.telegram("tam-tru") is None
    assert any("not a valid username" in reason for reason in links.skipped)


def test_a_zalo_link_that_is_not_a_web_address_is_left_out() -> None:
    links = BotLinks.from_settings(load_settings(zalo_oa_link="zalo.me/123"))
    assert links.zalo_oa is None
    assert any("MOTCUA_ZALO_OA_LINK" in reason for reason in links.skipped)


def test_the_cache_key_changes_with_every_link_setting(links: BotLinks) -> None:
    other = BotLinks.from_settings(
        load_settings(public_base_url=PUBLIC_BASE, telegram_bot_username=BOT_USERNAME)
    )
    assert links.cache_key() != other.cache_key()


@pytest.mark.parametrize(
    "page", ["https://m.me/ubndphuongbennghe", "@ubndphuongbennghe", "ubndphuongbennghe/"]
)
def test_a_messenger_page_may_be_written_as_its_m_me_link(page: str) -> None:
    links = BotLinks.from_settings(load_settings(messenger_page=page))
    assert links.messenger("tam-tru") == "https://m.me/ubndphuongbennghe?ref=tam-tru"


@pytest.mark.parametrize("page", ["ubnd phường", "a/b", "x"])
def test_an_invalid_messenger_page_is_left_out(page: str) -> None:
    links = BotLinks.from_settings(load_settings(messenger_page=page))
    assert links.messenger("tam-tru") is None
    assert any("MOTCUA_MESSENGER_PAGE is not a page name" in reason for reason in links.skipped)


def test_the_cache_key_changes_with_the_messenger_page(links: BotLinks, linked_settings: Settings) -> None:
    other = BotLinks.from_settings(linked_settings.model_copy(update={"messenger_page": "otherward"}))
    assert links.cache_key() != other.cache_key()
