"""Settings from the environment and ``.env`` (pydantic-settings).

Every setting is listed with an example in ``.env.example``. Secrets are ``SecretStr`` so they
never appear in logs or reprs.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Application settings.

    ``today`` overrides the clock's date (for demos and tests: the bot behaves as if it were
    that day in Vietnam). ``database_url`` is an SQLAlchemy async URL: SQLite via aiosqlite for
    one office, PostgreSQL via asyncpg for a province.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: str = "sqlite+aiosqlite:///./data/reportbot.db"
    timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="REPORTBOT_TIMEZONE")
    locale: str = Field(default="vi", alias="REPORTBOT_LOCALE")
    today: date | None = Field(default=None, alias="REPORTBOT_TODAY")
    invite_days: int = Field(default=14, alias="REPORTBOT_INVITE_DAYS", ge=1)
    telegram_bot_username: str = Field(default="", alias="TELEGRAM_BOT_USERNAME")
    log_level: str = Field(default="WARNING", alias="REPORTBOT_LOG_LEVEL")

    @cached_property
    def zone(self) -> ZoneInfo:
        """The time zone people live in (default Asia/Ho_Chi_Minh, UTC+7, no DST)."""
        return ZoneInfo(self.timezone)
