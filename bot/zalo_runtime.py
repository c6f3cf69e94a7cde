"""Running the Zalo channel: polling or the webhook in, the outbox sender out.

Polling: ``getUpdates`` hands over one update per call and has no offset, so an update is
gone from Zalo's side once fetched. Each update is therefore processed before the next poll,
and a step that fails for a reason outside the conversation (the database briefly down) is
retried here, with back-off, until it commits; duplicates (a webhook retry, a redelivery) are
dropped by ``message_id`` in the step's transaction. A 408 is an empty poll; a 429 waits; other
errors and network trouble wait 1, 2, 4 ... 60 s and poll again; 401 stops the process with a
clear message (a wrong ``ZALO_BOT_TOKEN``). Stopping waits for the poll under way (at most
``ZALO_POLL_SECONDS``) so that an update it brings is processed, not dropped.

Webhook (``PUBLIC_BASE_URL`` set): ``setWebhook`` with a secret; the route answers 403 without
the right ``X-Bot-Api-Secret-Token``, accepts bodies wrapped in ``{ok, result}`` or bare, and
answers 200 only after the step committed (500 otherwise, so the platform may deliver again).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.app import App
from bot.batcher import Batcher
from bot.errors import ConfigurationError
from bot.health import Part
from bot.leader import sender_lease
from bot.pipeline import Pipeline
from bot.report_links import ReportLinks, derive_secret, download_route
from bot.sender import OutboxSender, Pacing, sleep_or_stop
from bot.web import read_update
from bot.zalo import CHANNEL, ZaloChannel, from_update, unwrap
from bot.zalo_api import (
    ZaloBotAPI,
    ZaloError,
    ZaloTooManyRequests,
    ZaloUnauthorized,
)

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BACKOFF = 60.0
TOO_MANY_WAIT = 5.0  # seconds after a 429 on getUpdates (Zalo gives no retry time)


def unauthorized(error: ZaloUnauthorized) -> ConfigurationError:
    """The clear start-up message for a token Zalo refuses."""
    return ConfigurationError(
        "Zalo từ chối ZALO_BOT_TOKEN (lỗi 401: mã bot không đúng hoặc đã bị thu hồi). "
        "Hãy chép lại mã bot từ Zalo Bot Manager vào tệp .env rồi chạy lại. "
        f"(Zalo trả lời: {error.description or 'Unauthorized'})"
    )


def webhook_secret(configured: SecretStr | None, token: str) -> str:
    """The webhook secret: the configured one (8-256 characters, the platform's rule), else
    one derived from the token, so every process behind one address agrees on it.

    Raises ``ConfigurationError`` for a configured secret of the wrong length.
    """
    if configured is not None:
        value = configured.get_secret_value()
        if not 8 <= len(value) <= 256 or not value.isascii() or not value.isprintable():
            raise ConfigurationError(
                "ZALO_WEBHOOK_SECRET phải dài 8-256 ký tự (chữ không dấu, số, ký hiệu)."
            )
        return value
    return hmac.new(token.encode(), b"reportbot zalo webhook", hashlib.sha256).hexdigest()


async def process_update(
    pipeline: Pipeline | Batcher, update: dict[str, Any], stop: asyncio.Event | None = None
) -> bool:
    """Hand one update to the pipeline (or to a :class:`~bot.batcher.Batcher`, which commits it
    with the webhook calls waiting beside it), retrying while the step cannot commit (the
    pipeline answers every conversation error itself; what escapes it is the database). True
    when it was processed (or has nothing for the bot); False when ``stop`` came first."""
    process = pipeline.submit if isinstance(pipeline, Batcher) else pipeline.process
    incoming = from_update(update)
    if incoming is None:
        log.info("Zalo update without a readable message dropped: %.300r", update)
        return True
    delay = 1.0
    while True:
        try:
            await process(incoming)
            return True
        except Exception:
            if stop is None:
                raise
            log.exception("Zalo message %s not processed; retrying", incoming.message_id)
        if stop.is_set():
            log.error("Zalo message %s dropped at shutdown", incoming.message_id)
            return False
        await sleep_or_stop(stop, delay)
        delay = min(delay * 2, MAX_BACKOFF)


async def poll(
    api: ZaloBotAPI,
    handle: Callable[[dict[str, Any]], Awaitable[object]],
    stop: asyncio.Event,
    seconds: int = 25,
    receiving: Part | None = None,
) -> None:
    """Long polling until ``stop``, ``seconds`` a call: each update is handled before the
    next call; each poll's outcome goes to ``receiving`` (the health check).

    Raises ``ConfigurationError`` on a 401.
    """
    backoff = 1.0
    webhook_cleared = False
    while not stop.is_set():
        try:
            if not webhook_cleared:
                await api.delete_webhook()  # getUpdates works only without a webhook
                webhook_cleared = True
            # not abandoned at ``stop``: an update already handed over would be lost; the
            # wait is at most ``seconds``, then the update is processed before leaving
            updates = await api.get_updates(seconds)
        except ZaloUnauthorized as error:
            raise unauthorized(error) from None
        except ZaloTooManyRequests:
            await sleep_or_stop(stop, TOO_MANY_WAIT)
            continue
        except ZaloError as error:
            log.warning("Zalo getUpdates failed (%s); retrying in %.0fs", error, backoff)
            if receiving is not None:
                receiving.failed(f"getUpdates: {type(error).__name__}")
            await sleep_or_stop(stop, backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        if receiving is not None:
            receiving.ok()
        backoff = 1.0
        for update in updates:
            await handle(update)


def webhook_route(secret: str, handle: Callable[[dict[str, Any]], Awaitable[bool]]) -> web.RouteDef:
    """The POST route Zalo delivers updates to."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("Zalo webhook call without the right secret refused")
            return web.Response(status=403, text="forbidden")
        body = await read_update(request)
        update = unwrap(body) if body is not None else None
        if update is None:
            return web.Response(status=400, text="bad update")
        try:
            await handle(update)
        except Exception:
            log.exception("Zalo webhook update not processed")
            return web.Response(status=500, text="not processed")
        return web.json_response({"ok": True})

    return web.post(WEBHOOK_PATH, receive)


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
    name: str = CHANNEL

    def __post_init__(self) -> None:
        settings = self.app.settings
        self.api = ZaloBotAPI(self.token, settings.zalo_api_base, settings.zalo_request_timeout)
        self.links = None
        if settings.public_base_url:
            configured = settings.report_link_secret
            self.links = ReportLinks(
                derive_secret(configured.get_secret_value() if configured else None, self.token),
                settings.public_base_url,
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
        """The webhook route, and the report downloads (with ``PUBLIC_BASE_URL``)."""
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
        url = settings.public_base_url.rstrip("/") + WEBHOOK_PATH
        delay = 1.0
        while not stop.is_set():
            try:
                await self.api.set_webhook(url, self._secret())
            except ZaloUnauthorized as error:
                raise unauthorized(error) from None
            except ZaloError as error:
                log.warning("Zalo setWebhook failed (%s); retrying in %.0fs", error, delay)
                await sleep_or_stop(stop, delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            log.warning("Zalo webhook at %s", url)
            break
        await stop.wait()

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.api.close()

    def _secret(self) -> str:
        return webhook_secret(self.app.settings.zalo_webhook_secret, self.token)

    async def _handle(self, update: dict[str, Any], stop: asyncio.Event) -> None:
        await process_update(self.app.pipeline, update, stop)
        self.sender.wake()

    async def _handle_now(self, update: dict[str, Any]) -> bool:
        done = await process_update(self.batcher, update)
        self.sender.wake()
        return done
