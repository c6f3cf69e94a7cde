"""The scheduler inside the real ``reportbot run`` process, against the fake Bot API: the
reminders of a due date go out once each, even when the bot is restarted in the middle of the
fan-out."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from bot.app import open_app
from bot.settings import Settings
from storage.models import OutboxMessage, OutboxStatus, Reminder
from tests.bot_process import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.helpers import campaign_with_people, count
from tests.test_telegram import TOKEN, _until
from tests.timeline import clock_setting, vn_time

UNITS = 120
FIRST_USER = 3000


def reminders_received(fake: FakeTelegram) -> list[str]:
    return [
        str(message["chat_id"])
        for message in fake.sent()
        if "Nhắc báo cáo" in str(message.get("text", ""))
    ]


async def _due_morning_bot(fake: FakeTelegram, database_url: str, tmp_path: Path) -> BotProcess:
    """A campaign of ``UNITS`` heads bound on Telegram and the bot (not started) on the morning
    of 2026Q4's due date, sending 40 a second: about 3 s of reminders to interrupt."""
    async with open_app(Settings(database_url=database_url)) as app:
        await campaign_with_people(app.sessions, UNITS, FIRST_USER, app.clock.now())
    fake.per_second = 40
    return BotProcess(
        tmp_path,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        TELEGRAM_PER_SECOND="40",
        REPORTBOT_NOW=clock_setting(vn_time(date(2027, 1, 10), 8)),
    )


async def test_a_restart_in_the_middle_of_a_fanout_neither_loses_nor_repeats(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    process = await _due_morning_bot(fake, database_url, tmp_path)
    await process.start()
    await _until(lambda: len(reminders_received(fake)) >= 20, process)
    assert await process.stop() == 0, process.output()[-3000:]
    stopped_at = len(reminders_received(fake))
    assert stopped_at < UNITS, "the fan-out was over before the restart"

    await process.start()
    await _until(lambda: len(reminders_received(fake)) >= UNITS, process)
    async with open_app(Settings(database_url=database_url)) as app:
        while await count(app, OutboxMessage, OutboxMessage.status != OutboxStatus.SENT):
            await asyncio.sleep(0.2)
        assert await process.stop() == 0, process.output()[-3000:]
        assert await count(app, Reminder) == UNITS
        assert await count(app, Reminder, Reminder.kind == "due") == UNITS
    received = reminders_received(fake)
    assert sorted(received) == sorted(str(FIRST_USER + i) for i in range(UNITS))  # once each
    text = next(m["text"] for m in fake.sent() if "Nhắc báo cáo" in str(m.get("text", "")))
    assert "hôm nay là hạn cuối" in text and "/nhap" in text


async def test_kill_9_in_the_middle_of_a_fanout_repeats_at_most_what_was_in_flight(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    """Each delivery is recorded when its answer arrives (issue 14): after SIGKILL only the
    messages in flight at that instant (at most one per chat, at most a second's worth) can
    go out again; every head still gets the reminder."""
    process = await _due_morning_bot(fake, database_url, tmp_path)
    await process.start()
    await _until(lambda: len(reminders_received(fake)) >= 70, process)  # past the first second
    await process.kill()
    killed_at = len(reminders_received(fake))
    assert killed_at < UNITS, "the fan-out was over before the kill"

    await process.start()
    await _until(lambda: len(set(reminders_received(fake))) >= UNITS, process)
    async with open_app(Settings(database_url=database_url)) as app:
        while await count(app, OutboxMessage, OutboxMessage.status != OutboxStatus.SENT):
            await asyncio.sleep(0.2)
    assert await process.stop() == 0, process.output()[-3000:]
    received = reminders_received(fake)
    repeated = len(received) - UNITS
    assert set(received) == {str(FIRST_USER + i) for i in range(UNITS)}
    assert 0 <= repeated <= 40, f"{repeated} reminders sent twice"
    print(f"kill -9 after {killed_at} reminders: {repeated} sent again")
