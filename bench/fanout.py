"""Benchmark: a fan-out of reminders through the real outbox sender and Telegram channel,
against the fake Bot API enforcing Telegram's overall limit.

    .venv/bin/python bench/fanout.py [--n 3000] [--database-url URL]

A fresh database (SQLite in a temporary folder, or the given one, which must have an empty
outbox) gets a campaign of ``n`` villages, each head bound on Telegram, and on the morning of
the due date the real reminder job records and queues ``n`` reminders, one to each head. Then the real ``OutboxSender`` with the real ``TelegramChannel`` (an aiogram bot
talking to ``tests/fake_telegram.FakeTelegram`` on 127.0.0.1) sends them at the production
pacing (``Settings()``: ``TELEGRAM_PER_SECOND``, ``TELEGRAM_CHAT_PER_SECOND``, the lease).
The fake accepts at most 30 sendMessage calls in any sliding 1-second window and answers
429 with ``retry_after`` 1 beyond that (accepted calls only count).

Time runs from the start of the sender to the fake's receipt of the last message, against the
ideal ``n / 30`` seconds. Lost: a reminder still unsent in the outbox, or one the fake never
received; duplicated: a chat that received more than one message. Peak memory is the process's
resident set (ru_maxrss), fake server included. Figures are printed; nothing is asserted
(target: <= 1.05 x the ideal, 0 lost, 0 duplicated).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import ColumnElement, func, select  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from bot.app import App, open_app  # noqa: E402
from bot.channels.telegram.channel import CHANNEL, TelegramChannel, make_bot  # noqa: E402
from bot.scheduler import Jobs  # noqa: E402
from bot.sender import OutboxSender, Pacing  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.clock import ManualClock  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.helpers import campaign_with_people  # noqa: E402

TOKEN = "1:BENCH"
FAKE_PER_SECOND = 30  # Telegram: about 30 messages a second per bot (Bot API FAQ)
FIRST_CHAT = 100_000_000
DUE_MORNING = datetime(2027, 1, 10, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # 2026Q4's due date


def chat_ids(n: int) -> list[str]:
    """The ``n`` distinct private chats of the villages' heads (positive ids)."""
    return [str(FIRST_CHAT + i) for i in range(n)]


async def create_reminders(app: App, n: int) -> float:
    """A campaign of ``n`` villages whose heads are bound on Telegram, the clock on the morning
    of its due date, and the real reminder job (``bot.scheduler.Jobs.reminders``) queuing the
    "due" reminder to each head. Returns the seconds the job took."""
    await campaign_with_people(app.sessions, n, FIRST_CHAT, app.clock.now())
    jobs = Jobs.from_settings(app.settings, app.sessions, app.clock)
    started = time.monotonic()
    done = await jobs.reminders()
    elapsed = time.monotonic() - started
    if done.messages != n:
        raise SystemExit(f"the reminder job queued {done.messages} reminders, not {n}")
    return elapsed


async def count_rows(
    sessions: async_sessionmaker[AsyncSession], *where: ColumnElement[bool]
) -> int:
    """Outbox rows of the channel matching ``where``."""
    async with sessions() as session:
        query = select(func.count()).select_from(OutboxMessage)
        count = await session.scalar(query.where(OutboxMessage.channel == CHANNEL, *where))
        return count or 0


@dataclass
class Result:
    """What one run measured."""

    elapsed: float  # start of sending to the fake's receipt of the last message
    rejected: int  # 429s the fake answered
    unsent: int  # outbox rows not sent at the end
    failed: int  # of which failed for good
    never_received: int  # expected chats the fake got nothing for
    duplicated: int  # messages beyond the first to a chat
    unexpected: int  # chats that were not expected at all
    violations: int  # off-spec requests
    per_second: float
    chat_per_second: float
    queued_in: float  # seconds the reminder job took to record and queue them


async def run(n: int, database_url: str) -> Result:
    fake = FakeTelegram()
    fake.per_second = FAKE_PER_SECOND
    await fake.start()
    settings = Settings(database_url=database_url)
    clock = ManualClock(DUE_MORNING)
    async with open_app(settings, clock=clock) as app:
        if await count_rows(app.sessions):
            raise SystemExit("the database's outbox is not empty: give a fresh database")
        chats = chat_ids(n)
        queued_in = await create_reminders(app, n)
        bot = make_bot(TOKEN, f"http://127.0.0.1:{fake.port}")
        channel = TelegramChannel(bot, settings.telegram_chat_per_second)
        pacing = Pacing(  # as bot.channels.telegram.runtime.TelegramRuntime builds it
            per_second=settings.telegram_per_second,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        sender = OutboxSender(app.sessions, channel, app.clock.now, pacing)
        stop = asyncio.Event()
        expected = set(chats)
        deadline = time.monotonic() + 5 * n / FAKE_PER_SECOND + 120
        started = time.monotonic()
        sending = asyncio.create_task(sender.run(stop))
        while (
            len(fake.messages) < n or len({str(p["chat_id"]) for p in fake.sent()} & expected) < n
        ):
            if time.monotonic() > deadline:
                print("gave up waiting: some reminders never arrived")
                break
            await asyncio.sleep(0.1)
        received = [call for call in fake.calls if call.method == "sendmessage"]
        last = max((call.at for call in received), default=started)
        stop.set()
        await sending  # the sender records its last round before leaving
        await bot.session.close()
        unsent = await count_rows(app.sessions, OutboxMessage.status != OutboxStatus.SENT)
        failed = await count_rows(app.sessions, OutboxMessage.status == OutboxStatus.FAILED)
    await fake.stop()
    per_chat = Counter(str(call.params["chat_id"]) for call in received)
    return Result(
        elapsed=last - started,
        rejected=fake.rejected,
        unsent=unsent,
        failed=failed,
        never_received=len(expected - set(per_chat)),
        duplicated=sum(count - 1 for count in per_chat.values() if count > 1),
        unexpected=len(set(per_chat) - expected),
        violations=len(fake.violations),
        per_second=settings.telegram_per_second,
        chat_per_second=settings.telegram_chat_per_second,
        queued_in=queued_in,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="reminders to send (default 3000)")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
        result = await run(args.n, url)
    n, elapsed = args.n, result.elapsed
    ideal = n / FAKE_PER_SECOND
    lost = max(result.unsent, result.never_received)
    database = "SQLite" if "sqlite" in url else url.split("@")[-1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reminders: {n} to {n} private chats  database: {database}")
    print(f"reminder job: {n} recorded and queued in {result.queued_in:.1f} s")
    print(
        f"pacing: TELEGRAM_PER_SECOND={result.per_second:g},"
        f" TELEGRAM_CHAT_PER_SECOND={result.chat_per_second:g};"
        f" fake Bot API: {FAKE_PER_SECOND} messages in any 1 s window, else 429 retry_after 1"
    )
    print(f"total time: {elapsed:7.1f} s  (ideal {ideal:.1f} s at {FAKE_PER_SECOND}/s)")
    print(f"ratio total / ideal: {elapsed / ideal:.3f}  (target <= 1.05)")
    print(f"429s received: {result.rejected}")
    print(
        f"lost: {lost}  (unsent in the outbox {result.unsent}, of which failed"
        f" {result.failed}; never received {result.never_received})"
    )
    print(f"duplicated: {result.duplicated}  (unexpected chats {result.unexpected})")
    print(f"spec violations: {result.violations}  peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
