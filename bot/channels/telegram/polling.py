"""Telegram long polling that confirms a batch of updates only after it was committed.

aiogram's own polling confirms a batch's offset on its next ``getUpdates`` call while the
updates may still be running as tasks, so a crash can lose updates Telegram already considers
delivered. Here a fetched batch is committed in order in one transaction — with every
``update_id`` — and only then does the offset move past it. After a crash Telegram hands the
unconfirmed updates over again and the ones already committed are dropped by ``update_id``.
A failed poll waits by the channels' back-off rule (:mod:`bot.channels.backoff`); a 429 waits
the ``retry_after`` Telegram names.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter, TelegramUnauthorizedError
from aiogram.types import Update
from aiohttp import ClientError

from bot.channels.backoff import Backoff
from bot.channels.telegram.ingest import ALLOWED_UPDATES, Ingest
from bot.health import Part
from bot.sender import sleep_or_stop

log = logging.getLogger(__name__)

POLL_TIMEOUT = 25  # seconds of long polling per getUpdates call
BATCH = 100
"""Updates asked for per ``getUpdates`` call, committed as one batch (the Bot API's maximum;
``bench/ingest.py --batch`` compares sizes)."""


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
    backoff = Backoff()
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
            delay = backoff.next()
            log.warning("getUpdates failed (%s); retrying in %.0fs", error, delay)
            if receiving is not None:
                receiving.failed(f"getUpdates: {type(error).__name__}")
            await sleep_or_stop(stop, delay)
            continue
        if receiving is not None:
            receiving.ok()
        backoff.reset()
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
