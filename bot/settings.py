"""Settings from the environment and ``.env`` (pydantic-settings).

Every setting is listed with an example in ``.env.example``. Secrets are ``SecretStr`` so they
never appear in logs or reprs.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.reminders import DailyHours

RETENTION_MIN_DAYS = 2
"""A processed message id must outlive every redelivery of its message: Telegram keeps an
unconfirmed update for 24 hours (Bot API, "Getting updates"), so a day and its margin."""


class Settings(BaseSettings):
    """Application settings.

    ``today`` starts the clock on that day in Vietnam at the current time of day (for demos:
    the bot behaves as if it were that day, and the clock runs on past midnight); ``now`` (a Vietnam wall-clock time unless it carries an offset) sets
    the clock to that moment at start, after which it runs on (demos of reminders, tests). ``database_url`` is an SQLAlchemy async URL: SQLite via aiosqlite for
    one office, PostgreSQL via asyncpg for a province. With ``telegram_bot_token`` set,
    ``reportbot run`` serves Telegram: long polling, or a webhook when ``public_base_url`` is
    set. ``telegram_per_second`` caps sending (Telegram allows about 30 messages/s per bot,
    Bot API FAQ). ``reports_dir`` is where the workbooks sent to the office are written
    (relative to the working directory unless absolute). ``evidence_dir`` is where the photos
    and documents people send as evidence are kept (``services.file_store``: by content, paths
    relative to its parent folder), each at most ``evidence_max_bytes`` (20 MB by default, the
    most a Telegram bot can download, Bot API ``getFile``).

    Scheduled work (``bot.scheduler``, on when ``scheduler``): reminders go out at
    ``reminder_time`` Vietnam time, never in the quiet hours ``quiet_hours_start`` to
    ``quiet_hours_end``; the automatic period report ``report_delay_hours`` after the end of
    the due date; ``/mokhoa`` reopens a locked period for ``reopen_days`` days by default.

    A step that fails for a transient database fault is retried for up to
    ``transient_retry_seconds`` before the channel is left to deliver the message again.
    ``sqlite_driver``: ``inline`` (statements on the event loop's thread, the default: about
    four times the throughput, ``bench/ingest.py``; another process's write lock is waited for
    by the transient rule) or ``thread`` (aiosqlite, waiting up to ``sqlite_busy_seconds``).

    Sent outbox messages and processed message ids are deleted ``retention_days`` days after
    they were sent or received (hourly, ``bot.scheduler``); fewer than 2 days is refused,
    since a processed id must outlive any redelivery (Telegram keeps updates for 24 hours).

    With ``zalo_bot_token`` set the same process also serves Zalo (Zalo Bot Platform at
    ``zalo_api_base``), polling (``zalo_poll_seconds`` a call) or by webhook like Telegram;
    a request without an answer after ``zalo_request_timeout`` seconds (a poll: that much more
    than its wait) fails and is retried. Zalo cannot send files: with
    ``public_base_url`` the office gets each workbook as a download link signed with
    ``report_link_secret`` (derived from the Zalo token when empty) and valid
    ``report_link_hours``; without it, the text summary and where to get the file.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: str = "sqlite+aiosqlite:///./data/reportbot.db"
    timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="REPORTBOT_TIMEZONE")
    locale: str = Field(default="vi", alias="REPORTBOT_LOCALE")
    today: date | None = Field(default=None, alias="REPORTBOT_TODAY")
    now: datetime | None = Field(default=None, alias="REPORTBOT_NOW")
    invite_days: int = Field(default=14, alias="REPORTBOT_INVITE_DAYS", ge=1)
    reports_dir: Path = Field(default=Path("data/reports"), alias="REPORTBOT_REPORTS_DIR")
    evidence_dir: Path = Field(default=Path("data/evidence"), alias="EVIDENCE_DIR")
    evidence_max_bytes: int = Field(
        default=20 * 1024 * 1024, alias="EVIDENCE_MAX_BYTES", gt=0, le=2 * 1024 * 1024 * 1024
    )
    telegram_bot_username: str = Field(default="", alias="TELEGRAM_BOT_USERNAME")
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_BASE")
    telegram_webhook_secret: SecretStr | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_per_second: float = Field(default=30.0, alias="TELEGRAM_PER_SECOND", gt=0)
    telegram_chat_per_second: float = Field(default=1.0, alias="TELEGRAM_CHAT_PER_SECOND", gt=0)
    outbox_lease_seconds: float = Field(default=90.0, alias="OUTBOX_LEASE_SECONDS", gt=0)
    office_chat_ids: str = Field(default="", alias="OFFICE_CHAT_IDS")
    zalo_bot_token: SecretStr | None = Field(default=None, alias="ZALO_BOT_TOKEN")
    zalo_api_base: str = Field(default="https://bot-api.zaloplatforms.com", alias="ZALO_API_BASE")
    zalo_webhook_secret: SecretStr | None = Field(default=None, alias="ZALO_WEBHOOK_SECRET")
    zalo_per_second: float = Field(default=10.0, alias="ZALO_PER_SECOND", gt=0)
    zalo_chat_per_second: float = Field(default=1.0, alias="ZALO_CHAT_PER_SECOND", gt=0)
    zalo_poll_seconds: int = Field(default=25, alias="ZALO_POLL_SECONDS", ge=1, le=60)
    zalo_request_timeout: float = Field(default=30.0, alias="ZALO_REQUEST_TIMEOUT", gt=0, le=300)
    report_link_hours: float = Field(default=24.0, alias="REPORT_LINK_HOURS", gt=0, le=24 * 7)
    report_link_secret: SecretStr | None = Field(default=None, alias="REPORT_LINK_SECRET")
    public_base_url: str = Field(default="", alias="PUBLIC_BASE_URL")
    web_host: str = Field(default="0.0.0.0", alias="WEB_HOST")
    web_port: int = Field(default=8080, alias="WEB_PORT")
    web_base_url: str = Field(default="", alias="WEB_BASE_URL")
    log_level: str = Field(default="WARNING", alias="REPORTBOT_LOG_LEVEL")
    scheduler: bool = Field(default=True, alias="REPORTBOT_SCHEDULER")
    reminder_time: time = Field(default=time(7, 30), alias="REMINDER_TIME")
    quiet_hours_start: time = Field(default=time(20, 30), alias="QUIET_HOURS_START")
    quiet_hours_end: time = Field(default=time(7, 0), alias="QUIET_HOURS_END")
    report_delay_hours: float = Field(default=8.0, alias="REPORT_DELAY_HOURS", ge=0, le=168)
    reopen_days: int = Field(default=3, alias="REOPEN_DAYS", ge=1, le=60)
    transient_retry_seconds: float = Field(
        default=180.0, alias="TRANSIENT_RETRY_SECONDS", ge=0, le=3600
    )
    sqlite_busy_seconds: float = Field(default=30.0, alias="SQLITE_BUSY_SECONDS", gt=0, le=600)
    sqlite_driver: Literal["inline", "thread"] = Field(default="inline", alias="SQLITE_DRIVER")
    retention_days: int = Field(default=30, alias="RETENTION_DAYS", le=3650)

    @property
    def office_chats(self) -> frozenset[str]:
        """Chat ids of the office groups (``OFFICE_CHAT_IDS``, comma-separated)."""
        return frozenset(part.strip() for part in self.office_chat_ids.split(",") if part.strip())

    @field_validator("retention_days")
    @classmethod
    def _ids_outlive_redelivery(cls, days: int) -> int:
        """A processed id deleted while its update may still come again would let that update
        be processed twice: refuse fewer than :data:`RETENTION_MIN_DAYS` days at start."""
        if days < RETENTION_MIN_DAYS:
            raise ValueError(
                f"RETENTION_DAYS {days} is below {RETENTION_MIN_DAYS}: a processed message id "
                "must be kept longer than any channel may deliver the message again (Telegram "
                "keeps unconfirmed updates for 24 hours)"
            )
        return days

    @model_validator(mode="after")
    def _send_time_outside_quiet_hours(self) -> Settings:
        """A send time in the quiet hours would push every reminder to the next morning, where
        it would be dropped as stale: refuse it at start."""
        if self.daily_hours.is_quiet(datetime.combine(date(2026, 1, 1), self.reminder_time)):
            raise ValueError(
                f"REMINDER_TIME {self.reminder_time:%H:%M} is inside the quiet hours "
                f"{self.quiet_hours_start:%H:%M}-{self.quiet_hours_end:%H:%M}"
            )
        return self

    @property
    def web_address(self) -> str:
        """Where the office opens the web page (the base of ``/web`` sign-in links):
        ``WEB_BASE_URL``, else ``PUBLIC_BASE_URL``; "" when neither is set (no web page, but
        with the console, which serves it on ``http://127.0.0.1:WEB_PORT``)."""
        return (self.web_base_url or self.public_base_url).rstrip("/")

    @property
    def daily_hours(self) -> DailyHours:
        """The daily send time and quiet hours of scheduled messages."""
        return DailyHours(self.reminder_time, self.quiet_hours_start, self.quiet_hours_end)

    @property
    def start_moment(self) -> datetime | None:
        """``now`` as an aware datetime (Vietnam time when given without an offset)."""
        if self.now is None:
            return None
        return self.now if self.now.tzinfo else self.now.replace(tzinfo=self.zone)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The time zone people live in (default Asia/Ho_Chi_Minh, UTC+7, no DST)."""
        return ZoneInfo(self.timezone)
