"""Running the Telegram channel: the aiogram dispatcher, long polling or the webhook, and the
outbox sender.

Nothing lost, nothing twice. aiogram's own polling confirms a batch's offset on its next
``getUpdates`` call while the updates may still be running as tasks, so a crash can lose
updates Telegram already considers delivered. Here a fetched batch is committed in order in one
transaction — with every ``update_id`` — and only then does the offset move past it. After a
crash Telegram hands the unconfirmed updates over again and the ones already committed are
dropped by ``update_id``. The webhook answers 200 only after the commit (the calls waiting
together share one, :mod:`bot.batcher`), and 500 otherwise, so Telegram retries.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter, TelegramUnauthorizedError
from aiogram.types import BotCommandScopeChat, Update
from aiohttp import ClientError, web
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App
from bot.batcher import Batcher
from bot.errors import ConfigurationError
from bot.health import Part
from bot.leader import sender_lease
from bot.pipeline import Pipeline
from bot.sender import OutboxSender, Pacing, sleep_or_stop
from bot.telegram import (
    CHANNEL,
    TelegramChannel,
    commands,
    from_callback,
    from_message,
    make_bot,
    set_default_commands,
)
from bot.web import read_update
from domain.messages import Incoming
from storage.models import ChannelAccount, Reporter

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT = 25  # seconds of long polling per getUpdates call
BATCH = 100
"""Updates asked for per ``getUpdates`` call, committed as one batch (the Bot API's maximum;
``bench/ingest.py --batch`` compares sizes)."""
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Ingest:
    """Telegram updates into the pipeline: normalised (``bot.telegram``), committed together
    (one transaction for a ``getUpdates`` batch, :meth:`Pipeline.process_batch`; the webhook
    calls waiting together through :class:`~bot.batcher.Batcher`), then the tapped buttons
    answered and the sender woken. aiogram's dispatcher handles one update at a time, so it is
    not used for incoming updates; aiogram's types and ``Bot`` are."""

    pipeline: Pipeline
    sender: OutboxSender
    office_chats: frozenset[str]
    batcher: Batcher = field(init=False)

    def __post_init__(self) -> None:
        self.batcher = Batcher(self.pipeline)

    def incoming(self, update: Update) -> Incoming | None:
        """The normalised message of ``update`` (None: nothing for the bot)."""
        if update.message is not None:
            return from_message(update.message, update.update_id, self.office_chats)
        if update.callback_query is not None:
            return from_callback(update.callback_query, update.update_id, self.office_chats)
        return None

    async def take(self, updates: list[Update]) -> None:
        """Commit a ``getUpdates`` batch in order, in one transaction; raises when it could not
        be committed (nothing of it is then confirmed)."""
        batch = [found for update in updates if (found := self.incoming(update)) is not None]
        if batch:
            await self.pipeline.process_batch(batch)
            self.sender.wake()
        await _answer_buttons(updates)

    async def take_one(self, update: Update) -> None:
        """Commit one webhook call's update with the others waiting (raises when it could not
        be committed: the webhook then answers non-200)."""
        found = self.incoming(update)
        if found is not None:
            await self.batcher.submit(found)
            self.sender.wake()
        await _answer_buttons([update])


async def _answer_buttons(updates: list[Update]) -> None:
    """Stop the spinner of every tapped button (best effort, after the commit)."""
    for update in updates:
        query = update.callback_query
        if query is None:
            continue
        try:
            await query.answer()
        except TelegramAPIError:
            log.info("could not answer callback query %s", query.id)


def build_dispatcher(
    pipeline: Pipeline, sender: OutboxSender, office_chats: frozenset[str]
) -> Ingest:
    """The Telegram ingest of ``pipeline`` (the name kept from when this was an aiogram
    dispatcher)."""
    return Ingest(pipeline, sender, office_chats)


async def poll(
    bot: Bot,
    ingest: Ingest,
    stop: asyncio.Event,
    receiving: Part | None = None,
    limit: int | None = None,
) -> None:
    """Long polling that confirms a batch of updates only after it was committed (in one
    transaction); each poll's outcome goes to ``receiving`` (the health check)."""
    offset: int | None = None
    backoff = 1.0
    webhook_cleared = False
    while not stop.is_set():
        try:
            if not webhook_cleared:
                await bot.delete_webhook(drop_pending_updates=False)
                webhook_cleared = True
            updates = await _fetch(bot, offset, stop, limit or BATCH)
        except TelegramUnauthorizedError:
            raise  # a wrong token: nothing to retry, say so at once
        except TelegramRetryAfter as error:
            await sleep_or_stop(stop, float(error.retry_after))
            continue
        except (TelegramAPIError, ClientError, TimeoutError) as error:
            # 409 while another instance still polls (a rolling restart), 5xx, a proxy's
            # non-JSON answer, network trouble: wait and ask again, nothing was confirmed
            log.warning("getUpdates failed (%s); retrying in %.0fs", error, backoff)
            if receiving is not None:
                receiving.failed(f"getUpdates: {type(error).__name__}")
            await sleep_or_stop(stop, backoff)
            backoff = min(backoff * 2, 60)
            continue
        if receiving is not None:
            receiving.ok()
        backoff = 1.0
        if not updates:
            continue
        try:
            await ingest.take(updates)
        except Exception:  # e.g. the database is down: keep the batch unconfirmed
            log.exception("updates from %s not processed; fetched again", updates[0].update_id)
            await sleep_or_stop(stop, 5)
            continue
        offset = updates[-1].update_id + 1


async def _fetch(bot: Bot, offset: int | None, stop: asyncio.Event, limit: int) -> list[Update]:
    """One long poll, abandoned at once when ``stop`` is set (nothing is confirmed by that)."""
    fetch = asyncio.ensure_future(
        bot.get_updates(
            offset=offset,
            limit=limit,
            timeout=POLL_TIMEOUT,
            allowed_updates=ALLOWED_UPDATES,
            request_timeout=POLL_TIMEOUT + 10,
        )
    )
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not fetch.done():
        fetch.cancel()
        return []
    return fetch.result()


def webhook_route(bot: Bot, ingest: Ingest, secret: str) -> web.RouteDef:
    """The POST route that takes Telegram's webhook calls."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="forbidden")
        body = await read_update(request)
        try:
            update = Update.model_validate(body, context={"bot": bot}) if body else None
        except (ValueError, RecursionError) as error:
            log.warning("Telegram webhook body is not an update: %.200s", error)
            update = None
        if update is None:
            return web.Response(status=400, text="bad update")
        await ingest.take_one(update)
        return web.Response(text="ok")

    return web.post(WEBHOOK_PATH, receive)


async def set_office_menus(app: App, bot: Bot) -> None:
    """Give every known office user on Telegram the office command menu."""
    async with app.sessions() as session:
        chats = list(
            await session.scalars(
                select(ChannelAccount.chat_id)
                .join(Reporter, Reporter.id == ChannelAccount.reporter_id)
                .where(ChannelAccount.channel == CHANNEL, Reporter.is_office)
            )
        )
    for chat_id in chats:
        try:
            scope = BotCommandScopeChat(chat_id=int(chat_id))
            await bot.set_my_commands(commands("office"), scope=scope)
        except TelegramAPIError as error:
            log.warning("could not set the office menu for %s: %s", chat_id, error)


def unauthorized() -> ConfigurationError:
    """The clear start-up message for a token Telegram refuses."""
    return ConfigurationError(
        "Telegram từ chối TELEGRAM_BOT_TOKEN (lỗi 401: mã bot không đúng hoặc đã bị thu hồi). "
        "Hãy chép lại mã bot từ @BotFather vào tệp .env rồi chạy lại."
    )


@dataclass
class TelegramRuntime:
    """The Telegram channel of a running bot: menus at start, polling or the webhook in, its
    own outbox sender out (paced by ``TELEGRAM_PER_SECOND`` / ``TELEGRAM_CHAT_PER_SECOND``)."""

    app: App
    token: str
    bot: Bot = field(init=False)
    sender: OutboxSender = field(init=False)
    dispatcher: Ingest = field(init=False)
    name: str = CHANNEL

    def __post_init__(self) -> None:
        settings = self.app.settings
        self.bot = make_bot(self.token, settings.telegram_api_base)
        channel = TelegramChannel(self.bot, settings.telegram_chat_per_second)
        pacing = Pacing(
            per_second=settings.telegram_per_second,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        lease = sender_lease(self.app.engine, settings.database_url, CHANNEL)
        self.sender = OutboxSender(self.app.sessions, channel, self.app.clock.now, pacing, lease)
        self.sender.health = self.app.health.part("telegram.send", self.app.clock.now)
        self.sender.retry_seconds = settings.transient_retry_seconds
        self.dispatcher = build_dispatcher(self.app.pipeline, self.sender, settings.office_chats)

    async def prepare(self) -> None:
        """Set the command menus (best effort); raises ``ConfigurationError`` when the token
        is refused."""
        try:
            await set_default_commands(self.bot)
            await set_office_menus(self.app, self.bot)
        except TelegramUnauthorizedError:
            raise unauthorized() from None
        except (TelegramAPIError, ClientError, TimeoutError) as error:
            # menus are a convenience: Telegram unreachable at start must not stop Zalo
            log.warning("could not set the command menus (%s); carrying on", error)

    def routes(self) -> list[web.RouteDef]:
        """The webhook route."""
        return [webhook_route(self.bot, self.dispatcher, self._secret())]

    async def receive(self, stop: asyncio.Event) -> None:
        """Poll until ``stop``, or register the webhook and wait for ``stop``."""
        settings = self.app.settings
        try:
            if not settings.public_base_url:
                await poll(
                    self.bot,
                    self.dispatcher,
                    stop,
                    self.app.health.part("telegram.receive", self.app.clock.now),
                )
                return
            await self._register_webhook(settings.public_base_url, stop)
        except TelegramUnauthorizedError:
            raise unauthorized() from None
        await stop.wait()

    async def _register_webhook(self, base_url: str, stop: asyncio.Event) -> None:
        """``setWebhook``, retried with back-off while Telegram cannot be reached."""
        url = base_url.rstrip("/") + WEBHOOK_PATH
        delay = 1.0
        while not stop.is_set():
            try:
                await self.bot.set_webhook(
                    url, secret_token=self._secret(), allowed_updates=ALLOWED_UPDATES
                )
            except TelegramUnauthorizedError:
                raise
            except (TelegramAPIError, ClientError, TimeoutError) as error:
                log.warning("setWebhook failed (%s); retrying in %.0fs", error, delay)
                await sleep_or_stop(stop, delay)
                delay = min(delay * 2, 60)
                continue
            log.warning("Telegram webhook at %s", url)
            return

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.bot.session.close()

    def _secret(self) -> str:
        return webhook_secret(self.app.settings.telegram_webhook_secret, self.token)


SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # Bot API, setWebhook.secret_token


def webhook_secret(configured: SecretStr | None, token: str) -> str:
    """The webhook secret: the configured one, else one derived from the token, so that every
    process behind one URL agrees on it without configuration.

    Raises ``ConfigurationError`` for a configured secret the Bot API would refuse.
    """
    if configured is not None:
        value = configured.get_secret_value()
        if not SECRET_PATTERN.match(value):
            raise ConfigurationError(
                "TELEGRAM_WEBHOOK_SECRET phải gồm 1-256 ký tự A-Z, a-z, 0-9, _ và -."
            )
        return value
    return hmac.new(token.encode(), b"reportbot webhook", hashlib.sha256).hexdigest()
