"""The scheduler inside the real ``reportbot run`` process, against the fake Bot API: the
reminders of a due date go out once each, even when the bot is restarted in the middle of the
fan-out."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import open_app
from bot.settings import Settings
from domain.campaign_spec import CampaignSpec, ElementSpec, Frequency, UnitSpec, ValueType
from storage import accounts
from storage.campaigns import find_unit, import_campaign
from storage.models import OutboxMessage, OutboxStatus, Reminder
from tests.bot_process import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.helpers import count
from tests.test_telegram import TOKEN, _until

UNITS = 120
FIRST_USER = 3000


async def campaign_with_people(database_url: str, units: int) -> None:
    """A quarterly campaign of ``units`` villages, each with one head bound on Telegram (user
    ids from ``FIRST_USER``), and nothing reported yet."""
    spec = CampaignSpec(
        code="NHAC2026",
        name="Phong trào thử nhắc báo cáo 2026",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        frequency=Frequency.QUARTERLY,
        due_days=10,
        lock_days=15,
        elements=(ElementSpec("HO", "Số hộ", "hộ", value_type=ValueType.INTEGER),),
        units=tuple(UnitSpec(f"T{i:04d}", f"Thôn {i}", "thôn") for i in range(units)),
    )
    now = datetime.now(UTC)
    async with (
        open_app(Settings(database_url=database_url)) as app,
        app.sessions() as session,
        session.begin(),
    ):
        await import_campaign(session, spec, now)
        for i in range(units):
            user = str(FIRST_USER + i)
            account = await accounts.upsert_account(
                session, "telegram", user, user, f"Trưởng thôn {i}", now
            )
            reporter = await accounts.ensure_reporter(session, account, "", None, now)
            unit = await find_unit(session, f"T{i:04d}")
            assert unit is not None
            await accounts.bind_unit(session, reporter, unit.id, "invite", now)


def reminders_received(fake: FakeTelegram) -> list[str]:
    return [
        str(message["chat_id"])
        for message in fake.sent()
        if "Nhắc báo cáo" in str(message.get("text", ""))
    ]


async def test_a_restart_in_the_middle_of_a_fanout_neither_loses_nor_repeats(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    await campaign_with_people(database_url, UNITS)
    fake.per_second = 40  # about 3 s of sending: time to stop the bot in the middle
    process = BotProcess(
        tmp_path,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        TELEGRAM_PER_SECOND="40",
        REPORTBOT_NOW="2027-01-10T08:00:00",  # the due date of 2026Q4, in the morning
    )
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
