"""Wiring: settings -> engine, migrations, clock, pipeline. One place builds the application
for every entry point (console, channels, command line, tests)."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.errors import ConfigurationError
from bot.health import Health
from bot.pipeline import Pipeline
from bot.settings import Settings
from domain.clock import Clock, ShiftedClock, SystemClock, local_day
from domain.i18n import use_locale
from samples import SAMPLES
from services import document_jobs
from services.document_jobs import Order
from services.documents import BuiltReport
from storage.campaigns import CampaignCache, ImportResult, import_campaign
from storage.db import create_engine, migrate, session_factory
from storage.models import Campaign
from storage.transient import StillFailing, retrying

log = logging.getLogger(__name__)

SAMPLE_PREFIX = "[MẪU] "

CHATS_AT_ONCE = 8
"""On PostgreSQL, the chats of one batch processed side by side (each its own transaction);
within SQLAlchemy's default pool of 5 + 10 connections, leaving room for the sender, its lease
and the scheduler. SQLite has one writer, so there a batch is one transaction."""


@dataclass
class App:
    """The running application's shared pieces."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    pipeline: Pipeline
    health: Health = field(default_factory=Health)

    @property
    def campaigns(self) -> CampaignCache:
        """The loaded campaigns kept between messages, one cache for the whole process
        (conversations and scheduler alike)."""
        return self.pipeline.campaigns

    @property
    def today(self) -> date:
        """Today in Vietnam, by the application's clock."""
        return local_day(self.clock.now(), self.settings.zone)

    async def build_documents(self) -> int:
        """Build every workbook asked for, here and now, in this process (the console and
        in-process callers; ``reportbot run`` has the document worker, ``bot.documents``).
        Returns how many jobs ran."""

        async def builder(order: Order, now: datetime) -> BuiltReport:
            return await document_jobs.build(
                self.sessions,
                order,
                now=now,
                zone=self.settings.zone,
                reports_dir=self.settings.reports_dir,
            )

        return await document_jobs.run_pending(
            self.sessions,
            self.clock.now,
            builder,
            retry_seconds=self.settings.transient_retry_seconds,
        )


async def _open_database(settings: Settings) -> AsyncEngine:
    """The engine, migrated to head. A database that cannot be opened or written (a missing
    or read-only folder, a full disk, a server out of reach) raises
    :class:`~bot.errors.ConfigurationError` naming ``DATABASE_URL`` (password hidden); the log
    has the error."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    try:
        engine = create_engine(
            settings.database_url, settings.sqlite_busy_seconds, driver=settings.sqlite_driver
        )
    except OSError as error:
        raise _database_problem(shown, error) from error
    try:
        # Another process starting on the same file may hold the write lock for a moment.
        await retrying(lambda: migrate(engine), "migrate", limit=settings.sqlite_busy_seconds)
    except (OSError, DBAPIError, StillFailing) as error:
        await engine.dispose()
        raise _database_problem(shown, error) from error
    return engine


def _database_problem(shown: str, error: BaseException) -> ConfigurationError:
    log.error("cannot open the database %s: %s", shown, error)
    return ConfigurationError(
        f"Không mở được cơ sở dữ liệu {shown}: {error}. Hãy kiểm tra DATABASE_URL: thư mục "
        "phải tồn tại, bot phải được phép ghi và ổ đĩa còn chỗ (với PostgreSQL: máy chủ đang "
        "chạy và nhận kết nối)."
    )


def make_clock(settings: Settings) -> Clock:
    """The system clock; or one started at ``REPORTBOT_NOW`` / ``--now``; or one started on
    the day ``REPORTBOT_TODAY`` / ``--today`` at the current time of day (both run on)."""
    start = settings.start_moment
    if start is not None:
        return ShiftedClock.starting_at(start)
    if settings.today is not None:
        return ShiftedClock.on_day(settings.today, settings.zone)
    return SystemClock()


@asynccontextmanager
async def open_app(
    settings: Settings, *, load_samples: bool = False, clock: Clock | None = None
) -> AsyncIterator[App]:
    """Build the application: migrate to head, optionally load the samples into an empty
    database, and dispose of the engine on exit."""
    use_locale(settings.locale)
    tune_thread_handoff(settings.database_url)
    engine = await _open_database(settings)
    try:
        sessions = session_factory(engine)
        chosen = clock or make_clock(settings)
        pipeline = Pipeline(
            sessions,
            chosen,
            settings.zone,
            settings.reports_dir,
            settings.daily_hours,
            settings.reopen_days,
            settings.transient_retry_seconds,
        )
        pipeline.web_address = settings.web_address
        pipeline.locale, pipeline.person_locale = settings.locale, settings.person_locale
        if engine.dialect.name == "postgresql":
            pipeline.chats_at_once = CHATS_AT_ONCE
        app = App(settings, engine, sessions, chosen, pipeline)
        if load_samples:
            await load_samples_if_empty(app)
        yield app
    finally:
        await engine.dispose()


# aiosqlite runs every statement on a worker thread; with CPython's default 5 ms GIL switch
# interval each hand-off back and forth may wait up to 5 ms while the event loop runs Python
# code. 1 ms halved a submission step on this machine (34 -> 17 ms, bench/ingest.py).
SQLITE_SWITCH_INTERVAL = 0.001


def tune_thread_handoff(database_url: str) -> None:
    """Shorten the GIL switch interval when the database driver works through a thread."""
    if database_url.startswith("sqlite"):
        sys.setswitchinterval(SQLITE_SWITCH_INTERVAL)


async def load_samples_if_empty(app: App) -> list[ImportResult]:
    """Load the shipped sample campaigns, shifted to the current year and marked "[MẪU]",
    when the database has no campaign yet (so the embedded default has an open period today)."""
    async with app.sessions() as session, session.begin():
        count = await session.scalar(select(func.count()).select_from(Campaign))
        if count:
            return []
        results = [await load_sample(session, name, app.today.year, app.clock) for name in SAMPLES]
    log.info("loaded %d sample campaigns for %d", len(results), app.today.year)
    return results


async def load_sample(session: AsyncSession, name: str, year: int, clock: Clock) -> ImportResult:
    """Import the sample ``name`` moved to ``year``, labelled as a sample."""
    original = SAMPLES[name]()
    spec = original.shifted_to_year(year)
    labelled = replace(
        spec,
        code=f"{spec.code.rstrip('0123456789')}{year}",
        name=SAMPLE_PREFIX + spec.name.replace(str(original.start.year), str(year)),
        is_sample=True,
    )
    return await import_campaign(session, labelled, clock.now())
