"""``reportbot run`` with chat platforms: every configured channel (Telegram with
``TELEGRAM_BOT_TOKEN``, Zalo with ``ZALO_BOT_TOKEN``) in one process, sharing the pipeline, the
scheduler, the document worker (``bot.documents``: workbooks built off the write path) and, with
``PUBLIC_BASE_URL``, one web server (webhooks, report downloads, health).

Start-up order: each channel checks its token (a refused token stops the process with a clear
message before anything else starts), the web server starts listening, the senders and the
scheduler start, then each channel starts receiving (polling, or registering its webhook). On
SIGTERM/SIGINT the channels stop receiving, the scheduler stops (a job cut short rolls back and
is redone at the next start) and each sender finishes and records its round.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from bot.channels.zalo.runtime import ZaloRuntime
from bot.documents import DocumentWorker
from bot.scheduler import Jobs, start_scheduler
from bot.sender import OutboxSender
from bot.web import WebServer
from bot.web.context import PREFIX
from bot.web.office import office_site

log = logging.getLogger(__name__)

WORKER_GRACE = 3.0
"""Seconds the document worker gets at shutdown before its build is stopped."""


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


async def serve(app: App, channels: list[ChannelRuntime], stop: asyncio.Event) -> None:
    """Run ``channels`` until ``stop`` is set (or one of them fails: its error is raised after
    everything has stopped cleanly)."""
    server: WebServer | None = None
    scheduler: AsyncIOScheduler | None = None
    sending: list[asyncio.Task[None]] = []
    working: asyncio.Task[None] | None = None
    receiving: list[asyncio.Task[None]] = []
    failures: list[object] = []
    try:
        for channel in channels:
            await channel.prepare()
        server = await _start_web(app, channels)
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
            scheduler.shutdown(wait=False)
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


async def _start_web(app: App, channels: list[ChannelRuntime]) -> WebServer | None:
    """The web server with every channel's routes and the office's web page, when the bot
    has an address (``PUBLIC_BASE_URL`` or ``WEB_BASE_URL``)."""
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
    await server.start()
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
) -> AsyncIOScheduler | None:
    """One scheduler for all channels; what a job queues wakes every sender and the document
    worker (the automatic report)."""
    if not app.settings.scheduler:
        return None

    def wake() -> None:
        _wake_senders(channels)
        worker.wake()

    jobs = Jobs.from_settings(app.settings, app.sessions, app.clock, wake, app.campaigns)
    return start_scheduler(jobs, app.settings.zone)


async def _until_stopped(receiving: list[asyncio.Task[None]], stop: asyncio.Event) -> None:
    """Wait for ``stop``, or for a channel's receiving to end by itself (an error)."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([*receiving, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
