"""Transient database faults, told apart from bugs, and retried.

A step that failed because the database was busy or out of reach did nothing wrong: it is run
again after a pause, and only when that keeps failing for a few minutes is the error passed on,
for the channel to deliver the message again (Telegram's unconfirmed offset, a webhook's
non-200, Zalo's retry). A deterministic error in our code is never retried: the person gets the
apology. Issue 14, item 1.

Transient, by the driver's error (walking ``__cause__``/``__context__`` and SQLAlchemy's
``orig``): SQLite "database is locked"/"busy"; any connection error or a connection SQLAlchemy
invalidated; asyncpg's serialization failure (SQLSTATE 40001), deadlock (40P01), admin/crash
shutdown (57P01–57P03), too many connections (53300) and lost connections; SQLAlchemy's pool
time-out; connection errors and time-outs from the network (not a full disk or a missing
folder: those are no passing fault).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from sqlalchemy import exc as sa

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_SECONDS = 180.0
"""How long a step is retried before the error is passed on (``TRANSIENT_RETRY_SECONDS``)."""
FIRST_PAUSE, LONGEST_PAUSE = 0.2, 10.0
"""Back-off between attempts: 0,2 s doubling up to 10 s."""

_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
_PG_STATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03", "53300", "08000", "08003"})
_PG_TYPES = (
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
)


class StillFailing(Exception):
    """A transient fault outlasted the retries; the channel should deliver the message again.
    ``__cause__`` is the last fault."""


def is_transient(error: BaseException) -> bool:
    """True when ``error`` (or any error it was raised from) is a database or network fault
    that may pass by itself; False for anything else (a bug, a constraint violation)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _transient_itself(current):
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]
    return False


def _transient_itself(error: BaseException) -> bool:
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa.TimeoutError | sa.DisconnectionError):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return any(words in str(error).lower() for words in _SQLITE_BUSY)
    if isinstance(error, _PG_TYPES):
        return True
    if isinstance(error, asyncpg.exceptions.PostgresError):
        return getattr(error, "sqlstate", "") in _PG_STATES
    # network faults only: a full disk or a missing folder is no passing fault
    return isinstance(error, ConnectionError | TimeoutError | socket.gaierror)


async def retrying(
    work: Callable[[], Awaitable[T]],
    what: str,
    *,
    limit: float = RETRY_SECONDS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``work`` (a fresh attempt each call), again after a transient fault, with pauses of
    0,2 s doubling up to 10 s, for at most ``limit`` seconds (monotonic). Raises
    :class:`StillFailing` from the last fault when time is up; any other error at once."""
    started = time.monotonic()
    pause = FIRST_PAUSE
    while True:
        try:
            return await work()
        except Exception as error:
            if not is_transient(error):
                raise
            if time.monotonic() - started + pause > limit:
                raise StillFailing(f"{what}: still failing after {limit:.0f} s") from error
            log.warning("%s: transient fault (%s); retrying in %.1f s", what, error, pause)
        await sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
