"""``reportbot run`` as a real subprocess, pointed at a fake chat server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from domain.clock import ShiftedClock
from tests.timeline import START, clock_setting

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """Starts ``python -m bot run`` with the given settings; stop it gently or with SIGKILL.

    The bot's clock starts at ``REPORTBOT_NOW`` (aware ISO 8601, default ``tests.timeline.START``) and runs on
    in real time; :attr:`clock` reads the same time in the test. A restart goes on from where
    the clock is, never back to the start."""

    def __init__(self, log_dir: Path, **settings: str) -> None:
        start = settings.pop("REPORTBOT_NOW", None)
        self.clock = ShiftedClock.starting_at(datetime.fromisoformat(start) if start else START)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_CHAT_PER_SECOND": "1000",
            "REPORTBOT_LOG_LEVEL": "INFO",
            "REPORTBOT_REPORTS_DIR": str(log_dir / "reports"),
            "EVIDENCE_DIR": str(log_dir / "evidence"),
            **settings,
        }
        self.log_dir = log_dir
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        """Start the bot (its output goes to ``bot-N.log`` in the log folder)."""
        self.starts += 1
        self.env["REPORTBOT_NOW"] = clock_setting(self.clock.now())
        log = (self.log_dir / f"bot-{self.starts}.log").open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def kill(self) -> None:
        """SIGKILL: no clean-up at all, as a power cut or the OOM killer would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        """SIGTERM and wait for a clean exit; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return int(self.process.returncode or 0)

    def output(self) -> str:
        """Everything the bot printed so far (all runs)."""
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("bot-*.log"))
        )
