"""Issue 14, item 2: three ``reportbot run`` processes on one database behind one webhook
address keep Telegram's per-bot pace together (one elected sender: ``bot.leader``), and when
the sending process is killed another takes over. 2,000 updates from 200 users, sticky per
user as a load balancer would route them; the fake Bot API answers 429 beyond 30 messages in
any second. Runs on SQLite (a lock file) and, with TEST_DATABASE_URL, PostgreSQL (an advisory
lock)."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from pathlib import Path

import aiohttp

from bot.app import open_app
from bot.settings import Settings
from tests.bot_process import BotProcess
from tests.fake_telegram import FakeTelegram, text_update
from tests.helpers import campaign_with_people
from tests.test_telegram import TOKEN

USERS = 200
MESSAGES = 10  # "/nhap", then nine one-line corrections: "sửa 1 101" ... "sửa 1 109"
FIRST_USER = 50_000
SECRET = "s" * 40
_update_ids = itertools.count(1)
ECHO = re.compile(r"Đã ghi — Số hộ: (\d+) hộ")


def _messages() -> list[str]:
    return ["/nhap", *(f"sửa 1 {101 + k}" for k in range(MESSAGES - 1))]


async def _post(
    http: aiohttp.ClientSession, ports: list[int], alive: list[bool], user: int, text: str
) -> None:
    """Deliver one update as Telegram would: to the user's process (sticky), to another one
    while it is down, again until some process answers 200."""
    update = {"update_id": next(_update_ids), **text_update(user, text)}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for attempt in range(200):
        index = (user + attempt) % len(ports)
        if not alive[index]:
            continue
        try:
            url = f"http://127.0.0.1:{ports[index]}/telegram/webhook"
            async with http.post(url, json=update, headers=headers) as answer:
                if answer.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"no process took the update of {user}")


async def _user(
    http: aiohttp.ClientSession, ports: list[int], alive: list[bool], user: int, sent: list[int]
) -> None:
    for text in _messages():
        await _post(http, ports, alive, user, text)
        sent[0] += 1


def _all_answered(fake: FakeTelegram) -> bool:
    """Every user got the echo of every correction (duplicates not counted)."""
    wanted = set(range(101, 101 + MESSAGES - 1))
    for u in range(USERS):
        texts = fake.texts(FIRST_USER + u)
        if {int(found) for text in texts for found in ECHO.findall(text)} != wanted:
            return False
    return True


def _sender(processes: list[BotProcess]) -> int:
    """The index of the process that logged taking the sender lease last."""
    found = [i for i, p in enumerate(processes) if "now sends for telegram" in p.output()]
    assert found, "no process took the sender lease"
    return found[-1]


async def test_three_processes_keep_one_pace_and_survive_a_kill(
    fake: FakeTelegram, database_url: str, tmp_path: Path, unused_tcp_port_factory: object
) -> None:
    async with open_app(Settings(database_url=database_url)) as app:
        await campaign_with_people(app.sessions, USERS, FIRST_USER, app.clock.now())
    fake.per_second = 30
    ports = [unused_tcp_port_factory() for _ in range(3)]  # type: ignore[operator]
    processes = []
    for n, port in enumerate(ports):
        folder = tmp_path / f"p{n}"
        folder.mkdir()
        processes.append(
            BotProcess(
                folder,
                DATABASE_URL=database_url,
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
                WEB_HOST="127.0.0.1",
                WEB_PORT=str(port),
                REPORTBOT_SCHEDULER="false",
            )
        )
    alive = [True] * 3
    for process in processes:
        await process.start()
    try:
        async with aiohttp.ClientSession() as http:
            for port in ports:  # every process listens before the load starts
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/health") as answer:
                            if answer.status == 200:
                                break
                    except aiohttp.ClientError:
                        await asyncio.sleep(0.2)
            sent = [0]
            load = asyncio.gather(
                *(_user(http, ports, alive, FIRST_USER + u, sent) for u in range(USERS))
            )
            while sent[0] < 700:
                await asyncio.sleep(0.1)
            victim = _sender(processes)
            alive[victim] = False
            await processes[victim].kill()  # the sending process dies in the middle
            await load
        deadline = time.monotonic() + 240
        while not _all_answered(fake) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)  # not a count of sends: a message in flight may go twice
    finally:
        for index, process in enumerate(processes):
            if alive[index]:
                assert await process.stop() == 0, process.output()[-3000:]
    assert fake.rejected == 0, f"{fake.rejected} sends answered 429"
    assert fake.violations == []
    new_sender = _sender([p for i, p in enumerate(processes) if i != victim])
    assert new_sender is not None  # another process took over
    for u in range(USERS):
        texts = fake.texts(FIRST_USER + u)
        values = [int(found) for text in texts for found in ECHO.findall(text)]
        distinct = list(dict.fromkeys(values))
        assert distinct == list(range(101, 101 + MESSAGES - 1)), (u, values)  # all, in order
        assert len(texts) - MESSAGES <= 1, (u, texts)  # at most the one in flight, again
