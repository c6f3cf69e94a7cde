"""Start-up (issue 15): the console never imports aiogram, whose types alone take about 2 s to
import; Telegram's modules are loaded only by the commands that start Telegram
(``bench/startup.py`` measures the time to the first answer)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(importtime: str) -> list[str]:
    """Module names from ``python -X importtime`` output (``import time: self | total | name``)."""
    return [
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    ]


def test_console_chat_answers_without_importing_aiogram(database_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,  # keeps REPORTBOT_NOW from tests/conftest.py
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "REPORTBOT_REPORTS_DIR": str(tmp_path / "reports"),
    }
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "chat", "--as", "office"],
        input="/trogiup\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Bot: Trợ lý báo cáo thi đua" in result.stdout
    modules = imported_modules(result.stderr)
    assert "bot.channels.console" in modules and "bot.cli" in modules  # the trace is complete
    assert [name for name in modules if name.split(".")[0] == "aiogram"] == []
    assert [name for name in modules if name.startswith("bot.channels.telegram")] == []
