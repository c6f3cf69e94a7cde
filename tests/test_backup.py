"""``reportbot backup`` and ``reportbot restore`` (issue 19, point 2): an SQLite backup taken
while another connection writes is consistent; a backup restored into an empty database gives
back every row and every evidence file; a database with data is not overwritten without
``--force``, nor one a running bot holds open; old archives are pruned by ``--keep``; and, with
``TEST_DATABASE_URL``, the same round trip on PostgreSQL (scratch databases of this module's
own, so the shared ``test`` database is never touched)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.app import open_app
from bot.settings import Settings
from domain.clock import ManualClock
from services.backup import (
    BackupError,
    DataPlaces,
    create_backup,
    default_name,
    prune,
    restore_backup,
)
from services.file_store import FileStore
from storage.db import create_engine
from tests.conftest import _pg_admin
from tests.timeline import TODAY, ZONE, vn_time

ROOT = Path(__file__).resolve().parent.parent
MOMENT = vn_time(TODAY, 22, 15)


def reportbot(places: DataPlaces, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` with the data of ``places``, from ``cwd`` (no ``.env`` there)."""
    env = {
        **os.environ,
        "DATABASE_URL": places.database_url,
        "EVIDENCE_DIR": str(places.evidence_dir),
        "REPORTBOT_REPORTS_DIR": str(places.reports_dir),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def sqlite_places(folder: Path) -> DataPlaces:
    """A data folder with the usual layout: ``reportbot.db``, ``evidence/``, ``reports/``."""
    return DataPlaces(
        f"sqlite+aiosqlite:///{folder / 'reportbot.db'}", folder / "evidence", folder / "reports"
    )


async def fill(places: DataPlaces) -> dict[str, bytes]:
    """Migrate, load the samples, store two evidence files and a workbook; the files written
    (path relative to the data folder -> content)."""
    settings = Settings(database_url=places.database_url)
    settings = settings.model_copy(
        update={"evidence_dir": places.evidence_dir, "reports_dir": places.reports_dir}
    )
    async with open_app(settings, load_samples=True, clock=ManualClock(MOMENT)):
        pass
    store = FileStore(places.evidence_dir)
    written = {}
    for content, suffix in ((b"\xff\xd8 photo of the school", ".jpg"), (b"%PDF-1.4 ...", ".pdf")):
        stored = store.save(content, suffix)
        written[stored.path] = content
    (places.evidence_dir / "tmp").mkdir(exist_ok=True)
    (places.evidence_dir / "tmp" / "half.part").write_bytes(b"half a download")
    places.reports_dir.mkdir(parents=True, exist_ok=True)
    (places.reports_dir / "tong-hop.xlsx").write_bytes(b"PK workbook")
    return written


async def row_counts(database_url: str) -> dict[str, int]:
    """Every table's row count."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            return {
                name: int(
                    (await connection.execute(text(f'SELECT count(*) FROM "{name}"'))).scalar_one()
                )
                for name in names
            }
    finally:
        await engine.dispose()


def members(archive: Path) -> list[str]:
    with tarfile.open(archive, "r:gz") as opened:
        return opened.getnames()


def manifest(archive: Path) -> dict[str, object]:
    with tarfile.open(archive, "r:gz") as opened:
        stream = opened.extractfile(MANIFEST_NAME)
        assert stream is not None
        loaded: dict[str, object] = json.load(stream)
        return loaded


MANIFEST_NAME = "manifest.json"


async def test_sqlite_round_trip_through_the_command_line(tmp_path: Path) -> None:
    source = sqlite_places(tmp_path / "old" / "data")
    written = await fill(source)
    before = await row_counts(source.database_url)
    assert before["org_unit"] > 0 and before["alembic_version"] == 1

    made = reportbot(source, "backup", str(tmp_path / "backups") + "/", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    archives = list((tmp_path / "backups").iterdir())
    assert len(archives) == 1
    archive = archives[0]
    # The name carries the date of the bot's clock (REPORTBOT_NOW, tests/conftest.py).
    assert archive.name.startswith(f"reportbot-{TODAY:%Y-%m-%d}-"), archive.name
    assert archive.stat().st_mode & 0o777 == 0o600
    assert made.stdout.startswith(f"Đã sao lưu vào {archive}"), made.stdout
    assert "2 tệp minh chứng, 1 tệp báo cáo" in made.stdout
    names = members(archive)
    assert names[:2] == ["manifest.json", "database.sqlite3"]
    assert not any("tmp" in name for name in names)  # half-written downloads stay out
    told = manifest(archive)
    assert told["database"] == "sqlite" and told["evidence_folder"] == "evidence"
    assert told["revision"] and told["evidence_files"] == 2

    target = sqlite_places(tmp_path / "new" / "data")
    restored = reportbot(target, "restore", str(archive), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Đã khôi phục bản sao lưu"), restored.stdout
    assert await row_counts(target.database_url) == before
    data = target.evidence_dir.parent
    for path, content in written.items():
        assert (data / path).read_bytes() == content
    assert (target.reports_dir / "tong-hop.xlsx").read_bytes() == b"PK workbook"

    # The restored database opens (and migrates) like any other.
    settings = Settings(database_url=target.database_url)
    async with open_app(settings, clock=ManualClock(MOMENT)):
        pass

    again = reportbot(target, "restore", str(archive), cwd=tmp_path)
    assert again.returncode == 1
    assert "--force" in again.stderr and "Traceback" not in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    forced = reportbot(target, "restore", "--force", str(archive), cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert await row_counts(target.database_url) == before


async def test_sqlite_backup_while_another_connection_writes(tmp_path: Path) -> None:
    places = sqlite_places(tmp_path / "data")
    await fill(places)
    path = Path(make_url(places.database_url).database or "")
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE burst (n INTEGER NOT NULL)")
    setup.close()

    stop = threading.Event()
    committed = [0]

    def writer() -> None:
        """Two rows per transaction, as fast as it can: a consistent copy has an even count."""
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO burst VALUES (?)", (committed[0],))
            connection.execute("INSERT INTO burst VALUES (?)", (committed[0],))
            connection.execute("COMMIT")
            committed[0] += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_until(lambda: committed[0] >= 50)
        at_start = committed[0]
        made = await create_backup(places, tmp_path / "b.tar.gz", MOMENT)
        at_end = committed[0]
        wait_until(lambda: committed[0] >= at_end + 50)  # the backup never stopped the writer
    finally:
        stop.set()
        thread.join()

    with tarfile.open(made.path, "r:gz") as opened:
        opened.extract("database.sqlite3", tmp_path / "x", filter="data")
    copy = sqlite3.connect(tmp_path / "x" / "database.sqlite3")
    assert copy.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal
    rows = copy.execute("SELECT count(*) FROM burst").fetchone()[0]
    copy.close()
    assert rows % 2 == 0
    assert at_start * 2 <= rows <= (at_end + 1) * 2


def wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    """Wait (blocking, in 10 ms sleeps) until ``condition()``; fail after ``seconds``.

    A plain sleep: a timed ``Event.wait`` never returned under libfaketime (the CI pass with the
    clock 400 days ahead hung here)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.01)


async def test_restore_refuses_a_database_a_running_bot_holds(tmp_path: Path) -> None:
    source = sqlite_places(tmp_path / "a")
    await fill(source)
    made = await create_backup(source, tmp_path / "b.tar.gz", MOMENT)
    target = sqlite_places(tmp_path / "t")
    target.evidence_dir.parent.mkdir(parents=True)
    held = sqlite3.connect(target.evidence_dir.parent / "reportbot.db")
    held.execute("PRAGMA journal_mode=WAL")
    held.execute("CREATE TABLE other (n INTEGER)")
    held.commit()
    try:
        with pytest.raises(BackupError, match="đang được mở"):
            await restore_backup(target, made.path, force=True)
    finally:
        held.close()
    done = await restore_backup(target, made.path, force=True)
    assert done.database == "sqlite" and done.evidence_files == 2
    assert await row_counts(target.database_url) == await row_counts(source.database_url)


async def test_what_restore_refuses_before_writing_anything(tmp_path: Path) -> None:
    source = sqlite_places(tmp_path / "a")
    await fill(source)
    made = await create_backup(source, tmp_path / "b.tar.gz", MOMENT)
    with pytest.raises(BackupError, match="đã có"):
        await create_backup(source, made.path, MOMENT)  # never overwrites a backup

    renamed = DataPlaces(
        sqlite_places(tmp_path / "r").database_url, tmp_path / "r" / "photos", tmp_path / "r" / "x"
    )
    with pytest.raises(BackupError, match="EVIDENCE_DIR"):
        await restore_backup(renamed, made.path, force=False)

    not_backup = tmp_path / "notes.tar.gz"
    with tarfile.open(not_backup, "w:gz") as opened:
        opened.add(__file__, arcname="notes.txt")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(made.path.read_bytes()[:2000])
    empty = sqlite_places(tmp_path / "e")
    for bad, said in ((not_backup, "không phải bản sao lưu"), (broken, "hỏng")):
        with pytest.raises(BackupError, match=said):
            await restore_backup(empty, bad, force=False)
    with pytest.raises(BackupError, match="Không thấy"):
        await restore_backup(empty, tmp_path / "missing.tar.gz", force=False)
    assert not (tmp_path / "e" / "reportbot.db").exists()
    assert not empty.evidence_dir.exists()

    missing = sqlite_places(tmp_path / "nothing-here")
    failed = reportbot(missing, "backup", str(tmp_path / "c.tar.gz"), cwd=tmp_path)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "DATABASE_URL" in failed.stderr
    assert not (tmp_path / "c.tar.gz").exists() and not (tmp_path / "c.tar.gz.part").exists()


def test_keep_prunes_only_old_default_names(tmp_path: Path) -> None:
    for day in (1, 2, 3, 4, 5):
        (tmp_path / default_name(datetime(2026, 12, day, 2, 0, tzinfo=UTC), ZONE)).touch()
    (tmp_path / "reportbot-2020-01-01-000000.tar.gz.part").touch()
    (tmp_path / "my-own-2020.tar.gz").touch()
    deleted = prune(tmp_path, 3, date(2026, 12, 5))
    assert [p.name for p in deleted] == [
        "reportbot-2026-12-01-090000.tar.gz",
        "reportbot-2026-12-02-090000.tar.gz",
    ]
    assert len(list(tmp_path.iterdir())) == 5
    with pytest.raises(BackupError):
        prune(tmp_path, 0, date(2026, 12, 5))


def test_keep_on_the_command_line(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "data.db").close()
    places = DataPlaces(
        f"sqlite+aiosqlite:///{tmp_path / 'data.db'}", tmp_path / "e", tmp_path / "r"
    )
    folder = tmp_path / "nightly"
    folder.mkdir()
    old = folder / "reportbot-2026-10-01-020000.tar.gz"
    old.touch()
    done = reportbot(places, "backup", str(folder), "--keep", "14", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not old.exists()
    assert "đã xóa 1 bản cũ hơn 14 ngày" in done.stdout
    assert [p.name.startswith(f"reportbot-{TODAY:%Y-%m-%d}-") for p in folder.iterdir()] == [True]


@pytest.fixture
def postgres_pair() -> Iterator[tuple[str, str]]:
    """Two scratch databases of this module's own on the server of ``TEST_DATABASE_URL``."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL")
    names = ("reportbot_backup_test", "reportbot_backup_test_restore")
    _pg_admin(base, *(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in names))
    _pg_admin(base, *(f"CREATE DATABASE {n}" for n in names))
    urls = [make_url(base).set(database=n).render_as_string(hide_password=False) for n in names]
    yield urls[0], urls[1]
    _pg_admin(base, *(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in names))


async def test_postgresql_round_trip(tmp_path: Path, postgres_pair: tuple[str, str]) -> None:
    source_url, target_url = postgres_pair
    source = DataPlaces(source_url, tmp_path / "a" / "evidence", tmp_path / "a" / "reports")
    written = await fill(source)
    before = await row_counts(source_url)

    made = reportbot(source, "backup", str(tmp_path / "pg.tar.gz"), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "cơ sở dữ liệu postgresql" in made.stdout
    assert members(tmp_path / "pg.tar.gz")[:2] == ["manifest.json", "database.pgdump"]
    assert "PASSWORD" not in made.stdout

    target = DataPlaces(target_url, tmp_path / "b" / "evidence", tmp_path / "b" / "reports")
    restored = reportbot(target, "restore", str(tmp_path / "pg.tar.gz"), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert await row_counts(target_url) == before
    for path, content in written.items():
        assert (tmp_path / "b" / path).read_bytes() == content

    refused = reportbot(target, "restore", str(tmp_path / "pg.tar.gz"), cwd=tmp_path)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    forced = reportbot(target, "restore", "--force", str(tmp_path / "pg.tar.gz"), cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert await row_counts(target_url) == before

    into_sqlite = sqlite_places(tmp_path / "s")
    with pytest.raises(BackupError, match="cùng loại"):
        await restore_backup(into_sqlite, tmp_path / "pg.tar.gz", force=False)


def test_a_bad_setting_is_one_line_and_status_2(tmp_path: Path) -> None:
    places = sqlite_places(tmp_path / "data")
    env_overrides = {"REPORTBOT_TIMEZONE": "Mars/Base"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(tmp_path / "x.tar.gz")],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DATABASE_URL": places.database_url,
            "PYTHONPATH": str(ROOT),
            **env_overrides,
        },
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "REPORTBOT_TIMEZONE" in lines[0], done.stderr
