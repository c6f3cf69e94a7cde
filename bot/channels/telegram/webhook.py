"""The Telegram webhook: registered with ``setWebhook`` (retried by the channels' back-off rule,
:mod:`bot.channels.backoff`), calls checked by the secret-token header and answered 200 only
after the commit (the calls waiting together share one, :mod:`bot.channels.batcher`), and 500
otherwise, so Telegram retries.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import Update
from aiohttp import ClientError, web
from pydantic import SecretStr

from bot.channels.backoff import Backoff
from bot.channels.telegram.ingest import ALLOWED_UPDATES, Ingest
from bot.errors import ConfigurationError
from bot.sender import sleep_or_stop
from bot.web import read_update

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # Bot API, setWebhook.secret_token


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


async def register_webhook(bot: Bot, base_url: str, secret: str, stop: asyncio.Event) -> None:
    """``setWebhook``, retried with back-off while Telegram cannot be reached (a refused token
    raises ``TelegramUnauthorizedError``)."""
    url = base_url.rstrip("/") + WEBHOOK_PATH
    backoff = Backoff()
    while not stop.is_set():
        try:
            await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        except TelegramUnauthorizedError:
            raise
        except (TelegramAPIError, ClientError, TimeoutError) as error:
            delay = backoff.next()
            log.warning("setWebhook failed (%s); retrying in %.0fs", error, delay)
            await sleep_or_stop(stop, delay)
            continue
        log.warning("Telegram webhook at %s", url)
        return


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
