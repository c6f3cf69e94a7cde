"""A new IT person's first hour (issue 19): one data folder whatever the working directory, a bad
setting answered in one Vietnamese line naming it, readable ``--help`` and ``--version``,
``reportbot run`` saying what it serves, sample campaigns only where they cannot land in a real
office's database, a stop without a traceback, and ``.env.example`` that changes nothing when
copied. Commands run as subprocesses (``python -m bot``), each in a folder of its own."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.serve import ScheduledWork
from bot.settings import SECRET_SETTINGS, Settings, default_data_dir, settings_problems
from tests.bot_process import BotProcess
from tests.conftest import ZONE
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.example"
CHANNEL_SETTINGS = ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "PUBLIC_BASE_URL", "WEB_BASE_URL")


def command_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a ``reportbot`` subprocess: this data folder, no database URL, no
    channel (unless given), the test clock (``REPORTBOT_NOW`` from tests/conftest.py)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REPORTBOT_REPORTS_DIR", "EVIDENCE_DIR", *CHANNEL_SETTINGS}
    }
    return {**env, "PYTHONPATH": str(ROOT), "REPORTBOT_DATA_DIR": str(data_dir), **settings}


def reportbot(
    cwd: Path, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` run in ``cwd`` with ``stdin`` piped in."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the data folder ---------------------------------------------------------------------


def test_the_default_data_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", "/home/canbo")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert default_data_dir() == Path("/home/canbo/.local/share/reportbot")
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert default_data_dir() == Path("/srv/data/reportbot")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the spec: relative is invalid
    assert default_data_dir() == Path("/home/canbo/.local/share/reportbot")


def test_database_reports_and_evidence_live_in_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("DATABASE_URL", "REPORTBOT_REPORTS_DIR", "EVIDENCE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REPORTBOT_DATA_DIR", str(tmp_path / "du-lieu"))
    settings = Settings(_env_file=None)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/du-lieu/reportbot.db"
    assert settings.reports_dir == tmp_path / "du-lieu" / "reports"
    assert settings.evidence_dir == tmp_path / "du-lieu" / "evidence"

    monkeypatch.setenv("EVIDENCE_DIR", "/mnt/minh-chung")  # a setting given wins
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot:mk@db/reportbot")
    settings = Settings(_env_file=None)
    assert settings.evidence_dir == Path("/mnt/minh-chung")
    assert settings.reports_dir == tmp_path / "du-lieu" / "reports"
    assert settings.database_url == "postgresql+asyncpg://bot:mk@db/reportbot"

    monkeypatch.setenv("REPORTBOT_DATA_DIR", "du-lieu")
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    assert settings_problems(refused.value) == [
        'Cấu hình REPORTBOT_DATA_DIR = "du-lieu" không hợp lệ: cần đường dẫn tuyệt đối, ví dụ '
        "/var/lib/reportbot."
    ]


def test_every_folder_sees_the_same_database(tmp_path: Path) -> None:
    """The report asked for from another folder finds the campaigns (it used to answer "Không
    có phong trào" and leave an empty ./data/reportbot.db behind)."""
    env = command_env(tmp_path / "du-lieu")
    loaded = reportbot(folder(tmp_path / "a"), env, "samples", "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "[MẪU]" in loaded.stdout and "NGANAM2026" in loaded.stdout

    elsewhere = folder(tmp_path / "b" / "c")
    listed = reportbot(elsewhere, env, "report", "NGANAM2026", "2026Q4", "-o", "tong-hop.xlsx")
    assert listed.returncode == 0, listed.stderr
    assert (elsewhere / "tong-hop.xlsx").is_file()
    assert (tmp_path / "du-lieu" / "reportbot.db").is_file()
    assert not (tmp_path / "a" / "data").exists() and not (elsewhere / "data").exists()


# --- bad settings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        (
            "TELEGRAM_BOT_TOKEN",
            "faketoken",
            "Cấu hình TELEGRAM_BOT_TOKEN không hợp lệ: cần mã bot lấy từ @BotFather",
        ),
        (
            "REMINDER_TIME",
            "22:00",
            'Cấu hình REMINDER_TIME = "22:00" không hợp lệ: nằm trong giờ yên tĩnh 20:30-07:00',
        ),
        ("REMINDER_TIME", "7h30", 'REMINDER_TIME = "7h30" không hợp lệ: cần giờ dạng HH:MM'),
        ("REPORTBOT_LOCALE", "fr", 'REPORTBOT_LOCALE = "fr" không hợp lệ: cần một trong: en, vi'),
        ("WEB_PORT", "80800", 'WEB_PORT = "80800" không hợp lệ: cần một số nhiều nhất 65535'),
        ("SQLITE_DRIVER", "fast", "SQLITE_DRIVER = \"fast\" không hợp lệ: cần 'inline' hoặc"),
        (
            "REPORT_LINK_SECRET",
            "qua-ngan",
            "Cấu hình REPORT_LINK_SECRET không hợp lệ: cần ít nhất 16 ký tự",
        ),
        (
            "TELEGRAM_WEBHOOK_SECRET",
            "có dấu cách",
            "Cấu hình TELEGRAM_WEBHOOK_SECRET không hợp lệ: cần 1-256 ký tự A-Z",
        ),
    ],
)
def test_a_bad_setting_is_one_vietnamese_line_and_status_2(
    tmp_path: Path, setting: str, value: str, expected: str
) -> None:
    result = reportbot(tmp_path, command_env(tmp_path / "du-lieu", **{setting: value}), "run")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert value not in result.stderr or setting not in SECRET_SETTINGS  # secrets never shown


def test_a_database_url_is_shown_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:matkhau@db/reportbot")  # sync driver
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    [line] = settings_problems(refused.value)
    assert line.startswith('Cấu hình DATABASE_URL = "postgresql://bot:***@db/reportbot"')
    assert "matkhau" not in line and "postgresql+asyncpg://" in line


def test_every_bad_setting_gets_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "khong-co-dau-hai-cham")
    monkeypatch.setenv("REPORTBOT_TIMEZONE", "Asia/Ha_Noi")
    monkeypatch.setenv("REPORTBOT_SCHEDULER", "co")
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    lines = settings_problems(refused.value)
    assert len(lines) == 3
    assert any(
        line.startswith("Cấu hình ZALO_BOT_TOKEN không hợp lệ: cần mã bot") for line in lines
    )
    assert any("REPORTBOT_TIMEZONE" in line and "Asia/Ho_Chi_Minh" in line for line in lines)
    assert any("REPORTBOT_SCHEDULER" in line and "true hoặc false" in line for line in lines)


# --- help, version -----------------------------------------------------------------------


def test_help_is_plain_and_version_is_printed(tmp_path: Path) -> None:
    env = command_env(tmp_path)
    version = reportbot(tmp_path, env, "--version")
    assert version.returncode == 0 and re.fullmatch(r"reportbot \S+\n", version.stdout)
    for args in (["--help"], ["run", "--help"], ["report", "--help"], ["tick", "--help"]):
        shown = reportbot(tmp_path, env, *args)
        assert shown.returncode == 0, shown.stderr
        assert "<bool>" not in shown.stdout and "%Y" not in shown.stdout
        assert "╭" not in shown.stdout  # no boxes
    run_help = reportbot(tmp_path, env, "run", "--help").stdout
    assert "--today YYYY-MM-DD" in run_help and "--now 'YYYY-MM-DD HH:MM'" in run_help


# --- run: samples, start-up lines, stop -------------------------------------------------


def test_piped_run_prints_channel_database_and_invite_codes(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    data = tmp_path / "du-lieu"
    env = command_env(data, WEB_PORT=str(unused_tcp_port))
    result = reportbot(tmp_path, env, "run", stdin="/trogiup\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Kênh: trò chuyện trên màn hình này" in out
    assert f"Cơ sở dữ liệu: sqlite+aiosqlite:///{data}/reportbot.db" in out
    assert "đã nạp 2 phong trào mẫu [MẪU]" in out
    codes = re.search(r"gõ /start (\w{8}) để làm đại diện .*/start (\w{8}) để làm văn phòng", out)
    assert codes is not None, out
    assert "Bạn: /trogiup" in out and "/nhap" in out
    assert "Traceback" not in result.stderr and "CancelledError" not in result.stderr


def test_a_bot_with_a_channel_never_gets_samples(tmp_path: Path) -> None:
    env = command_env(tmp_path / "du-lieu", TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN")
    result = reportbot(tmp_path, env, "chat", "--as", "office", stdin="/tiendo\n")
    assert result.returncode == 0, result.stderr
    assert "[MẪU]" not in result.stdout + result.stderr
    listed = reportbot(tmp_path, env, "campaign", "list")
    assert listed.returncode == 0 and listed.stdout == ""


def test_samples_load_refuses_a_database_with_real_campaigns(tmp_path: Path) -> None:
    env = command_env(tmp_path / "du-lieu")
    template = ROOT / "samples" / "nga-nam-2023.xlsx"
    imported = reportbot(tmp_path, env, "campaign", "import", str(template))
    assert imported.returncode == 0, imported.stderr
    refused = reportbot(tmp_path, env, "samples", "load")
    assert refused.returncode == 1
    assert "đã có phong trào thật (NGANAM2023)" in refused.stderr
    assert "Traceback" not in refused.stderr
    forced = reportbot(tmp_path, env, "samples", "load", "--force")
    assert forced.returncode == 0, forced.stderr
    listed = reportbot(tmp_path, env, "campaign", "list").stdout
    assert "NGANAM2023" in listed and "[MẪU]" in listed


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_console_without_a_traceback(
    tmp_path: Path, signum: int, unused_tcp_port: int
) -> None:
    """The console waits on an open pipe (nothing typed yet) when the stop comes."""
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(tmp_path / "du-lieu", WEB_PORT=str(unused_tcp_port)),
        cwd=tmp_path,
    )
    assert bot.stdout is not None
    deadline = time.monotonic() + 120
    seen = ""
    while "Dữ liệu mẫu đã được nạp" not in seen and time.monotonic() < deadline:
        seen += bot.stdout.readline()
    bot.send_signal(signum)
    _, err = bot.communicate(timeout=60)
    assert bot.returncode == 0, err
    assert "Đã dừng." in err
    assert "Traceback" not in err and "Aborted" not in err


async def test_a_stop_lets_a_running_job_finish_or_cancels_it_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A scheduled job under way at the stop finishes within the grace; one that outlasts it is
    cancelled and logged in one INFO line, never as an APScheduler traceback."""

    class SlowJobs:
        def __init__(self, seconds: float) -> None:
            self.seconds, self.done = seconds, 0

        async def job(self) -> object:
            await asyncio.sleep(self.seconds)
            self.done += 1
            return object()

        reminders = notices = roll_over = housekeeping = job

    caplog.set_level(logging.INFO)
    quick = SlowJobs(0.2)
    work = ScheduledWork.start(quick, ZONE)  # type: ignore[arg-type]
    await asyncio.sleep(0.05)  # the first runs are under way
    assert work.running == 4
    await work.stop(grace=5)
    assert quick.done == 4 and work.running == 0

    slow = SlowJobs(30)
    work = ScheduledWork.start(slow, ZONE)  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    await work.stop(grace=0.1)
    await asyncio.sleep(0.1)  # the cancelled runs finish
    assert slow.done == 0
    stopped = [r for r in caplog.records if "stopped at shutdown" in r.getMessage()]
    assert len(stopped) == 4 and all(r.levelno == logging.INFO for r in stopped)
    assert all(r.exc_info is None for r in stopped)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- .env.example ------------------------------------------------------------------------


def test_env_example_documents_every_setting_and_sets_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Copied to .env it changes nothing (no example group id, no example bot name goes
    live); each setting is there, commented, as NAME=value."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    live = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert live == []
    documented = {m.group(1) for line in lines if (m := re.match(r"# ([A-Z_]+)=", line))}
    names = {(field.alias or name).upper() for name, field in Settings.model_fields.items()}
    assert names - documented == set()
    assert "getUpdates" in EXAMPLE.read_text(encoding="utf-8")  # how to find a group's id

    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REPORTBOT_DATA_DIR", str(tmp_path))
    copied = Settings(_env_file=EXAMPLE)
    assert copied == Settings(_env_file=None)


async def test_run_on_telegram_says_what_it_serves(
    fake: FakeTelegram, prepared: str, tmp_path: Path
) -> None:
    """One line per channel (the bot's own name from getMe, polling), the database, the web
    page (off here: no address), and a warning when the invite links' bot name is wrong."""
    process = BotProcess(
        tmp_path,
        DATABASE_URL=prepared,
        TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        TELEGRAM_BOT_USERNAME="ten_bot_cua_xa_bot",
    )
    await process.start()
    try:
        for _ in range(600):
            if "Bot đang chạy" in process.output():
                break
            await asyncio.sleep(0.1)
    finally:
        assert await process.stop() == 0, process.output()[-3000:]
    out = process.output()
    assert f"Cơ sở dữ liệu: {prepared}" in out
    assert "Telegram: @thidua_bot, nhận tin bằng polling (không cần mở cổng)" in out
    assert "TELEGRAM_BOT_USERNAME=ten_bot_cua_xa_bot nhưng bot này là @thidua_bot" in out
    assert "Trang web văn phòng: tắt (đặt WEB_BASE_URL hoặc PUBLIC_BASE_URL" in out
    assert "Bot đang chạy; Ctrl-C để dừng." in out and "Đã dừng." in out
    assert "Traceback" not in out


async def test_a_taken_web_port_is_one_line_naming_the_setting(
    fake: FakeTelegram, prepared: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    """Another program on WEB_PORT: status 1 and a message naming WEB_HOST and WEB_PORT, no
    traceback (it used to end in aiohttp's OSError)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", unused_tcp_port))
        taken.listen()
        process = BotProcess(
            tmp_path,
            DATABASE_URL=prepared,
            TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
            TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
            WEB_BASE_URL=f"http://127.0.0.1:{unused_tcp_port}",
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(unused_tcp_port),
        )
        await process.start()
        assert process.process is not None
        code = await asyncio.wait_for(process.process.wait(), timeout=120)
    out = process.output()
    assert code == 1, out
    assert f"Không mở được máy chủ web trên 127.0.0.1:{unused_tcp_port}" in out
    assert "WEB_HOST và WEB_PORT" in out and "Traceback" not in out
