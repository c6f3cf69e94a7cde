"""SQLite driven on the event loop's own thread, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call on a worker thread of its own and hands the answer back through the
event loop: about 55 such hops for one conversation step, more than half its time (issue 15,
measured with ``bench/ingest.py``), while SQLite's own work is a fraction of a millisecond a
statement. This module gives SQLAlchemy an object with aiosqlite's interface whose coroutines
run the ``sqlite3`` call at once and never suspend, so an ``await`` costs a greenlet switch
instead of a thread round trip.

The price: a statement holds the event loop while SQLite runs it. That is fine for the short
statements of a step; the long reads of a workbook run in another process
(``bot.documents``). SQLite's busy handler would also hold the loop while another process
has the write lock, so :func:`connect` sets a short busy timeout (:data:`BUSY_MS`): past it the
statement fails with "database is locked", a transient fault that the pipeline retries after
an ``asyncio`` pause (``storage.transient``), and the loop serves other work meanwhile.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

BUSY_MS = 50
"""How long one statement waits for another process's write lock before "database is locked"
(the transient rule then waits without holding the loop)."""


class InlineCursor:
    """aiosqlite's ``Cursor`` interface over a ``sqlite3.Cursor``, run in place."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        """The driver's column description (None for a statement without rows)."""
        return self._cursor.description

    @property
    def lastrowid(self) -> int | None:
        """The row id of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        """Run one statement."""
        self._cursor.execute(sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        """Run one statement for each parameter set."""
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to ``size`` rows."""
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Close the cursor."""
        self._cursor.close()


class _Immediate:
    """Stands in for aiosqlite's queue of calls: SQLAlchemy's dialect sets the isolation level
    by putting ``(future, function)`` on it; here the function runs at once."""

    def __init__(self) -> None:
        self.functions: list[Callable[[], Any]] = []

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """aiosqlite's ``Connection`` interface over a ``sqlite3.Connection``, run in place. The
    attribute names ``_conn`` and ``_tx`` are the ones SQLAlchemy's dialect reaches for."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._tx = _Immediate()

    @property
    def isolation_level(self) -> str | None:
        """The driver's isolation level (None: autocommit, transactions begun by us)."""
        return self._conn.isolation_level

    async def cursor(self) -> InlineCursor:
        """A new cursor."""
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        """Run one statement on a new cursor."""
        cursor = await self.cursor()
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        """Commit."""
        self._conn.commit()

    async def rollback(self) -> None:
        """Roll back."""
        self._conn.rollback()

    async def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register an SQL function."""
        self._conn.create_function(*args, **kwargs)


def connector(path: str) -> Callable[[], Any]:
    """The ``async_creator`` for ``create_async_engine``: opens ``path`` with ``sqlite3`` on
    the calling (event loop) thread, busy timeout :data:`BUSY_MS`."""

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(path, timeout=BUSY_MS / 1000))

    return connect
