"""The commendation proposal workbook: its four sheets as openpyxl and LibreOffice read them."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.data import (
    CriterionColumn,
    EvidenceRow,
    Header,
    PersonRow,
    ProposalReport,
    ScoreRow,
)
from reports.excel import HEADER_ROWS
from reports.proposals import write_proposals
from tests.test_report_workbook import convert

D = Decimal
EXCELLENT = "Tập thể lao động xuất sắc"
ADVANCED = "Tập thể lao động tiên tiến"
WORKER = "Lao động tiên tiến"


def _report() -> ProposalReport:
    criteria = (
        CriterionColumn("1", "Hoàn thành nhiệm vụ", "Nhiệm vụ", D(90), "điểm chuẩn"),
        CriterionColumn("2", "Mô hình mới", "Thưởng", D("10.5"), "điểm thưởng"),
    )
    rows = (
        ScoreRow(
            "Cụm thôn",
            "Thôn Đông",
            D(90),
            D(82),
            2,
            D(90),
            D("87.60"),
            1,
            (EXCELLENT, ADVANCED),
            True,
            {"1": D(85), "2": D(5)},
        ),
        ScoreRow(
            "Cụm thôn",
            "Thôn Đoài",
            D(84),
            D(80),
            2,
            D(84),
            D("82.80"),
            2,
            (ADVANCED,),
            True,
            {"1": D(80), "2": D(4)},
        ),
        ScoreRow(
            "Cụm thôn", "Thôn Đồi Dư", D(70), None, 0, None, None, None, (), False, {"1": D(70)}
        ),
    )
    evidence = (
        EvidenceRow(
            "Thôn Đông",
            "2. Mô hình mới",
            "anh-1.jpg",
            "Nguyễn Văn Hùng",
            datetime(2026, 6, 20, 9, 5),
            "https://bot.example/minh-chung/abc",
        ),
    )
    return ProposalReport(
        header=Header(
            "UBND xã Xuân Sơn",
            "",
            "Phong trào thi đua 2026",
            "Sơ kết 6 tháng đầu năm",
            datetime(2026, 6, 30, 8, 0),
        ),
        weights="tự chấm 30%, chấm chéo 30%, văn phòng 40%",
        criteria=criteria,
        rows=rows,
        titles=(EXCELLENT, ADVANCED),
        tied={EXCELLENT: ["Thôn Bắc", "Thôn Nam"]},
        evidence=evidence,
        person_titles=(WORKER,),
        people=(
            PersonRow("Nguyễn Văn An", "Trưởng thôn", "Thôn Đông", WORKER, D("87.60"), True),
            PersonRow("Lê Thị Hoa", "", "Thôn Đồi Dư", WORKER, None, False),
        ),
    )


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "de-nghi.xlsx"
    write_proposals(_report(), path)
    return path


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    return [row for row in book[sheet].iter_rows(min_row=HEADER_ROWS + 1, values_only=True)]


def test_the_ranking_sheet_holds_numbers_and_titles(workbook_path: Path) -> None:
    rows = _rows(workbook_path, "Xếp hạng")
    assert rows[0][:4] == (
        "STT",
        "Cụm/khối",
        "Đơn vị",
        "Điểm (tự chấm 30%, chấm chéo 30%, văn phòng 40%)",
    )
    dong, doai, doi_du = rows[2:5]
    assert dong[2:] == (
        "Thôn Đông",
        90,
        82,
        90,
        87.6,  # a number cell, as Excel stores it
        1,
        f"{EXCELLENT}, {ADVANCED}",
        "Đã duyệt",
    )
    assert doi_du[4] is None and doi_du[6] is None and doi_du[7] is None
    assert doi_du[-1] == "Chưa duyệt"
    assert doai[7] == 2


def test_points_per_criterion_show_each_maximum(workbook_path: Path) -> None:
    rows = _rows(workbook_path, "Điểm theo tiêu chí")
    assert rows[1][3:5] == (
        "1. Hoàn thành nhiệm vụ (tối đa 90; điểm chuẩn)",
        "2. Mô hình mới (tối đa 10,5; điểm thưởng)",
    )
    assert rows[2][3:] == (85, 5, 87.6)
    assert rows[4][3:] == (70, None, None)


def test_the_proposal_lists_units_per_title_and_the_ties(workbook_path: Path) -> None:
    rows = _rows(workbook_path, "Đề nghị khen thưởng")
    values = [row[1] for row in rows]
    assert values[2:11] == [
        f"{EXCELLENT} (1 đơn vị)",
        "Thôn Đông",
        "Đồng điểm ở giới hạn tỷ lệ, Hội đồng xem xét: Thôn Bắc, Thôn Nam",
        f"{ADVANCED} (2 đơn vị)",
        "Thôn Đông",
        "Thôn Đoài",
        f"{WORKER} (1 cá nhân)",
        "Nguyễn Văn An (Trưởng thôn) — Thôn Đông",  # Lê Thị Hoa's unit is not approved
        None,
    ]
    # the list is signed and sent: "Nơi nhận" and the signatures under it (Decree 30)
    signature = [cell for row in rows[11:13] for cell in row if cell]
    assert signature == [
        "Nơi nhận:",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "(Ký, ghi rõ họ tên)",
        "(Ký tên, đóng dấu)",
    ]


def test_the_evidence_list_links_each_file(workbook_path: Path) -> None:
    rows = _rows(workbook_path, "Minh chứng")
    assert rows[2][1:] == (
        "Thôn Đông",
        "2. Mô hình mới",
        "anh-1.jpg",
        "Nguyễn Văn Hùng",
        datetime(2026, 6, 20, 9, 5),
        "https://bot.example/minh-chung/abc",
    )


def test_libreoffice_prints_every_sheet(workbook_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "lo"
    convert(workbook_path, "pdf", out)
    pdf = (out / "de-nghi.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4
