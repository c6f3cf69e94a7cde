"""Settings from the environment and ``.env`` (pydantic-settings).

Every setting is listed with an example in ``.env.example``. Secrets are ``SecretStr`` so they
never appear in logs or reprs.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from domain.i18n import available_locales
from domain.reminders import DailyHours

RETENTION_MIN_DAYS = 2
"""A processed message id must outlive every redelivery of its message: Telegram keeps an
unconfirmed update for 24 hours (Bot API, "Getting updates"), so a day and its margin."""

DATABASE_FILE = "reportbot.db"
"""The SQLite file inside the data folder when ``DATABASE_URL`` is not set."""
DATABASE_DRIVERS = frozenset({"sqlite+aiosqlite", "postgresql+asyncpg"})
"""The async drivers of ``DATABASE_URL`` (SQLite for one office, PostgreSQL for a province)."""

TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
"""The shape of a Bot API token: the bot's numeric id, a colon, the secret (@BotFather)."""
ZALO_TOKEN = re.compile(r"^\d+:\S+$")
"""The shape of a Zalo Bot Platform token (``12345689:abc-xyz``, Zalo Bot Manager)."""
TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""``secret_token`` of setWebhook (Bot API): 1-256 characters A-Z, a-z, 0-9, _ and -."""
LINK_SECRET_MIN = 16
"""Characters of a configured ``REPORT_LINK_SECRET`` (``bot.report_links.MIN_SECRET``)."""


def default_data_dir() -> Path:
    """Where the bot keeps its database, reports and evidence when ``REPORTBOT_DATA_DIR`` is
    not set: ``$XDG_DATA_HOME/reportbot`` (``~/.local/share/reportbot`` when that is unset or
    relative, XDG Base Directory spec) on Linux, ``~/Library/Application Support/reportbot``
    on macOS, ``%LOCALAPPDATA%\\reportbot`` on Windows. Always absolute, so every command
    finds the same database whatever folder it is run from. (A few lines instead of the
    platformdirs package: the three rules are all the bot needs.)"""
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", "")
        base = Path(local) if local else home / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = Path(os.environ.get("XDG_DATA_HOME", "") or "")
        base = xdg if xdg.is_absolute() else home / ".local" / "share"
    return base / "reportbot"


class Settings(BaseSettings):
    """Application settings.

    ``today`` starts the clock on that day in Vietnam at the current time of day (for demos:
    the bot behaves as if it were that day, and the clock runs on past midnight); ``now`` (a Vietnam wall-clock time unless it carries an offset) sets
    the clock to that moment at start, after which it runs on (demos of reminders, tests).

    ``data_dir`` (``REPORTBOT_DATA_DIR``, absolute; default :func:`default_data_dir`) holds
    what the bot keeps unless set apart: the SQLite database ``reportbot.db``, ``reports/`` and
    ``evidence/``. ``database_url`` is an SQLAlchemy async URL: SQLite via aiosqlite for
    one office, PostgreSQL via asyncpg for a province. With ``telegram_bot_token`` set,
    ``reportbot run`` serves Telegram: long polling, or a webhook when ``public_base_url`` is
    set. ``telegram_per_second`` caps sending (Telegram allows about 30 messages/s per bot,
    Bot API FAQ). ``reports_dir`` is where the workbooks sent to the office are written
    (a relative one is relative to the working directory). ``evidence_dir`` is where the photos
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
    ``web_address`` (``WEB_BASE_URL``, else ``PUBLIC_BASE_URL``) the office gets each
    workbook as a download link signed with
    ``report_link_secret`` (derived from the Zalo token when empty) and valid
    ``report_link_hours``; without it, the text summary and where to get the file.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    data_dir: Path = Field(default_factory=default_data_dir, alias="REPORTBOT_DATA_DIR")
    database_url: str = ""
    timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="REPORTBOT_TIMEZONE")
    locale: str = Field(default="vi", alias="REPORTBOT_LOCALE")
    person_locale: bool = Field(default=False, alias="REPORTBOT_PERSON_LOCALE")
    """Answer each person in their app's language when the bot has it (Telegram's
    ``language_code``: ``en…`` gets English, ``vi`` Vietnamese); else ``REPORTBOT_LOCALE``."""
    today: date | None = Field(default=None, alias="REPORTBOT_TODAY")
    now: datetime | None = Field(default=None, alias="REPORTBOT_NOW")
    invite_days: int = Field(default=14, alias="REPORTBOT_INVITE_DAYS", ge=1)
    reports_dir: Path = Field(default=Path(), alias="REPORTBOT_REPORTS_DIR")
    evidence_dir: Path = Field(default=Path(), alias="EVIDENCE_DIR")
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
    web_port: int = Field(default=8080, alias="WEB_PORT", ge=1, le=65535)
    web_base_url: str = Field(default="", alias="WEB_BASE_URL")
    log_level: str = Field(default="WARNING", alias="REPORTBOT_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")
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
                f"cần ít nhất {RETENTION_MIN_DAYS} ngày (Telegram có thể gửi lại tin trong 24 giờ)"
            )
        return days

    @field_validator("database_url")
    @classmethod
    def _async_database(cls, url: str) -> str:
        """Empty (the SQLite file in the data folder) or an SQLAlchemy URL with one of the
        two async drivers the bot runs on."""
        if not url:
            return url
        try:
            driver = make_url(url).drivername
        except ArgumentError:
            driver = ""
        if driver not in DATABASE_DRIVERS:
            raise ValueError(
                "cần sqlite+aiosqlite:////đường/dẫn/tới/tệp.db hoặc "
                "postgresql+asyncpg://người_dùng:mật_khẩu@máy_chủ:5432/tên_csdl"
            )
        return url

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, folder: Path) -> Path:
        """``~`` is expanded; a relative folder is refused (it would depend on where a command
        is run from: the very problem this setting solves)."""
        folder = folder.expanduser()
        if not folder.is_absolute():
            raise ValueError("cần đường dẫn tuyệt đối, ví dụ /var/lib/reportbot")
        return folder

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        """A token not shaped ``digits:secret`` is refused before any request is made."""
        if token is not None and not TELEGRAM_TOKEN.match(token.get_secret_value()):
            raise ValueError(
                "cần mã bot lấy từ @BotFather, dạng 123456789:ABCdef... (số, dấu hai chấm, "
                "chuỗi bí mật)"
            )
        return token

    @field_validator("zalo_bot_token")
    @classmethod
    def _zalo_token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        """A token not shaped ``digits:secret`` is refused before any request is made."""
        if token is not None and not ZALO_TOKEN.match(token.get_secret_value()):
            raise ValueError(
                "cần mã bot lấy từ Zalo Bot Manager, dạng 12345689:abc-xyz (số, dấu hai chấm, "
                "chuỗi bí mật)"
            )
        return token

    @field_validator("telegram_webhook_secret", "zalo_webhook_secret", "report_link_secret")
    @classmethod
    def _secret_shape(cls, secret: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """The platforms' rules for a configured secret, checked before anything starts (the
        channels check them again: ``bot.channels.*.webhook``, ``bot.report_links``)."""
        if secret is None:
            return None
        value = secret.get_secret_value()
        if info.field_name == "telegram_webhook_secret" and not TELEGRAM_SECRET.match(value):
            raise ValueError("cần 1-256 ký tự A-Z, a-z, 0-9, _ và - (để trống thì bot tự tạo)")
        if info.field_name == "zalo_webhook_secret" and not (
            8 <= len(value) <= 256 and value.isascii() and value.isprintable()
        ):
            raise ValueError("cần 8-256 ký tự chữ không dấu, số, ký hiệu (để trống thì bot tự tạo)")
        if info.field_name == "report_link_secret" and len(value) < LINK_SECRET_MIN:
            raise ValueError(
                f"cần ít nhất {LINK_SECRET_MIN} ký tự (để trống thì bot tự tạo từ mã bot Zalo)"
            )
        return secret

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        """A zone the system's time-zone database knows (``Asia/Ho_Chi_Minh``)."""
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("cần tên múi giờ như Asia/Ho_Chi_Minh") from error
        return name

    @field_validator("locale")
    @classmethod
    def _shipped_locale(cls, locale: str) -> str:
        """``vi`` or a locale whose catalog ships with the bot (``en``): any other would
        silently stay Vietnamese."""
        wanted = locale.strip().lower()
        known = available_locales()
        if wanted not in known:
            raise ValueError("cần một trong: " + ", ".join(sorted(known)))
        return wanted

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        """One of Python's logging levels, any case."""
        wanted = level.strip().upper()
        if wanted not in logging.getLevelNamesMapping():
            raise ValueError("cần DEBUG, INFO, WARNING hoặc ERROR")
        return wanted

    @field_validator("public_base_url", "web_base_url", "telegram_api_base", "zalo_api_base")
    @classmethod
    def _web_address(cls, address: str) -> str:
        """Empty, or an address starting with ``http://`` or ``https://``."""
        if address and not address.startswith(("http://", "https://")):
            raise ValueError("cần địa chỉ bắt đầu bằng https:// hoặc http://")
        return address

    @model_validator(mode="after")
    def _places_in_data_dir(self) -> Settings:
        """The database, reports and evidence default to the data folder (an SQLite file
        ``reportbot.db``, ``reports/``, ``evidence/``); a setting given explicitly wins."""
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / DATABASE_FILE}"
        if "reports_dir" not in self.model_fields_set:
            self.reports_dir = self.data_dir / "reports"
        if "evidence_dir" not in self.model_fields_set:
            self.evidence_dir = self.data_dir / "evidence"
        return self

    @model_validator(mode="after")
    def _send_time_outside_quiet_hours(self) -> Settings:
        """A send time in the quiet hours would push every reminder to the next morning, where
        it would be dropped as stale: refuse it at start."""
        if self.daily_hours.is_quiet(datetime.combine(date(2026, 1, 1), self.reminder_time)):
            raise ValueError(
                f'REMINDER_TIME = "{self.reminder_time:%H:%M}" không hợp lệ: nằm trong giờ yên '
                f"tĩnh {self.quiet_hours_start:%H:%M}-{self.quiet_hours_end:%H:%M} "
                "(QUIET_HOURS_START-QUIET_HOURS_END); cần một giờ ngoài khoảng đó, ví dụ 07:30"
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


SECRET_SETTINGS = frozenset(
    {
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "ZALO_BOT_TOKEN",
        "ZALO_WEBHOOK_SECRET",
        "REPORT_LINK_SECRET",
    }
)
"""Settings whose value is never repeated in a message."""

_EXPECTED_BY_TYPE = {
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_parsing": "cần một số (dấu chấm thập phân, ví dụ 1.5)",
    "bool_parsing": "cần true hoặc false",
    "time_parsing": "cần giờ dạng HH:MM, ví dụ 07:30",
    "time_type": "cần giờ dạng HH:MM, ví dụ 07:30",
    "date_parsing": "cần ngày dạng YYYY-MM-DD, ví dụ 2026-11-21",
    "date_from_datetime_parsing": "cần ngày dạng YYYY-MM-DD, ví dụ 2026-11-21",
    "datetime_parsing": "cần thời điểm dạng YYYY-MM-DDTHH:MM:SS, ví dụ 2027-01-07T07:29:00",
    "datetime_from_date_parsing": "cần thời điểm dạng YYYY-MM-DDTHH:MM:SS, ví dụ 2027-01-07T07:29:00",
}


def settings_problems(error: ValidationError) -> list[str]:
    """One Vietnamese line per bad setting in ``error`` (raised by ``Settings()``), naming the
    setting as it is written in ``.env`` (``REMINDER_TIME``) and what is expected; the value
    is quoted unless the setting is a secret. For the command line, which prints them and
    exits with status 2 (no traceback)."""
    lines: list[str] = []
    for problem in error.errors(include_url=False):
        location = problem.get("loc") or ()
        if not location:  # a rule across settings: its message names them
            lines.append(f"Cấu hình {_reason(problem)}.")
            continue
        name = _setting_name(str(location[0]))
        shown = "" if name in SECRET_SETTINGS else f' = "{_shown(name, problem.get("input"))}"'
        lines.append(f"Cấu hình {name}{shown} không hợp lệ: {_reason(problem)}.")
    return lines


def _shown(name: str, value: object) -> str:
    """A bad value as it may be printed: a database URL without its password."""
    if name == "DATABASE_URL":
        try:
            return make_url(str(value)).render_as_string(hide_password=True)
        except ArgumentError:
            return "…"
    return str(value)


def _setting_name(field_or_alias: str) -> str:
    """The environment name of a field (its alias, else its name in capitals)."""
    field = Settings.model_fields.get(field_or_alias)
    if field is not None and field.alias:
        return field.alias
    return field_or_alias.upper()


def _reason(problem: ErrorDetails) -> str:
    """What was expected, in Vietnamese, from one pydantic error."""
    kind = str(problem.get("type", ""))
    context = problem.get("ctx")
    details = context if isinstance(context, dict) else {}
    if kind == "value_error" and "error" in details:
        return str(details["error"]).rstrip(".")
    if kind in _EXPECTED_BY_TYPE:
        return _EXPECTED_BY_TYPE[kind]
    limits = {
        "greater_than": "lớn hơn",
        "greater_than_equal": "ít nhất",
        "less_than": "nhỏ hơn",
        "less_than_equal": "nhiều nhất",
    }
    if kind in limits:
        bound = next(iter(details.values()), "")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"cần một số {limits[kind]} {bound}"
    if kind == "literal_error":
        expected = str(details.get("expected", "")).replace(" or ", " hoặc ")
        return f"cần {expected}"
    return f"giá trị không dùng được ({problem.get('msg', kind)})"
