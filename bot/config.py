"""Settings: the one reader of MOTCUA_* environment variables, validated at start-up.

Built through `load_settings()` (a factory, not an import-time singleton) so tests and several apps in one
process can each have their own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

CHECKOUT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///./motcua.db"
    # PostgreSQL connections each worker keeps open: about the citizens it serves at once. Fewer, and
    # turns queue for a connection; the old 20 + 10 overflow opened and closed connections under load.
    database_pool_size: int = Field(default=30, ge=1, le=500)
    catalogue_dir: Path = CHECKOUT / "procedures"
    flows_file: Path = CHECKOUT / "flows.yaml"
    lexicon_file: Path = CHECKOUT / "lexicon.yaml"
    outreach_file: Path = CHECKOUT / "outreach.yaml"  # the words printed on leaflets and posters
    portal_file: Path | None = CHECKOUT / "portal.json"  # the portal tier (`motcua portal import`); None: off
    secret_salt: str = Field(default="motcua-dev-salt", min_length=8)  # keys pseudonymised analytics ids

    # Web chat
    cors_origins: list[str] = Field(default_factory=list)  # pages allowed to embed the chat widget
    public_base_url: str = "http://127.0.0.1:8000"
    max_message_chars: int = Field(default=2000, ge=100)  # the longest web chat message; longer is a 422

    # Zalo Official Account
    zalo_app_id: str | None = None
    zalo_app_secret: str | None = None
    zalo_oa_secret_key: str | None = None
    zalo_access_token: str | None = None
    zalo_refresh_token: str | None = None
    zalo_openapi_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_oa_link: str | None = None  # e.g. https://zalo.me/<oa id>, printed on leaflets

    # Telegram
    telegram_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None

    # Facebook Messenger (a ward's Facebook page)
    messenger_app_secret: str | None = None
    messenger_verify_token: str | None = None
    messenger_page_token: str | None = None
    messenger_graph_base: str = "https://graph.facebook.com"
    messenger_api_version: str = "v25.0"
    messenger_page: str | None = None  # the page's m.me name, for links on leaflets: https://m.me/<page>

    # Delivery
    outbox_poll_seconds: float = Field(default=2.0, gt=0)
    outbox_max_attempts: int = Field(default=12, ge=1)
    content_poll_seconds: float = Field(default=2.0, gt=0)  # how soon a worker serves a new revision

    # Security and privacy (docs/security.md)
    rate_turns_per_minute: int = Field(default=30, ge=1)  # web chat messages, per conversation
    rate_polls_per_minute: int = Field(default=60, ge=1)  # web chat update polls, per conversation
    rate_client_per_minute: int = Field(default=600, ge=1)  # web chat requests, per client address (NAT!)
    max_pending_per_conversation: int = Field(default=20, ge=1)  # accepted messages not yet processed
    retention_outbox_days: int = Field(default=30, ge=0)  # 0 keeps rows forever
    retention_inbox_days: int = Field(default=30, ge=0)
    retention_events_days: int = Field(default=730, ge=0)
    outbox_mask_after_minutes: float = Field(default=60.0, ge=0)  # delivered replies are masked after
    zalo_event_window_seconds: float = Field(default=7 * 24 * 3600.0, gt=0)  # signed timestamp vs now
    require_database: bool = False  # production: refuse to start when the SQLite file is missing

    @property
    def messenger_enabled(self) -> bool:
        return bool(self.messenger_app_secret and self.messenger_verify_token and self.messenger_page_token)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_oa_secret_key)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @field_validator("portal_file", mode="before")
    @classmethod
    def _no_tier(cls, value: object) -> object:
        return None if value == "" else value  # MOTCUA_PORTAL_FILE= (empty) turns the portal tier off

    @model_validator(mode="after")
    def _inbox_outlasts_the_event_window(self) -> Settings:
        # A redelivery is recognised by its inbox row: the row must outlive the window events arrive in.
        if self.retention_inbox_days and self.retention_inbox_days * 86400 <= self.zalo_event_window_seconds:
            raise ValueError(
                "MOTCUA_RETENTION_INBOX_DAYS must be longer than MOTCUA_ZALO_EVENT_WINDOW_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _channels_complete(self) -> Settings:
        if self.zalo_enabled and not (
            self.zalo_app_secret and (self.zalo_access_token or self.zalo_refresh_token)
        ):
            raise ValueError(
                "Zalo is half configured: with MOTCUA_ZALO_APP_ID and MOTCUA_ZALO_OA_SECRET_KEY also set "
                "MOTCUA_ZALO_APP_SECRET and MOTCUA_ZALO_ACCESS_TOKEN or MOTCUA_ZALO_REFRESH_TOKEN"
            )
        messenger = (self.messenger_app_secret, self.messenger_verify_token, self.messenger_page_token)
        if any(messenger) and not all(messenger):
            raise ValueError(
                "Messenger is half configured: set all of MOTCUA_MESSENGER_APP_SECRET, "
                "MOTCUA_MESSENGER_VERIFY_TOKEN and MOTCUA_MESSENGER_PAGE_TOKEN, or none"
            )
        return self


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as err:
        raise ConfigError(f"invalid settings: {err}") from err
