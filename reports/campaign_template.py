"""The campaign template: the Excel workbook in which an office defines a campaign.

Like an XLSForm for ODK, a workbook with fixed sheets and columns describes one campaign
(:class:`~domain.campaign_spec.CampaignSpec`): sheet "Phong trào" (one data row), "Chỉ tiêu" (data
elements and indicators), "Đơn vị" (reporting units) and "Danh hiệu" (emulation titles), preceded by
an instructions sheet "Hướng dẫn" that the reader ignores.

:func:`write_template` writes the blank template, or a filled one from a spec (the shipped samples);
:func:`read_template` validates a whole workbook and returns the spec, or raises
:class:`TemplateInvalid` listing every problem found (sheet, row, column, Vietnamese message).

Headers, drop-down choices and help texts live in :data:`TEMPLATE_COLUMNS`. Headers are matched
after folding (case, diacritics and punctuation do not matter), so a header typed
``"Ma phong trao"`` is found; drop-down values must keep their diacritics (``"so"`` is refused,
``"SỐ"`` is fine), since a value without them can be ambiguous, but either placement of the
tone mark is fine (``"luỹ kế"`` = ``"lũy kế"``). Columns may be in any order and extra columns
are ignored; a column whose cells are required must be present.

Numbers: a number cell formatted as a percentage (Excel shows ``95%`` and stores 0.95) reads as
the percentage, 95; text is read the Vietnamese way (``12.500``, ``95,15%``, ``45 tỷ``) and may
end with the element's own measure unit (``12 hộ``, ``12.500 tấn``); a percentage or a unit
that is not the element's is reported, never dropped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    Direction,
    ElementSpec,
    Frequency,
    TitleKind,
    TitleSpec,
    UnitSpec,
    ValueType,
    label,
)
from domain.errors import DomainError
from domain.numbers import NumberParseError, format_number, parse_boolean
from domain.phones import normalize_phone
from domain.reading import AskBack, read_figure
from domain.text import fold, normalize_tone_placement
from domain.validation import MAX_MAGNITUDE, Rules

__all__ = [
    "CAMPAIGN_SHEET",
    "DATA_SHEETS",
    "ELEMENTS_SHEET",
    "GUIDE_SHEET",
    "MAX_REMINDER_DAYS",
    "TEMPLATE_COLUMNS",
    "TITLES_SHEET",
    "UNITS_SHEET",
    "Column",
    "TemplateError",
    "TemplateInvalid",
    "read_template",
    "write_template",
]

_E = TypeVar("_E")
_T = TypeVar("_T")
_S = TypeVar("_S", bound=StrEnum)

# --------------------------------------------------------------------------- sheets and columns

GUIDE_SHEET = "Hướng dẫn"
CAMPAIGN_SHEET = "Phong trào"
ELEMENTS_SHEET = "Chỉ tiêu"
UNITS_SHEET = "Đơn vị"
TITLES_SHEET = "Danh hiệu"
DATA_SHEETS = (CAMPAIGN_SHEET, ELEMENTS_SHEET, UNITS_SHEET, TITLES_SHEET)
"""The sheets the reader needs, in the order they follow the instructions sheet."""

YES, NO = "có", "không"
CUMULATIVE, PER_PERIOD = "lũy kế", "theo kỳ"
DATE_FORMAT = "DD/MM/YYYY"
VALIDATION_ROWS = 500
"""Drop-down lists and cell formats cover data rows 2..VALIDATION_ROWS (more if a spec needs)."""

IMPORT_COMMAND = "reportbot campaign import TEN_FILE.xlsx"

_CAMPAIGN_DEFAULTS = CampaignSpec("", "", date.min, date.min, Frequency.YEARLY)
_DEFAULT_DUE_DAYS = _CAMPAIGN_DEFAULTS.due_days
_DEFAULT_LOCK_DAYS = _CAMPAIGN_DEFAULTS.lock_days
MAX_REMINDER_DAYS = 60
"""Upper bound of every reminder and escalation day count of sheet "Phong trào"."""


def _shown_days(days: Sequence[int]) -> str:
    """A list of reminder days as written in the template: ``3; 1``, or ``không`` when empty."""
    return "; ".join(str(day) for day in days) if days else NO


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _labels(values: Iterable[StrEnum]) -> tuple[str, ...]:
    """The Vietnamese drop-down labels of an enumeration, in declaration order."""
    return tuple(label(value) for value in values)


@dataclass(frozen=True)
class Column:
    """One column of a template sheet.

    ``key`` names the spec field it fills; ``header`` is the text of row 1; ``help`` explains it
    (header comment and instructions sheet); ``required`` means every data row must fill it, and
    so the column must exist; ``choices`` are the drop-down values; ``number_format`` is applied
    to the data cells (dates, whole numbers, text for phones).
    """

    key: str
    header: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 18
    number_format: str | None = None


_CODE_HELP = "chỉ gồm chữ, số và các dấu _ - . (không có dấu cách); không trùng trong trang"

_CAMPAIGN_COLUMNS = (
    Column(
        "code",
        "Mã phong trào",
        f"Mã ngắn của phong trào, {_CODE_HELP}. Ví dụ: XUANSON2024.",
        required=True,
        width=16,
    ),
    Column("name", "Tên phong trào", "Tên đầy đủ của phong trào thi đua.", required=True, width=45),
    Column("theme", "Chủ đề", "Chủ đề, khẩu hiệu thi đua (không bắt buộc).", width=40),
    Column("issuing_body", "Cơ quan ban hành", "Ví dụ: UBND xã Xuân Sơn.", width=30),
    Column("document_number", "Số văn bản", "Số kế hoạch phát động. Ví dụ: 14/KH-HĐTĐKT."),
    Column(
        "start",
        "Ngày bắt đầu",
        "Ngày dạng dd/mm/yyyy. Ví dụ: 01/01/2024.",
        required=True,
        width=14,
        number_format=DATE_FORMAT,
    ),
    Column(
        "end",
        "Ngày kết thúc",
        "Ngày dạng dd/mm/yyyy, không trước ngày bắt đầu.",
        required=True,
        width=14,
        number_format=DATE_FORMAT,
    ),
    Column(
        "frequency",
        "Kỳ báo cáo",
        "Các đơn vị nộp số liệu mỗi tháng, quý, 6 tháng hay năm.",
        required=True,
        choices=_labels(Frequency),
        width=12,
    ),
    Column(
        "due_days",
        "Số ngày nộp sau kỳ",
        "Hạn nộp: số ngày sau khi kỳ báo cáo kết thúc. Số nguyên từ 0 trở lên; "
        f"để trống là {_DEFAULT_DUE_DAYS} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "lock_days",
        "Số ngày khóa sổ sau hạn",
        "Khóa sổ: số ngày sau hạn nộp; sau đó chỉ văn phòng mở lại được. Số nguyên từ 0 trở "
        f"lên; để trống là {_DEFAULT_LOCK_DAYS} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "registration_deadline",
        "Hạn đăng ký thi đua",
        "Hạn các đơn vị đăng ký thi đua và danh hiệu, dạng dd/mm/yyyy (không bắt buộc; "
        "không sau ngày kết thúc).",
        width=14,
        number_format=DATE_FORMAT,
    ),
    Column(
        "remind_days_before",
        "Nhắc trước hạn (ngày)",
        "Bot nhắc đơn vị chưa nộp trước hạn nộp bao nhiêu ngày: các số nguyên từ 1 đến "
        f"{MAX_REMINDER_DAYS}, cách nhau bằng dấu ; hoặc dấu phẩy, không trùng. Ví dụ: 3; 1 "
        f'(nhắc trước 3 ngày và trước 1 ngày). Ghi "{NO}" nếu không nhắc trước hạn; để trống là '
        f"{_shown_days(_CAMPAIGN_DEFAULTS.remind_days_before)}.",
        width=14,
        number_format="@",
    ),
    Column(
        "remind_on_due",
        "Nhắc vào ngày hạn",
        f"{YES}: sáng ngày hạn nộp bot nhắc đơn vị chưa nộp; {NO}: không nhắc. Để trống là "
        f"{_yes_no(_CAMPAIGN_DEFAULTS.remind_on_due)}.",
        choices=(YES, NO),
        width=10,
    ),
    Column(
        "remind_overdue_days",
        "Nhắc quá hạn tối đa (ngày)",
        "Sau hạn nộp, bot nhắc đơn vị chưa nộp mỗi ngày một lần, nhiều nhất bao nhiêu ngày "
        f"(không nhắc sau ngày khóa sổ). Số nguyên từ 0 đến {MAX_REMINDER_DAYS}, 0 là không "
        f"nhắc quá hạn; để trống là {_CAMPAIGN_DEFAULTS.remind_overdue_days} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "escalate_office_days",
        "Báo văn phòng sau hạn (ngày)",
        "Bao nhiêu ngày sau hạn nộp thì văn phòng nhận danh sách đơn vị chưa nộp. Số nguyên "
        f"từ 0 đến {MAX_REMINDER_DAYS}, 0 là ngay ngày hạn nộp; để trống là "
        f"{_CAMPAIGN_DEFAULTS.escalate_office_days} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "escalate_cluster_days",
        "Báo cụm trưởng sau hạn (ngày)",
        "Bao nhiêu ngày sau hạn nộp thì mỗi đơn vị cụm trưởng (cột Cụm trưởng ở trang "
        f'"{UNITS_SHEET}") nhận danh sách đơn vị chưa nộp trong cụm mình. Số nguyên từ 0 đến '
        f"{MAX_REMINDER_DAYS}, 0 là ngay ngày hạn nộp; để trống là "
        f"{_CAMPAIGN_DEFAULTS.escalate_cluster_days} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "is_sample",
        "Là dữ liệu mẫu",
        f"{YES} / {NO}; để trống là {NO}. Chỉ dùng cho phong trào mẫu để thử.",
        choices=(YES, NO),
        width=10,
    ),
)

_ELEMENTS_COLUMNS = (
    Column(
        "code", "Mã", f"Mã chỉ tiêu, {_CODE_HELP}. Ví dụ: BHYT, TL_BHYT.", required=True, width=16
    ),
    Column("name", "Tên chỉ tiêu", "Tên chỉ tiêu như trong kế hoạch.", required=True, width=45),
    Column(
        "measure_unit",
        "Đơn vị tính",
        "Ví dụ: tấn, tỷ đồng, triệu đồng, người, hộ, %.",
        required=True,
        width=12,
    ),
    Column(
        "value_type",
        "Kiểu",
        "Loại số liệu đơn vị nhập: số (có thể lẻ), số nguyên, phần trăm (0–100), có-không, "
        "văn bản. Để trống là số.",
        choices=_labels(ValueType),
        width=12,
    ),
    Column(
        "aggregation",
        "Cách tổng hợp",
        "Cách cộng số liệu nhiều đơn vị: cộng (số lượng, số tiền); tỷ lệ từ tử số-mẫu số "
        "(chỉ tiêu tự tính = Tử số / Mẫu số × 100, đơn vị không nhập); bình quân có trọng "
        "số (trọng số là chỉ tiêu ở cột Mẫu số); không (không tổng hợp, ví dụ điểm tự chấm, "
        "văn bản). Để trống là cộng (văn bản: không).",
        choices=_labels(Aggregation),
        width=22,
    ),
    Column(
        "numerator", "Tử số", "Mã chỉ tiêu tử số, chỉ điền khi cách tổng hợp là tỷ lệ.", width=14
    ),
    Column(
        "denominator",
        "Mẫu số",
        "Mã chỉ tiêu mẫu số (với tỷ lệ) hoặc trọng số (với bình quân có trọng số).",
        width=14,
    ),
    Column(
        "target",
        "Chỉ tiêu kế hoạch",
        "Mức phấn đấu, theo đơn vị tính. Ví dụ: 12.500 hoặc 95,15. Kiểu có-không: ghi "
        f"{YES} hoặc {NO}. Để trống nếu không giao chỉ tiêu.",
        width=14,
    ),
    Column(
        "direction",
        "Chiều đánh giá",
        "cao hơn tốt (ví dụ sản lượng) hay thấp hơn tốt (ví dụ hộ nghèo, số vụ việc). "
        "Để trống là cao hơn tốt.",
        choices=_labels(Direction),
        width=14,
    ),
    Column("minimum", "Tối thiểu", "Giá trị nhỏ nhất được nhập (kiểu phần trăm: 0–100).", width=11),
    Column("maximum", "Tối đa", "Giá trị lớn nhất được nhập (kiểu phần trăm: 0–100).", width=11),
    Column(
        "required",
        "Bắt buộc",
        f"{YES}: đơn vị phải nhập mỗi kỳ; {NO}: được bỏ trống. Để trống là {YES}.",
        choices=(YES, NO),
        width=10,
    ),
    Column(
        "cumulative",
        "Lũy kế",
        f"{CUMULATIVE}: mỗi kỳ nhập số cộng dồn từ đầu năm; {PER_PERIOD}: số của riêng kỳ "
        f"đó. Để trống là {PER_PERIOD}.",
        choices=(CUMULATIVE, PER_PERIOD),
        width=11,
    ),
)

_UNITS_COLUMNS = (
    Column(
        "code", "Mã đơn vị", f"Mã đơn vị, {_CODE_HELP}. Ví dụ: THON_DONG.", required=True, width=16
    ),
    Column(
        "name",
        "Tên đơn vị",
        "Tên đơn vị, được phép trùng tên. Ví dụ: Thôn Đông.",
        required=True,
        width=32,
    ),
    Column(
        "unit_type",
        "Loại",
        "Ví dụ: thôn, tổ dân phố, ban ngành, đoàn thể, trường học, trạm y tế, xã, phường.",
        width=14,
    ),
    Column(
        "cluster",
        "Cụm/khối thi đua",
        "Cụm hoặc khối thi đua của đơn vị (không bắt buộc).",
        width=18,
    ),
    Column(
        "is_cluster_head",
        "Cụm trưởng",
        f"{YES}: đơn vị này là cụm trưởng của cụm/khối thi đua của mình (mỗi cụm một đơn vị), "
        "nhận danh sách đơn vị trong cụm chưa nộp số liệu; phải điền cột Cụm/khối thi đua. "
        f"Để trống là {NO}.",
        choices=(YES, NO),
        width=10,
    ),
    Column(
        "representatives",
        "Người đại diện",
        "Họ tên người báo cáo; nhiều người cách nhau bằng dấu ; "
        "Ví dụ: Nguyễn Văn An; Trần Thị Bình.",
        width=32,
    ),
    Column(
        "phones",
        "Số điện thoại",
        "Số điện thoại theo thứ tự người đại diện, cách nhau bằng dấu ; "
        "Ví dụ: 0912345678; 0987654321.",
        width=26,
        number_format="@",
    ),
)

_TITLES_COLUMNS = (
    Column("code", "Mã", f"Mã danh hiệu, {_CODE_HELP}. Ví dụ: TTLDTT.", required=True, width=14),
    Column("name", "Tên danh hiệu", "Ví dụ: Tập thể lao động tiên tiến.", required=True, width=40),
    Column(
        "kind",
        "Đối tượng",
        "Danh hiệu cho tập thể hay cá nhân. Để trống là tập thể.",
        choices=_labels(TitleKind),
        width=12,
    ),
)

TEMPLATE_COLUMNS: dict[str, tuple[Column, ...]] = {
    CAMPAIGN_SHEET: _CAMPAIGN_COLUMNS,
    ELEMENTS_SHEET: _ELEMENTS_COLUMNS,
    UNITS_SHEET: _UNITS_COLUMNS,
    TITLES_SHEET: _TITLES_COLUMNS,
}
"""Columns of each data sheet, in the order the template writes them."""

_SHEET_INTROS = {
    CAMPAIGN_SHEET: "Thông tin chung của phong trào: dòng 1 là tiêu đề, chỉ điền một dòng "
    "(dòng 2).",
    ELEMENTS_SHEET: "Mỗi dòng một chỉ tiêu. Chỉ tiêu tỷ lệ (ví dụ tỷ lệ tham gia BHYT) không "
    "nhập trực tiếp: khai hai dòng số lượng (số người tham gia BHYT, dân số), rồi một dòng tỷ lệ "
    "có Tử số và Mẫu số là mã hai dòng đó; hệ thống tự tính và tổng hợp đúng cho nhiều đơn vị.",
    UNITS_SHEET: "Mỗi dòng một đơn vị báo cáo (thôn, tổ dân phố, ban ngành, đoàn thể, trường, "
    "trạm y tế, hoặc xã/phường khi huyện/thị xã phát động).",
    TITLES_SHEET: "Các danh hiệu thi đua đơn vị, cá nhân được đăng ký (có thể để trống).",
}

# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class TemplateError:
    """One problem in a template: where (sheet, Excel row, column header) and what, in Vietnamese.

    ``sheet`` is ``""`` for problems with the file itself; ``row``/``column`` are ``None`` when the
    problem concerns a whole sheet or row. ``str()`` gives e.g.
    ``Chỉ tiêu, dòng 7, cột "Kiểu": "số thực" không hợp lệ — chọn: số, số nguyên, ...``.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            where.append(f'cột "{self.column}"')
        return f"{', '.join(where)}: {self.message}" if where else self.message


class TemplateInvalid(DomainError):
    """A template cannot be imported; ``errors`` lists every problem, in sheet and row order.

    ``user_message`` is ``"File mẫu có N lỗi:"`` followed by one ``- ...`` line per error.
    """

    def __init__(self, errors: Sequence[TemplateError]) -> None:
        self.errors: list[TemplateError] = list(errors)
        lines = [f"File mẫu có {len(self.errors)} lỗi:", *(f"- {error}" for error in self.errors)]
        super().__init__("\n".join(lines))


class _CellProblem(ValueError):
    """Raised by a cell parser; the argument is the Vietnamese message (without location)."""


# --------------------------------------------------------------------------- writing

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")

CellValue = str | int | float | date | None


def write_template(spec: CampaignSpec | None = None) -> bytes:
    """Return an .xlsx workbook: the blank campaign template, or one filled in from ``spec``.

    Sheets: "Hướng dẫn" (instructions), then "Phong trào", "Chỉ tiêu", "Đơn vị", "Danh hiệu" with a
    bold frozen header row (each header has a comment explaining it), drop-down lists, dates as
    real dates shown dd/mm/yyyy and numbers as numbers. ``read_template(write_template(spec))``
    equals ``spec``. Never raises for a valid spec.
    """
    workbook = Workbook()
    _write_guide(workbook.active)
    for sheet, rows in _sheet_rows(spec).items():
        _write_sheet(workbook.create_sheet(sheet), TEMPLATE_COLUMNS[sheet], rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_rows(spec: CampaignSpec | None) -> dict[str, list[dict[str, CellValue]]]:
    """The data rows of each sheet as ``{column key: cell value}``; empty lists when blank."""
    if spec is None:
        return {sheet: [] for sheet in DATA_SHEETS}
    return {
        CAMPAIGN_SHEET: [_campaign_row(spec)],
        ELEMENTS_SHEET: [_element_row(element) for element in spec.elements],
        UNITS_SHEET: [_unit_row(unit) for unit in spec.units],
        TITLES_SHEET: [_title_row(title) for title in spec.titles],
    }


def _campaign_row(spec: CampaignSpec) -> dict[str, CellValue]:
    return {
        "code": spec.code,
        "name": spec.name,
        "theme": spec.theme,
        "issuing_body": spec.issuing_body,
        "document_number": spec.document_number,
        "start": spec.start,
        "end": spec.end,
        "frequency": label(spec.frequency),
        "due_days": spec.due_days,
        "lock_days": spec.lock_days,
        "registration_deadline": spec.registration_deadline,
        "remind_days_before": _shown_days(spec.remind_days_before),
        "remind_on_due": _yes_no(spec.remind_on_due),
        "remind_overdue_days": spec.remind_overdue_days,
        "escalate_office_days": spec.escalate_office_days,
        "escalate_cluster_days": spec.escalate_cluster_days,
        "is_sample": _yes_no(spec.is_sample),
    }


def _element_row(element: ElementSpec) -> dict[str, CellValue]:
    return {
        "code": element.code,
        "name": element.name,
        "measure_unit": element.measure_unit,
        "value_type": label(element.value_type),
        "aggregation": label(element.aggregation),
        "numerator": element.numerator,
        "denominator": element.denominator,
        "target": _target_cell(element),
        "direction": label(element.direction),
        "minimum": _number_cell(element.minimum),
        "maximum": _number_cell(element.maximum),
        "required": YES if element.required else NO,
        "cumulative": CUMULATIVE if element.cumulative else PER_PERIOD,
    }


def _unit_row(unit: UnitSpec) -> dict[str, CellValue]:
    return {
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "cluster": unit.cluster,
        "is_cluster_head": _yes_no(unit.is_cluster_head),
        "representatives": "; ".join(unit.representatives),
        "phones": "; ".join(unit.phones),
    }


def _title_row(title: TitleSpec) -> dict[str, CellValue]:
    return {"code": title.code, "name": title.name, "kind": label(title.kind)}


def _number_cell(value: Decimal | None) -> int | float | None:
    """A Decimal as an Excel number: ``int`` when whole, else ``float`` (read back exactly)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _target_cell(element: ElementSpec) -> CellValue:
    """Targets of yes/no elements are written "có"/"không"; others as numbers."""
    if element.value_type is ValueType.BOOLEAN and element.target in (0, 1):
        return YES if element.target == 1 else NO
    return _number_cell(element.target)


def _write_sheet(
    ws: Any, columns: Sequence[Column], rows: Sequence[Mapping[str, CellValue]]
) -> None:
    """Header, data rows, formats, drop-downs and print setup of one data sheet."""
    last_row = max(VALIDATION_ROWS, len(rows) + 1)
    for index, column in enumerate(columns, start=1):
        _write_header(ws.cell(row=1, column=index), column)
        ws.column_dimensions[get_column_letter(index)].width = column.width
        if column.number_format:
            for row in range(2, last_row + 1):
                ws.cell(row=row, column=index).number_format = column.number_format
        if column.choices:
            ws.add_data_validation(_drop_down(column, index, last_row))
    for row_number, values in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            _put(ws.cell(row=row_number, column=index), values.get(column.key))
    ws.freeze_panes = "A2"
    _print_ready(ws)


def _write_header(cell: Any, column: Column) -> None:
    cell.value = column.header
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    note = column.help + (" (Bắt buộc.)" if column.required else "")
    height = 40 + 16 * math.ceil(len(note) / 45)
    cell.comment = Comment(note, "reportbot", width=320, height=height)


def _drop_down(column: Column, index: int, last_row: int) -> DataValidation:
    """A list validation; a typed value outside the list only warns (the reader folds it)."""
    letter = get_column_letter(index)
    choices = ", ".join(column.choices)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(column.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Giá trị không có trong danh sách",
        error=f"Nên chọn một trong: {choices}",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    return validation


def _put(cell: Any, value: CellValue) -> None:
    """Write a value; text that looks like a formula stays text (never evaluated by Excel)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _print_ready(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


# --------------------------------------------------------------------------- instructions sheet

_GUIDE_WIDTHS = (26, 10, 70, 36)
_GUIDE_GENERAL = (
    "File này dùng để khai một phong trào thi đua cho hệ thống báo cáo qua Telegram/Zalo.",
    f'Điền 4 trang: "{CAMPAIGN_SHEET}", "{ELEMENTS_SHEET}", "{UNITS_SHEET}", "{TITLES_SHEET}". '
    "Không đổi tên trang; dòng 1 mỗi trang là tiêu đề cột.",
    "Có thể đổi thứ tự cột hoặc thêm cột ghi chú; không xóa cột bắt buộc. Dòng trống được bỏ qua.",
    "Số: ghi số trực tiếp hoặc theo kiểu Việt Nam — dấu chấm ngăn hàng nghìn, dấu phẩy là "
    "phần thập phân: 12.500 (mười hai nghìn năm trăm), 12,5 (mười hai phẩy năm).",
    "Ngày: dạng dd/mm/yyyy, ví dụ 31/12/2024.",
    "Nhiều người đại diện hoặc nhiều số điện thoại trong một ô: cách nhau bằng dấu ; "
    "(ví dụ: Nguyễn Văn An; Trần Thị Bình — 0912345678; 0987654321). Người thứ nhất ứng với "
    "số thứ nhất.",
    "Ô có danh sách chọn: bấm vào ô để chọn; nếu gõ tay thì phải gõ đúng, có dấu (ví dụ: quý, số nguyên).",
    "Mã (phong trào, chỉ tiêu, đơn vị, danh hiệu): chỉ gồm chữ, số và dấu _ - . , không có dấu "
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
            ("text", (_SHEET_INTROS[sheet],)),
        ]
        lines.append(("head", ("Cột", "Bắt buộc", "Ý nghĩa và cách ghi", "Giá trị chọn")))
        lines += [
            ("row", (c.header, YES if c.required else "", c.help, ", ".join(c.choices)))
            for c in TEMPLATE_COLUMNS[sheet]
        ]
        if sheet == ELEMENTS_SHEET:
            lines += [("text", (line,)) for line in _GUIDE_RATIO_EXAMPLE]
    lines += [("text", ("",)), ("heading", ("Cách nhập vào hệ thống",))]
    lines += [("text", (line,)) for line in _GUIDE_IMPORT]
    return lines


def _write_guide(ws: Any) -> None:
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
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    elif style == "row":
        cell.alignment = _WRAP_TOP


# --------------------------------------------------------------------------- reading: tables


@dataclass(frozen=True)
class _Row:
    """One non-blank data row: its Excel row number and its cells by column key."""

    number: int
    cells: Mapping[str, object]


@dataclass(frozen=True)
class _Table:
    """A data sheet as read: which columns were found and the non-blank rows."""

    sheet: str
    present: frozenset[str]
    rows: tuple[_Row, ...]

    def column(self, key: str) -> Column:
        return next(c for c in TEMPLATE_COLUMNS[self.sheet] if c.key == key)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_template(source: bytes | Path) -> CampaignSpec:
    """Read and validate a whole campaign template (bytes of an .xlsx, or its path).

    Returns the :class:`CampaignSpec` (codes upper-cased, numbers as ``Decimal``, phones as
    typed). Raises :class:`TemplateInvalid` with every problem found when the file cannot be read
    or anything in it is wrong; nothing else is raised for bad input.
    """
    errors: list[TemplateError] = []
    tables = _load_tables(_file_bytes(source), errors)
    spec = _build_spec(tables, errors)
    if errors or spec is None:
        raise TemplateInvalid(sorted(errors, key=_error_order))
    return spec


def _error_order(error: TemplateError) -> tuple[int, int, int]:
    """Sort key: file problems first, then by sheet, row and column as laid out in the template."""
    sheets = ("", *DATA_SHEETS)
    sheet = sheets.index(error.sheet) if error.sheet in sheets else len(sheets)
    headers = [column.header for column in TEMPLATE_COLUMNS.get(error.sheet, ())]
    column = headers.index(error.column) if error.column in headers else -1
    return sheet, error.row or 0, column


def _file_error(message: str) -> TemplateInvalid:
    return TemplateInvalid([TemplateError("", None, None, message)])


def _file_bytes(source: bytes | Path) -> bytes:
    if not isinstance(source, Path):
        return source
    try:
        return source.read_bytes()
    except OSError:
        raise _file_error(f'Không mở được file "{source.name}".') from None


def _load_tables(data: bytes, errors: list[TemplateError]) -> dict[str, _Table | None]:
    """Read the raw cells of every data sheet; an unreadable file raises TemplateInvalid."""
    if data.startswith(_OLE_MAGIC):
        raise _file_error(
            "Đây là file Excel cũ (.xls): hãy mở bằng Excel và lưu lại dạng .xlsx (Excel Workbook)."
        )
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            return {sheet: _read_table(workbook, sheet, errors) for sheet in DATA_SHEETS}
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _file_error(
            "Không đọc được file: file phải là bảng tính Excel .xlsx (không phải .xls, .csv, .ods)."
        ) from None


def _read_table(workbook: Any, sheet: str, errors: list[TemplateError]) -> _Table | None:
    ws = next((w for w in workbook.worksheets if _key(w.title) == _key(sheet)), None)
    if ws is None:
        errors.append(TemplateError(sheet, None, None, f'thiếu trang "{sheet}" trong file'))
        return None
    ws.reset_dimensions()  # some writers store a wrong sheet size; read every row there is
    values = (tuple(_cell_value(cell) for cell in row) for row in ws.iter_rows())
    positions = _match_headers(sheet, next(values, ()), errors)
    rows = []
    for number, row in enumerate(values, start=2):
        cells = {key: _clean(row[i]) for key, i in positions.items() if i < len(row)}
        cells = {key: value for key, value in cells.items() if value is not None}
        if cells:
            rows.append(_Row(number, cells))
    return _Table(sheet, frozenset(positions), tuple(rows))


def _match_headers(
    sheet: str, header: Sequence[object], errors: list[TemplateError]
) -> dict[str, int]:
    """Map column keys to 0-based positions by folded header text; report missing/duplicates."""
    by_key = {_key(column.header): column for column in TEMPLATE_COLUMNS[sheet]}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        column = by_key.get(_key(_text_of(value))) if value is not None else None
        if column is None:
            continue
        if column.key in positions:
            first = get_column_letter(positions[column.key] + 1)
            errors.append(
                TemplateError(
                    sheet, 1, column.header, f"cột bị lặp (đã có ở cột {first}) — xóa bớt một cột"
                )
            )
            continue
        positions[column.key] = index
    for column in TEMPLATE_COLUMNS[sheet]:
        if column.required and column.key not in positions:
            errors.append(
                TemplateError(sheet, 1, column.header, "thiếu cột bắt buộc này ở dòng tiêu đề")
            )
    return positions


@dataclass(frozen=True)
class _PercentCell:
    """A number cell formatted as a percentage: Excel shows ``95%`` and stores ``stored`` 0.95."""

    stored: int | float

    @property
    def percent(self) -> Decimal:
        """The number of percent shown (0.9515 -> 95.15), exact, without trailing zeros."""
        return _canonical(Decimal(str(self.stored)) * 100)


_QUOTED_FORMAT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent_format(number_format: object) -> bool:
    """True when an Excel number format shows the value ×100 with ``%`` (``0%``, ``0.00%``);
    a ``%`` inside quotes, escaped or in brackets is literal text and does not count."""
    return isinstance(number_format, str) and "%" in _QUOTED_FORMAT.sub("", number_format)


def _cell_value(cell: Any) -> object:
    """A cell's value; numbers in percentage-formatted cells wrapped in :class:`_PercentCell`."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _is_percent_format(getattr(cell, "number_format", None))
    ):
        return _PercentCell(value)
    return value


def _clean(value: object) -> object:
    """Text NFC-normalised and stripped, empty text as None; other values unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    return value


def _key(text: str) -> str:
    """Matching key: folded (no case, no diacritics), letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


# --------------------------------------------------------------------------- reading: cells


def _text_of(raw: object) -> str:
    """A cell as text: whole floats without ``.0``, dates as dd/mm/yyyy, percentage cells as
    shown (``95,15%``)."""
    if isinstance(raw, _PercentCell):
        return format_number(raw.percent, max_decimals=6) + "%"
    if isinstance(raw, datetime | date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _quoted(raw: object) -> str:
    text = " ".join(_text_of(raw).split())
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


_CODE_SHAPE = re.compile(r"[\w.\-]+")


def _parse_code(raw: object) -> str:
    code = _text_of(raw).strip().upper()
    if not _CODE_SHAPE.fullmatch(code):
        raise _CellProblem(
            f"mã {_quoted(raw)} chỉ được gồm chữ, số và các dấu _ - . (không có dấu cách)"
        )
    return code


_DATE_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


_YEARS = range(1990, 2101)


def _date_of(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text_of(raw)
    try:
        if match := _DATE_DMY.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _DATE_ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


def _parse_date(raw: object) -> date:
    """A real date cell, or text dd/mm/yyyy (also with - or .) or yyyy-mm-dd, years 1990-2100."""
    day = _date_of(raw)
    if day is not None and day.year in _YEARS:
        return day
    raise _CellProblem(
        f"{_quoted(raw)} không phải ngày hợp lệ — ghi dạng dd/mm/yyyy, ví dụ 31/12/2024"
    )


def _parse_decimal(raw: object, measure_unit: str = "") -> Decimal:
    """A numeric cell, or text typed the Vietnamese way ("12.500", "95,15", "45 tỷ"),
    below ``MAX_MAGNITUDE`` (the same bound as entered figures)."""
    value = _decimal_of(raw, measure_unit)
    if abs(value) >= MAX_MAGNITUDE:
        raise _CellProblem(f"{_quoted(raw)} quá lớn — kiểm tra lại đơn vị tính")
    return value


def _decimal_of(raw: object, measure_unit: str) -> Decimal:
    """A cell's number in ``measure_unit``; raises :class:`_CellProblem` (see ``_parse_decimal``)."""
    if isinstance(raw, bool | datetime | date):
        raise _CellProblem(f"{_quoted(raw)} không phải là số")
    if isinstance(raw, _PercentCell):
        if not math.isfinite(raw.stored):
            raise _CellProblem(f"{_quoted(raw.stored)} không phải là số")
        if not _is_percent_unit(measure_unit):
            raise _CellProblem(_percent_problem(raw, measure_unit))
        return raw.percent
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _CellProblem(f"{_quoted(raw)} không phải là số")
        return Decimal(str(raw))
    return _typed_number(_text_of(raw), measure_unit)


def _typed_number(text: str, measure_unit: str) -> Decimal:
    """A number written as text, read exactly as a figure a unit types
    (:func:`domain.reading.read_figure`): the element's unit after it, conversions, magnitude
    words only where the unit takes them; a text with two readings, or a unit that does not
    fit, is a cell problem, never a guess ("45 tỷ" in tấn, "12,500" where decimals are
    allowed)."""
    rules = Rules(
        "Ô này", ValueType.NUMBER, measure_unit, minimum=-MAX_MAGNITUDE, maximum=MAX_MAGNITUDE
    )
    try:
        return Decimal(read_figure(text, rules).value)
    except AskBack as unsure:
        raise _CellProblem(f"{_quoted(text)} chưa rõ — {unsure.user_message}") from None
    except DomainError as error:
        raise _CellProblem(f"{_quoted(text)}: {error.user_message}") from None


def _is_percent_unit(measure_unit: str) -> bool:
    """True for ``%``, ``phần trăm`` and units such as ``tỷ lệ (%)``."""
    key = re.sub(r"[^a-z0-9%]", "", fold(measure_unit))
    return "%" in key or key == "phantram"


def _shown_unit(measure_unit: str) -> str:
    return f'"{measure_unit}"' if measure_unit else "(chưa ghi đơn vị tính)"


def _percent_problem(raw: object, measure_unit: str) -> str:
    return (
        f"{_quoted(raw)} là phần trăm nhưng đơn vị tính là {_shown_unit(measure_unit)} — "
        "ghi số theo đơn vị tính (bỏ dấu % hoặc định dạng phần trăm của ô)"
    )


def _canonical(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, whole numbers with exponent 0 (``95.00`` -> ``95``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _whole_days(raw: object, maximum: int | None = None) -> int | None:
    """A whole number from 0 to ``maximum`` (no bound when ``None``), or ``None``."""
    try:
        value = _parse_decimal(raw)
    except _CellProblem:
        return None
    if value < 0 or value != value.to_integral_value():
        return None
    if maximum is not None and value > maximum:
        return None
    return int(value)


def _parse_day_count(raw: object) -> int:
    """A whole number of days, 0 or more."""
    days = _whole_days(raw)
    if days is None:
        raise _CellProblem(f"{_quoted(raw)} phải là số ngày nguyên, từ 0 trở lên (ví dụ 10)")
    return days


def _parse_reminder_day_count(raw: object) -> int:
    """A whole number of days from 0 to :data:`MAX_REMINDER_DAYS` (reminders, escalations)."""
    days = _whole_days(raw, MAX_REMINDER_DAYS)
    if days is None:
        raise _CellProblem(
            f"{_quoted(raw)} phải là số ngày nguyên, từ 0 đến {MAX_REMINDER_DAYS} (ví dụ 3)"
        )
    return days


def _parse_yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    try:
        return parse_boolean(_text_of(raw))
    except NumberParseError:
        raise _CellProblem(f"{_quoted(raw)} không hợp lệ — chọn: {YES}, {NO}") from None


def _choice_key(text: str) -> str:
    """Matching key of a drop-down value: case, spaces, punctuation and the placement of the
    tone mark (``"luỹ kế"`` = ``"lũy kế"``) do not matter, diacritics do (``"so"`` is not
    ``"số"``: the issue's own example of a value to refuse)."""
    return re.sub(r"[\W_]", "", normalize_tone_placement(text).casefold())


def _choice_parser(options: Mapping[str, _E], shown: Sequence[str]) -> Callable[[object], _E]:
    """A parser accepting any option after :func:`_choice_key` normalisation."""
    table = {_choice_key(text): value for text, value in options.items()}

    def parse(raw: object) -> _E:
        key = _choice_key(_text_of(raw))
        found = table.get(key) if key else None
        if found is None:
            raise _CellProblem(f"{_quoted(raw)} không hợp lệ — chọn: {', '.join(shown)}")
        return found

    return parse


def _enum_parser(enum_type: type[_S], aliases: Mapping[str, _S]) -> Callable[[object], _S]:
    """A parser of an enumeration by its Vietnamese label, its code value or an alias."""
    members = list(enum_type)
    options: dict[str, _S] = {label(m): m for m in members}
    options.update({m.value: m for m in members})
    options.update(aliases)
    return _choice_parser(options, _labels(members))


_PARSE_FREQUENCY = _enum_parser(
    Frequency,
    {
        "hàng tháng": Frequency.MONTHLY,
        "hàng quý": Frequency.QUARTERLY,
        "sáu tháng": Frequency.SIX_MONTHLY,
        "nửa năm": Frequency.SIX_MONTHLY,
        "hàng năm": Frequency.YEARLY,
        "cả năm": Frequency.YEARLY,
    },
)
_PARSE_VALUE_TYPE = _enum_parser(
    ValueType,
    {
        "số lẻ": ValueType.NUMBER,
        "số thập phân": ValueType.NUMBER,
        "có không": ValueType.BOOLEAN,
        "chữ": ValueType.TEXT,
    },
)
_PARSE_AGGREGATION = _enum_parser(
    Aggregation,
    {
        "tỷ lệ": Aggregation.RATIO,
        "tỉ lệ": Aggregation.RATIO,
        "tỉ lệ từ tử số-mẫu số": Aggregation.RATIO,
        "bình quân": Aggregation.WEIGHTED_MEAN,
        "tổng": Aggregation.SUM,
        "cộng dồn": Aggregation.SUM,
        "không tổng hợp": Aggregation.NONE,
    },
)
_PARSE_DIRECTION = _enum_parser(
    Direction,
    {
        "cao": Direction.HIGHER_IS_BETTER,
        "càng cao càng tốt": Direction.HIGHER_IS_BETTER,
        "thấp": Direction.LOWER_IS_BETTER,
        "càng thấp càng tốt": Direction.LOWER_IS_BETTER,
    },
)
_PARSE_TITLE_KIND = _enum_parser(TitleKind, {})
_PARSE_CUMULATIVE = _choice_parser(
    {CUMULATIVE: True, "cộng dồn": True, YES: True, PER_PERIOD: False, "theo kì": False, NO: False},
    (CUMULATIVE, PER_PERIOD),
)


_NO_REMINDERS = frozenset(_choice_key(text) for text in (NO, "không nhắc"))
_REMINDER_DAY = re.compile(r"(\d{1,9})(?:\s*ngày)?", re.IGNORECASE)


def _parse_reminder_days(raw: object) -> tuple[int, ...]:
    """Days before the due date: whole numbers 1..MAX_REMINDER_DAYS separated by ``;``, ``,``
    or line breaks, each once, in the order written; ``"không"`` for none. A number cell
    (``3``) is one day."""
    text = _text_of(raw)
    if _choice_key(text) in _NO_REMINDERS:
        return ()
    items = [item.strip() for item in re.split(r"[;,\n]", text) if item.strip()]
    days: list[int] = []
    for item in items:
        match = _REMINDER_DAY.fullmatch(unicodedata.normalize("NFC", item))
        if match is None:
            raise _CellProblem(
                f"{_quoted(item)} không hợp lệ — ghi các số ngày nguyên từ 1 đến "
                f'{MAX_REMINDER_DAYS}, cách nhau bằng dấu ; (ví dụ 3; 1), hoặc "{NO}"'
            )
        day = int(match[1])
        if not 1 <= day <= MAX_REMINDER_DAYS:
            hint = ' (nhắc đúng ngày hạn nộp: dùng cột "Nhắc vào ngày hạn")' if day == 0 else ""
            raise _CellProblem(
                f"số ngày nhắc trước hạn phải từ 1 đến {MAX_REMINDER_DAYS}, không phải {day}" + hint
            )
        if day in days:
            raise _CellProblem(f"{day} ngày được ghi hai lần — mỗi số chỉ ghi một lần")
        days.append(day)
    if not days:
        raise _CellProblem(
            f'{_quoted(raw)} không hợp lệ — ghi các số ngày, ví dụ 3; 1, hoặc "{NO}"'
        )
    return tuple(days)


def _split_list(raw: object) -> tuple[str, ...]:
    """Items of a ";"-separated cell (line breaks separate too), stripped, empties dropped."""
    parts = re.split(r"[;\n]", _text_of(raw))
    return tuple(part.strip() for part in parts if part.strip())


def _parse_phones(raw: object) -> tuple[str, ...]:
    """Phone numbers as typed (a numeric cell gets back the leading 0 Excel dropped)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = normalize_phone(_text_of(raw)) or _text_of(raw)
    phones = tuple(p for p in re.split(r"[;,\n]", _text_of(raw)) if p.strip())
    bad = [p.strip() for p in phones if normalize_phone(p) is None]
    if bad:
        shown = ", ".join(f'"{p}"' for p in bad)
        raise _CellProblem(
            f"{shown} không phải số điện thoại Việt Nam hợp lệ "
            "(ví dụ 0912345678; nhiều số cách nhau bằng dấu ;)"
        )
    return tuple(p.strip() for p in phones)


class _Cells:
    """Typed access to one row's cells; each problem is recorded in ``errors``, never raised.

    Every getter returns ``None`` for a blank or invalid cell; ``failed`` holds the keys of the
    invalid ones so that later cross-checks do not pile errors on top of them.
    """

    def __init__(self, table: _Table, row: _Row, errors: list[TemplateError]) -> None:
        self.table = table
        self.row = row
        self.errors = errors
        self.failed: set[str] = set()

    def fail(self, key: str, message: str) -> None:
        self.failed.add(key)
        header = self.table.column(key).header
        self.errors.append(TemplateError(self.table.sheet, self.row.number, header, message))

    def get(self, key: str, parse: Callable[[object], _T]) -> _T | None:
        raw = self.row.cells.get(key)
        if raw is None:
            if self.table.column(key).required and key in self.table.present:
                self.fail(key, "ô bắt buộc đang để trống")
            return None
        try:
            return parse(raw)
        except _CellProblem as problem:
            self.fail(key, str(problem))
            return None

    def text(self, key: str) -> str | None:
        return self.get(key, _text_of)

    def code(self, key: str) -> str | None:
        return self.get(key, _parse_code)

    def day(self, key: str) -> date | None:
        return self.get(key, _parse_date)

    def number(self, key: str, measure_unit: str = "") -> Decimal | None:
        return self.get(key, lambda raw: _parse_decimal(raw, measure_unit))

    def ok(self, *keys: str) -> bool:
        return not self.failed.intersection(keys)


def _or(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def _shown_number(value: Decimal) -> str:
    return format_number(value, max_decimals=6)


def _shown_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- reading: sheets


def _build_spec(
    tables: Mapping[str, _Table | None], errors: list[TemplateError]
) -> CampaignSpec | None:
    """The whole spec, or ``None`` when the campaign row itself is unusable."""
    head = _read_campaign(tables[CAMPAIGN_SHEET], errors)
    elements = _read_elements(tables[ELEMENTS_SHEET], errors)
    units = _read_list(tables[UNITS_SHEET], errors, _read_unit, "đơn vị")
    _check_cluster_heads(units[0])
    titles = _read_list(tables[TITLES_SHEET], errors, _read_title, None)
    if head is None:
        return None
    return replace(
        head,
        elements=tuple(elements),
        units=tuple(unit for _, unit in units[0]),
        titles=tuple(title for _, title in titles[0]),
    )


def _read_campaign(table: _Table | None, errors: list[TemplateError]) -> CampaignSpec | None:
    if table is None:
        return None
    if not table.rows:
        errors.append(TemplateError(table.sheet, 2, None, "chưa điền thông tin phong trào"))
        return None
    for extra in table.rows[1:]:
        errors.append(
            TemplateError(
                table.sheet,
                extra.number,
                None,
                "mỗi file chỉ khai một phong trào (dòng 2) — xóa dòng này",
            )
        )
    cells = _Cells(table, table.rows[0], errors)
    code, name = cells.code("code"), cells.text("name")
    start, end = cells.day("start"), cells.day("end")
    frequency = cells.get("frequency", _PARSE_FREQUENCY)
    deadline = cells.day("registration_deadline")
    _check_campaign_dates(cells, start, end, deadline)
    theme, issuing_body = cells.text("theme") or "", cells.text("issuing_body") or ""
    document_number = cells.text("document_number") or ""
    due_days = _or(cells.get("due_days", _parse_day_count), _DEFAULT_DUE_DAYS)
    lock_days = _or(cells.get("lock_days", _parse_day_count), _DEFAULT_LOCK_DAYS)
    defaults = _CAMPAIGN_DEFAULTS
    days_before = cells.get("remind_days_before", _parse_reminder_days)
    on_due = cells.get("remind_on_due", _parse_yes_no)
    overdue = cells.get("remind_overdue_days", _parse_reminder_day_count)
    office = cells.get("escalate_office_days", _parse_reminder_day_count)
    cluster = cells.get("escalate_cluster_days", _parse_reminder_day_count)
    is_sample = _or(cells.get("is_sample", _parse_yes_no), False)
    if code is None or name is None or start is None or end is None or frequency is None:
        return None
    return CampaignSpec(
        code=code,
        name=name,
        start=start,
        end=end,
        frequency=frequency,
        theme=theme,
        issuing_body=issuing_body,
        document_number=document_number,
        due_days=due_days,
        lock_days=lock_days,
        registration_deadline=deadline,
        remind_days_before=_or(days_before, defaults.remind_days_before),
        remind_on_due=_or(on_due, defaults.remind_on_due),
        remind_overdue_days=_or(overdue, defaults.remind_overdue_days),
        escalate_office_days=_or(office, defaults.escalate_office_days),
        escalate_cluster_days=_or(cluster, defaults.escalate_cluster_days),
        is_sample=is_sample,
    )


def _check_campaign_dates(
    cells: _Cells, start: date | None, end: date | None, deadline: date | None
) -> None:
    if start and end and end < start:
        cells.fail(
            "end", f"ngày kết thúc {_shown_date(end)} trước ngày bắt đầu {_shown_date(start)}"
        )
    if deadline and end and deadline > end:
        cells.fail(
            "registration_deadline",
            f"hạn đăng ký {_shown_date(deadline)} sau ngày kết thúc phong trào {_shown_date(end)}",
        )


def _read_list(
    table: _Table | None,
    errors: list[TemplateError],
    read_row: Callable[[_Cells, str | None], _T | None],
    what: str | None,
) -> tuple[list[tuple[_Cells, _T]], set[str]]:
    """Read the rows of a list sheet; check codes are unique and, if ``what``, the list non-empty.

    Returns the valid items with their rows, and every code seen (valid rows or not).
    """
    if table is None:
        return [], set()
    if not table.rows and what:
        errors.append(
            TemplateError(table.sheet, None, None, f"chưa có {what} nào — cần ít nhất một dòng")
        )
    seen: dict[str, int] = {}
    items: list[tuple[_Cells, _T]] = []
    for row in table.rows:
        cells = _Cells(table, row, errors)
        code = cells.code("code")
        if code is not None and code in seen:
            cells.fail("code", f'mã "{code}" trùng với dòng {seen[code]}')
        elif code is not None:
            seen[code] = row.number
        item = read_row(cells, code)
        if item is not None:
            items.append((cells, item))
    return items, set(seen)


def _read_unit(cells: _Cells, code: str | None) -> UnitSpec | None:
    name = cells.text("name")
    unit_type = cells.text("unit_type") or ""
    cluster = cells.text("cluster")
    representatives = cells.get("representatives", _split_list) or ()
    phones = cells.get("phones", _parse_phones) or ()
    is_cluster_head = _or(cells.get("is_cluster_head", _parse_yes_no), False)
    if is_cluster_head and cluster is None:
        cells.fail("is_cluster_head", "đơn vị cụm trưởng phải có cụm/khối thi đua")
    if code is None or name is None:
        return None
    return UnitSpec(code, name, unit_type, cluster, phones, representatives, is_cluster_head)


def _check_cluster_heads(units: Sequence[tuple[_Cells, UnitSpec]]) -> None:
    """At most one cluster head per cluster; each further one names the first one's row."""
    heads: dict[str, tuple[int, str]] = {}
    for cells, unit in units:
        if not unit.is_cluster_head or unit.cluster is None:
            continue
        first = heads.setdefault(unit.cluster, (cells.row.number, unit.code))
        if first[0] != cells.row.number:
            cells.fail(
                "is_cluster_head",
                f'cụm "{unit.cluster}" có hai cụm trưởng: dòng {first[0]} ({first[1]}) và '
                f"dòng {cells.row.number} ({unit.code}) — mỗi cụm chỉ một đơn vị cụm trưởng",
            )


def _read_title(cells: _Cells, code: str | None) -> TitleSpec | None:
    name = cells.text("name")
    kind = _or(cells.get("kind", _PARSE_TITLE_KIND), TitleKind.COLLECTIVE)
    if code is None or name is None:
        return None
    return TitleSpec(code, name, kind)


# --------------------------------------------------------------------------- reading: elements


def _read_elements(table: _Table | None, errors: list[TemplateError]) -> list[ElementSpec]:
    items, codes = _read_list(table, errors, _read_element, "chỉ tiêu")
    by_code: dict[str, ElementSpec] = {}
    for _, element in items:
        by_code.setdefault(element.code, element)
    for cells, element in items:
        _check_references(cells, element, by_code, codes)
    return [element for _, element in items]


def _read_element(cells: _Cells, code: str | None) -> ElementSpec | None:
    name, unit = cells.text("name"), cells.text("measure_unit")
    value_type = _or(cells.get("value_type", _PARSE_VALUE_TYPE), ValueType.NUMBER)
    default_aggregation = Aggregation.NONE if value_type is ValueType.TEXT else Aggregation.SUM
    aggregation = _or(cells.get("aggregation", _PARSE_AGGREGATION), default_aggregation)
    numerator, denominator = cells.code("numerator"), cells.code("denominator")
    target = _read_target(cells, value_type, unit or "")
    minimum, maximum = cells.number("minimum", unit or ""), cells.number("maximum", unit or "")
    _check_aggregation(cells, value_type, aggregation, numerator, denominator)
    _check_range(cells, value_type, target, minimum, maximum)
    element = ElementSpec(
        code=code or "",
        name=name or "",
        measure_unit=unit or "",
        value_type=value_type,
        aggregation=aggregation,
        numerator=numerator,
        denominator=denominator,
        target=target,
        direction=_or(cells.get("direction", _PARSE_DIRECTION), Direction.HIGHER_IS_BETTER),
        minimum=minimum,
        maximum=maximum,
        required=_or(cells.get("required", _parse_yes_no), True),
        cumulative=_or(cells.get("cumulative", _PARSE_CUMULATIVE), False),
    )
    return element if code and name and unit else None


def _read_target(cells: _Cells, value_type: ValueType, unit: str) -> Decimal | None:
    """The target; for yes/no elements "có"/"không" (or 1/0) read as 1/0."""
    if value_type is not ValueType.BOOLEAN:
        return cells.number("target", unit)
    answer = cells.get("target", _parse_yes_no)
    return None if answer is None else Decimal(int(answer))


_RATIO_LABEL = label(Aggregation.RATIO)
_WEIGHTED_LABEL = label(Aggregation.WEIGHTED_MEAN)


def _check_aggregation(
    cells: _Cells,
    value_type: ValueType,
    aggregation: Aggregation,
    numerator: str | None,
    denominator: str | None,
) -> None:
    """Numerator/denominator presence against the aggregation; text is never totalled."""
    if not cells.ok("aggregation", "value_type"):
        return
    if value_type is ValueType.TEXT and aggregation is not Aggregation.NONE:
        cells.fail(
            "aggregation",
            f'chỉ tiêu kiểu văn bản không tổng hợp được — chọn "{label(Aggregation.NONE)}"',
        )
    if aggregation is Aggregation.RATIO:
        if numerator is None and cells.ok("numerator"):
            cells.fail("numerator", "chỉ tiêu tỷ lệ cần mã chỉ tiêu tử số")
        if denominator is None and cells.ok("denominator"):
            cells.fail("denominator", "chỉ tiêu tỷ lệ cần mã chỉ tiêu mẫu số")
        return
    if numerator is not None:
        cells.fail("numerator", f'chỉ điền tử số khi cách tổng hợp là "{_RATIO_LABEL}"')
    if aggregation is Aggregation.WEIGHTED_MEAN:
        if denominator is None and cells.ok("denominator"):
            cells.fail(
                "denominator", "bình quân có trọng số cần mã chỉ tiêu làm trọng số ở cột này"
            )
    elif denominator is not None:
        cells.fail(
            "denominator",
            f'chỉ điền mẫu số khi cách tổng hợp là "{_RATIO_LABEL}" hoặc "{_WEIGHTED_LABEL}"',
        )


def _check_range(
    cells: _Cells,
    value_type: ValueType,
    target: Decimal | None,
    minimum: Decimal | None,
    maximum: Decimal | None,
) -> None:
    """Percentages within 0–100, whole numbers for integers, min ≤ max, target within them."""
    if not cells.ok("value_type"):
        return
    for key, value in (("minimum", minimum), ("target", target), ("maximum", maximum)):
        if value is None:
            continue
        if value_type is ValueType.PERCENTAGE and not 0 <= value <= 100:
            cells.fail(key, f"kiểu phần trăm phải từ 0 đến 100, không phải {_shown_number(value)}")
        elif value_type is ValueType.INTEGER and value != value.to_integral_value():
            cells.fail(key, f"kiểu số nguyên không nhận số lẻ {_shown_number(value)}")
    if minimum is not None and maximum is not None and minimum > maximum:
        cells.fail(
            "minimum", f"tối thiểu {_shown_number(minimum)} lớn hơn tối đa {_shown_number(maximum)}"
        )
    elif target is not None and cells.ok("target"):
        if minimum is not None and target < minimum:
            cells.fail(
                "target",
                f"chỉ tiêu kế hoạch {_shown_number(target)} nhỏ hơn tối thiểu "
                f"{_shown_number(minimum)}",
            )
        elif maximum is not None and target > maximum:
            cells.fail(
                "target",
                f"chỉ tiêu kế hoạch {_shown_number(target)} lớn hơn tối đa "
                f"{_shown_number(maximum)}",
            )


def _check_references(
    cells: _Cells, element: ElementSpec, by_code: Mapping[str, ElementSpec], codes: set[str]
) -> None:
    """Numerator and denominator must name another entered numeric row of the sheet."""
    for key, reference in (("numerator", element.numerator), ("denominator", element.denominator)):
        if reference is None or not cells.ok(key):
            continue
        problem = _reference_problem(element, reference, by_code, codes)
        if problem:
            cells.fail(key, problem)


def _reference_problem(
    element: ElementSpec, reference: str, by_code: Mapping[str, ElementSpec], codes: set[str]
) -> str | None:
    if reference == element.code:
        return f'"{reference}" là chính dòng này — phải là mã của một chỉ tiêu khác'
    if reference not in codes:
        return f'không có chỉ tiêu nào mã "{reference}" trong trang "{ELEMENTS_SHEET}"'
    other = by_code.get(reference)
    if other is None:  # that row has errors of its own
        return None
    if other.value_type in (ValueType.TEXT, ValueType.BOOLEAN):
        return (
            f'"{reference}" là chỉ tiêu kiểu {label(other.value_type)} — tử số, mẫu số '
            "phải là chỉ tiêu số"
        )
    if other.is_indicator:
        return (
            f'"{reference}" là chỉ tiêu tỷ lệ (tự tính) — tử số, mẫu số phải là chỉ tiêu '
            "đơn vị nhập"
        )
    return None
