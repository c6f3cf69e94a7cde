"""The review's Word document: meeting record and proposal list in the administrative layout,
read back with python-docx and printed by LibreOffice."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import docx
import pytest

from reports.admin_document import Signing, date_line
from reports.record import write_record
from tests.test_proposals_workbook import ADVANCED, EXCELLENT, WORKER, _report
from tests.test_report_workbook import convert

SIGNING = Signing(
    issuing_body="Hội đồng Thi đua - Khen thưởng",
    parent_body="UBND xã Xuân Sơn",
    place="Xuân Sơn",
    number_suffix="BB-HĐTĐKT",
    signer_title="Chủ tịch Hội đồng",
    signer_name="Nguyễn Văn Bình",
    recipients=("UBND thị xã Sơn Tây", "Các thôn, đơn vị", "Lưu: VT"),
)


@pytest.fixture
def record_path(tmp_path: Path) -> Path:
    path = tmp_path / "bien-ban.docx"
    write_record(_report(), SIGNING, date(2026, 7, 5), path)
    return path


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_record_has_the_decree_30_heading_and_the_results(record_path: Path) -> None:
    text = _text(record_path)
    for expected in (
        "UBND XÃ XUÂN SƠN",
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "Số: …………/BB-HĐTĐKT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Xuân Sơn, ngày 05 tháng 07 năm 2026",
        "BIÊN BẢN",
        "Họp bình xét thi đua, khen thưởng Sơ kết 6 tháng đầu năm",
        "3 đơn vị tham gia; 2 đơn vị đã được duyệt điểm, 1 đơn vị chưa đủ điểm để xếp hạng",
        f"- {EXCELLENT}: 1 đơn vị (Thôn Đông); đồng điểm ở giới hạn tỷ lệ, Hội đồng xem xét: Thôn Bắc, Thôn Nam.",
        f"- {ADVANCED}: 2 đơn vị (Thôn Đông, Thôn Đoài).",
        f"- {WORKER}: 1 cá nhân (Nguyễn Văn An (Trưởng thôn) — Thôn Đông).",
        f"{WORKER} (1 cá nhân)",
        "Họ và tên",
        "Nguyễn Văn An",
        "Trưởng thôn",
        "87,6",
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "Nơi nhận:",
        "- UBND thị xã Sơn Tây;",
        "- Lưu: VT.",
        "CHỦ TỊCH HỘI ĐỒNG",
        "Nguyễn Văn Bình",
    ):
        assert expected in text, expected
    assert "Lê Thị Hoa" not in text  # her unit is not approved
    motto = next(
        run
        for table in docx.Document(str(record_path)).tables
        for cell in table.rows[0].cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
        if run.text == "Độc lập - Tự do - Hạnh phúc"
    )
    assert motto.bold and motto.underline


def test_a_date_not_known_yet_is_left_to_fill() -> None:
    assert date_line("Xuân Sơn", None) == "Xuân Sơn, ngày … tháng … năm …"
    assert date_line("", date(2026, 1, 2)) == "Ngày 02 tháng 01 năm 2026"


def test_libreoffice_opens_and_prints_it(record_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "lo"
    convert(record_path, "pdf", out)
    pdf = (out / "bien-ban.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
