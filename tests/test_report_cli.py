"""``reportbot report`` and ``reportbot registrations`` as an office clerk runs them, and
``/tonghop`` in the console chat, each as a ``python -m bot`` subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import open_app
from bot.settings import Settings
from domain.clock import ManualClock
from domain.messages import Reply
from storage.models import OutboxMessage
from tests.conftest import TODAY, Person, vn_time
from tests.helpers import make_invite, rows

ROOT = Path(__file__).resolve().parent.parent


def reportbot(
    database_url: str, cwd: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` in ``cwd``, reports written under ``cwd/reports``."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "REPORTBOT_REPORTS_DIR": str(cwd / "reports"),
        "OFFICE_CHAT_IDS": "",
    }
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


@pytest.fixture
async def prepared(database_url: str) -> str:
    """The test database with the samples loaded for 2026 and an office user "clerk"."""
    settings = Settings(database_url=database_url)
    async with open_app(settings, load_samples=True, clock=ManualClock(vn_time(TODAY))) as app:
        clerk = Person(app, "clerk")
        await clerk.say(f"/start {await make_invite(app, None)}")
    return database_url


async def test_report_command(prepared: str, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.xlsx"
    result = reportbot(prepared, tmp_path, "report", "NGANAM2026", "2026Q4", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Đã lưu báo cáo tổng hợp: {out}" in result.stdout
    assert "Đã báo cáo 0/8 đơn vị" in result.stdout
    book = load_workbook(out)
    assert book.sheetnames[:2] == ["Tổng hợp", "Tiến độ"]

    default = reportbot(prepared, tmp_path, "report", "nganam2026", "2026q3")
    assert default.returncode == 0, default.stderr
    assert (tmp_path / "Tong-hop-NGANAM2026-2026Q3.xlsx").exists()
    assert not (tmp_path / "reports").exists()  # nothing sent, nothing in the reports folder

    registrations = reportbot(prepared, tmp_path, "registrations", "XUANSON2026")
    assert registrations.returncode == 0, registrations.stderr
    assert "Đã đăng ký 0/11 đơn vị" in registrations.stdout
    written = tmp_path / "Dang-ky-thi-dua-XUANSON2026.xlsx"
    assert load_workbook(written).sheetnames == ["Đăng ký thi đua"]
    other = reportbot(prepared, tmp_path, "registrations", "XUANSON2026", "-o", "dk.xlsx")
    assert other.returncode == 0 and (tmp_path / "dk.xlsx").exists()


async def test_report_errors(prepared: str, tmp_path: Path) -> None:
    unknown = reportbot(prepared, tmp_path, "report", "KHONGCO", "2026Q4")
    assert unknown.returncode == 1
    assert 'Không có phong trào mã "KHONGCO"' in unknown.stderr and "NGANAM2026" in unknown.stderr
    period = reportbot(prepared, tmp_path, "report", "NGANAM2026", "2026Q9")
    assert period.returncode == 1
    assert 'không có kỳ báo cáo "2026Q9"' in period.stderr and "2026Q1, 2026Q2" in period.stderr
    missing = reportbot(prepared, tmp_path, "registrations", "KHONGCO")
    assert missing.returncode == 1 and "Không có phong trào" in missing.stderr
    assert list(tmp_path.glob("*.xlsx")) == []


async def test_report_send(prepared: str, tmp_path: Path) -> None:
    result = reportbot(
        prepared, tmp_path, "report", "NGANAM2026", "2026Q4", "-o", "q4.xlsx", "--send"
    )
    assert result.returncode == 0, result.stderr
    assert "Đã xếp hàng gửi cho 1 nơi nhận" in result.stdout
    settings = Settings(database_url=prepared).model_copy(
        update={"reports_dir": tmp_path / "reports"}
    )
    async with open_app(settings) as app:
        assert await app.build_documents() == 1  # what the running bot's worker does
        queued = await rows(app, OutboxMessage, OutboxMessage.chat_id == "clerk")
    replies = [Reply.from_payload(m.payload) for m in sorted(queued, key=lambda m: m.id)]
    document, missing = replies[-2:]
    assert document.document is not None and "Chưa báo cáo (8)" in missing.text
    assert Path(document.document.path).parent == (tmp_path / "reports").resolve()
    assert Path(document.document.path).exists()


async def test_send_without_office(database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url)
    async with open_app(settings, load_samples=True, clock=ManualClock(vn_time(TODAY))):
        pass
    result = reportbot(database_url, tmp_path, "report", "NGANAM2026", "2026Q4", "--send")
    assert result.returncode == 1 and "Chưa gửi được" in result.stderr


async def test_console_chat_saves_the_file_and_prints_its_path(
    prepared: str, tmp_path: Path
) -> None:
    result = reportbot(
        prepared,
        tmp_path,
        "chat",
        "--as",
        "office",
        stdin="/tonghop NGANAM2026\n/dangkythidua NGANAM2026\n",
    )
    assert result.returncode == 0, result.stderr
    assert "📊 Báo cáo tổng hợp Quý 4/2026" in result.stdout
    paths = re.findall(r"\[Tệp: (.+?)\]", result.stdout)
    assert len(paths) == 2
    for path in paths:
        assert Path(path).is_absolute() and Path(path).parent == (tmp_path / "reports")
        assert load_workbook(path, read_only=True).sheetnames
