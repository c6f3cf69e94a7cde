"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
``TEST_DATABASE_URL`` is set: each test then gets a schema of its own), the application on a
manual clock, and a ``Person`` who chats through the real pipeline."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.app import App, open_app
from bot.settings import Settings
from domain.clock import ManualClock
from domain.messages import Incoming, Reply, render_text
from storage import outbox
from storage.db import create_engine, migrate
from storage.models import OutboxMessage
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.timeline import TODAY, ZONE, clock_setting, vn_time

__all__ = ["TODAY", "ZONE", "Person", "vn_time"]


@pytest.fixture(scope="session", autouse=True)
def _test_clock_everywhere() -> Iterator[None]:
    """Whatever builds its clock from the settings (``Settings()`` in a test, a ``reportbot``
    subprocess) starts at ``tests.timeline.START``, never at the machine's date."""
    saved = {name: os.environ.pop(name, None) for name in ("REPORTBOT_NOW", "REPORTBOT_TODAY")}
    os.environ["REPORTBOT_NOW"] = clock_setting()
    yield
    for name, value in saved.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def _data_dir_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``REPORTBOT_DATA_DIR`` (the default database, reports and evidence folder, inherited by
    ``reportbot`` subprocesses) is a temporary folder: no test writes into the user's data
    directory (``~/.local/share/reportbot``)."""
    saved = os.environ.get("REPORTBOT_DATA_DIR")
    folder = tmp_path_factory.mktemp("reportbot-data")
    os.environ["REPORTBOT_DATA_DIR"] = str(folder)
    yield folder
    os.environ.pop("REPORTBOT_DATA_DIR", None)
    if saved is not None:
        os.environ["REPORTBOT_DATA_DIR"] = saved


def _pg_admin(base: str, *statements: str) -> None:
    """Run statements on the PostgreSQL server of ``base`` (outside any transaction)."""
    dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)

    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """On PostgreSQL, a database migrated once that each test's database is copied from."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"reportbot_tmpl_{os.getpid()}"
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    async def upgrade() -> None:
        engine = create_engine(url)
        await migrate(engine)
        await engine.dispose()

    asyncio.run(upgrade())
    yield name
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name}")


def _fresh_database(tmp_path: Path, prefix: str, template: str | None) -> Iterator[str]:
    """An SQLite file, or a new PostgreSQL database (copied from ``template`` if given)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite+aiosqlite:///{tmp_path / (prefix + '.db')}"
        return
    name = f"reportbot_{prefix}_{uuid.uuid4().hex[:12]}"
    _pg_admin(base, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def database_url(tmp_path: Path, pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    yield from _fresh_database(tmp_path, "t", pg_template)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    yield from _fresh_database(tmp_path, "e", None)


@pytest.fixture
def clock() -> ManualClock:
    """A clock at 09:00 Vietnam time on ``TODAY``."""
    return ManualClock(vn_time(TODAY))


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    """Where the test application writes the workbooks it sends (``REPORTBOT_REPORTS_DIR``)."""
    return tmp_path / "reports"


@pytest.fixture
async def app(database_url: str, clock: ManualClock, reports_dir: Path) -> AsyncIterator[App]:
    """The application, migrated, with the samples loaded for the clock's year."""
    settings = Settings(database_url=database_url).model_copy(update={"reports_dir": reports_dir})
    async with open_app(settings, load_samples=True, clock=clock) as application:
        yield application


class Person:
    """Someone chatting with the bot through the real pipeline on a channel."""

    def __init__(
        self, app: App, name: str, *, phone: str | None = None, channel: str = "console"
    ) -> None:
        self.app = app
        self.name = name
        self.phone = phone
        self.channel = channel
        self.replies: list[Reply] = []

    async def say(
        self, text: str, *, message_id: str | None = None, phone: str | None = None
    ) -> str:
        """Send ``text``; return the replies as the person reads them (choices numbered)."""
        incoming = Incoming(
            channel=self.channel,
            external_id=self.name,
            chat_id=self.name,
            message_id=message_id or uuid.uuid4().hex,
            text=text,
            display_name=self.name,
            verified_phone=phone or self.phone,
        )
        await self.app.pipeline.process(incoming)
        return await self.inbox()

    async def inbox(self) -> str:
        """Deliver what is waiting for this person (replies, reminders, workbooks: the
        document worker's part is done here first); return it as read."""
        await self.app.build_documents()
        got: list[Reply] = []

        async def collect(message: OutboxMessage) -> None:
            got.append(Reply.from_payload(message.payload))

        await outbox.deliver_pending(
            self.app.sessions, self.channel, collect, self.app.clock.now, self.name
        )
        self.replies.extend(got)
        return "\n---\n".join(render_text(reply) for reply in got)

    async def script(self, *lines: str) -> str:
        """Send several messages; return the last answer."""
        answer = ""
        for line in lines:
            answer = await self.say(line)
        return answer


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A fake Bot API server on 127.0.0.1; the test fails if the bot sent anything off-spec."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()
    assert server.violations == [], server.violations


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    """A fake Zalo Bot Platform on 127.0.0.1 (short polls, quick webhook retries); the test
    fails if the bot sent anything the platform would refuse."""
    server = FakeZalo(max_poll=0.5)
    server.webhook_retry_delay = 0.05
    await server.start()
    yield server
    await server.stop()
    assert server.violations == [], server.violations


@pytest.fixture
async def prepared(database_url: str) -> str:
    """The test database with the samples loaded (as an office would have imported them)."""
    async with open_app(
        Settings(database_url=database_url), load_samples=True, clock=ManualClock(vn_time(TODAY))
    ):
        pass
    return database_url
