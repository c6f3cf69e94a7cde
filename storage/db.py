"""Engine, sessions and migrations.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the bot and a command-line
call can share one file; PostgreSQL needs nothing special. The schema is created and upgraded
only through Alembic (``migrate``); the application upgrades to head on start.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

from storage import inline_sqlite
from storage.peers import SHARED, PeerCache

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x7265706F7274  # "report": the advisory lock key of schema upgrades


def create_engine(
    url: str, busy_seconds: float = 30.0, *, reading: bool = False, driver: str = "inline"
) -> AsyncEngine:
    """Create an async engine for ``url``; for SQLite, create the folder and set the pragmas,
    waiting up to ``busy_seconds`` for another process's write lock (then "database is
    locked", a transient fault: :mod:`storage.transient`).

    ``reading``: an engine that only reads (the document worker's long reads). On SQLite its
    transactions are deferred and ``query_only``, so in WAL mode they read a snapshot without
    ever holding the write lock the bot's steps need (sqlite.org/wal.html, "Concurrency").

    ``driver`` (SQLite, ``SQLITE_DRIVER``): ``inline`` runs each statement on the event loop's
    thread (:mod:`storage.inline_sqlite`; a lock held by another process is then waited for
    by the transient rule instead of the busy timeout), ``thread`` is aiosqlite's worker
    thread. The README's "Performance" gives the figures behind the default."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # One connection per process: SQLite has a single writer anyway, and sessions queue for the
    # connection in asyncio instead of contending for the file lock inside SQLite, where two
    # connections of one process were seen to stall each other until busy_timeout ran out.
    if driver == "inline":
        busy_seconds = inline_sqlite.BUSY_MS / 1000
        options: dict[str, Any] = {
            "async_creator": inline_sqlite.connector(parsed.database or ":memory:")
        }
    elif driver == "thread":
        options = {"connect_args": {"timeout": busy_seconds}}
    else:
        raise ValueError(f"unknown SQLite driver {driver!r} (inline or thread)")
    engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60, **options)
    event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, busy_seconds, reading))
    event.listen(engine.sync_engine, "begin", _sqlite_read if reading else _sqlite_begin)
    return engine


def _sqlite_pragmas(
    busy_seconds: float, reading: bool, dbapi_connection: Any, _record: Any
) -> None:
    # The sqlite3 driver would open transactions itself, late and without savepoint support;
    # SQLAlchemy's recipe ("Serializable isolation / Savepoints / Transactional DDL") hands that
    # to us: the driver stays in autocommit and ``_sqlite_begin`` emits BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a commit survives the process dying (kill -9); only a power cut may
    # lose the last commits, never corrupt the file (sqlite.org/pragma.html#pragma_synchronous).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    if reading:
        cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at the start, waiting up to busy_timeout for it. A
    # deferred transaction that reads and then writes fails at once with "database is locked"
    # when another process wrote in between (WAL snapshot), which busy_timeout cannot help.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_read(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no write lock


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (no lazy reload on access),
    sharing one :class:`storage.peers.PeerCache` (the units' figures of the peer check)."""
    return async_sessionmaker(engine, expire_on_commit=False, info={SHARED: PeerCache()})


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (default: the newest).

    Several processes may start together on one database (``reportbot run`` scaled out, a
    command-line call next to the bot): on PostgreSQL the upgrade holds a transaction-level
    advisory lock (:data:`MIGRATION_LOCK`), so the second process waits and then finds the
    schema at head; on SQLite ``BEGIN IMMEDIATE`` serialises them, and a "database is locked"
    is a transient fault the caller retries (``bot.app``)."""
    await _run(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Downgrade the database to ``revision`` (``base`` drops every table)."""
    await _run(engine, lambda cfg: command.downgrade(cfg, revision))


async def _run(engine: AsyncEngine, action: Any) -> None:
    def run_with(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        await connection.run_sync(run_with)
