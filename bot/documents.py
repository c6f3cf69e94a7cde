"""The document worker of ``reportbot run``: builds the workbooks asked for, off the write path.

Runs beside the senders (``bot.serve``). It claims a job (``services.document_jobs``), builds it
in a child process (``python -m bot.document_build``) that opens its own read-only engine, and
puts the document in the outbox. A child process, not a thread: a province-sized build is tens
of seconds of Python work and hundreds of MB (issue 15) that would otherwise hold the event
loop, and so every other chat, and keep the memory after it ends. Several processes of one
deployment share the jobs through the database (a claim is a lease). The worker looks for jobs
when woken (after a commit that queued one) and every :data:`POLL_SECONDS` (a job queued by
another process or by ``reportbot report --send``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime

from bot.app import App
from domain.errors import DomainError
from domain.messages import Document
from services import document_jobs
from services.document_jobs import Order
from services.documents import BuiltReport

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
"""How often an idle worker looks for jobs nobody woke it for."""


class BuildFailed(Exception):
    """The build process ended without a workbook (a bug there: its log has the traceback)."""


class DocumentWorker:
    """Runs until stopped: one job at a time, each built in a child process; ``on_queued``
    is called after a document reached the outbox (to wake the senders)."""

    def __init__(self, app: App, on_queued: Callable[[], None]) -> None:
        self.app = app
        self.on_queued = on_queued
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A job may have been queued."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set."""
        while not stop.is_set():
            self._wake.clear()
            try:
                worked = await document_jobs.run_next(
                    self.app.sessions,
                    self.app.clock.now,
                    self.build,
                    retry_seconds=self.app.settings.transient_retry_seconds,
                )
            except Exception:
                log.exception("document worker round failed")
                worked = False
            if worked:
                self.on_queued()
                continue
            await _first_of(self._wake, stop, POLL_SECONDS)

    async def build(self, order: Order, now: datetime) -> BuiltReport:
        """Build ``order`` in a child process; raises :class:`DomainError` with the child's
        Vietnamese message (a full reports folder…) or :class:`BuildFailed`."""
        settings = self.app.settings
        request = {
            "order": asdict(order),
            "database_url": settings.database_url,
            "busy_seconds": settings.sqlite_busy_seconds,
            "driver": settings.sqlite_driver,
            "now": now.isoformat(),
            "zone": settings.timezone,
            "reports_dir": str(settings.reports_dir),
            "locale": settings.locale,
        }
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.document_build",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            out, _err = await child.communicate(json.dumps(request).encode())
        except asyncio.CancelledError:
            child.kill()  # stopping: the job is given back and built at the next start
            await child.wait()
            raise
        answer = _last_json(out)
        if child.returncode != 0 or answer is None:
            raise BuildFailed(f"the build process ended with {child.returncode}")
        if "problem" in answer:
            raise DomainError(str(answer["problem"]))
        document = Document(str(answer["filename"]), str(answer["path"]))
        extra = answer.get("extra")
        more = tuple(
            (Document(str(item["filename"]), str(item["path"])), str(item["caption"]))
            for item in (extra if isinstance(extra, list) else [])
        )
        return BuiltReport(document, str(answer["caption"]), more)


def _last_json(out: bytes) -> dict[str, object] | None:
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None
    return answer if isinstance(answer, dict) else None


async def _first_of(wake: asyncio.Event, stop: asyncio.Event, timeout: float) -> None:
    waits = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for waiting in waits:
        waiting.cancel()
