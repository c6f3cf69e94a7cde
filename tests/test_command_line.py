"""The command line as a user runs it: ``reportbot chat`` scripted through a pipe, campaign
template and import, invites. Each runs ``python -m bot`` as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from bot.app import open_app
from bot.settings import Settings
from samples import nga_nam_2023
from storage.models import DataValue, Registration, Submission
from tests.helpers import count, typed_answer

ROOT = Path(__file__).resolve().parent.parent


def reportbot(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` on ``database_url`` with ``stdin`` piped in."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def submission_script() -> str:
    elements = [e for e in nga_nam_2023().elements if not e.is_indicator]
    answers = [typed_answer(e, i) for i, e in enumerate(elements)]  # type: ignore[arg-type]
    return "\n".join(["/start", "/dangky", "2", "2", "1", "/nhap", *answers, "1"]) + "\n"


async def test_scripted_console_chat_end_to_end(database_url: str) -> None:
    head = reportbot(
        database_url,
        "chat",
        "--as",
        "0900000001",
        "--now",
        "2026-11-21T09:00",
        stdin=submission_script(),
    )
    assert head.returncode == 0, head.stderr
    assert (
        "Bạn: /nhap" in head.stdout and "✅ Đã nhận báo cáo Quý 4/2026 của Phường 1" in head.stdout
    )
    assert "✅ Đã lưu đăng ký thi đua" in head.stdout

    office = reportbot(
        database_url, "chat", "--as", "office", "--today", "2026-11-21", stdin="/tiendo\n1\n"
    )
    assert office.returncode == 0, office.stderr
    assert "Đã báo cáo: 1/8 đơn vị (12,5%)" in office.stdout

    async with open_app(Settings(database_url=database_url)) as app:
        assert await count(app, DataValue) == 26
        assert await count(app, Submission) == 1
        assert await count(app, Registration) == 1


def test_template_and_import(tmp_path: Path, database_url: str) -> None:
    blank = tmp_path / "mau.xlsx"
    result = reportbot(database_url, "campaign", "template", str(blank))
    assert result.returncode == 0 and blank.exists()
    assert "Chỉ tiêu" in load_workbook(blank).sheetnames

    imported = reportbot(
        database_url, "campaign", "import", str(ROOT / "samples" / "nga-nam-2023.xlsx")
    )
    assert imported.returncode == 0, imported.stderr
    assert "Đã tạo phong trào NGANAM2023" in imported.stdout and "8 đơn vị" in imported.stdout
    again = reportbot(
        database_url, "campaign", "import", str(ROOT / "samples" / "nga-nam-2023.xlsx")
    )
    assert "Đã cập nhật phong trào NGANAM2023" in again.stdout

    book = load_workbook(ROOT / "samples" / "nga-nam-2023.xlsx")
    sheet = book["Chỉ tiêu"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=headers.index("Kiểu") + 1, value="so")
    broken = tmp_path / "hong.xlsx"
    book.save(broken)
    failed = reportbot(database_url, "campaign", "import", str(broken))
    assert failed.returncode == 1
    assert 'Chỉ tiêu, dòng 3, cột "Kiểu": "so" không hợp lệ' in failed.stderr


def test_invite_prints_a_code(database_url: str) -> None:
    sample = reportbot(
        database_url, "campaign", "import", str(ROOT / "samples" / "nga-nam-2023.xlsx")
    )
    assert sample.returncode == 0, sample.stderr
    result = reportbot(database_url, "invite", "P1")
    assert result.returncode == 0, result.stderr
    assert "Mã mời cho đơn vị Phường 1" in result.stdout and "/start " in result.stdout
    assert "https://t.me/" in result.stdout and "?start=" in result.stdout
    unknown = reportbot(database_url, "invite", "KHONGCO")
    assert unknown.returncode == 1 and "Không có đơn vị" in unknown.stderr


def test_a_database_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    url = f"sqlite+aiosqlite:///{blocker / 'reportbot.db'}"
    result = reportbot(url, "campaign", "list")
    assert result.returncode == 1
    assert "Không mở được cơ sở dữ liệu" in result.stderr and str(blocker) in result.stderr
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
