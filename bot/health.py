"""What ``GET /health`` reports: the database, the free space where workbooks are written, and
each channel's last successful receive (poll or webhook) and send (issue 14, item 4).

A part is failing when its latest event is a failure; the database when ``SELECT 1`` does not
answer within :data:`DATABASE_TIMEOUT`; the disk when less than :data:`MIN_FREE_BYTES` is free.
Any of these makes the answer 503, so a monitor (or the reverse proxy) sees it.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

DATABASE_TIMEOUT = 3.0
"""Seconds ``SELECT 1`` may take before the database counts as failing."""
MIN_FREE_BYTES = 100 * 1024 * 1024
"""Below 100 MB free, workbooks (a commune's are well under 1 MB, a province's ~20 MB) and the
SQLite file soon cannot grow: the disk counts as failing."""


@dataclass
class PartState:
    """The last success and the last failure of one part (aware datetimes), and why."""

    last_ok: datetime | None = None
    last_failure: datetime | None = None
    reason: str = ""

    @property
    def failing(self) -> bool:
        """True when the latest event was a failure."""
        if self.last_failure is None:
            return False
        return self.last_ok is None or self.last_failure > self.last_ok


@dataclass
class Health:
    """Successes and failures reported by the channels (``telegram.receive``,
    ``telegram.send``, ``zalo.receive``, ``zalo.send``)."""

    parts: dict[str, PartState] = field(default_factory=dict)

    def ok(self, part: str, at: datetime) -> None:
        """``part`` just worked."""
        self.parts.setdefault(part, PartState()).last_ok = at

    def failed(self, part: str, at: datetime, reason: str) -> None:
        """``part`` just failed, for ``reason`` (one line, no secrets)."""
        state = self.parts.setdefault(part, PartState())
        state.last_failure, state.reason = at, reason[:200]

    def part(self, name: str, now: Callable[[], datetime]) -> Part:
        """A handle for one part that reports with the application's clock."""
        return Part(self, name, now)

    async def report(self, engine: AsyncEngine, folder: Path) -> tuple[bool, dict[str, Any]]:
        """``(healthy, details)`` for the answer: the database, the disk of ``folder`` (or its
        nearest existing parent) and every part reported so far."""
        database = await _database(engine)
        free = _free_bytes(folder)
        parts = {
            name: {
                "ok": not state.failing,
                "last_ok": state.last_ok.isoformat() if state.last_ok else None,
                "last_failure": state.last_failure.isoformat() if state.last_failure else None,
                "reason": state.reason if state.failing else "",
            }
            for name, state in sorted(self.parts.items())
        }
        healthy = (
            database == "ok"
            and free >= MIN_FREE_BYTES
            and not any(state.failing for state in self.parts.values())
        )
        details = {
            "status": "ok" if healthy else "failing",
            "database": database,
            "disk_free_mb": free // (1024 * 1024),
            "parts": parts,
        }
        return healthy, details


@dataclass(frozen=True)
class Part:
    """One part of :class:`Health` as a channel reports it."""

    health: Health
    name: str
    now: Callable[[], datetime]

    def ok(self) -> None:
        """It just worked."""
        self.health.ok(self.name, self.now())

    def failed(self, reason: str) -> None:
        """It just failed."""
        self.health.failed(self.name, self.now(), reason)


async def _database(engine: AsyncEngine) -> str:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"failing: {type(error).__name__}"
    return "ok"


def _free_bytes(folder: Path) -> int:
    existing = folder.resolve()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return shutil.disk_usage(existing).free
