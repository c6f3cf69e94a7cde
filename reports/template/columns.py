"""The campaign template's layout: its sheets, their columns, and the texts that explain them.

Like an XLSForm for ODK, a workbook with fixed sheets and columns describes one campaign
(:class:`~domain.campaign_spec.CampaignSpec`): an instructions sheet "Hướng dẫn" (ignored when
reading), then sheet "Phong trào" (one data row), "Chỉ tiêu" (data elements and indicators),
"Đơn vị" (reporting units), "Danh hiệu" (emulation titles and who may be proposed for them),
"Tiêu chí" (the scoring table) and "Sơ kết, tổng kết" (the reviews: one row each, since a
campaign has a mid-year and a final one). Row 1 of each data sheet holds the headers of
:data:`TEMPLATE_COLUMNS`; data rows follow. The last two sheets are :data:`OPTIONAL_SHEETS`: a
template made before they existed has none and still imports (no criteria, no reviews).

This module is data only: the writer (:mod:`reports.template.writer`) lays it out, the reader
(:mod:`reports.template.reader`) matches headers against it, and both use the same help texts,
drop-down choices and defaults (those of :class:`CampaignSpec`, so that the help text never
disagrees with what a blank cell means). Cell values are read by :mod:`domain.template_cells`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.campaign_spec import (
    REVIEW_LATE_DAYS,
    Aggregation,
    CampaignSpec,
    Direction,
    Frequency,
    TitleKind,
    ValueType,
)
from domain.template_cells import MAX_REMINDER_DAYS, NO, YES, show_reminder_days, show_yes_no
from domain.template_choices import CUMULATIVE, KIND_CHOICES, PER_PERIOD, labels

__all__ = [
    "CAMPAIGN_DEFAULTS",
    "CAMPAIGN_SHEET",
    "CRITERIA_SHEET",
    "DATA_SHEETS",
    "DATE_FORMAT",
    "ELEMENTS_SHEET",
    "GUIDE_SHEET",
    "IMPORT_COMMAND",
    "OPTIONAL_SHEETS",
    "REVIEWS_SHEET",
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
CRITERIA_SHEET = "Tiêu chí"
REVIEWS_SHEET = "Sơ kết, tổng kết"
DATA_SHEETS = (
    CAMPAIGN_SHEET,
    ELEMENTS_SHEET,
    UNITS_SHEET,
    TITLES_SHEET,
    CRITERIA_SHEET,
    REVIEWS_SHEET,
)
"""The sheets the reader reads, in the order they follow the instructions sheet."""
OPTIONAL_SHEETS = frozenset({CRITERIA_SHEET, REVIEWS_SHEET})
"""Sheets a template may lack (made before they existed): a missing one means no rows."""

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
        "Các đơn vị nộp số liệu mỗi tháng, quý, 6 tháng, năm, hoặc một lần cho cả đợt (kỳ CADOT "
        "từ ngày bắt đầu đến ngày kết thúc phong trào; hạn nộp tính từ ngày kết thúc).",
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
    Column(
        "parent_body",
        "Cơ quan cấp trên",
        "Dòng trên tên cơ quan ban hành ở góc trái báo cáo (không bắt buộc). Ví dụ: UBND thị xã "
        "Sơn Tây.",
        width=26,
    ),
    Column(
        "place",
        "Địa danh",
        'Địa danh ghi trước ngày tháng trên báo cáo: "Xuân Sơn, ngày … tháng … năm …" (không '
        "bắt buộc).",
        width=14,
    ),
    Column(
        "report_suffix",
        "Ký hiệu báo cáo",
        'Phần sau số văn bản của báo cáo tổng hợp: BC-UBND cho "Số: …/BC-UBND" (không bắt buộc).',
        width=14,
    ),
    Column(
        "signer_title",
        "Chức vụ người ký",
        "Ví dụ: Chủ tịch, Phó Chủ tịch (không bắt buộc).",
        width=18,
    ),
    Column("signer_name", "Người ký", "Họ tên người ký báo cáo (không bắt buộc).", width=20),
    Column(
        "recipients",
        "Nơi nhận",
        'Các nơi nhận báo cáo, cách nhau bằng dấu chấm phẩy. Ví dụ: "UBND thị xã; Các thôn; Lưu: '
        'VT" (không bắt buộc).',
        width=30,
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
    Column(
        "min_score",
        "Điểm tối thiểu",
        "Khi bình xét: điểm cuối cùng ít nhất bao nhiêu mới được đề nghị danh hiệu này. "
        "Ví dụ: 90. Để trống là không đặt mức điểm.",
        width=12,
    ),
    Column(
        "needs_on_time",
        "Báo cáo đúng hạn mọi kỳ",
        f"{YES}: chỉ đề nghị đơn vị đã nộp số liệu đúng hạn tất cả các kỳ trong đợt sơ kết, "
        f"tổng kết; {NO}: không xét. Để trống là {NO}.",
        choices=(YES, NO),
        width=12,
    ),
    Column(
        "max_share",
        "Tỷ lệ tối đa (%)",
        "Nhiều nhất bao nhiêu phần trăm số đơn vị được đề nghị danh hiệu này, từ 0 đến 100, "
        "xét từ điểm cao xuống; các đơn vị bằng điểm ở ngưỡng do Hội đồng quyết định. Ví dụ: 20 "
        "(Tập thể lao động xuất sắc không quá 20%). Để trống là không giới hạn.",
        width=12,
    ),
)

_CRITERIA_COLUMNS = (
    Column(
        "code",
        "Mã",
        f"Mã tiêu chí, {_CODE_HELP}. Ví dụ: I.1, I.2, II.1.",
        required=True,
        width=10,
    ),
    Column(
        "name",
        "Tên tiêu chí",
        "Nội dung tiêu chí như trong bảng chấm điểm. Ví dụ: Hoàn thành chỉ tiêu thu ngân sách.",
        required=True,
        width=50,
    ),
    Column(
        "group",
        "Nhóm",
        "Nhóm tiêu chí (không bắt buộc). Ví dụ: I. Phát triển kinh tế. Các tiêu chí cùng nhóm "
        "ghi liền nhau.",
        width=28,
    ),
    Column(
        "max_points",
        "Điểm tối đa",
        "Số điểm tối đa của tiêu chí, lớn hơn 0, lẻ đến 2 chữ số thập phân. Ví dụ: 10 hoặc 2,5. "
        "Với điểm trừ: số điểm bị trừ nhiều nhất.",
        required=True,
        width=10,
    ),
    Column(
        "kind",
        "Loại điểm",
        "điểm chuẩn (cộng vào tổng điểm), điểm thưởng (cộng thêm), điểm trừ (trừ đi khi vi "
        "phạm). Để trống là điểm chuẩn.",
        choices=KIND_CHOICES,
        width=13,
    ),
    Column(
        "evidence_required",
        "Cần minh chứng",
        f"{YES}: khi tự chấm, đơn vị phải gửi ảnh hoặc tài liệu minh chứng cho tiêu chí này; "
        f"{NO}: không bắt buộc. Để trống là {NO}.",
        choices=(YES, NO),
        width=11,
    ),
    Column(
        "source",
        "Chấm tự động từ chỉ tiêu",
        f'Mã một chỉ tiêu số ở trang "{ELEMENTS_SHEET}" (nhập hoặc tỷ lệ tự tính) có chỉ tiêu '
        "kế hoạch: điểm được tính sẵn từ % đạt kế hoạch của đơn vị (đơn vị chỉ sửa được khi "
        "ghi lý do). Để trống nếu đơn vị tự chấm.",
        width=16,
    ),
    Column(
        "rule",
        "Quy tắc chấm tự động",
        "Chỉ điền khi có cột Chấm tự động từ chỉ tiêu. Ví dụ: ≥ 100 → đủ điểm, dưới đó tính "
        "theo tỷ lệ (đạt 100% kế hoạch trở lên được đủ điểm, dưới đó điểm theo tỷ lệ đạt); "
        "hoặc: ≥ 100 → đủ điểm, dưới đó 0 điểm.",
        width=36,
    ),
)

_REVIEWS_COLUMNS = (
    Column(
        "code",
        "Mã",
        f"Mã đợt sơ kết, tổng kết, {_CODE_HELP}. Ví dụ: SOKET, TONGKET.",
        required=True,
        width=12,
    ),
    Column(
        "name",
        "Tên đợt",
        "Ví dụ: Sơ kết 6 tháng đầu năm; Tổng kết năm.",
        required=True,
        width=30,
    ),
    Column(
        "covers",
        "Kỳ đánh giá",
        "Khoảng thời gian được chấm điểm: 2026S1 (6 tháng đầu năm), 2026S2 (6 tháng cuối năm), "
        "2026 (cả năm), 2026Q1 (quý 1), 202601 (tháng 1) hoặc CADOT (cả đợt thi đua). Phải "
        "thuộc thời gian phong trào.",
        required=True,
        width=12,
        number_format="@",
    ),
    Column(
        "self_start",
        "Tự chấm từ ngày",
        "Ngày đầu các đơn vị tự chấm điểm, dạng dd/mm/yyyy; không trước ngày đầu kỳ đánh giá.",
        required=True,
        width=13,
        number_format=DATE_FORMAT,
    ),
    Column(
        "self_end",
        "Tự chấm đến ngày",
        "Ngày cuối tự chấm điểm (hết ngày này thì khóa), không trước ngày đầu.",
        required=True,
        width=13,
        number_format=DATE_FORMAT,
    ),
    Column(
        "cross_start",
        "Chấm chéo từ ngày",
        "Ngày đầu các đơn vị trong cụm chấm chéo cho nhau, không trước ngày bắt đầu tự chấm. "
        "Để trống cả hai cột chấm chéo nếu không chấm chéo.",
        width=13,
        number_format=DATE_FORMAT,
    ),
    Column(
        "cross_end",
        "Chấm chéo đến ngày",
        "Ngày cuối chấm chéo, không trước ngày đầu chấm chéo.",
        width=13,
        number_format=DATE_FORMAT,
    ),
    Column(
        "review_date",
        "Ngày họp bình xét",
        "Ngày Hội đồng thi đua - khen thưởng họp bình xét (không bắt buộc), không trước ngày "
        "cuối tự chấm và chấm chéo. Mọi ngày của đợt không quá "
        f"{REVIEW_LATE_DAYS} ngày sau ngày kết thúc phong trào.",
        width=13,
        number_format=DATE_FORMAT,
    ),
    Column(
        "weights",
        "Cách tính điểm cuối cùng",
        "Tỷ trọng điểm tự chấm, chấm chéo (bình quân các đơn vị chấm) và điểm văn phòng duyệt, "
        "cộng lại đúng 100%. Ví dụ: tự chấm 30%, chấm chéo 30%, văn phòng 40%. Để trống là "
        "chỉ lấy điểm văn phòng duyệt.",
        width=36,
    ),
)

TEMPLATE_COLUMNS: dict[str, tuple[Column, ...]] = {
    CAMPAIGN_SHEET: _CAMPAIGN_COLUMNS,
    ELEMENTS_SHEET: _ELEMENTS_COLUMNS,
    UNITS_SHEET: _UNITS_COLUMNS,
    TITLES_SHEET: _TITLES_COLUMNS,
    CRITERIA_SHEET: _CRITERIA_COLUMNS,
    REVIEWS_SHEET: _REVIEWS_COLUMNS,
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
    TITLES_SHEET: "Các danh hiệu thi đua đơn vị, cá nhân được đăng ký (có thể để trống). Ba "
    "cột cuối là điều kiện để bot đề nghị danh hiệu khi bình xét (đơn vị phải đăng ký danh hiệu "
    "đó): điểm tối thiểu, báo cáo đúng hạn mọi kỳ, tỷ lệ tối đa.",
    CRITERIA_SHEET: "Bảng tiêu chí chấm điểm thi đua: mỗi dòng một tiêu chí (có thể để trống "
    "hoặc không có trang này nếu phong trào không chấm điểm). Tổng điểm = điểm chuẩn + điểm "
    "thưởng − điểm trừ. Đơn vị tự chấm từng tiêu chí, gửi minh chứng khi tiêu chí cần; tiêu chí "
    "chấm tự động được tính sẵn từ số liệu đã báo cáo.",
    REVIEWS_SHEET: "Mỗi dòng một đợt sơ kết hoặc tổng kết (ví dụ sơ kết 6 tháng, tổng kết năm): "
    "kỳ được đánh giá, thời gian tự chấm, chấm chéo trong cụm, ngày họp bình xét và cách tính "
    "điểm cuối cùng. Có thể để trống hoặc không có trang này.",
}


def column_of(sheet: str, key: str) -> Column:
    """The column ``key`` of data sheet ``sheet``; raises ``StopIteration`` for an unknown key."""
    return next(c for c in TEMPLATE_COLUMNS[sheet] if c.key == key)
