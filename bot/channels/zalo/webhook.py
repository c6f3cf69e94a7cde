"""The Zalo webhook (``PUBLIC_BASE_URL`` set): ``setWebhook`` with a secret, retried by the
channels' back-off rule (:mod:`bot.channels.backoff`); the route answers 403 without the right
``X-Bot-Api-Secret-Token``, accepts bodies wrapped in ``{ok, result}`` or bare, and answers 200
only after the step committed (500 otherwise, so the platform may deliver again).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.channels.backoff import Backoff
from bot.channels.zalo.api import ZaloBotAPI, ZaloError, ZaloUnauthorized
from bot.channels.zalo.ingest import unwrap
from bot.channels.zalo.polling import unauthorized
from bot.errors import ConfigurationError
from bot.sender import sleep_or_stop
from bot.web import read_update

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"


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


async def register_webhook(
    api: ZaloBotAPI, base_url: str, secret: str, stop: asyncio.Event
) -> None:
    """``setWebhook``, retried with back-off while Zalo cannot be reached. Raises
    ``ConfigurationError`` on a 401."""
    url = base_url.rstrip("/") + WEBHOOK_PATH
    backoff = Backoff()
    while not stop.is_set():
        try:
            await api.set_webhook(url, secret)
        except ZaloUnauthorized as error:
            raise unauthorized(error) from None
        except ZaloError as error:
            delay = backoff.next()
            log.warning("Zalo setWebhook failed (%s); retrying in %.0fs", error, delay)
            await sleep_or_stop(stop, delay)
            continue
        log.warning("Zalo webhook at %s", url)
        return
