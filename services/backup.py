"""Backups and restores of everything the bot keeps: the database and the data folders.

One backup is one gzip-compressed tar archive, ``reportbot-YYYY-MM-DD-HHMMSS.tar.gz`` by
default (the Vietnam wall-clock time of the injected clock), created with mode 0600 (it holds
names and phone numbers). Its members, in this order:

- ``manifest.json``: ``{"format": "reportbot-backup", "version": 1, "created": <UTC ISO 8601>,
  "database": "sqlite" | "postgresql", "database_file": <member name>, "revision": <Alembic
  revision or null>, "evidence_folder": <name of EVIDENCE_DIR>, "evidence_files": <count>,
  "report_files": <count>}``;
- ``database.sqlite3`` (SQLite: a copy made with SQLite's online backup API, then switched to
  the rollback journal so it is one self-contained file; ``PRAGMA quick_check`` passed) or
  ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, for ``pg_restore``);
- ``evidence/<aa>/<sha256><suffix>``: every evidence file (``EVIDENCE_DIR``, without its
  ``tmp`` folder of half-written downloads): the photos and documents people confirmed;
- ``reports/...``: the workbooks and documents written for the office
  (``REPORTBOT_REPORTS_DIR``), so download links keep working after a restore.

The database is copied first, the folders after: evidence files are stored before the message
that refers to them is processed (``services.file_store``) and never deleted, so every file the
copied database names is in the archive (a file that arrived in between is harmless extra).
A live SQLite database is never copied as a file: ``sqlite3.Connection.backup`` reads it in one
step inside a read transaction, which in WAL mode does not stop the bot from writing.

A restore refuses to overwrite a database that holds any row (any table but
``alembic_version``) unless forced; it restores the files first, then the database (SQLite:
the backup API into the target, which must not be open elsewhere; PostgreSQL: ``pg_restore
--clean --if-exists --single-transaction --no-owner --no-privileges``). The bot upgrades the
restored schema to the newest migration when it starts.

Every failure a person can cause or fix raises :class:`BackupError`, whose ``user_message``
is one Vietnamese line.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import URL, make_url

from domain.errors import DomainError
from storage.db import alembic_config

FORMAT = "reportbot-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
EVIDENCE = "evidence"
REPORTS = "reports"
NAME = re.compile(r"^reportbot-(\d{4}-\d{2}-\d{2})-(\d{6})\.tar\.gz$")
"""Names of archives made with the default name (what ``--keep`` prunes, nothing else)."""
BUSY_SECONDS = 30.0
"""How long an SQLite copy waits for another connection's write lock."""
CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup or restore that cannot be done; ``user_message`` is one Vietnamese line."""


@dataclass(frozen=True)
class DataPlaces:
    """Where the bot keeps its data: an SQLAlchemy async ``database_url`` (SQLite or
    PostgreSQL) and the evidence and reports folders (relative to the working directory
    unless absolute)."""

    database_url: str
    evidence_dir: Path
    reports_dir: Path


@dataclass(frozen=True)
class BackupResult:
    """A backup written: the archive's path, its size in bytes, the database kind
    (``sqlite``/``postgresql``) and how many evidence and report files it carries."""

    path: Path
    size: int
    database: str
    evidence_files: int
    report_files: int


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: the manifest's creation time (aware UTC), the database kind and how many
    evidence and report files were written back."""

    created: datetime
    database: str
    evidence_files: int
    report_files: int


def default_name(moment: datetime, zone: ZoneInfo) -> str:
    """``reportbot-2026-11-21-090000.tar.gz``: ``moment`` (aware) in ``zone``."""
    return f"reportbot-{moment.astimezone(zone):%Y-%m-%d-%H%M%S}.tar.gz"


def destination(target: str | None, moment: datetime, zone: ZoneInfo) -> Path:
    """Where a backup goes: ``target`` itself when it names a file; the default name inside
    ``target`` when it is an existing folder or ends with ``/`` (a folder to create); in the
    working directory when None."""
    name = default_name(moment, zone)
    if target is None:
        return Path(name)
    path = Path(target)
    if path.is_dir() or target.endswith(("/", os.sep)):
        return path / name
    return path


def prune(folder: Path, keep_days: int, today: date) -> list[Path]:
    """Delete the archives in ``folder`` with a default name dated more than ``keep_days - 1``
    days before ``today`` (so ``keep_days`` calendar days are kept, today's included); other
    files are never touched. Returns the deleted paths, oldest first. ``keep_days`` >= 1."""
    if keep_days < 1:
        raise BackupError("Số ngày giữ bản sao lưu (--keep) phải từ 1 trở lên.")
    oldest_kept = today - timedelta(days=keep_days - 1)
    deleted = []
    for path in sorted(folder.iterdir()):
        found = NAME.match(path.name)
        if found is None or not path.is_file():
            continue
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            continue
        if day < oldest_kept:
            path.unlink()
            deleted.append(path)
    return deleted


async def create_backup(places: DataPlaces, target: Path, now: datetime) -> BackupResult:
    """Write one archive of the database and the data folders to ``target`` (a file that must
    not exist yet; its folder is created). Written as ``<target>.part`` and renamed when
    complete, so a failed backup never leaves a file that looks whole. ``now``: aware, the
    ``created`` time of the manifest. Raises :class:`BackupError`."""
    url = _url(places.database_url)
    if target.exists():
        raise BackupError(f"Tệp {target} đã có: hãy chọn tên khác, bot không ghi đè bản sao lưu.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".reportbot-backup-", dir=target.parent) as work:
            copy = Path(work) / "database"
            if url.get_backend_name() == "sqlite":
                kind, member = "sqlite", SQLITE_MEMBER
                await asyncio.to_thread(_sqlite_copy, _sqlite_path(url), copy)
                revision = await asyncio.to_thread(_sqlite_revision, copy)
            else:
                kind, member = "postgresql", PG_MEMBER
                await asyncio.to_thread(_pg_dump, url, copy)
                revision = await _pg_revision(url)
            return await asyncio.to_thread(
                _write_archive, places, target, copy, kind, member, revision, now
            )
    except OSError as error:
        raise BackupError(f"Không ghi được bản sao lưu {target}: {_reason(error)}.") from error


async def restore_backup(places: DataPlaces, archive: Path, *, force: bool) -> RestoreResult:
    """Restore ``archive`` into ``places``: evidence and report files first (added next to what
    is there; a file of the same name is replaced), then the database. Without ``force`` a
    database holding any row is refused before anything is written. Raises
    :class:`BackupError` (nothing written when the archive is unreadable, not a reportbot
    backup, from a newer version, or for the other kind of database)."""
    url = _url(places.database_url)
    kind = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
    try:
        scratch = places.evidence_dir.parent  # the data folder: room for a large database
        scratch.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".reportbot-restore-", dir=scratch) as work:
            manifest = await asyncio.to_thread(_unpack_database, archive, Path(work))
            if manifest["database"] != kind:
                raise BackupError(
                    f"Bản sao lưu là của cơ sở dữ liệu {manifest['database']}, còn DATABASE_URL "
                    f"là {kind}: hãy khôi phục vào cùng loại cơ sở dữ liệu."
                )
            _check_revision(manifest.get("revision"))
            folder = str(manifest.get("evidence_folder", EVIDENCE))
            if manifest["evidence_files"] and folder != places.evidence_dir.name:
                raise BackupError(
                    f'Thư mục minh chứng của bản sao lưu tên là "{folder}" nhưng EVIDENCE_DIR '
                    f'hiện tên là "{places.evidence_dir.name}": cơ sở dữ liệu ghi đường dẫn '
                    "theo tên thư mục, hãy đặt EVIDENCE_DIR cùng tên rồi khôi phục lại."
                )
            filled = await _filled_tables(url, kind)
            if filled and not force:
                shown = url.render_as_string(hide_password=True)
                raise BackupError(
                    f"Cơ sở dữ liệu {shown} đang có dữ liệu (bảng {', '.join(filled[:3])}…): "
                    "không khôi phục đè lên. Dừng bot và chạy lại với --force nếu chắc chắn."
                )
            evidence, reports = await asyncio.to_thread(_unpack_files, archive, places)
            copy = Path(work) / str(manifest["database_file"])
            if kind == "sqlite":
                await asyncio.to_thread(_sqlite_restore, copy, _sqlite_path(url))
            else:
                await asyncio.to_thread(_pg_restore, url, copy)
    except OSError as error:
        raise BackupError(f"Không khôi phục được từ {archive}: {_reason(error)}.") from error
    created = datetime.fromisoformat(str(manifest["created"]))
    return RestoreResult(created, kind, evidence, reports)


# --- the database --------------------------------------------------------------------------


def _url(database_url: str) -> URL:
    try:
        return make_url(database_url)
    except Exception as error:  # SQLAlchemy raises ArgumentError; anything else is as bad
        raise BackupError(f"DATABASE_URL không hợp lệ: {error}") from error


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL là SQLite trong bộ nhớ: không có gì để sao lưu.")
    return Path(url.database)


def _sqlite_copy(source: Path, copy: Path) -> None:
    """Copy the live database ``source`` to the new file ``copy`` with the online backup API,
    in one step (one read snapshot; in WAL mode writers go on meanwhile), then make the copy
    one self-contained file and check it."""
    if not source.is_file():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source}: hãy kiểm tra DATABASE_URL.")
    live = sqlite3.connect(source, timeout=BUSY_SECONDS)
    target = sqlite3.connect(copy)
    try:
        live.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        checked = target.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"Không sao chép được cơ sở dữ liệu {source}: {error}.") from error
    finally:
        target.close()
        live.close()
    if checked != ("ok",):
        raise BackupError(f"Bản sao cơ sở dữ liệu {source} không toàn vẹn: {checked}.")


def _sqlite_revision(database: Path) -> str | None:
    connection = sqlite3.connect(database)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no alembic_version table: never migrated
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None


def _sqlite_restore(copy: Path, target: Path) -> None:
    """Write ``copy`` over ``target`` with the backup API. The target is first switched to the
    rollback journal, which SQLite refuses while another connection (a running bot) has it
    open: then nothing is written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    into = sqlite3.connect(target, timeout=1.0)
    try:
        mode = into.execute("PRAGMA journal_mode=DELETE").fetchone()
        if mode != ("delete",):
            raise sqlite3.OperationalError("database is locked")
        source.backup(into)
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise BackupError(
                f"Cơ sở dữ liệu {target} đang được mở (bot đang chạy?): hãy dừng bot rồi khôi "
                "phục lại."
            ) from error
        raise BackupError(f"Không ghi được cơ sở dữ liệu {target}: {error}.") from error
    except sqlite3.Error as error:
        raise BackupError(f"Không ghi được cơ sở dữ liệu {target}: {error}.") from error
    finally:
        into.close()
        source.close()


def _sqlite_filled(path: Path) -> list[str]:
    if not path.exists():
        return []
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
            )
        ]
        return [t for t in tables if connection.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
    except sqlite3.Error as error:
        raise BackupError(f"Không đọc được cơ sở dữ liệu {path}: {error}.") from error
    finally:
        connection.close()


def _libpq_environment(url: URL) -> dict[str, str]:
    """The libpq variables (``PGHOST`` …) for ``pg_dump``/``pg_restore``: the password never
    appears on a command line. asyncpg's ``?ssl=`` becomes ``PGSSLMODE``."""
    environment = dict(os.environ)
    query = dict(url.query)
    values = {
        "PGHOST": url.host or _first(query.get("host")),
        "PGPORT": str(url.port) if url.port else _first(query.get("port")),
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": _first(query.get("sslmode") or query.get("ssl")),
    }
    for name, value in values.items():
        if value:
            environment[name] = str(value)
    return environment


def _first(value: Any) -> str | None:
    if isinstance(value, tuple):
        return str(value[0]) if value else None
    return None if value is None else str(value)


def _run_client(program: str, arguments: list[str], url: URL, doing: str) -> None:
    """Run a PostgreSQL client program; its error output, trimmed to one line, in the
    :class:`BackupError` when it fails or is missing."""
    found = shutil.which(program)
    if found is None:
        raise BackupError(
            f"Không có chương trình {program}: hãy cài gói postgresql-client (apt-get install "
            "postgresql-client) rồi chạy lại."
        )
    done = subprocess.run(
        [found, *arguments],
        env=_libpq_environment(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = lines[0] if lines else f"mã lỗi {done.returncode}"
        raise BackupError(f"{doing} thất bại ({program}): {reason}")


def _pg_dump(url: URL, copy: Path) -> None:
    _run_client(
        "pg_dump",
        ["--format=custom", "--no-password", f"--file={copy}"],
        url,
        "Sao lưu PostgreSQL",
    )


def _pg_restore(url: URL, copy: Path) -> None:
    _run_client(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={url.database}",
            str(copy),
        ],
        url,
        "Khôi phục PostgreSQL",
    )


def _pg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_connect(url: URL) -> Any:
    try:
        return await asyncpg.connect(_pg_dsn(url))
    except (OSError, asyncpg.PostgresError) as error:
        shown = url.render_as_string(hide_password=True)
        raise BackupError(f"Không kết nối được PostgreSQL {shown}: {error}.") from error


async def _pg_revision(url: URL) -> str | None:
    connection = await _pg_connect(url)
    try:
        if not await connection.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL"):
            return None
        value = await connection.fetchval("SELECT version_num FROM alembic_version")
        return None if value is None else str(value)
    finally:
        await connection.close()


async def _filled_tables(url: URL, kind: str) -> list[str]:
    """The tables of the target database (other than ``alembic_version``) holding a row."""
    if kind == "sqlite":
        return await asyncio.to_thread(_sqlite_filled, _sqlite_path(url))
    connection = await _pg_connect(url)
    try:
        names = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        )
        filled = []
        for row in names:
            quoted = '"' + str(row["tablename"]).replace('"', '""') + '"'
            if await connection.fetchval(f"SELECT EXISTS (SELECT 1 FROM {quoted})"):
                filled.append(str(row["tablename"]))
        return filled
    finally:
        await connection.close()


def _check_revision(revision: object) -> None:
    """A backup whose schema revision this version does not know came from a newer version:
    restoring it would leave a database the bot cannot upgrade."""
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(str(revision))
    except CommandError as error:
        raise BackupError(
            f"Bản sao lưu dùng lược đồ {revision}, phiên bản bot này chưa biết: hãy nâng cấp bot "
            "trước khi khôi phục."
        ) from error


# --- the archive ---------------------------------------------------------------------------


def _files(folder: Path, *, skip: str | None = None) -> Iterator[tuple[Path, str]]:
    """Regular files under ``folder`` (no symlinks), with their POSIX paths relative to it;
    the top-level folder ``skip`` is left out."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if skip is not None and relative.parts[0] == skip:
            continue
        if path.is_file() and not path.is_symlink():
            yield path, relative.as_posix()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, mtime
    archive.addfile(info, io.BytesIO(data))


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> None:
    info = archive.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as stream:
        archive.addfile(info, stream)


def _write_archive(
    places: DataPlaces,
    target: Path,
    copy: Path,
    kind: str,
    member: str,
    revision: str | None,
    now: datetime,
) -> BackupResult:
    evidence = list(_files(places.evidence_dir, skip="tmp"))
    reports = list(_files(places.reports_dir))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": now.astimezone(UTC).isoformat(),
        "database": kind,
        "database_file": member,
        "revision": revision,
        "evidence_folder": places.evidence_dir.name,
        "evidence_files": len(evidence),
        "report_files": len(reports),
    }
    part = target.with_name(target.name + ".part")
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                _add_bytes(archive, MANIFEST, data, now.timestamp())
                _add_file(archive, member, copy)
                for path, name in evidence:
                    _add_file(archive, f"{EVIDENCE}/{name}", path)
                for path, name in reports:
                    _add_file(archive, f"{REPORTS}/{name}", path)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return BackupResult(target, target.stat().st_size, kind, len(evidence), len(reports))


def _open_archive(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise BackupError(f"Không thấy tệp sao lưu {archive}.")
    try:
        return tarfile.open(archive, mode="r:gz")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"Tệp {archive} không phải bản sao lưu đọc được: {error}.") from error


def _safe_name(name: str) -> PurePosixPath:
    """A member's path, refused when absolute or climbing out with ``..``."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Bản sao lưu có đường dẫn không an toàn: {name!r}.")
    return path


def _unpack_database(archive: Path, work: Path) -> dict[str, Any]:
    """Read the manifest, check every member's name and write the database member into
    ``work``; the manifest. Nothing outside ``work`` is written."""
    with _open_archive(archive) as opened:
        try:
            first = opened.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"Tệp {archive} không phải bản sao lưu của reportbot.")
            stream = opened.extractfile(first)
            manifest = json.load(stream) if stream else {}
            if (
                not isinstance(manifest, dict)
                or manifest.get("format") != FORMAT
                or manifest.get("database") not in ("sqlite", "postgresql")
            ):
                raise BackupError(f"Tệp {archive} không phải bản sao lưu của reportbot.")
            if int(manifest.get("version", 0)) > VERSION:
                raise BackupError(
                    f"Bản sao lưu {archive} có định dạng mới hơn phiên bản bot này: hãy nâng cấp "
                    "bot trước khi khôi phục."
                )
            found = False
            for member in opened:  # from the first member again (TarFile keeps them)
                if member is first:
                    continue
                path = _safe_name(member.name)
                if member.name == manifest.get("database_file") and member.isfile():
                    _copy_member(opened, member, work / path.name)
                    found = True
                elif not member.isfile() or path.parts[0] not in (EVIDENCE, REPORTS):
                    raise BackupError(f"Bản sao lưu có mục lạ: {member.name!r}.")
        except (tarfile.TarError, EOFError, ValueError, zlib.error) as error:
            raise BackupError(f"Tệp {archive} hỏng, không đọc hết được: {error}.") from error
    if not found:
        raise BackupError(f"Bản sao lưu {archive} thiếu tệp cơ sở dữ liệu.")
    return manifest


def _copy_member(opened: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> None:
    """Write a regular member to ``path`` through a temporary file and a rename."""
    stream = opened.extractfile(member)
    if stream is None:
        raise BackupError(f"Bản sao lưu có mục lạ: {member.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    with temporary.open("wb") as out:
        shutil.copyfileobj(stream, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _unpack_files(archive: Path, places: DataPlaces) -> tuple[int, int]:
    """Write the archive's evidence and report files into their folders; the two counts."""
    counts = {EVIDENCE: 0, REPORTS: 0}
    roots = {EVIDENCE: places.evidence_dir, REPORTS: places.reports_dir}
    with _open_archive(archive) as opened:
        for member in opened:
            path = _safe_name(member.name)
            top = path.parts[0]
            if top in roots and member.isfile() and len(path.parts) > 1:
                _copy_member(opened, member, roots[top].joinpath(*path.parts[1:]))
                counts[top] += 1
    return counts[EVIDENCE], counts[REPORTS]


def _reason(error: OSError) -> str:
    """An OS error in Vietnamese when it is a common one, else its own text."""
    known = {
        28: "ổ đĩa đã đầy",
        13: "không có quyền ghi",
        30: "ổ đĩa chỉ cho đọc",
        2: "không có thư mục hoặc tệp",
    }
    told = known.get(error.errno or 0, error.strerror or str(error))
    return f"{told} ({error.filename})" if error.filename else told
