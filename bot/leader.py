"""One sender per channel for the whole deployment, however many bot processes run.

Telegram counts its ~30 messages a second per bot (Bot API FAQ), not per process: three
processes each pacing at 30/s send 90/s and draw 429s. Every process ingests updates and
queues replies in the shared outbox, but only the process holding a channel's sender lease
sends them (issue 14, item 2). We chose an elected single sender over a limiter shared through
the database or Redis: the outbox is already the shared queue, a lease needs no extra service
and no extra round trip per message, and in-order delivery per chat stays a one-process
property.

* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection the
  holder keeps open. When the holder's process dies its connection closes and PostgreSQL frees
  the lock at once; another process takes it at its next try (every ``Pacing.idle_poll``,
  1 s). The holder checks its connection every :data:`CHECK_SECONDS`; if the connection was
  lost (a database restart), it stops sending until it holds the lock again.
* SQLite (one machine): an exclusive ``flock`` on a file beside the database, freed by the
  kernel when the process dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
import zlib
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0
"""How often the holder of a PostgreSQL lease checks that its connection (and so the lock)
is still there."""


class SenderLease(Protocol):
    """Whether this process may send for a channel now."""

    async def held(self) -> bool:
        """True when this process holds the lease (taking it if it is free)."""
        ...

    async def release(self) -> None:
        """Give the lease up (at shutdown)."""
        ...


class AlwaysHeld:
    """The lease of a process that is alone by construction (benchmarks, in-process tests)."""

    async def held(self) -> bool:
        """Always True."""
        return True

    async def release(self) -> None:
        """Nothing to give up."""


def lease_key(channel: str) -> int:
    """A stable 31-bit advisory-lock key for ``channel``'s sender."""
    return zlib.crc32(f"reportbot-sender-{channel}".encode()) & 0x7FFFFFFF


class PostgresLease:
    """The sender lease of ``channel`` as a PostgreSQL advisory lock held by a connection of
    ``engine`` that stays open while this process is the sender."""

    def __init__(self, engine: AsyncEngine, channel: str) -> None:
        self.engine = engine
        self.channel = channel
        self.key = lease_key(channel)
        self._connection: AsyncConnection | None = None
        self._checked = 0.0

    async def held(self) -> bool:
        """Take the lock if free; while held, check the connection now and then."""
        if self._connection is not None:
            if time.monotonic() - self._checked < CHECK_SECONDS:
                return True
            try:
                await self._connection.execute(text("SELECT 1"))
                self._checked = time.monotonic()
                return True
            except Exception:
                log.warning("%s sender lease lost with its connection", self.channel)
                await self._drop()
        return await self._try_take()

    async def _try_take(self) -> bool:
        try:
            connection = await self.engine.connect()
        except Exception:
            log.warning("%s sender lease: no database connection", self.channel)
            return False
        try:
            taken = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            await connection.commit()
        except Exception:
            await connection.close()
            return False
        if not taken:
            await connection.close()
            return False
        self._connection, self._checked = connection, time.monotonic()
        log.warning("this process now sends for %s", self.channel)
        return True

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                log.info("closing a lost lease connection failed", exc_info=True)

    async def release(self) -> None:
        """Unlock and close the connection (the lock goes with it anyway)."""
        if self._connection is not None:
            try:
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                )
            except Exception:
                log.info("unlocking the %s sender lease failed", self.channel, exc_info=True)
        await self._drop()


class FileLease:
    """The sender lease of ``channel`` as an exclusive ``flock`` on ``path`` (SQLite: the
    processes share one machine)."""

    def __init__(self, path: Path, channel: str) -> None:
        self.path = path
        self.channel = channel
        self._file: IO[bytes] | None = None

    async def held(self) -> bool:
        """Take the lock if free (never blocks)."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._file = handle
        log.warning("this process now sends for %s", self.channel)
        return True

    async def release(self) -> None:
        """Unlock (closing the file unlocks it)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def sender_lease(engine: AsyncEngine, database_url: str, channel: str) -> SenderLease:
    """The lease that fits the database: an advisory lock on PostgreSQL, a lock file beside
    an SQLite database, none for an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresLease(engine, channel)
    if url.database and url.database != ":memory:":
        return FileLease(Path(f"{url.database}.{channel}-sender.lock"), channel)
    return AlwaysHeld()
