"""The campaign template's layout: its sheets, their columns, and the texts that explain them.

Like an XLSForm for ODK, a workbook with fixed sheets and columns describes one campaign
(:class:`~domain.campaign_spec.CampaignSpec`): an instructions sheet "Hướng dẫn" (ignored when
reading), then sheet "Phong trào" (one data row), "Chỉ tiêu" (data elements and indicators),
"Đơn vị" (reporting units) and "Danh hiệu" (emulation titles). Row 1 of each data sheet holds the
headers of :data:`TEMPLATE_COLUMNS`; data rows follow.

This module is data only: the writer (:mod:`reports.template.writer`) lays it out, the reader
(:mod:`reports.template.reader`) matches headers against it, and both use the same help texts,
drop-down choices and defaults (those of :class:`CampaignSpec`, so that the help text never
disagrees with what a blank cell means). Cell values are read by :mod:`domain.template_cells`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    Direction,
    Frequency,
    TitleKind,
    ValueType,
)
from domain.template_cells import MAX_REMINDER_DAYS, NO, YES, show_reminder_days, show_yes_no
from domain.template_choices import CUMULATIVE, PER_PERIOD, labels

__all__ = [
    "CAMPAIGN_DEFAULTS",
    "CAMPAIGN_SHEET",
    "DATA_SHEETS",
    "DATE_FORMAT",
    "ELEMENTS_SHEET",
    "GUIDE_SHEET",
    "IMPORT_COMMAND",
    "SHEET_INTROS",
    "TEMPLATE_COLUMNS",
    "TITLES_SHEET",
    "UNITS_SHEET",
    "VALIDATION_ROWS",
    "Column",
    "column_of",
]

GUIDE_SHEET = "Hướng dẫn"
CAMPAIGN_SHEET = "Phong trào"
ELEMENTS_SHEET = "Chỉ tiêu"
UNITS_SHEET = "Đơn vị"
TITLES_SHEET = "Danh hiệu"
DATA_SHEETS = (CAMPAIGN_SHEET, ELEMENTS_SHEET, UNITS_SHEET, TITLES_SHEET)
"""The sheets the reader needs, in the order they follow the instructions sheet."""

DATE_FORMAT = "DD/MM/YYYY"
VALIDATION_ROWS = 500
"""Drop-down lists and cell formats cover data rows 2..VALIDATION_ROWS (more if a spec needs)."""

IMPORT_COMMAND = "reportbot campaign import TEN_FILE.xlsx"

CAMPAIGN_DEFAULTS = CampaignSpec("", "", date.min, date.min, Frequency.YEARLY)
"""A campaign with every optional field blank: its values are what blank cells mean."""


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
        choices=labels(Frequency),
        width=12,
    ),
    Column(
        "due_days",
        "Số ngày nộp sau kỳ",
        "Hạn nộp: số ngày sau khi kỳ báo cáo kết thúc. Số nguyên từ 0 trở lên; "
        f"để trống là {CAMPAIGN_DEFAULTS.due_days} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "lock_days",
        "Số ngày khóa sổ sau hạn",
        "Khóa sổ: số ngày sau hạn nộp; sau đó chỉ văn phòng mở lại được. Số nguyên từ 0 trở "
        f"lên; để trống là {CAMPAIGN_DEFAULTS.lock_days} ngày.",
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
        f"{show_reminder_days(CAMPAIGN_DEFAULTS.remind_days_before)}.",
        width=14,
        number_format="@",
    ),
    Column(
        "remind_on_due",
        "Nhắc vào ngày hạn",
        f"{YES}: sáng ngày hạn nộp bot nhắc đơn vị chưa nộp; {NO}: không nhắc. Để trống là "
        f"{show_yes_no(CAMPAIGN_DEFAULTS.remind_on_due)}.",
        choices=(YES, NO),
        width=10,
    ),
    Column(
        "remind_overdue_days",
        "Nhắc quá hạn tối đa (ngày)",
        "Sau hạn nộp, bot nhắc đơn vị chưa nộp mỗi ngày một lần, nhiều nhất bao nhiêu ngày "
        f"(không nhắc sau ngày khóa sổ). Số nguyên từ 0 đến {MAX_REMINDER_DAYS}, 0 là không "
        f"nhắc quá hạn; để trống là {CAMPAIGN_DEFAULTS.remind_overdue_days} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "escalate_office_days",
        "Báo văn phòng sau hạn (ngày)",
        "Bao nhiêu ngày sau hạn nộp thì văn phòng nhận danh sách đơn vị chưa nộp. Số nguyên "
        f"từ 0 đến {MAX_REMINDER_DAYS}, 0 là ngay ngày hạn nộp; để trống là "
        f"{CAMPAIGN_DEFAULTS.escalate_office_days} ngày.",
        width=12,
        number_format="0",
    ),
    Column(
        "escalate_cluster_days",
        "Báo cụm trưởng sau hạn (ngày)",
        "Bao nhiêu ngày sau hạn nộp thì mỗi đơn vị cụm trưởng (cột Cụm trưởng ở trang "
        f'"{UNITS_SHEET}") nhận danh sách đơn vị chưa nộp trong cụm mình. Số nguyên từ 0 đến '
        f"{MAX_REMINDER_DAYS}, 0 là ngay ngày hạn nộp; để trống là "
        f"{CAMPAIGN_DEFAULTS.escalate_cluster_days} ngày.",
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
        choices=labels(ValueType),
        width=12,
    ),
    Column(
        "aggregation",
        "Cách tổng hợp",
        "Cách cộng số liệu nhiều đơn vị: cộng (số lượng, số tiền); tỷ lệ từ tử số-mẫu số "
        "(chỉ tiêu tự tính = Tử số / Mẫu số × 100, đơn vị không nhập); bình quân có trọng "
        "số (trọng số là chỉ tiêu ở cột Mẫu số); không (không tổng hợp, ví dụ điểm tự chấm, "
        "văn bản). Để trống là cộng (văn bản: không).",
        choices=labels(Aggregation),
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
        choices=labels(Direction),
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
        choices=labels(TitleKind),
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

SHEET_INTROS: dict[str, str] = {
    CAMPAIGN_SHEET: "Thông tin chung của phong trào: dòng 1 là tiêu đề, chỉ điền một dòng "
    "(dòng 2).",
    ELEMENTS_SHEET: "Mỗi dòng một chỉ tiêu. Chỉ tiêu tỷ lệ (ví dụ tỷ lệ tham gia BHYT) không "
    "nhập trực tiếp: khai hai dòng số lượng (số người tham gia BHYT, dân số), rồi một dòng tỷ lệ "
    "có Tử số và Mẫu số là mã hai dòng đó; hệ thống tự tính và tổng hợp đúng cho nhiều đơn vị.",
    UNITS_SHEET: "Mỗi dòng một đơn vị báo cáo (thôn, tổ dân phố, ban ngành, đoàn thể, trường, "
    "trạm y tế, hoặc xã/phường khi huyện/thị xã phát động).",
    TITLES_SHEET: "Các danh hiệu thi đua đơn vị, cá nhân được đăng ký (có thể để trống).",
}


def column_of(sheet: str, key: str) -> Column:
    """The column ``key`` of data sheet ``sheet``; raises ``StopIteration`` for an unknown key."""
    return next(c for c in TEMPLATE_COLUMNS[sheet] if c.key == key)
