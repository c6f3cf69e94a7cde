"""Benchmark: submission-step updates through the real Telegram pipeline, next to a bare
aiogram echo bot, both polling the same kind of fake Bot API server on 127.0.0.1.

    .venv/bin/python bench/ingest.py [--n 5000] [--database-url URL]

Our side: a generated campaign (N/25 units x 25 data elements, phones listed), every unit's
representative bound and inside ``/nhap``; then N value answers are queued at once and the real
``poll`` loop (aiogram dispatcher -> pipeline -> SQLite/PostgreSQL -> outbox) takes them. The
outbox sender runs alongside, unpaced, so replies really go out. Step latency is measured around
the pipeline call of each update. The echo bot is aiogram's own ``start_polling`` with a handler
that answers every text. Figures are printed; nothing is asserted (targets live in the README).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram import Dispatcher, Router  # noqa: E402
from aiogram.types import Message  # noqa: E402

from bot.app import open_app  # noqa: E402
from bot.channels.telegram.channel import TelegramChannel, make_bot  # noqa: E402
from bot.channels.telegram.ingest import build_dispatcher  # noqa: E402
from bot.channels.telegram.polling import poll  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.sender import OutboxSender, Pacing  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.campaign_spec import CampaignSpec, ElementSpec, Frequency, UnitSpec  # noqa: E402
from domain.clock import ShiftedClock  # noqa: E402
from storage.campaigns import import_campaign  # noqa: E402
from tests.fake_telegram import FakeTelegram, contact_update, text_update  # noqa: E402

ELEMENTS = 25
TOKEN = "1:BENCH"
BENCH_DAY = date(2026, 6, 15)
"""The day the benchmarks run on (inside their yearly campaign), whatever the machine's date."""


def bench_clock(zone: ZoneInfo) -> ShiftedClock:
    """A clock that starts at 09:00 on :data:`BENCH_DAY` in ``zone`` and runs on: the same
    figures on any date."""
    return ShiftedClock.starting_at(
        datetime(BENCH_DAY.year, BENCH_DAY.month, BENCH_DAY.day, 9, tzinfo=zone)
    )


def campaign(units: int) -> CampaignSpec:
    """A yearly campaign of ``units`` units and 25 numeric data elements, open on
    :data:`BENCH_DAY`."""
    year = BENCH_DAY.year
    return CampaignSpec(
        code="BENCH",
        name="Phong trào đo hiệu năng",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        frequency=Frequency.YEARLY,
        due_days=30,
        lock_days=30,
        elements=tuple(
            ElementSpec(
                code=f"E{i:02d}", name=f"Chỉ tiêu {i}", measure_unit="người", maximum=Decimal(10**9)
            )
            for i in range(ELEMENTS)
        ),
        units=tuple(
            UnitSpec(code=f"U{n:04d}", name=f"Đơn vị {n}", phones=(f"09{n:08d}",))
            for n in range(units)
        ),
    )


class TimedPipeline(Pipeline):
    """The real pipeline, timing each step: a message processed in a batch waits for the
    whole batch to commit, so each counts the batch's time."""

    latencies: list[float]

    async def process(self, incoming):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = await super().process(incoming)
        self.latencies.append(time.perf_counter() - started)
        return result

    async def process_batch(self, batch):  # type: ignore[no-untyped-def]
        if len(batch) <= 1:
            return await super().process_batch(batch)
        started = time.perf_counter()
        result = await super().process_batch(batch)
        self.latencies.extend([time.perf_counter() - started] * len(batch))
        self.batches.append(len(batch))
        return result


STEADY_ELEMENTS = 5
"""The last elements of each unit's report are answered at a steady pace, not in the flood."""
STEADY_RATE = 100.0
"""Updates a second in the steady phase (a busy deadline morning of a district, not a flood)."""


async def run_ours(
    n: int, database_url: str, batch: int = 100
) -> tuple[float, float, list[float], list[int], list[float]]:
    """(seconds to ingest the flood of n updates, seconds until every reply was sent, step
    latencies in the flood, sizes of the batches committed together, step latencies at the
    steady pace :data:`STEADY_RATE` that follows)."""
    units = max(1, n // ELEMENTS)
    fake = FakeTelegram()
    await fake.start()
    settings = Settings(database_url=database_url)
    async with open_app(settings, clock=bench_clock(settings.zone)) as app:
        async with app.sessions() as session, session.begin():
            await import_campaign(session, campaign(units), app.clock.now())
        pipeline = TimedPipeline(app.sessions, app.clock, settings.zone, settings.reports_dir)
        pipeline.latencies, pipeline.batches = [], []
        bot = make_bot(TOKEN, f"http://127.0.0.1:{fake.port}")
        sender = OutboxSender(
            app.sessions,
            TelegramChannel(bot, chat_per_second=10_000),
            app.clock.now,
            Pacing(per_second=10_000),
        )
        dispatcher = build_dispatcher(pipeline, sender, frozenset())
        stop = asyncio.Event()
        sending = asyncio.create_task(sender.run(stop))
        polling = asyncio.create_task(poll(bot, dispatcher, stop, limit=batch))
        for unit in range(units):  # bind and open /nhap (not measured)
            await fake.push(contact_update(10_000 + unit, f"09{unit:08d}"))
            await fake.push(text_update(10_000 + unit, "/nhap"))
        await _wait(lambda: len(pipeline.latencies) >= 2 * units)
        await _wait(lambda: len(fake.sent()) >= 2 * units)
        pipeline.latencies.clear()
        pipeline.batches.clear()
        sent_before = len(fake.sent())
        started = time.perf_counter()
        flood = ELEMENTS - STEADY_ELEMENTS
        for step in range(flood):
            for unit in range(units):
                await fake.push(text_update(10_000 + unit, f"{(step + 1) * 100 + unit}"))
        total = units * flood
        await _wait(lambda: len(pipeline.latencies) >= total)
        ingest = time.perf_counter() - started
        await _wait(lambda: len(fake.sent()) >= sent_before + total)
        delivered = time.perf_counter() - started
        flood_latencies, flood_batches = list(pipeline.latencies), list(pipeline.batches)
        pipeline.latencies.clear()
        for step in range(flood, ELEMENTS):
            for unit in range(units):
                await fake.push(text_update(10_000 + unit, f"{(step + 1) * 100 + unit}"))
                await asyncio.sleep(1 / STEADY_RATE)
        await _wait(lambda: len(pipeline.latencies) >= units * STEADY_ELEMENTS)
        steady = list(pipeline.latencies)
        stop.set()
        await asyncio.gather(polling, sending)
        await bot.session.close()
    await fake.stop()
    return ingest, delivered, flood_latencies, flood_batches, steady


async def run_echo(n: int) -> float:
    """Seconds for a bare aiogram echo bot to answer n updates."""
    fake = FakeTelegram()
    await fake.start()
    bot = make_bot(TOKEN, f"http://127.0.0.1:{fake.port}")
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    for i in range(n):
        await fake.push(text_update(20_000 + i % 200, str(i)))
    started = time.perf_counter()
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    await _wait(lambda: len(fake.sent()) >= n)
    elapsed = time.perf_counter() - started
    await dispatcher.stop_polling()
    await polling
    await bot.session.close()
    await fake.stop()
    return elapsed


async def _wait(done, timeout: float = 3600) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="updates to send (default 5000)")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--batch", type=int, default=100, help="updates per getUpdates (100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
        ingest, delivered, latencies, batches, steady = await run_ours(args.n, url, args.batch)
    n = len(latencies)
    echo = await run_echo(n)
    ours_rate, echo_rate = n / ingest, n / echo
    print(f"updates: {n}  database: {'SQLite' if 'sqlite' in url else url.split('@')[-1]}")
    print(
        f"reportbot pipeline: {ours_rate:8.1f} updates/s  (all replies delivered after {delivered:.1f} s)"
    )
    print(
        f"  flood step latency p50 {statistics.median(latencies) * 1000:.1f} ms,"
        f" p99 {percentile(latencies, 0.99) * 1000:.1f} ms (a batched update waits for its batch)"
    )
    print(
        f"steady {STEADY_RATE:.0f} updates/s: step latency p50"
        f" {statistics.median(steady) * 1000:.1f} ms, p99 {percentile(steady, 0.99) * 1000:.1f} ms"
        " (target p99 < 50 ms)"
    )
    if batches:
        print(
            f"  {len(batches)} batches of several updates, mean {statistics.mean(batches):.1f},"
            f" largest {max(batches)} (one transaction each)"
        )
    print(f"bare aiogram echo:  {echo_rate:8.1f} updates/s")
    target = 0.5 if "sqlite" in url else 0.3
    print(f"ratio pipeline / echo: {ours_rate / echo_rate:.2f}  (target >= {target})")


if __name__ == "__main__":
    asyncio.run(main())
