"""``reportbot backup`` and ``reportbot restore``: the command line of :mod:`services.backup`.

Neither opens the application: a backup must not migrate the database it copies, and a restore
writes a database the bot upgrades when it next starts. Each prints one Vietnamese line (the
result, or the error on stderr with exit status 1, no traceback).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.app import make_clock
from bot.cli_settings import load_settings
from bot.settings import Settings
from domain.clock import local_day
from services.backup import (
    BackupError,
    DataPlaces,
    create_backup,
    destination,
    prune,
    restore_backup,
)

backup_app = typer.Typer()
"""Merged into ``reportbot``'s own commands (``app.add_typer(backup_app)`` in ``bot.cli``)."""


def _places(settings: Settings) -> DataPlaces:
    return DataPlaces(settings.database_url, settings.evidence_dir, settings.reports_dir)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _size(size: int) -> str:
    """``3,4 MB``: a size in megabytes as Vietnamese people write it."""
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


@backup_app.command()
def backup(
    target: Annotated[
        str | None,
        typer.Argument(
            help="The archive to write, or a folder for reportbot-YYYY-MM-DD-HHMMSS.tar.gz "
            "(default: that name in the current folder)."
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            min=1,
            help="After the backup, delete this folder's reportbot-*.tar.gz archives older than "
            "this many days (today's counted).",
        ),
    ] = None,
) -> None:
    """Back up the database, the evidence files and the reports into one .tar.gz archive."""
    settings = load_settings()
    now = make_clock(settings).now()
    path = destination(target, now, settings.zone)
    try:
        made = asyncio.run(create_backup(_places(settings), path, now))
        deleted = prune(path.parent, keep, local_day(now, settings.zone)) if keep else []
    except BackupError as error:
        raise _fail(error.user_message) from error
    pruned = f"; đã xóa {len(deleted)} bản cũ hơn {keep} ngày" if deleted else ""
    typer.echo(
        f"Đã sao lưu vào {made.path} ({_size(made.size)}): cơ sở dữ liệu {made.database}, "
        f"{made.evidence_files} tệp minh chứng, {made.report_files} tệp báo cáo{pruned}."
    )


@backup_app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="A backup made by 'reportbot backup'.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite a database that already holds data."),
    ] = False,
) -> None:
    """Restore a backup: the evidence and report files, then the database (stop the bot
    first; it upgrades the restored schema when it starts)."""
    settings = load_settings()
    try:
        done = asyncio.run(restore_backup(_places(settings), archive, force=force))
    except BackupError as error:
        raise _fail(error.user_message) from error
    made = done.created.astimezone(settings.zone)
    typer.echo(
        f"Đã khôi phục bản sao lưu lúc {made:%H:%M %d/%m/%Y} ({done.database}): "
        f"{done.evidence_files} tệp minh chứng, {done.report_files} tệp báo cáo. "
        "Khởi động lại bot để dùng."
    )
