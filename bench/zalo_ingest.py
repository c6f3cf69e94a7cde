"""Benchmark: submission-step updates through the real Zalo polling path, end to end, against
the fake Zalo Bot Platform server on 127.0.0.1.

    .venv/bin/python bench/zalo_ingest.py [--n 2000] [--database-url URL]

A generated campaign (N/25 units x 25 data elements, an invite per unit); every unit's
representative is bound by typing the invite code and put inside ``/nhap`` through the pipeline
directly (channel "zalo", not measured). Then N value answers are queued at once on the fake and
the real ``bot.channels.zalo.polling.poll`` loop takes them as the bot does: ``getUpdates`` hands
over ONE update per call, and each is processed (``process_update`` -> pipeline ->
SQLite/PostgreSQL -> outbox) before the next call. The outbox sender runs alongside with a
``ZaloChannel``, unpaced, so replies really go out to the fake. Step latency is measured around
the pipeline call of each update; the time spent inside ``getUpdates`` (the round trip that
carried an update) is measured too, to show what the one-update-per-call protocol costs. The fake
server, the poller and the sender share one event loop, as in ``bench/ingest.py``. Figures are
printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import (  # noqa: E402
    ELEMENTS,
    TimedPipeline,
    _wait,
    bench_clock,
    campaign,
    percentile,
)
from bot.app import open_app  # noqa: E402
from bot.channels.zalo.api import ZaloBotAPI  # noqa: E402
from bot.channels.zalo.channel import ZaloChannel  # noqa: E402
from bot.channels.zalo.ingest import from_update, process_update  # noqa: E402
from bot.channels.zalo.polling import poll  # noqa: E402
from bot.sender import OutboxSender, Pacing  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage import accounts  # noqa: E402
from storage.campaigns import find_unit, import_campaign  # noqa: E402
from storage.models import InviteKind  # noqa: E402
from tests.fake_zalo import FakeZalo, text_update  # noqa: E402

FIRST_USER = 7_000_000_000_000_000_000  # Zalo user ids are long digit strings


class TimedAPI(ZaloBotAPI):
    """The real client, timing every ``getUpdates`` that brought an update."""

    polls: list[float]
    empty = 0

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        started = time.perf_counter()
        updates = await super().get_updates(timeout)
        if updates:
            self.polls.append(time.perf_counter() - started)
        else:
            self.empty += 1
        return updates


def user(unit: int) -> str:
    """The Zalo user (and private chat) id of a unit's representative."""
    return str(FIRST_USER + unit)


async def run(n: int, database_url: str) -> dict[str, Any]:
    """Ingest n answers; the figures (seconds, latency lists, counts)."""
    units = max(1, n // ELEMENTS)
    fake = FakeZalo(max_poll=1.0)
    await fake.start()
    settings = Settings(database_url=database_url)
    async with open_app(settings, clock=bench_clock(settings.zone)) as app:
        async with app.sessions() as session, session.begin():
            await import_campaign(session, campaign(units), app.clock.now())
            codes = []
            for unit in range(units):
                found = await find_unit(session, f"U{unit:04d}")
                invite = await accounts.create_invite(
                    session, InviteKind.UNIT, found, app.clock.now(), timedelta(days=14)
                )
                codes.append(invite.code)
        pipeline = TimedPipeline(app.sessions, app.clock, settings.zone, settings.reports_dir)
        pipeline.latencies = []
        api = TimedAPI(fake.token, fake.base_url)
        api.polls = []
        sender = OutboxSender(
            app.sessions,
            ZaloChannel(api, None, app.clock.now, chat_per_second=10_000),
            app.clock.now,
            Pacing(per_second=10_000),
        )
        stop = asyncio.Event()

        async def handle(update: dict[str, Any]) -> None:
            await process_update(pipeline, update, stop)
            sender.wake()

        sending = asyncio.create_task(sender.run(stop))
        for unit in range(units):  # bind by invite code and open /nhap (not measured)
            for text in (codes[unit], "/nhap"):
                incoming = from_update(text_update(user(unit), text))
                assert incoming is not None
                await pipeline.process(incoming)
            sender.wake()
        await _wait(lambda: len(fake.sent()) >= 2 * units)
        polling = asyncio.create_task(poll(api, handle, stop, seconds=1))
        pipeline.latencies.clear()
        sent_before = len(fake.sent())
        started = time.perf_counter()
        for step in range(ELEMENTS):
            for unit in range(units):
                await fake.push(text_update(user(unit), f"{(step + 1) * 100 + unit}"))
        total = units * ELEMENTS
        await _wait(lambda: len(pipeline.latencies) >= total)
        ingest = time.perf_counter() - started
        await _wait(lambda: len(fake.sent()) >= sent_before + total)
        delivered = time.perf_counter() - started
        stop.set()
        await asyncio.gather(polling, sending)
        await api.close()
    await fake.stop()
    return {
        "ingest": ingest,
        "delivered": delivered,
        "latencies": list(pipeline.latencies),
        "polls": list(api.polls),
        "violations": list(fake.violations),
        "rejected": fake.rejected,
        "replies": len(fake.sent()) - sent_before,
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="updates to send (default 2000)")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
        got = await run(args.n, url)
    latencies, polls, ingest = got["latencies"], got["polls"], got["ingest"]
    n = len(latencies)
    in_pipeline, in_polls = sum(latencies), sum(polls)
    rest = max(0.0, ingest - in_pipeline - in_polls)
    print(f"updates: {n}  database: {'SQLite' if 'sqlite' in url else url.split('@')[-1]}")
    print(
        f"zalo polling path: {n / ingest:8.1f} updates/s  "
        f"(ingested in {ingest:.1f} s, all {got['replies']} replies delivered after "
        f"{got['delivered']:.1f} s)"
    )
    print(
        f"  step latency (pipeline) p50 {ms(statistics.median(latencies))}, "
        f"p99 {ms(percentile(latencies, 0.99))}"
    )
    print(
        f"  getUpdates round trip   p50 {ms(statistics.median(polls))}, "
        f"p99 {ms(percentile(polls, 0.99))}  ({len(polls)} calls that brought an update)"
    )
    print(
        f"  per update: {ms(ingest / n)} = getUpdates {ms(in_polls / n)} "
        f"({in_polls / ingest:.0%}) + pipeline {ms(in_pipeline / n)} "
        f"({in_pipeline / ingest:.0%}) + other {ms(rest / n)} ({rest / ingest:.0%})"
    )
    print(f"fake Zalo: {len(got['violations'])} violations, {got['rejected']} sends refused")
    for problem in got["violations"][:5]:
        print(f"  violation: {problem}")


if __name__ == "__main__":
    asyncio.run(main())
