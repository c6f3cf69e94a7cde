"""Issue 14: PostgreSQL restarted in the middle of a burst. A ``reportbot run`` process polls a
fake Bot API while 480 updates from 60 users arrive; the server is stopped (fast: every session
ends with an administrator's shutdown), stays down 2 s (connections refused) and starts again.
Every update is stored once and answered, each chat's answers in order, no apology, and the
process is still running. Runs in the PostgreSQL pass (``TEST_DATABASE_URL``), on a server of
its own so the machine's server that the other tests share is never restarted."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.app import open_app
from bot.settings import Settings
from storage.models import ProcessedMessage
from tests.bot_process import BotProcess
from tests.fake_telegram import FakeTelegram, text_update
from tests.helpers import campaign_with_people, count
from tests.private_postgres import PrivatePostgres
from tests.test_telegram import TOKEN

USERS = 60
MESSAGES = 8  # "/nhap", then seven one-line corrections: "sửa 1 101" ... "sửa 1 107"
FIRST_USER = 70_000
ECHO = re.compile(r"Đã ghi — Số hộ: (\d+) hộ")

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the PostgreSQL pass runs it (TEST_DATABASE_URL)",
)


@pytest.fixture
def server(unused_tcp_port: int) -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this test's own."""
    private = PrivatePostgres(unused_tcp_port)
    try:
        private.create()
        yield private
    finally:
        private.remove()


def _messages() -> list[str]:
    return ["/nhap", *(f"sửa 1 {101 + k}" for k in range(MESSAGES - 1))]


async def _until(done: Callable[[], bool], process: BotProcess, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert done(), process.output()[-4000:]


async def test_postgres_restarted_mid_burst(
    fake: FakeTelegram, server: PrivatePostgres, tmp_path: Path
) -> None:
    async with open_app(Settings(database_url=server.url)) as app:
        await campaign_with_people(app.sessions, USERS, FIRST_USER, app.clock.now())
    fake.per_second = 30
    process = BotProcess(
        tmp_path,
        DATABASE_URL=server.url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        REPORTBOT_SCHEDULER="false",
    )
    await process.start()
    total = USERS * MESSAGES
    try:
        for round_, step in enumerate(_messages()):  # a message from every user each second
            if round_ == 3:  # in the middle of the burst: ingest and sending both busy
                await _until(lambda: len(fake.sent()) >= USERS, process, 120)
                restart = asyncio.create_task(asyncio.to_thread(server.restart, 2.0))
            for user in range(FIRST_USER, FIRST_USER + USERS):
                await fake.push(text_update(user, step))
            await asyncio.sleep(1.0)
        await restart
        await _until(lambda: len(fake.sent()) >= total, process, 300)
        assert process.process is not None and process.process.returncode is None
    finally:
        assert await process.stop() == 0, process.output()[-4000:]
    log = process.output()
    assert "telegram message" in log and "transient fault" in log, log[-4000:]  # ingest retried
    assert "delivery record: transient fault" in log  # and the sender's records
    assert "Traceback" not in log, log[-6000:]
    for user in range(FIRST_USER, FIRST_USER + USERS):
        texts = fake.texts(user)
        assert not any("Xin lỗi" in text for text in texts), (user, texts)
        values = [int(found) for text in texts for found in ECHO.findall(text)]
        assert list(dict.fromkeys(values)) == list(range(101, 101 + MESSAGES - 1)), (user, values)
        assert len(texts) - MESSAGES <= 1, (user, texts)  # at most the one in flight, again
    async with open_app(Settings(database_url=server.url)) as app:
        assert await count(app, ProcessedMessage) == total
