"""The consolidated and registrations workbooks, opened with openpyxl and with LibreOffice.

Totals are checked against arithmetic done here, not by the code under test.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.campaign_spec import Aggregation, Direction, ValueType
from reports.consolidated import write_consolidated
from reports.data import (
    Column,
    ConsolidatedReport,
    Contact,
    DetailRow,
    Header,
    PeriodLabel,
    RegistrationReport,
    RegistrationRow,
    ReportStatus,
    Signing,
    UnitRow,
)
from reports.registrations import write_registrations
from tests.timeline import vn_time

NOW = datetime(2026, 11, 21, 9, 30)
Q2, Q3 = PeriodLabel("2026Q2", "Quý 2/2026"), PeriodLabel("2026Q3", "Quý 3/2026")
HEADER = Header(
    "UBND thị xã Ngã Năm",
    "BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA",
    "Phong trào thi đua yêu nước năm 2026",
    "Quý 3/2026 (01/07/2026 - 30/09/2026)",
    NOW,
)
TITLES = ["Tập thể lao động tiên tiến", "Tập thể lao động xuất sắc"]

RICE = Column("LUA", "Sản lượng lúa", "tấn", target=D(200), cumulative=True)
HOUSEHOLDS = Column("HO", "Tổng số hộ", "hộ", ValueType.INTEGER)
POOR = Column("NGHEO", "Số hộ nghèo", "hộ", ValueType.INTEGER)
POOR_RATE = Column(
    "TL_NGHEO",
    "Tỷ lệ hộ nghèo",
    "%",
    ValueType.PERCENTAGE,
    Aggregation.RATIO,
    Direction.LOWER_IS_BETTER,
    D(2),
    numerator="NGHEO",
    denominator="HO",
)
REDUCTION = Column(
    "GIAM",
    "Mức giảm tỷ lệ hộ nghèo",
    "điểm %",
    ValueType.NUMBER,
    Aggregation.WEIGHTED_MEAN,
    target=D("1.5"),
    weight="HO",
)
CLINIC = Column("YTE", "Đạt chuẩn y tế", "có/không", ValueType.BOOLEAN, target=D(1))
NOTE = Column("GHICHU", "Ghi chú", "", ValueType.TEXT, Aggregation.NONE)
COLUMNS = [RICE, HOUSEHOLDS, POOR, POOR_RATE, REDUCTION, CLINIC, NOTE]


def unit(code: str, name: str, cluster: str, status: ReportStatus, **values: object) -> UnitRow:
    reported = status is not ReportStatus.MISSING
    return UnitRow(
        code,
        name,
        cluster,
        status,
        submitted_at=datetime(2026, 10, 8, 14, 5) if reported else None,
        submitted_by=f"Người báo cáo {code}" if reported else "",
        values={k: v for k, v in values.items() if k.isupper()},  # type: ignore[misc]
        contacts=(Contact(f"Đại diện {code}", f"09000000{code[-2:]}"),),
    )


UNITS = [
    replace(
        unit(
            "P01",
            "Phường 1",
            "Khối phường",
            ReportStatus.ON_TIME,
            LUA=D(120),
            HO=D(1000),
            NGHEO=D(10),
            GIAM=D(2),
            YTE=D(1),
            GHICHU='=HYPERLINK("x")',
        ),
        history={"2026Q2": {"LUA": D(70)}},
    ),
    replace(
        unit(
            "P02",
            "Phường 2",
            "Khối phường",
            ReportStatus.LATE,
            LUA=D("95.5"),
            HO=D(100),
            NGHEO=D(9),
            GIAM=D(1),
            YTE=D(0),
            GHICHU="+84 đã gọi",
        ),
        targets={"LUA": D(90)},
    ),
    unit(
        "X03",
        "Xã Vĩnh Quới",
        "Khối xã",
        ReportStatus.ON_TIME,
        LUA=D(300),
        HO=D(500),
        NGHEO=D(30),
        GIAM=D(1),
        YTE=D(1),
        GHICHU="-5 hộ\x07 @dân",
    ),
    replace(
        unit("X04", "Xã Long Bình", "Khối xã", ReportStatus.MISSING),
        contacts=(
            Contact("Lê Văn C", "0900000004", reachable=False),
            Contact("Trần D", "0911111111"),
        ),
    ),
]
REPORTED = UNITS[:3]

REGISTRATIONS = RegistrationReport(
    replace(HEADER, title="DANH SÁCH ĐĂNG KÝ THI ĐUA", period=""),
    TITLES,
    [RICE],
    [
        RegistrationRow("P01", "Phường 1", "Khối phường", frozenset(TITLES[:1]), {}, NOW, "A"),
        RegistrationRow(
            "P02", "Phường 2", "Khối phường", frozenset(TITLES), {"LUA": D(90)}, NOW, "B"
        ),
        RegistrationRow("X03", "Xã Vĩnh Quới", "Khối xã"),
        RegistrationRow("X04", "Xã Long Bình", "Khối xã", frozenset(TITLES[1:]), {}, NOW, "C"),
    ],
)


def details() -> list[DetailRow]:
    rows = []
    for row in REPORTED:
        for column in COLUMNS:
            if column.code in row.values:
                rows.append(
                    DetailRow(
                        row.cluster,
                        row.name,
                        Q3.name,
                        column.name,
                        column.measure_unit,
                        row.values[column.code],
                        row.submitted_by,
                        NOW,
                        0,
                        "",
                    )
                )
    rows[0] = replace(rows[0], changes=2, last_reason="Nhập nhầm đơn vị")
    return rows


def report(**changes: object) -> ConsolidatedReport:
    base = ConsolidatedReport(HEADER, Q3, COLUMNS, UNITS, [Q2, Q3], REGISTRATIONS, details())
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "tong-hop.xlsx"
    write_consolidated(report(), path)
    return path


def table(sheet: Worksheet, first_row: int) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(min_row=first_row, values_only=True))


def header_map(sheet: Worksheet) -> dict[str, int]:
    """Column index (1-based) of each "element > sub-header" of sheet Tổng hợp (rows 9-10)."""
    names: dict[str, int] = {}
    current = ""
    for index in range(1, sheet.max_column + 1):
        top, below = sheet.cell(9, index).value, sheet.cell(10, index).value
        if top:
            current = str(top)
        plain = not below or str(below).startswith("(")  # no target: "(measure unit)" only
        names[current if plain else f"{current}>{below}"] = index
    return names


def summary_value(sheet: Worksheet, row: int, key: str) -> object:
    return sheet.cell(row, header_map(sheet)[key]).value


# --------------------------------------------------------------------------- sheets


def test_every_sheet_is_there_in_order(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    assert book.sheetnames == [
        "Tổng hợp",
        "Tiến độ",
        "Lũy kế",
        "Đăng ký thi đua",
        "Chi tiết",
        "Biểu đồ",
    ]


def test_without_cumulative_elements_there_is_no_luy_ke_sheet(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_consolidated(report(columns=[replace(RICE, cumulative=False), *COLUMNS[1:]]), path)
    assert "Lũy kế" not in load_workbook(path).sheetnames


def test_header_block_is_the_administrative_one(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Tổng hợp"]
    texts = [c.value for row in sheet.iter_rows(max_row=8) for c in row if c.value]
    assert texts == [
        "UBND THỊ XÃ NGÃ NĂM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ngày 21 tháng 11 năm 2026",
        "BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA",
        "Phong trào thi đua yêu nước năm 2026",
        "Kỳ báo cáo: Quý 3/2026 (01/07/2026 - 30/09/2026)",
        "Lập lúc 09:30 ngày 21/11/2026 (giờ Việt Nam)",
    ]
    # 23 columns print on two pages wide, broken between column groups; the title is centred
    # over the first page's 14
    assert "A5:N5" in {str(r) for r in sheet.merged_cells.ranges}


# --------------------------------------------------------------------------- Tổng hợp


def test_unit_rows_hold_values_targets_and_achievement(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Tổng hợp"]
    p1, p2, x4 = 13, 14, 17  # row 12: cluster I's subtotal, 15: cluster II's
    assert [sheet.cell(p1, c).value for c in (1, 2, 3)] == [1, "Khối phường", "Phường 1"]
    assert summary_value(sheet, p1, "Sản lượng lúa>Thực hiện (tấn)") == 120
    # an amount's plan target is the campaign's, not each unit's ...
    assert summary_value(sheet, p1, "Sản lượng lúa>Chỉ tiêu") is None
    # ... but a unit's committed target counts
    assert summary_value(sheet, p2, "Sản lượng lúa>Chỉ tiêu") == 90
    assert summary_value(sheet, p2, "Sản lượng lúa>% đạt") == pytest.approx(95.5 / 90)
    # indicator per unit: 10 / 1000 x 100 = 1%, lower is better: target 2 / 1 = 200%
    assert summary_value(sheet, p1, "Tỷ lệ hộ nghèo>Thực hiện (%)") == pytest.approx(1)
    assert summary_value(sheet, p1, "Tỷ lệ hộ nghèo>% đạt") == pytest.approx(2)
    assert summary_value(sheet, p2, "Tỷ lệ hộ nghèo>% đạt") == pytest.approx(2 / 9)
    assert summary_value(sheet, p2, "Đạt chuẩn y tế>Thực hiện (có/không)") == 0
    assert summary_value(sheet, x4, "Tình trạng") == "Chưa báo cáo"
    assert summary_value(sheet, x4, "Sản lượng lúa>Thực hiện (tấn)") is None
    assert summary_value(sheet, p2, "Tình trạng") == "Trễ hạn"
    assert summary_value(sheet, p1, "Thời gian nộp") == datetime(2026, 10, 8, 14, 5)
    assert summary_value(sheet, p1, "Người nộp") == "Người báo cáo P01"


def test_totals_follow_each_elements_aggregation(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Tổng hợp"]
    total = 11
    assert sheet.cell(total, 3).value == "TỔNG CỘNG"
    rice = 120 + 95.5 + 300
    assert summary_value(sheet, total, "Sản lượng lúa>Thực hiện (tấn)") == pytest.approx(rice)
    assert summary_value(sheet, total, "Sản lượng lúa>Chỉ tiêu") == 200
    assert summary_value(sheet, total, "Sản lượng lúa>% đạt") == pytest.approx(rice / 200)
    assert summary_value(sheet, total, "Tổng số hộ") == 1600
    # the share is recomputed from the sums (49 / 1600), never the mean of 1%, 9% and 6%
    poor_share = (10 + 9 + 30) / (1000 + 100 + 500) * 100
    assert summary_value(sheet, total, "Tỷ lệ hộ nghèo>Thực hiện (%)") == pytest.approx(poor_share)
    assert poor_share != pytest.approx((1 + 9 + 6) / 3)
    assert summary_value(sheet, total, "Tỷ lệ hộ nghèo>% đạt") == pytest.approx(2 / poor_share)
    weighted = (2 * 1000 + 1 * 100 + 1 * 500) / 1600
    assert summary_value(sheet, total, "Mức giảm tỷ lệ hộ nghèo>Thực hiện (điểm %)") == (
        pytest.approx(weighted)
    )
    # yes/no: units answering "có", against every unit of the campaign
    assert summary_value(sheet, total, "Đạt chuẩn y tế>Thực hiện (có/không)") == 2
    assert summary_value(sheet, total, "Đạt chuẩn y tế>Chỉ tiêu") == 4
    assert summary_value(sheet, total, "Ghi chú") is None
    assert summary_value(sheet, total, "Tình trạng") == "3/4 đã báo cáo"


def test_units_are_ranked_by_the_share_of_targets_met(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Tổng hợp"]
    # targets per unit: poor-household rate (<= 2), reduction (>= 1.5), clinic (có); P02 also
    # its committed rice target. P01: 1% ok, 2 ok, có ok -> 3/3. P02: 95.5 >= 90 ok, 9% no,
    # 1 no, không no -> 1/4. X03: 6% no, 1 no, có ok -> 1/3.
    units = (13, 14, 16, 17)
    shares = [summary_value(sheet, row, "Tỷ lệ chỉ tiêu đạt") for row in units]
    assert shares[:3] == [pytest.approx(1), pytest.approx(0.25), pytest.approx(1 / 3)]
    assert shares[3] is None
    ranks = [summary_value(sheet, row, "Xếp hạng") for row in units]
    assert ranks == [1, 3, 2, None]


def test_numbers_are_numbers_with_formats_and_print_setup(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Tổng hợp"]
    columns = header_map(sheet)
    rice = sheet.cell(13, columns["Sản lượng lúa>Thực hiện (tấn)"])
    assert isinstance(rice.value, int | float) and rice.number_format == "[$-42A]#,##0.00"
    assert sheet.cell(13, columns["Tổng số hộ"]).number_format == "[$-42A]#,##0"
    assert sheet.cell(13, columns["Sản lượng lúa>% đạt"]).number_format == "[$-42A]0.0%"
    clinic = sheet.cell(13, columns["Đạt chuẩn y tế>Thực hiện (có/không)"])
    assert clinic.value == 1 and clinic.number_format == '"Có";"Có";"Không"'
    assert sheet.cell(11, clinic.column).number_format == "[$-42A]#,##0"  # a count
    when = sheet.cell(13, columns["Thời gian nộp"])
    assert isinstance(when.value, datetime) and when.number_format == "dd/mm/yyyy hh:mm"
    assert rice.font.name == "Times New Roman" and sheet.cell(11, 3).font.b
    assert sheet.freeze_panes == "D12"
    assert sheet.print_title_rows == "$9:$10"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    # too wide for a page: a readable fixed scale and a manual break between column groups
    assert sheet.page_setup.scale == 60 and not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert [b.id for b in sheet.col_breaks.brk] == [14]  # after "Tỷ lệ hộ nghèo"'s % đạt
    assert sheet.print_title_cols == "$A:$C"  # STT, cluster and unit on every page
    assert sheet.column_dimensions["C"].width == 26
    assert sheet.conditional_formatting  # shortfalls in red


def test_wide_tables_break_between_column_groups_on_readable_pages() -> None:
    from reports.excel import PAGE_WIDTH, page_breaks, pages_wide

    assert pages_wide([9] * 20, lead=2) == (1, 20)  # fits: one page wide
    assert page_breaks([9] * 20, lead=2) == []
    lead, rest = [5, 40], [25] * 30  # PAGE_WIDTH - 45 characters per page after the lead
    pages, first = pages_wide(lead + rest, lead=2)
    per_page = (PAGE_WIDTH - 45) // 25
    assert first == 2 + per_page
    assert pages == -(-30 // per_page)
    # groups of three (value, target, %) never split: each page holds whole groups only
    widths = lead + [13, 12, 9] * 10
    breaks = page_breaks(widths, 2, [3] * 10)
    assert breaks and all((column - 2) % 3 == 0 for column in breaks)
    edges = [2, *breaks, len(widths)]
    for start, end in pairwise(edges):
        assert sum(widths[start:end]) + 45 <= PAGE_WIDTH


def test_units_are_grouped_by_cluster_under_subtotals(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Tổng hợp"]
    rows = [[sheet.cell(r, c).value for c in (1, 2, 3)] for r in range(11, 18)]
    assert rows == [
        [None, None, "TỔNG CỘNG"],
        ["I", None, "Khối phường"],
        [1, "Khối phường", "Phường 1"],
        [2, "Khối phường", "Phường 2"],
        ["II", None, "Khối xã"],
        [3, "Khối xã", "Xã Vĩnh Quới"],
        [4, "Khối xã", "Xã Long Bình"],
    ]
    wards, communes = 12, 15
    # sums of the cluster; the share recomputed from the cluster's sums (19 / 1100)
    assert summary_value(sheet, wards, "Sản lượng lúa>Thực hiện (tấn)") == pytest.approx(215.5)
    assert summary_value(sheet, wards, "Tỷ lệ hộ nghèo>Thực hiện (%)") == pytest.approx(19 / 11)
    # an amount's plan target is the whole campaign's: no cluster is measured against it
    assert summary_value(sheet, wards, "Sản lượng lúa>Chỉ tiêu") is None
    # a rate's target is every unit's, so every cluster's too
    assert summary_value(sheet, wards, "Tỷ lệ hộ nghèo>Chỉ tiêu") == 2
    assert summary_value(sheet, communes, "Đạt chuẩn y tế>Chỉ tiêu") == 2  # 2 units x có
    assert summary_value(sheet, communes, "Tình trạng") == "1/2 đã báo cáo"
    assert sheet.cell(wards, 3).font.b and summary_value(sheet, wards, "Xếp hạng") is None


def test_a_column_is_as_wide_as_its_widest_figure(tmp_path: Path) -> None:
    from reports.excel import DECIMAL, INTEGER, Look, shown_width

    assert shown_width(D("12500000"), Look(DECIMAL)) == len("12.500.000,00") + 2
    assert shown_width(1234, Look(INTEGER)) == len("1.234") + 2
    assert shown_width("Phường 1", Look()) == 0
    big = replace(UNITS[0], values={**UNITS[0].values, "LUA": D("987654321.5")})
    path = tmp_path / "r.xlsx"
    write_consolidated(report(units=[big, *UNITS[1:]]), path)
    sheet = load_workbook(path)["Tổng hợp"]
    rice = header_map(sheet)["Sản lượng lúa>Thực hiện (tấn)"]
    shown = len("987.654.937,00")  # the total, the column's widest figure
    assert sheet.column_dimensions[get_column_letter(rice)].width >= shown + 2


def test_wrapped_text_makes_its_row_taller() -> None:
    from reports.excel import text_lines

    assert text_lines("Phường 1", 26) == 1
    assert text_lines("Khối Mặt trận Tổ quốc và các đoàn thể", 16) == 3
    assert text_lines("Lê Văn C\nTrần D", 26) == 2
    assert text_lines("x" * 40, 11) == 4  # a word longer than a line is cut


def test_rows_grow_for_long_names_and_two_representatives(tmp_path: Path) -> None:
    long = replace(UNITS[3], name="Khối Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội")
    path = tmp_path / "r.xlsx"
    write_consolidated(report(units=[*UNITS[:3], long]), path)
    book = load_workbook(path)
    summary = book["Tổng hợp"]
    assert summary.row_dimensions[17].height >= 2 * 13  # the name wraps over 2 lines in 26
    assert summary.row_dimensions[13].height is None  # short names keep the default
    progress = book["Tiến độ"]
    [missing] = [r for r in progress.iter_rows(min_row=9) if r[2].value == long.name]
    assert progress.row_dimensions[missing[0].row].height >= 2 * 13  # two people, two lines


def test_text_that_looks_like_a_formula_is_never_evaluated(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    sheet = book["Tổng hợp"]
    note = header_map(sheet)["Ghi chú"]
    cells = [sheet.cell(row, note) for row in (13, 14, 16)]
    assert [c.value for c in cells] == ['=HYPERLINK("x")', "+84 đã gọi", "-5 hộ @dân"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    detail = [r for r in book["Chi tiết"].iter_rows(min_row=2) if r[3].value == "Ghi chú"]
    assert [r[5].value for r in detail] == ['=HYPERLINK("x")', "+84 đã gọi", "-5 hộ @dân"]
    assert all(r[5].data_type == "s" and r[5].quotePrefix for r in detail)


# --------------------------------------------------------------------------- other sheets


def test_progress_sheet_counts_rates_and_lists_the_missing(workbook_path: Path) -> None:
    rows = table(load_workbook(workbook_path)["Tiến độ"], 9)
    assert rows[1][:8] == (
        "Cụm/khối",
        "Số đơn vị",
        "Đã báo cáo",
        "Tỷ lệ báo cáo",
        "Đúng hạn",
        "Trễ hạn",
        "Tỷ lệ đúng hạn",
        "Chưa báo cáo",
    )
    assert rows[2][:8] == ("Khối phường", 2, 2, 1, 1, 1, 0.5, 0)
    assert rows[3][:8] == ("Khối xã", 2, 1, 0.5, 1, 0, 0.5, 1)
    assert rows[4][:8] == ("Toàn phong trào", 4, 3, 0.75, 2, 1, 0.5, 1)
    assert rows[6][0] == "II. ĐƠN VỊ CHƯA BÁO CÁO (1)"
    assert rows[8][:6] == (
        1,
        "Khối xã",
        "Xã Long Bình",
        "Lê Văn C\nTrần D",
        "0900000004\n0911111111",
        "Lê Văn C đã chặn bot",
    )


def test_cumulative_sheet_puts_the_periods_side_by_side(workbook_path: Path) -> None:
    rows = table(load_workbook(workbook_path)["Lũy kế"], 9)
    assert rows[0][3] == "Sản lượng lúa (tấn)" and rows[1][3:5] == ("Quý 2/2026", "Quý 3/2026")
    assert rows[2][2:5] == ("TỔNG CỘNG", 70, pytest.approx(515.5))
    assert rows[3][:5] == ("I", None, "Khối phường", 70, pytest.approx(215.5))
    assert rows[4][2:5] == ("Phường 1", 70, 120)
    assert rows[5][2:5] == ("Phường 2", None, 95.5)
    assert rows[6][:5] == ("II", None, "Khối xã", None, 300)


def test_registration_sheet_marks_titles_and_counts_them(workbook_path: Path) -> None:
    rows = table(load_workbook(workbook_path)["Đăng ký thi đua"], 9)
    assert rows[1][3:6] == (*TITLES, "Sản lượng lúa (tấn)")
    assert rows[2][2:7] == ("TỔNG SỐ ĐƠN VỊ", 2, 2, None, "3/4 đã đăng ký")
    assert rows[4][2:7] == ("Phường 2", "x", "x", 90, "Đã đăng ký")
    assert rows[5][2:7] == ("Xã Vĩnh Quới", None, None, None, "Chưa đăng ký")


def test_detail_sheet_is_a_filterable_table(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Chi tiết"]
    rows = table(sheet, 1)
    assert rows[0][:6] == ("Cụm/khối", "Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Đơn vị tính", "Giá trị")
    assert rows[1] == (
        "Khối phường",
        "Phường 1",
        "Quý 3/2026",
        "Sản lượng lúa",
        "tấn",
        120,
        "Người báo cáo P01",
        NOW,
        2,
        "Nhập nhầm đơn vị",
    )
    assert len(rows) == 1 + len(details())
    formats = {
        cell.value: cell.number_format
        for (cell,) in sheet.iter_rows(min_row=2, min_col=6, max_col=6)
        if isinstance(cell.value, int | float)
    }
    assert formats[120] == "[$-42A]#,##0"  # a whole figure: "120", not "120,00"
    assert formats[95.5] == "[$-42A]#,##0.00"
    assert sheet.auto_filter.ref == f"A1:J{len(rows)}"
    assert sheet.freeze_panes == "A2"


def test_chart_sheet_has_both_charts_over_its_tables(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Biểu đồ"]
    assert sheet.cell(5, 1).value == "BIỂU ĐỒ KẾT QUẢ THI ĐUA"
    head = next(r for r in range(9, sheet.max_row) if sheet.cell(r, 1).value == "Đơn vị")
    rows = table(sheet, head)
    assert [r[0] for r in rows[1:4]] == ["Phường 1", "Xã Vĩnh Quới", "Phường 2"]  # by rank
    assert rows[1][1] == pytest.approx(1)
    assert [r[3] for r in rows[1:4]] == ["Khối phường", "Khối xã", "Toàn phong trào"]
    assert len(sheet._charts) == 2  # openpyxl reads charts back into _charts


def test_registrations_workbook_stands_alone(tmp_path: Path) -> None:
    path = tmp_path / "dang-ky.xlsx"
    write_registrations(REGISTRATIONS, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Đăng ký thi đua"]
    sheet = book["Đăng ký thi đua"]
    assert sheet.cell(5, 1).value == "DANH SÁCH ĐĂNG KÝ THI ĐUA"
    assert sheet.cell(12, 3).value == "Phường 1" and sheet.cell(12, 4).value == "x"


def test_a_campaign_without_clusters_drops_the_cluster_column(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    plain = [replace(u, cluster="") for u in UNITS]
    write_consolidated(report(units=plain), path)
    sheet = load_workbook(path)["Tổng hợp"]
    assert [sheet.cell(9, c).value for c in (1, 2, 3)] == ["STT", "Đơn vị", "Sản lượng lúa"]
    assert sheet.freeze_panes == "C12"


def test_a_binary_file_object_is_a_valid_target(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    with path.open("wb") as target:
        write_consolidated(report(details=iter(details())), target)
    assert load_workbook(path)["Chi tiết"].max_row == 1 + len(details())


# --------------------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=12))
def test_totals_are_recomputed_from_sums_for_any_figures(
    tmp_path_factory: pytest.TempPathFactory, figures: list[tuple[int, int, int]]
) -> None:
    units = [
        unit(
            f"U{i:02d}",
            f"Đơn vị {i}",
            "",
            ReportStatus.ON_TIME,
            HO=D(households + poor),
            NGHEO=D(poor),
            LUA=D(rice),
        )
        for i, (households, poor, rice) in enumerate(figures)
    ]
    path = tmp_path_factory.mktemp("p") / "r.xlsx"
    write_consolidated(report(units=units, details=[]), path)
    sheet = load_workbook(path, read_only=False)["Tổng hợp"]
    poor = sum(p for _h, p, _r in figures)
    households = sum(h + p for h, p, _r in figures)
    expected = poor / households * 100 if households else None
    got = summary_value(sheet, 11, "Tỷ lệ hộ nghèo>Thực hiện (%)")
    assert got == (pytest.approx(expected) if expected is not None else None)
    assert summary_value(sheet, 11, "Sản lượng lúa>Thực hiện (tấn)") == sum(r for *_x, r in figures)


# --------------------------------------------------------------------------- LibreOffice


def libreoffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def convert(source: Path, target: str, folder: Path) -> None:
    profile = folder / "profile"
    subprocess.run(
        [
            libreoffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_libreoffice_prints_it_and_reads_back_the_same_totals(
    workbook_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lo"
    convert(workbook_path, "pdf", out)
    pdf = (out / "tong-hop.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert pdf.startswith(b"%PDF") and len(pages) >= 6
    # Vietnamese separators on any system: the formats carry their locale (issue 18)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "tong-hop.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "1.600" in text and "515,50" in text and "1,600" not in text
    assert "###" not in text  # every figure fits its column
    summary_pages = [page for page in text.split("\f") if "Tổng hợp — Trang" in page]
    assert len(summary_pages) == 2
    for page in summary_pages:  # no column group is split over two pages
        letters = page.replace(" ", "")  # pdftotext may space out the letters of a word
        assert letters.count("Chỉtiêu") == letters.count("%đạt") >= 1
    assert "Tỷ lệ hộ nghèo" in summary_pages[0] and "Ghi chú" in summary_pages[1]
    footers = re.findall(r"(\S+(?: \S+)?) — Trang (\d+)", text)
    assert ("Tổng hợp", "1") in footers and ("Tiến độ", "1") in footers  # numbered per sheet
    assert "Trang 1/" not in text
    # every sheet as CSV, values as LibreOffice shows them (formats applied, an en-US export)
    convert(
        workbook_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1",
        out,
    )
    rows = list(csv.reader((out / "tong-hop-Tổng hợp.csv").open(encoding="utf-8")))
    total = rows[10]
    columns = header_map(load_workbook(workbook_path)["Tổng hợp"])

    def shown(key: str) -> str:
        return total[columns[key] - 1]

    assert total[2] == "TỔNG CỘNG"
    assert shown("Sản lượng lúa>Thực hiện (tấn)") == "515,50"
    assert shown("Sản lượng lúa>% đạt") == f"{515.5 / 200 * 100:.1f}%".replace(".", ",")
    assert shown("Tổng số hộ") == "1.600"
    assert shown("Tỷ lệ hộ nghèo>Thực hiện (%)") == f"{49 / 1600 * 100:.2f}".replace(".", ",")
    # spreadsheets round half away from zero: 2600 / 1600 = 1.625 shows 1,63
    assert shown("Mức giảm tỷ lệ hộ nghèo>Thực hiện (điểm %)") == "1,63"
    assert shown("Đạt chuẩn y tế>Thực hiện (có/không)") == "2"
    assert rows[12][columns["Đạt chuẩn y tế>Thực hiện (có/không)"] - 1] == "Có"
    assert rows[12][columns["Ghi chú"] - 1] == '=HYPERLINK("x")'
    progress = list(csv.reader((out / "tong-hop-Tiến độ.csv").open(encoding="utf-8")))
    assert progress[12][:4] == ["Toàn phong trào", "4", "3", "75,0%"]


def test_old_workbooks_are_pruned_from_the_reports_folder(tmp_path: Path) -> None:
    from services.documents import prune

    now = vn_time(date(2026, 11, 21))  # 02:00 UTC
    old = tmp_path / "tong-hop-NGANAM2026-2026Q4-20261114T015959-0a1b2c3d.xlsx"  # 7 days + 1 s
    kept = tmp_path / "tong-hop-NGANAM2026-2026Q4-20261114T020000-0a1b2c3d.xlsx"  # 7 days
    fresh = tmp_path / "dang-ky-thi-dua-NGANAM2026-20261121T020304-0a1b2c3d.xlsx"
    clerks = tmp_path / "bao-cao-quy-3-20261001T020304-0a1b2c3d.xlsx"  # the office's own file
    for path in (old, kept, fresh, clerks):
        path.write_bytes(b"x")
    assert prune(tmp_path, now) == 1  # by the time in the name, never the file system's clock
    assert not old.exists() and kept.exists() and fresh.exists() and clerks.exists()


async def test_saving_goes_through_a_temporary_file(tmp_path: Path) -> None:
    from domain.errors import DomainError
    from services.documents import save_as

    target = tmp_path / "bao-cao.xlsx"
    assert await save_as(write_consolidated, report(), target) == target
    good = target.read_bytes()

    def broken(_report: object, path: Path) -> None:
        path.write_bytes(b"half a workbook")
        raise RuntimeError("builder failed")

    with pytest.raises(RuntimeError):
        await save_as(broken, report(), target)
    assert target.read_bytes() == good and list(tmp_path.iterdir()) == [target]
    with pytest.raises(DomainError, match="Không lưu được file"):
        await save_as(write_consolidated, report(), tmp_path / "no-such-folder" / "x.xlsx")


def test_a_percentage_entered_per_unit_is_neither_summed_nor_averaged(tmp_path: Path) -> None:
    coverage = Column("PHU", "Tỷ lệ che phủ", "%", ValueType.PERCENTAGE, target=D(90))
    units = [
        unit(f"U{i}", f"Đơn vị {i}", "", ReportStatus.ON_TIME, PHU=D(share))
        for i, share in enumerate((95, 80, 92))
    ]
    path = tmp_path / "r.xlsx"
    write_consolidated(report(columns=[coverage], units=units, details=[]), path)
    sheet = load_workbook(path)["Tổng hợp"]
    assert summary_value(sheet, 11, "Tỷ lệ che phủ>Thực hiện (%)") is None
    assert summary_value(sheet, 11, "Tỷ lệ che phủ>Chỉ tiêu") is None
    assert summary_value(sheet, 12, "Tỷ lệ che phủ>% đạt") == pytest.approx(95 / 90)


def test_characters_xml_cannot_hold_are_dropped(tmp_path: Path) -> None:
    odd = replace(UNITS[0], values={**UNITS[0].values, "GHICHU": "a\uffffb\x0bc\ufffe"})
    path = tmp_path / "r.xlsx"
    write_consolidated(report(units=[odd], details=[]), path)
    sheet = load_workbook(path)["Tổng hợp"]
    assert summary_value(sheet, 13, "Ghi chú") == "abc"


SIGNED = Signing(
    issuing_body="UBND thị xã Ngã Năm",
    parent_body="UBND tỉnh Sóc Trăng",
    place="Ngã Năm",
    number_suffix="BC-UBND",
    signer_title="Chủ tịch",
    signer_name="Nguyễn Văn Bình",
    recipients=("UBND tỉnh", "Các phường, xã", "Lưu: VT"),
)


def test_a_signed_report_has_the_decree_30_header_and_signature(tmp_path: Path) -> None:
    path = tmp_path / "ky.xlsx"
    write_consolidated(report(header=replace(HEADER, signing=SIGNED)), path)
    sheet = load_workbook(path)["Tổng hợp"]
    texts = [c.value for row in sheet.iter_rows(max_row=4) for c in row if c.value]
    assert texts == [
        "UBND TỈNH SÓC TRĂNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "UBND THỊ XÃ NGÃ NĂM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …………/BC-UBND",
        "Ngã Năm, ngày 21 tháng 11 năm 2026",
    ]
    motto = next(c for c in sheet[2] if c.value == "Độc lập - Tự do - Hạnh phúc")
    assert motto.font.u == "single" and motto.font.b
    below = [c.value for row in sheet.iter_rows(min_row=18) for c in row if c.value]
    assert below[:3] == ["Nơi nhận:", "NGƯỜI LẬP BIỂU", "CHỦ TỊCH"]
    assert "- UBND tỉnh;" in below and "- Lưu: VT." in below and below[-1] == "Nguyễn Văn Bình"

    out = tmp_path / "lo"
    convert(path, "pdf", out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "ky.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # once, whole, under the table's last rows on the page with the units' names
    sheet_pages = [page for page in text.split("\f") if "Tổng hợp — Trang" in page]
    [signed] = [page for page in sheet_pages if "Nơi nhận:" in page]
    assert signed == sheet_pages[-1]  # the last page of the sheet, the one a signer signs
    assert "Xã Long Bình" in signed and "Nguyễn Văn Bình" in signed
    assert "(Ký tên, đóng dấu)" in signed and "- Lưu: VT." in signed
