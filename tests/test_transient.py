"""Issue 14, item 1: a transient database fault is retried, never answered with the apology
that consumes the message; a bug still is. SQLite's write lock held by another process for
longer than the busy timeout while a reporter confirms: stored once, receipt sent once."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import exc as sa

from bot.app import App, open_app
from bot.scheduler import Jobs
from bot.settings import Settings
from domain.clock import ManualClock
from storage.models import ProcessedMessage, Submission
from storage.transient import StillFailing, is_transient
from tests.conftest import TODAY, Person, vn_time
from tests.helpers import count, sample, typed_answer
from tests.test_scheduler import at, bound_people, reminder_messages

P1_PHONE = "0900000001"


def _wrapped(error: Exception) -> sa.DBAPIError:
    return sa.OperationalError("INSERT ...", {}, error)


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (_wrapped(sqlite3.OperationalError("database is locked")), True),
        (_wrapped(sqlite3.OperationalError("database is busy")), True),
        (_wrapped(sqlite3.OperationalError("no such table: x")), False),
        (sa.IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE")), False),
        (asyncpg.exceptions.SerializationError("could not serialize"), True),
        (asyncpg.exceptions.DeadlockDetectedError("deadlock detected"), True),
        (asyncpg.exceptions.AdminShutdownError("terminating connection"), True),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), True),
        (asyncpg.exceptions.UniqueViolationError("duplicate key"), False),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError(), True),
        (OSError(28, "No space left on device"), False),
        (PermissionError(13, "Permission denied"), False),
        (RuntimeError("a bug"), False),
        (KeyError("options"), False),
    ],
)
def test_transient_or_not(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("while handling") from inner
    except RuntimeError as outer:
        assert is_transient(outer) is transient  # found through the chain


@pytest.fixture(params=["inline", "thread"])
async def busy_app(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[App]:
    """An SQLite application, with either driver, that waits only briefly for another
    process's write lock (0,5 s with aiosqlite's thread; 50 ms inline) and retries a step for
    up to 20 s."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}",
        SQLITE_BUSY_SECONDS=0.5,
        SQLITE_DRIVER=request.param,
        TRANSIENT_RETRY_SECONDS=20,
    ).model_copy(update={"reports_dir": tmp_path / "reports"})
    async with open_app(settings, load_samples=True, clock=ManualClock(vn_time(TODAY))) as app:
        yield app


def _hold_write_lock(path: str, seconds: float, taken: threading.Event) -> None:
    """Another process's writer: BEGIN IMMEDIATE, then hold the lock for ``seconds``.

    Plain sleeps and untimed waits only: a timed wait on a condition (``Event.wait(t)``) takes
    an absolute deadline, which libfaketime's shifted clock (the CI run under faketime)
    turns into a wait of the shift."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=5)
    connection.execute("BEGIN IMMEDIATE")
    taken.set()
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


async def _until_taken(taken: threading.Event) -> None:
    while not taken.is_set():
        await asyncio.sleep(0.01)


async def _at_summary(app: App) -> Person:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say("/nhap")
    campaign = await sample(app)
    for position, element in enumerate(campaign.elements):
        answer = await head.say(typed_answer(element, position))
    assert "Nộp báo cáo này?" in answer
    return head


async def test_a_lock_held_past_the_busy_timeout_during_confirmation(
    busy_app: App, caplog: pytest.LogCaptureFixture
) -> None:
    head = await _at_summary(busy_app)
    path = busy_app.settings.database_url.split("///", 1)[1]
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 3.0, taken))
    holder.start()
    await _until_taken(taken)
    receipt = await head.say("1", message_id="confirm-1")  # waits 3 s behind the lock, retried
    await asyncio.to_thread(holder.join)
    assert "✅ Đã nhận báo cáo" in receipt and "Xin lỗi" not in receipt
    assert receipt.count("✅ Đã nhận báo cáo") == 1
    assert "transient fault" in caplog.text and "database is locked" in caplog.text
    assert await count(busy_app, Submission) == 1
    assert await head.say("1", message_id="confirm-1") == ""  # a redelivery is dropped


async def test_a_fault_that_outlasts_the_retries_is_left_to_the_channel(
    busy_app: App,
) -> None:
    head = await _at_summary(busy_app)
    busy_app.pipeline.retry_seconds = 1.0
    path = busy_app.settings.database_url.split("///", 1)[1]
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 4.0, taken))
    holder.start()
    await _until_taken(taken)
    with pytest.raises(StillFailing):
        await head.say("1", message_id="confirm-2")
    await asyncio.to_thread(holder.join)
    assert await count(busy_app, Submission) == 0
    assert await count(busy_app, ProcessedMessage, ProcessedMessage.message_id == "confirm-2") == 0
    receipt = await head.say("1", message_id="confirm-2")  # the channel delivers it again
    assert "✅ Đã nhận báo cáo" in receipt and "Xin lỗi" not in receipt
    assert await count(busy_app, Submission) == 1


async def test_a_scheduled_job_waits_out_the_lock_by_the_same_rule(
    busy_app: App, caplog: pytest.LogCaptureFixture
) -> None:
    """The reminders job meets another process's write lock held past the busy timeout: the
    fan-out is retried within the same run (not left to the next tick), each unit reminded
    once."""
    await bound_people(busy_app)
    assert isinstance(busy_app.clock, ManualClock)
    busy_app.clock.current = at(7, 8)  # the "3 days before" reminder of the samples' Q4 2026
    jobs = Jobs.from_settings(busy_app.settings, busy_app.sessions, busy_app.clock)
    path = busy_app.settings.database_url.split("///", 1)[1]
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 3.0, taken))
    holder.start()
    await _until_taken(taken)
    done = await jobs.reminders()
    await asyncio.to_thread(holder.join)
    assert "transient fault" in caplog.text and "database is locked" in caplog.text
    assert done.messages == 3
    assert [chat for chat, _ in await reminder_messages(busy_app)] == [
        "head-1",
        "head-2",
        "village",
    ]
    assert (await jobs.reminders()).messages == 0  # recorded: a second run queues nothing
