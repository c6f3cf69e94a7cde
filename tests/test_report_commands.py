"""``/tonghop`` and ``/dangkythidua`` through the real pipeline: documents for the office only."""

from __future__ import annotations

import errno
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import App, open_app
from bot.settings import Settings
from domain.clock import ManualClock
from domain.messages import Reply
from storage.models import DocumentJob, DocumentJobStatus
from tests.conftest import Person
from tests.helpers import make_invite, rows, sample, typed_answer

P1_PHONE = "0900000001"
SHEETS = ["Tổng hợp", "Tiến độ", "Lũy kế", "Đăng ký thi đua", "Chi tiết", "Biểu đồ"]


async def office_person(app: App, name: str = "clerk") -> Person:
    office = Person(app, name)
    assert "quyền văn phòng" in await office.say(f"/start {await make_invite(app, None)}")
    return office


def documents(person: Person) -> list[Reply]:
    return [reply for reply in person.replies if reply.document is not None]


def opened(reply: Reply, reports_dir: Path) -> list[str]:
    """The sheet names of a document reply's workbook, after checking where it was written."""
    assert reply.document is not None
    path = Path(reply.document.path)
    assert path.is_absolute() and path.parent == reports_dir.resolve() and path.exists()
    return list(load_workbook(path, read_only=True).sheetnames)


async def test_office_gets_the_consolidated_workbook(app: App, reports_dir: Path) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    campaign = await sample(app)
    await head.say("/nhap")
    for position, element in enumerate(campaign.elements):
        await head.say(typed_answer(element, position))
    assert "✅ Đã nhận báo cáo" in await head.say("1")

    office = await office_person(app)
    answer = await office.say("/tonghop")
    assert "Lập báo cáo tổng hợp cho phong trào nào?" in answer and "2. " in answer
    assert not documents(office)
    answer = await office.say("1")
    assert "📊 Báo cáo tổng hợp Quý 4/2026 — [MẪU] Phong trào thi đua yêu nước" in answer
    assert "Đã báo cáo 1/8 đơn vị (đúng hạn 1, trễ hạn 0)" in answer
    [reply] = documents(office)
    assert reply.document is not None
    assert reply.document.filename == "Tong-hop-NGANAM2026-2026Q4.xlsx"
    assert opened(reply, reports_dir) == SHEETS
    book = load_workbook(reply.document.path)
    assert "Phường 1" in [cell.value for cell in book["Chi tiết"]["B"]]

    again = await office.say("/tonghop nganam2026 2026q3")  # no question: both given
    assert "Quý 3/2026" in again and "Đã báo cáo 0/8 đơn vị" in again
    assert len(documents(office)) == 2
    names = {d.document.path for d in documents(office) if d.document}
    assert len(names) == 2  # a new file each time


async def test_registrations_workbook_and_aliases(app: App, reports_dir: Path) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    assert "✅ Đã lưu đăng ký thi đua" in await head.script("/dangky", "1", "2", "1")

    office = await office_person(app)
    answer = await office.say("/dangkythidua NGANAM2026")
    assert "📋 Danh sách đăng ký thi đua — [MẪU]" in answer and "Đã đăng ký 1/8 đơn vị" in answer
    [reply] = documents(office)
    assert reply.document is not None
    assert reply.document.filename == "Dang-ky-thi-dua-NGANAM2026.xlsx"
    assert opened(reply, reports_dir) == ["Đăng ký thi đua"]

    assert "phong trào nào?" in await office.say("danh sách đăng ký")
    assert "Danh sách đăng ký thi đua — [MẪU]" in await office.say("2")
    assert "Lập báo cáo tổng hợp" in await office.say("bao cao tong hop")
    assert "Báo cáo tổng hợp 6 tháng cuối năm 2026" in await office.say("2")
    assert len(documents(office)) == 3
    menu = await office.say("/menu")
    assert "Báo cáo tổng hợp (Excel)" in menu and "Danh sách đăng ký thi đua (Excel)" in menu
    assert "Báo cáo tổng hợp 6 tháng" in await office.script("2", "2")  # by the menu number
    help_text = await office.say("/trogiup")
    assert "/tonghop" in help_text and "/dangkythidua" in help_text


async def test_unknown_period_lists_the_codes(app: App, reports_dir: Path) -> None:
    office = await office_person(app)
    answer = await office.say("/tonghop NGANAM2026 2026Q9")
    assert "Không tìm thấy kỳ báo cáo 2026Q9. Các kỳ: 2026Q1, 2026Q2, 2026Q3, 2026Q4" in answer
    assert not documents(office) and not reports_dir.exists()
    assert "Phong trào" not in await office.say("1")  # the flow ended: "1" is not a choice


async def test_reporters_and_strangers_are_refused(app: App, reports_dir: Path) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    stranger = Person(app, "stranger")
    for person in (head, stranger):
        for text in ("/tonghop", "/tonghop NGANAM2026 2026Q4", "/dangkythidua", "tong hop"):
            answer = await person.say(text)
            assert "chỉ dành cho văn phòng" in answer, (text, answer)
            assert "Ngã Năm" not in answer and "Quý" not in answer and "đơn vị" not in answer
    assert not documents(head) and not documents(stranger) and not reports_dir.exists()


async def test_a_failing_build_keeps_the_conversation(
    app: App, reports_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = await office_person(app)
    await office.say("/tonghop")

    def broken(report: object, target: object) -> None:
        Path(str(target)).write_bytes(b"half a workbook")
        raise RuntimeError("simulated builder bug")

    monkeypatch.setattr("services.documents.write_consolidated", broken)
    answer = await office.say("1")  # asked for, then built after the commit: it fails there
    assert "⏳ Đang lập báo cáo tổng hợp Quý 4/2026" in answer
    assert "Xin lỗi, bot gặp lỗi khi lập báo cáo này. Số liệu không bị ảnh hưởng." in answer
    assert list(reports_dir.iterdir()) == []  # the half-written file is gone
    assert [job.status for job in await rows(app, DocumentJob)] == [DocumentJobStatus.FAILED]
    monkeypatch.undo()
    answer = await office.script("/tonghop", "1")  # asking again works
    assert "📊 Báo cáo tổng hợp Quý 4/2026" in answer and len(documents(office)) == 1


@pytest.fixture
async def empty_app(database_url: str, clock: ManualClock, reports_dir: Path) -> AsyncIterator[App]:
    """The application on a database without any campaign."""
    settings = Settings(database_url=database_url).model_copy(update={"reports_dir": reports_dir})
    async with open_app(settings, clock=clock) as application:
        yield application


async def test_no_campaign_yet(empty_app: App) -> None:
    office = await office_person(empty_app)
    for text in ("/tonghop", "/dangkythidua"):
        answer = await office.say(text)
        assert "Chưa có phong trào nào" in answer and "reportbot campaign import" in answer


async def test_a_full_or_unusable_reports_folder_is_named_to_the_office(
    app: App, reports_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    office = await office_person(app)
    reports_dir.parent.mkdir(parents=True, exist_ok=True)
    reports_dir.write_text("a file where the folder should be")  # a real file system error
    await office.say("/tonghop")
    answer = await office.say("1")
    assert "Không lập được file Excel" in answer and "không phải là thư mục" in answer
    assert str(reports_dir) in answer and "Xin lỗi" not in answer
    assert str(reports_dir) in caplog.text
    reports_dir.unlink()

    def full_disk(report: object, target: object) -> None:
        Path(str(target)).write_bytes(b"half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("services.documents.write_consolidated", full_disk)
    await office.say("/tonghop")
    answer = await office.say("1")
    assert "ổ đĩa đã đầy" in answer and "Số liệu không bị ảnh hưởng" in answer
    assert list(reports_dir.iterdir()) == []  # the half-written file is gone
