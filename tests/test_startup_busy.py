"""Start-up while another process holds SQLite's write lock (three ``reportbot run`` on one
file start together, issue 14): the office menus wait for the database instead of ending the
process, and a database busy for longer than ``TRANSIENT_RETRY_SECONDS`` only costs the menus."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.engine import make_url

from bot.app import open_app
from bot.channels.telegram.runtime import TelegramRuntime
from bot.settings import Settings
from domain.clock import ManualClock
from tests.conftest import TODAY, Person, vn_time
from tests.fake_telegram import FakeTelegram
from tests.helpers import make_invite
from tests.test_telegram import TOKEN


@asynccontextmanager
async def write_lock(database_url: str, seconds: float) -> AsyncIterator[None]:
    """Another process's write transaction on the file, held for ``seconds`` of the event loop's
    time while the body runs (a thread holds it; its release is an untimed event, since a timed
    wait in a thread never returns under libfaketime, which CI runs the suite under)."""
    path = make_url(database_url).database
    assert path is not None
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait()
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait()

    async def let_go() -> None:
        await asyncio.sleep(seconds)
        release.set()

    letting = asyncio.create_task(let_go())
    try:
        yield
    finally:
        await letting
        await asyncio.to_thread(thread.join)


@pytest.mark.parametrize(("held", "menus"), [(1.5, True), (4.0, False)])
async def test_menus_wait_for_a_busy_database_and_never_stop_the_bot(
    fake: FakeTelegram, database_url: str, held: float, menus: bool
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock")
    settings = Settings(
        database_url=database_url,
        telegram_api_base=f"http://127.0.0.1:{fake.port}",
        TRANSIENT_RETRY_SECONDS=2.5,
    )
    clock = ManualClock(vn_time(TODAY))
    async with open_app(settings, clock=clock) as app:
        clerk = Person(app, "777", channel="telegram")
        await clerk.say(f"/start {await make_invite(app, None)}")
        runtime = TelegramRuntime(app, TOKEN)
        async with write_lock(database_url, held):
            await asyncio.wait_for(runtime.prepare(), timeout=30)  # returns, never raises
        await runtime.bot.session.close()
    office = [
        c.params
        for c in fake.calls
        if c.method == "setmycommands" and c.params.get("scope", {}).get("chat_id") == 777
    ]
    assert bool(office) is menus
