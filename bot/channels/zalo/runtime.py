"""Running the Zalo channel: the token checked, polling (:mod:`bot.channels.zalo.polling`) or the
webhook (:mod:`bot.channels.zalo.webhook`) in, the outbox sender out
(:mod:`bot.channels.zalo.channel`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.app import App
from bot.channels.batcher import Batcher
from bot.channels.zalo.api import ZaloBotAPI, ZaloError, ZaloUnauthorized
from bot.channels.zalo.channel import CHANNEL, ZaloChannel
from bot.channels.zalo.files import ZaloFiles
from bot.channels.zalo.ingest import process_update
from bot.channels.zalo.polling import poll, unauthorized
from bot.channels.zalo.webhook import register_webhook, webhook_route, webhook_secret
from bot.leader import sender_lease
from bot.report_links import ReportLinks, derive_secret, download_route
from bot.sender import OutboxSender, Pacing
from services.file_store import FileStore

log = logging.getLogger(__name__)


@dataclass
class ZaloRuntime:
    """The Zalo channel of a running bot: checks the token, receives (polling or webhook) and
    sends (its own outbox sender, paced by ``ZALO_PER_SECOND`` / ``ZALO_CHAT_PER_SECOND``)."""

    app: App
    token: str
    api: ZaloBotAPI = field(init=False)
    channel: ZaloChannel = field(init=False)
    sender: OutboxSender = field(init=False)
    links: ReportLinks | None = field(init=False)
    batcher: Batcher = field(init=False)
    files: ZaloFiles = field(init=False)
    name: str = CHANNEL

    def __post_init__(self) -> None:
        settings = self.app.settings
        self.api = ZaloBotAPI(self.token, settings.zalo_api_base, settings.zalo_request_timeout)
        self.files = ZaloFiles(
            self.api, FileStore(settings.evidence_dir, settings.evidence_max_bytes)
        )
        self.links = None
        if settings.web_address:  # WEB_BASE_URL (e.g. on the office's LAN while polling), else
            configured = settings.report_link_secret  # PUBLIC_BASE_URL
            self.links = ReportLinks(
                derive_secret(configured.get_secret_value() if configured else None, self.token),
                settings.web_address,
                settings.reports_dir,
                timedelta(hours=settings.report_link_hours),
            )
        self.channel = ZaloChannel(
            self.api, self.links, self.app.clock.now, settings.zalo_chat_per_second, settings.zone
        )
        pacing = Pacing(
            per_second=settings.zalo_per_second,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        lease = sender_lease(self.app.engine, self.app.settings.database_url, CHANNEL)
        self.batcher = Batcher(self.app.pipeline)  # webhook calls waiting together: one commit
        self.sender = OutboxSender(
            self.app.sessions, self.channel, self.app.clock.now, pacing, lease
        )
        self.sender.health = self.app.health.part("zalo.send", self.app.clock.now)
        self.sender.retry_seconds = settings.transient_retry_seconds

    async def prepare(self) -> None:
        """Check the token with ``getMe``. Raises ``ConfigurationError`` on a 401; other
        failures are logged and left to the polling loop or the sender to retry."""
        try:
            me = await self.api.get_me()
        except ZaloUnauthorized as error:
            raise unauthorized(error) from None
        except ZaloError as error:
            log.warning("Zalo getMe failed (%s); carrying on, requests will be retried", error)
            return
        log.warning("Zalo bot %s ready", me.get("account_name") or me.get("id"))

    def routes(self) -> list[web.RouteDef]:
        """The webhook route, and the report downloads (with ``WEB_BASE_URL`` or
        ``PUBLIC_BASE_URL``)."""
        secret = self._secret()
        routes = [webhook_route(secret, self._handle_now)]
        if self.links is not None:
            routes.append(download_route(self.links, self.app.clock.now))
        return routes

    async def receive(self, stop: asyncio.Event) -> None:
        """Poll until ``stop``, or register the webhook and wait for ``stop``."""
        settings = self.app.settings
        if not settings.public_base_url:
            await poll(
                self.api,
                lambda update: self._handle(update, stop),
                stop,
                settings.zalo_poll_seconds,
                self.app.health.part("zalo.receive", self.app.clock.now),
            )
            return
        await register_webhook(self.api, settings.public_base_url, self._secret(), stop)
        await stop.wait()

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.api.close()

    def _secret(self) -> str:
        return webhook_secret(self.app.settings.zalo_webhook_secret, self.token)

    async def _handle(self, update: dict[str, Any], stop: asyncio.Event) -> None:
        await process_update(self.app.pipeline, update, stop, self.files)
        self.sender.wake()

    async def _handle_now(self, update: dict[str, Any]) -> bool:
        done = await process_update(self.batcher, update, files=self.files)
        self.sender.wake()
        return done
