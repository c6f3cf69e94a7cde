"""``reportbot run`` with chat platforms: every configured channel (Telegram with
``TELEGRAM_BOT_TOKEN``, Zalo with ``ZALO_BOT_TOKEN``) in one process, sharing the pipeline, the
scheduler, the document worker (``bot.documents``: workbooks built off the write path) and, with
``PUBLIC_BASE_URL`` or ``WEB_BASE_URL``, one web server (webhooks, report downloads, the
office's web page, health).

Start-up order: each channel checks its token (a refused token stops the process with a clear
message before anything else starts), the web server starts listening, the senders and the
scheduler start, then each channel starts receiving (polling, or registering its webhook). On
SIGTERM/SIGINT the channels stop receiving, the scheduler stops (a job under way gets
:data:`JOB_GRACE` seconds; one cut short rolls back and is redone at the next start, and its
cancellation is logged in one line, not as a traceback) and each sender finishes and records
its round. ``announce`` gets the start-up lines (one per channel, the web page).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol
from zoneinfo import ZoneInfo

from aiohttp import web
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from bot.channels.zalo.runtime import ZaloRuntime
from bot.documents import DocumentWorker
from bot.errors import ConfigurationError
from bot.scheduler import Jobs, start_scheduler
from bot.sender import OutboxSender
from bot.web import WebServer
from bot.web.context import PREFIX
from bot.web.office import office_site

log = logging.getLogger(__name__)

WORKER_GRACE = 3.0
"""Seconds the document worker gets at shutdown before its build is stopped."""
JOB_GRACE = 3.0
"""Seconds a scheduled job under way gets at shutdown before it is cancelled."""
ME_TIMEOUT = 5.0
"""Seconds the start-up line waits for the bot's name from the platform."""


class ScheduledWork:
    """The started scheduler (``bot.scheduler``) and how many of its jobs are running, so that
    a stop lets them finish (:meth:`stop`) instead of cutting them into a traceback."""

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.scheduler = scheduler
        self.running = 0
        self.idle = asyncio.Event()
        self.idle.set()
        scheduler.add_listener(
            self._event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )

    @classmethod
    def start(cls, jobs: Jobs, zone: ZoneInfo) -> ScheduledWork:
        """Start the jobs (:func:`bot.scheduler.start_scheduler`) and follow them. Their first
        run is submitted on the event loop's next turn, after the listener is in place."""
        quiet_cancellations()
        return cls(start_scheduler(jobs, zone))

    def _event(self, event: JobEvent) -> None:
        self.running += 1 if event.code == EVENT_JOB_SUBMITTED else -1
        if self.running <= 0:
            self.running = 0
            self.idle.set()
        else:
            self.idle.clear()

    async def stop(self, grace: float = JOB_GRACE) -> None:
        """No new run; the runs under way get ``grace`` seconds, then are cancelled (their
        transaction rolls back)."""
        self.scheduler.pause()
        try:
            await asyncio.wait_for(self.idle.wait(), grace)
        except TimeoutError:
            log.warning("scheduled jobs still running after %.0f s: cancelled", grace)
        self.scheduler.shutdown(wait=False)


class _CancelledJobFilter(logging.Filter):
    """APScheduler logs a job cancelled at shutdown as an exception with its traceback; it is
    a normal stop: one INFO line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError):
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = 'Job "%s" stopped at shutdown'  # APScheduler's args: (job,)
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


_QUIET = _CancelledJobFilter()


def quiet_cancellations() -> None:
    """Install :class:`_CancelledJobFilter` on APScheduler's executor logger (once)."""
    executor_log = logging.getLogger("apscheduler.executors.default")
    if _QUIET not in executor_log.filters:
        executor_log.addFilter(_QUIET)


class ChannelRuntime(Protocol):
    """What ``serve`` needs from a running channel."""

    name: str
    sender: OutboxSender

    async def prepare(self) -> None:
        """Check the configuration with the platform; raise ``ConfigurationError`` if refused."""
        ...

    def routes(self) -> list[web.RouteDef]:
        """Routes of the web server (webhook mode)."""
        ...

    async def receive(self, stop: asyncio.Event) -> None:
        """Take updates in until ``stop`` (polling, or a registered webhook)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def configured_channels(app: App) -> list[ChannelRuntime]:
    """The channels whose token is set, Telegram first."""
    settings = app.settings
    channels: list[ChannelRuntime] = []
    if settings.telegram_bot_token is not None:
        # aiogram is imported only when Telegram is configured (about 2 s of start-up)
        from bot.channels.telegram.runtime import TelegramRuntime

        channels.append(TelegramRuntime(app, settings.telegram_bot_token.get_secret_value()))
    if settings.zalo_bot_token is not None:
        channels.append(ZaloRuntime(app, settings.zalo_bot_token.get_secret_value()))
    return channels


async def serve(
    app: App,
    channels: list[ChannelRuntime],
    stop: asyncio.Event,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run ``channels`` until ``stop`` is set (or one of them fails: its error is raised after
    everything has stopped cleanly). ``announce`` (e.g. ``print``) gets one Vietnamese line per
    channel and one for the web page once they are ready."""
    server: WebServer | None = None
    scheduler: ScheduledWork | None = None
    sending: list[asyncio.Task[None]] = []
    working: asyncio.Task[None] | None = None
    receiving: list[asyncio.Task[None]] = []
    failures: list[object] = []
    try:
        for channel in channels:
            await channel.prepare()
        server = await _start_web(app, channels)
        if announce is not None:
            for line in await start_lines(app, channels, server is not None):
                announce(line)
        sending = [asyncio.create_task(channel.sender.run(stop)) for channel in channels]
        worker = DocumentWorker(app, lambda: _wake_senders(channels))
        app.pipeline.on_document.append(worker.wake)
        working = asyncio.create_task(worker.run(stop))
        scheduler = _start_jobs(app, channels, worker)
        receiving = [asyncio.create_task(channel.receive(stop)) for channel in channels]
        await _until_stopped(receiving, stop)
    finally:
        stop.set()
        if scheduler is not None:
            await scheduler.stop()
        # receiving ends by itself once ``stop`` is set: a step under way commits first
        failures = await asyncio.gather(*receiving, return_exceptions=True)
        if server is not None:
            await server.stop()  # no webhook step after the senders' last round
        await _stop_worker(working)
        await asyncio.gather(*sending)  # each sender records its last round
        for channel in channels:
            await channel.close()
    for failure in failures:
        if isinstance(failure, BaseException):
            raise failure


async def start_lines(app: App, channels: list[ChannelRuntime], web_on: bool) -> list[str]:
    """What ``reportbot run`` prints once started (Vietnamese): per channel its bot's name and
    how it receives (``Telegram: @ten_bot, nhận tin bằng polling`` or ``…webhook tại URL``),
    then the office's web page address, or why there is none."""
    settings = app.settings
    lines = []
    for channel in channels:
        name = await _bot_name(channel)
        if settings.public_base_url:
            how = f"webhook tại {settings.public_base_url.rstrip('/')}/{channel.name}/webhook"
        else:
            how = "nhận tin bằng polling (không cần mở cổng)"
        lines.append(f"{channel.name.capitalize()}: {name}, {how}")
        if channel.name == "telegram" and name.startswith("@"):
            lines.extend(_username_advice(settings.telegram_bot_username, name[1:]))
    if web_on and settings.web_address:
        lines.append(
            f"Trang web văn phòng: {settings.web_address}{PREFIX}/ (máy chủ web lắng nghe "
            f"{settings.web_host}:{settings.web_port}); link đăng nhập: reportbot web-link --office"
        )
    else:
        lines.append(
            "Trang web văn phòng: tắt (đặt WEB_BASE_URL hoặc PUBLIC_BASE_URL để bật, và để "
            "Zalo gửi được link tải báo cáo)"
        )
    lines.append("Bot đang chạy; Ctrl-C để dừng.")
    return lines


def _username_advice(configured: str, actual: str) -> list[str]:
    """A line when ``TELEGRAM_BOT_USERNAME`` (the invite links' bot) is not the bot's own
    username: the printed links would open another bot, or none."""
    if configured.lstrip("@").lower() == actual.lower():
        return []
    if not configured:
        return [
            f"Chú ý: chưa đặt TELEGRAM_BOT_USERNAME; đặt TELEGRAM_BOT_USERNAME={actual} để "
            "reportbot invite in đủ liên kết mời."
        ]
    return [
        f"Chú ý: TELEGRAM_BOT_USERNAME={configured} nhưng bot này là @{actual}: liên kết mời sẽ "
        f"mở nhầm bot. Sửa thành TELEGRAM_BOT_USERNAME={actual}."
    ]


async def _bot_name(channel: ChannelRuntime) -> str:
    """``@username`` (Telegram) or the account name (Zalo) from the platform's ``getMe``;
    ``(chưa rõ tên)`` when it does not answer in :data:`ME_TIMEOUT` seconds."""
    try:
        async with asyncio.timeout(ME_TIMEOUT):
            bot = getattr(channel, "bot", None)
            if bot is not None:  # aiogram's Bot
                me = await bot.get_me()
                return f"@{me.username}"
            api = getattr(channel, "api", None)
            if api is not None:  # bot.channels.zalo.api.ZaloBotAPI
                found = await api.get_me()
                return str(found.get("account_name") or found.get("id") or "(chưa rõ tên)")
    except Exception as error:  # a name is a courtesy: never stop the start for it
        log.warning("could not get the %s bot's name: %s", channel.name, error)
    return "(chưa rõ tên)"


async def _start_web(app: App, channels: list[ChannelRuntime]) -> WebServer | None:
    """The web server with every channel's routes and the office's web page, when the bot
    has an address (``PUBLIC_BASE_URL`` or ``WEB_BASE_URL``). Raises ``ConfigurationError``
    naming ``WEB_HOST``/``WEB_PORT`` when it cannot listen."""
    settings = app.settings
    if not (settings.public_base_url or settings.web_base_url):
        return None
    server = WebServer(
        settings.web_host,
        settings.web_port,
        lambda: app.health.report(app.engine, settings.reports_dir),
    )
    for channel in channels:
        server.add(channel.routes())
    server.mount(PREFIX, office_site(app))
    try:
        await server.start()
    except OSError as error:  # the port taken, not allowed, or WEB_HOST unknown
        await server.stop()
        raise ConfigurationError(
            f"Không mở được máy chủ web trên {settings.web_host}:{settings.web_port} ({error}). "
            "Hãy kiểm tra WEB_HOST và WEB_PORT: cổng phải còn trống (một bot khác hay chương "
            "trình khác đang dùng?) và dưới 1024 thì cần quyền quản trị."
        ) from error
    return server


async def _stop_worker(working: asyncio.Task[None] | None) -> None:
    """Let the document worker finish what it is recording; a build still running after
    :data:`WORKER_GRACE` seconds is stopped and its job given back for the next start."""
    if working is None:
        return
    try:
        await asyncio.wait_for(asyncio.shield(working), WORKER_GRACE)
    except TimeoutError:
        working.cancel()
        await asyncio.gather(working, return_exceptions=True)


def _wake_senders(channels: list[ChannelRuntime]) -> None:
    for channel in channels:
        channel.sender.wake()


def _start_jobs(
    app: App, channels: list[ChannelRuntime], worker: DocumentWorker
) -> ScheduledWork | None:
    """One scheduler for all channels; what a job queues wakes every sender and the document
    worker (the automatic report)."""
    if not app.settings.scheduler:
        return None

    def wake() -> None:
        _wake_senders(channels)
        worker.wake()

    jobs = Jobs.from_settings(app.settings, app.sessions, app.clock, wake, app.campaigns)
    return ScheduledWork.start(jobs, app.settings.zone)


async def _until_stopped(receiving: list[asyncio.Task[None]], stop: asyncio.Event) -> None:
    """Wait for ``stop``, or for a channel's receiving to end by itself (an error)."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([*receiving, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
