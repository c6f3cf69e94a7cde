"""Zalo long polling.

``getUpdates`` hands over one update per call and has no offset, so an update is gone from
Zalo's side once fetched. Each update is therefore processed before the next poll, and a step
that fails for a reason outside the conversation (the database briefly down) is retried, with
back-off, until it commits (:func:`bot.channels.zalo.ingest.process_update`); duplicates (a
webhook retry, a redelivery) are dropped by ``message_id`` in the step's transaction. A 408 is
an empty poll; a 429 waits ``TOO_MANY_WAIT``; other errors and network trouble wait by the
channels' back-off rule (1, 2, 4 ... 60 s, :mod:`bot.channels.backoff`) and poll again; 401
stops the process with a clear message (a wrong ``ZALO_BOT_TOKEN``). Stopping waits for the
poll under way (at most ``ZALO_POLL_SECONDS``) so that an update it brings is processed, not
dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.backoff import Backoff
from bot.channels.zalo.api import ZaloBotAPI, ZaloError, ZaloTooManyRequests, ZaloUnauthorized
from bot.errors import ConfigurationError
from bot.health import Part
from bot.sender import sleep_or_stop

log = logging.getLogger(__name__)

TOO_MANY_WAIT = 5.0  # seconds after a 429 on getUpdates (Zalo gives no retry time)


def unauthorized(error: ZaloUnauthorized) -> ConfigurationError:
    """The clear start-up message for a token Zalo refuses."""
    return ConfigurationError(
        "Zalo từ chối ZALO_BOT_TOKEN (lỗi 401: mã bot không đúng hoặc đã bị thu hồi). "
        "Hãy chép lại mã bot từ Zalo Bot Manager vào tệp .env rồi chạy lại. "
        f"(Zalo trả lời: {error.description or 'Unauthorized'})"
    )


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
    backoff = Backoff()
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
            delay = backoff.next()
            log.warning("Zalo getUpdates failed (%s); retrying in %.0fs", error, delay)
            if receiving is not None:
                receiving.failed(f"getUpdates: {type(error).__name__}")
            await sleep_or_stop(stop, delay)
            continue
        if receiving is not None:
            receiving.ok()
        backoff.reset()
        for update in updates:
            await handle(update)
