"""Running the Telegram channel: the command menus, long polling
(:mod:`bot.channels.telegram.polling`) or the webhook (:mod:`bot.channels.telegram.webhook`) in,
the outbox sender out (:mod:`bot.channels.telegram.channel`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import BotCommandScopeChat
from aiohttp import ClientError, web
from sqlalchemy import select

from bot.app import App
from bot.channels.telegram.channel import (
    CHANNEL,
    TelegramChannel,
    commands,
    make_bot,
    set_default_commands,
)
from bot.channels.telegram.ingest import Ingest, build_dispatcher
from bot.channels.telegram.polling import poll
from bot.channels.telegram.webhook import register_webhook, webhook_route, webhook_secret
from bot.errors import ConfigurationError
from bot.leader import sender_lease
from bot.sender import OutboxSender, Pacing
from services.file_store import FileStore
from storage.models import ChannelAccount, Reporter
from storage.transient import StillFailing, retrying

log = logging.getLogger(__name__)


async def set_office_menus(app: App, bot: Bot) -> None:
    """Give every known office user on Telegram the office command menu. The office chats are
    read again while the database is busy (several processes starting on one SQLite file), for
    ``TRANSIENT_RETRY_SECONDS``; raises :class:`~storage.transient.StillFailing` after that."""

    async def office_chats() -> list[str]:
        async with app.sessions() as session:
            return list(
                await session.scalars(
                    select(ChannelAccount.chat_id)
                    .join(Reporter, Reporter.id == ChannelAccount.reporter_id)
                    .where(ChannelAccount.channel == CHANNEL, Reporter.is_office)
                )
            )

    limit = app.settings.transient_retry_seconds
    chats = await retrying(office_chats, "office menus", limit=limit)
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
        store = FileStore(settings.evidence_dir, settings.evidence_max_bytes)
        self.dispatcher = build_dispatcher(
            self.app.pipeline, self.sender, settings.office_chats, self.bot, store
        )

    async def prepare(self) -> None:
        """Set the command menus (best effort); raises ``ConfigurationError`` when the token
        is refused."""
        try:
            await set_default_commands(self.bot)
            await set_office_menus(self.app, self.bot)
        except TelegramUnauthorizedError:
            raise unauthorized() from None
        except (TelegramAPIError, ClientError, TimeoutError, StillFailing) as error:
            # menus are a convenience: Telegram unreachable, or the database busy for longer
            # than the retries, at start must not stop the bot
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
            await register_webhook(self.bot, settings.public_base_url, self._secret(), stop)
        except TelegramUnauthorizedError:
            raise unauthorized() from None
        await stop.wait()

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.bot.session.close()

    def _secret(self) -> str:
        return webhook_secret(self.app.settings.telegram_webhook_secret, self.token)
