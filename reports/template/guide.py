"""The instructions sheet "Hướng dẫn" that opens the campaign template (the reader ignores it).

It explains, in Vietnamese, how to fill each data sheet: general rules (numbers the Vietnamese
way, dates dd/mm/yyyy, codes, lists separated by ``;``), then per sheet its intro and a table of
its columns (header, required, help, drop-down values, all from
:data:`~reports.template.columns.TEMPLATE_COLUMNS`), examples (a ratio indicator, a criteria
table, two reviews), and the command that imports the filled file.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.template_cells import YES
from reports.template.columns import (
    CAMPAIGN_SHEET,
    CRITERIA_SHEET,
    DATA_SHEETS,
    ELEMENTS_SHEET,
    GUIDE_SHEET,
    IMPORT_COMMAND,
    REVIEWS_SHEET,
    SHEET_INTROS,
    TEMPLATE_COLUMNS,
    TITLES_SHEET,
    UNITS_SHEET,
)
from reports.template.styles import HEADER_FILL, HEADER_FONT, WRAP_TOP

__all__ = ["write_guide"]

_GUIDE_WIDTHS = (26, 10, 70, 36)
_GUIDE_GENERAL = (
    "File này dùng để khai một phong trào thi đua cho hệ thống báo cáo qua Telegram/Zalo.",
    f'Điền 4 trang: "{CAMPAIGN_SHEET}", "{ELEMENTS_SHEET}", "{UNITS_SHEET}", "{TITLES_SHEET}". '
    "Không đổi tên trang; dòng 1 mỗi trang là tiêu đề cột.",
    f'Nếu phong trào chấm điểm thi đua: điền thêm trang "{CRITERIA_SHEET}" (bảng tiêu chí chấm '
    f'điểm) và "{REVIEWS_SHEET}" (các đợt sơ kết, tổng kết: thời gian tự chấm, chấm chéo, họp '
    "bình xét); không chấm điểm thì để trống hai trang này.",
    "Có thể đổi thứ tự cột hoặc thêm cột ghi chú; không xóa cột bắt buộc. Dòng trống được bỏ qua.",
    "Số: ghi số trực tiếp hoặc theo kiểu Việt Nam — dấu chấm ngăn hàng nghìn, dấu phẩy là "
    "phần thập phân: 12.500 (mười hai nghìn năm trăm), 12,5 (mười hai phẩy năm).",
    "Ngày: dạng dd/mm/yyyy, ví dụ 31/12/2024.",
    "Nhiều người đại diện hoặc nhiều số điện thoại trong một ô: cách nhau bằng dấu ; "
    "(ví dụ: Nguyễn Văn An; Trần Thị Bình — 0912345678; 0987654321). Người thứ nhất ứng với "
    "số thứ nhất.",
    "Ô có danh sách chọn: bấm vào ô để chọn; nếu gõ tay thì phải gõ đúng, có dấu (ví dụ: quý, số nguyên).",
    "Mã (phong trào, chỉ tiêu, đơn vị, danh hiệu, tiêu chí, đợt sơ kết): chỉ gồm chữ, số và dấu _ - . , không có dấu "
    "cách, không trùng trong một trang; chữ thường được đổi thành chữ hoa.",
)
_GUIDE_RATIO_EXAMPLE = (
    "Ví dụ khai tỷ lệ tham gia bảo hiểm y tế (Mã | Tên | Đơn vị tính | Kiểu | Cách tổng hợp | "
    "Tử số | Mẫu số | Chỉ tiêu kế hoạch):",
    "    DAN_SO | Dân số | người | số nguyên | cộng | | |",
    "    BHYT | Số người tham gia BHYT | người | số nguyên | cộng | | |",
    "    TL_BHYT | Tỷ lệ tham gia BHYT | % | phần trăm | tỷ lệ từ tử số-mẫu số | BHYT | DAN_SO "
    "| 95,15",
)
_GUIDE_CRITERIA_EXAMPLE = (
    "Ví dụ bảng tiêu chí (Mã | Tên tiêu chí | Nhóm | Điểm tối đa | Loại điểm | Cần minh chứng | "
    "Chấm tự động từ chỉ tiêu | Quy tắc chấm tự động):",
    "    I.1 | Tỷ lệ người tham gia BHYT | I. Kinh tế - xã hội | 15 | điểm chuẩn | không | TL_BHYT "
    "| ≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ",
    "    II.1 | Tổ chức hoạt động văn hóa, thể thao | II. Văn hóa | 10 | điểm chuẩn | có | |",
    "    III.1 | Có mô hình mới, cách làm hay | III. Thưởng, trừ | 5 | điểm thưởng | có | |",
    "    III.2 | Để xảy ra vụ việc phức tạp về an ninh | III. Thưởng, trừ | 5 | điểm trừ | không "
    "| |",
    "Tổng điểm của đơn vị = điểm chuẩn + điểm thưởng − điểm trừ.",
)
_GUIDE_REVIEWS_EXAMPLE = (
    "Ví dụ (Mã | Tên đợt | Kỳ đánh giá | Tự chấm từ ngày | Tự chấm đến ngày | Chấm chéo từ ngày | "
    "Chấm chéo đến ngày | Ngày họp bình xét | Cách tính điểm cuối cùng):",
    "    SOKET | Sơ kết 6 tháng đầu năm | 2026S1 | 11/07/2026 | 20/07/2026 | 21/07/2026 | "
    "28/07/2026 | 05/08/2026 | tự chấm 30%, chấm chéo 30%, văn phòng 40%",
    "    TONGKET | Tổng kết năm | 2026 | 11/01/2027 | 20/01/2027 | 21/01/2027 | 28/01/2027 | "
    "05/02/2027 | tự chấm 30%, chấm chéo 30%, văn phòng 40%",
)
_GUIDE_EXAMPLES = {
    ELEMENTS_SHEET: _GUIDE_RATIO_EXAMPLE,
    CRITERIA_SHEET: _GUIDE_CRITERIA_EXAMPLE,
    REVIEWS_SHEET: _GUIDE_REVIEWS_EXAMPLE,
}

_GUIDE_IMPORT = (
    "Lưu file dạng Excel (.xlsx), rồi chạy lệnh:",
    IMPORT_COMMAND,
    "Hệ thống kiểm tra toàn bộ file và báo tất cả lỗi cùng lúc (trang, dòng, cột, lý do). "
    "Sửa hết lỗi rồi nhập lại; nhập lại file đã sửa sẽ cập nhật theo mã.",
)


def _guide_lines() -> list[tuple[str, tuple[str, ...]]]:
    """The instructions sheet as (style, cells) lines; styles: title, heading, head, text, row."""
    lines: list[tuple[str, tuple[str, ...]]] = [
        ("title", ("HƯỚNG DẪN KHAI PHONG TRÀO THI ĐUA BẰNG FILE EXCEL",)),
        *(("text", (line,)) for line in _GUIDE_GENERAL),
    ]
    for sheet in DATA_SHEETS:
        lines += [
            ("text", ("",)),
            ("heading", (f'Trang "{sheet}"',)),
            ("text", (SHEET_INTROS[sheet],)),
        ]
        lines.append(("head", ("Cột", "Bắt buộc", "Ý nghĩa và cách ghi", "Giá trị chọn")))
        lines += [
            ("row", (c.header, YES if c.required else "", c.help, ", ".join(c.choices)))
            for c in TEMPLATE_COLUMNS[sheet]
        ]
        lines += [("text", (line,)) for line in _GUIDE_EXAMPLES.get(sheet, ())]
    lines += [("text", ("",)), ("heading", ("Cách nhập vào hệ thống",))]
    lines += [("text", (line,)) for line in _GUIDE_IMPORT]
    return lines


def write_guide(ws: Any) -> None:
    """Fill ``ws`` (the workbook's first sheet) as the instructions sheet "Hướng dẫn"."""
    ws.title = GUIDE_SHEET
    for index, width in enumerate(_GUIDE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row_number, (style, values) in enumerate(_guide_lines(), start=1):
        for index, value in enumerate(values, start=1):
            _style_guide_cell(ws.cell(row=row_number, column=index, value=value), style)
        if style == "row":
            lines = max(math.ceil(len(values[2]) / 65), math.ceil(len(values[3]) / 32), 1)
            ws.row_dimensions[row_number].height = 15 * lines
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _style_guide_cell(cell: Any, style: str) -> None:
    if style == "title":
        cell.font = Font(bold=True, size=14)
    elif style == "heading":
        cell.font = Font(bold=True, size=12)
    elif style == "head":
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    elif style == "row":
        cell.alignment = WRAP_TOP
