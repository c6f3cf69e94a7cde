"""Retention (issue 15): the housekeeping job deletes sent outbox messages and processed
message ids older than ``RETENTION_DAYS`` by the injected clock, in chunks, retried like every
job; it never deletes a pending, sending or failed message or anything recent. Runs on SQLite
and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import event

from bot.app import App
from bot.scheduler import HOUSEKEEPING_EVERY, Jobs, start_scheduler
from bot.settings import Settings
from domain.clock import ManualClock
from storage import accounts
from storage import outbox as outbox_store
from storage.models import OutboxMessage, OutboxStatus, ProcessedMessage
from tests.conftest import ZONE
from tests.helpers import count, rows

CHANNEL = "telegram"


async def add_message(
    app: App, chat: str, status: OutboxStatus, age: timedelta, *, sent: bool = False
) -> None:
    """An outbox row of ``chat`` created ``age`` before the clock's now (sent then if
    ``sent``; a failed or pending row has no ``sent_at``, as the sender leaves it)."""
    moment = app.clock.now() - age
    async with app.sessions() as session, session.begin():
        session.add(
            OutboxMessage(
                channel=CHANNEL,
                chat_id=chat,
                payload={"text": chat},
                status=status,
                attempts=1,
                created_at=moment,
                sent_at=moment if sent else None,
                lease_until=app.clock.now() + timedelta(seconds=90)
                if status is OutboxStatus.SENDING
                else None,
            )
        )


async def add_processed(app: App, message_id: str, age: timedelta) -> None:
    """A processed message id recorded ``age`` before the clock's now."""
    async with app.sessions() as session, session.begin():
        assert await accounts.mark_processed(session, CHANNEL, message_id, app.clock.now() - age)


async def chats_left(app: App) -> set[str]:
    return {row.chat_id for row in await rows(app, OutboxMessage, OutboxMessage.channel == CHANNEL)}


async def ids_left(app: App) -> set[str]:
    found = await rows(app, ProcessedMessage, ProcessedMessage.channel == CHANNEL)
    return {row.message_id for row in found}


async def test_old_sent_messages_and_ids_go_the_rest_stays(app: App, clock: ManualClock) -> None:
    old, recent = timedelta(days=31), timedelta(days=29)
    await add_message(app, "old-sent", OutboxStatus.SENT, old, sent=True)
    await add_message(app, "old-pending", OutboxStatus.PENDING, old)
    await add_message(app, "old-failed", OutboxStatus.FAILED, old)
    await add_message(app, "old-sending", OutboxStatus.SENDING, old)
    await add_message(app, "recent-sent", OutboxStatus.SENT, recent, sent=True)
    await add_processed(app, "old-id", old)
    await add_processed(app, "recent-id", recent)

    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    assert jobs.retention == timedelta(days=30)
    done = await jobs.housekeeping()

    assert await chats_left(app) == {"old-pending", "old-failed", "old-sending", "recent-sent"}
    assert await ids_left(app) == {"recent-id"}
    assert done.messages == 0
    assert done.lines == ["Dọn dữ liệu cũ hơn 30 ngày: xóa 1 tin đã gửi, 1 mã tin nhắn đã xử lý"]

    # the clock, not the machine, decides: two more days and the recent ones are old too
    clock.current += timedelta(days=2)
    await jobs.housekeeping()
    assert await chats_left(app) == {"old-pending", "old-failed", "old-sending"}
    assert await ids_left(app) == set()
    # nothing left to delete: nothing reported
    assert (await jobs.housekeeping()).lines == []


async def test_a_backlog_goes_in_bounded_chunks(app: App, clock: ManualClock) -> None:
    for number in range(23):
        age = timedelta(days=40, minutes=number)
        await add_message(app, f"chat-{number}", OutboxStatus.SENT, age, sent=True)
        await add_processed(app, f"id-{number}", age)
    await add_message(app, "waiting", OutboxStatus.PENDING, timedelta(days=40))

    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            statements.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", seen)
    try:
        jobs = Jobs.from_settings(app.settings, app.sessions, clock)
        jobs.prune_chunk = 5
        await jobs.housekeeping()
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", seen)

    assert await chats_left(app) == {"waiting"}
    assert await ids_left(app) == set()
    # 23 rows of each table in chunks of 5: 5 full chunks each, the last one short
    assert len(statements) == 2 * 5


async def test_ids_of_one_instant_go_together(app: App, clock: ManualClock) -> None:
    """Ids are cut by time: a chunk also takes those recorded in the same instant as its
    last one (a chunk of 5 over 7 ids of one moment takes all 7, and the next run none)."""
    for number in range(7):
        await add_processed(app, f"same-{number}", timedelta(days=40))
    await add_processed(app, "later", timedelta(days=39))
    await add_processed(app, "recent", timedelta(days=1))
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    jobs.prune_chunk = 5
    done = await jobs.housekeeping()
    assert await ids_left(app) == {"recent"}
    assert done.lines == ["Dọn dữ liệu cũ hơn 30 ngày: xóa 0 tin đã gửi, 8 mã tin nhắn đã xử lý"]


async def test_a_transient_fault_is_retried(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_message(app, "old-sent", OutboxStatus.SENT, timedelta(days=31), sent=True)
    real, calls = outbox_store.prune_sent, []

    async def locked_once(session: Any, before: datetime, limit: int) -> int:
        calls.append(before)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return await real(session, before, limit)

    monkeypatch.setattr(outbox_store, "prune_sent", locked_once)
    await Jobs.from_settings(app.settings, app.sessions, clock).housekeeping()
    assert len(calls) == 2
    assert calls[0] == clock.now() - timedelta(days=30)
    assert await count(app, OutboxMessage, OutboxMessage.channel == CHANNEL) == 0


async def test_retention_days_from_the_settings(app: App, clock: ManualClock) -> None:
    await add_message(app, "five-days", OutboxStatus.SENT, timedelta(days=5), sent=True)
    settings = app.settings.model_copy(update={"retention_days": 7})
    await Jobs.from_settings(settings, app.sessions, clock).housekeeping()
    assert await chats_left(app) == {"five-days"}
    settings = app.settings.model_copy(update={"retention_days": 4})
    await Jobs.from_settings(settings, app.sessions, clock).housekeeping()
    assert await chats_left(app) == set()


def test_retention_below_two_days_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram keeps an unconfirmed update for 24 hours: an id kept less than that could let
    a redelivered update be processed twice."""
    for days in ("1", "0", "-5"):
        monkeypatch.setenv("RETENTION_DAYS", days)
        with pytest.raises(ValidationError, match="RETENTION_DAYS"):
            Settings()
    monkeypatch.setenv("RETENTION_DAYS", "2")
    assert Settings().retention_days == 2
    monkeypatch.delenv("RETENTION_DAYS")
    assert Settings().retention_days == 30


async def test_the_scheduler_runs_housekeeping_hourly(app: App, clock: ManualClock) -> None:
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    scheduler = start_scheduler(jobs, ZONE)
    try:
        job = scheduler.get_job("housekeeping")
        assert job is not None
        assert job.trigger.interval == HOUSEKEEPING_EVERY == timedelta(hours=1)
        assert job.max_instances == 1
    finally:
        scheduler.shutdown(wait=False)
