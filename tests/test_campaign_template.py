"""The campaign template: writing, reading back, and every kind of broken file reported at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    ElementSpec,
    Frequency,
    UnitSpec,
    ValueType,
)
from domain.errors import DomainError
from reports.template import (
    CAMPAIGN_SHEET,
    CRITERIA_SHEET,
    DATA_SHEETS,
    ELEMENTS_SHEET,
    GUIDE_SHEET,
    IMPORT_COMMAND,
    REVIEWS_SHEET,
    TEMPLATE_COLUMNS,
    TITLES_SHEET,
    UNITS_SHEET,
    TemplateError,
    TemplateInvalid,
    read_template,
    write_template,
)
from samples import SAMPLES, nga_nam_2023, xuan_son_2022

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
Edit = Callable[[Workbook], None]


# --------------------------------------------------------------------------- helpers


def _workbook(spec: CampaignSpec | None = None) -> Workbook:
    return load_workbook(BytesIO(write_template(spec)))


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column(ws: Any, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header!r} in {ws.title}")


def _row_of(ws: Any, code: str) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == code:
            return row
    raise AssertionError(f"no row {code!r} in {ws.title}")


def _set(sheet: str, row: str | int, header: str, value: object) -> Edit:
    """An edit setting one cell; ``row`` is an Excel row number or the code in column A."""

    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        number = row if isinstance(row, int) else _row_of(ws, row)
        ws.cell(number, _column(ws, header)).value = value

    return edit


def _clear_rows(sheet: str) -> Edit:
    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        ws.delete_rows(2, ws.max_row)

    return edit


def _read_edited(spec: CampaignSpec, *edits: Edit) -> CampaignSpec:
    workbook = _workbook(spec)
    for edit in edits:
        edit(workbook)
    return read_template(_bytes(workbook))


def _errors(spec: CampaignSpec, *edits: Edit) -> list[TemplateError]:
    with pytest.raises(TemplateInvalid) as caught:
        _read_edited(spec, *edits)
    return caught.value.errors


def _where(error: TemplateError) -> tuple[str, int | None, str | None]:
    return error.sheet, error.row, error.column


# --------------------------------------------------------------------------- writing


def test_blank_template_has_sheets_headers_formats_and_drop_downs() -> None:
    workbook = _workbook()

    assert workbook.sheetnames == [GUIDE_SHEET, *DATA_SHEETS]
    for sheet in DATA_SHEETS:
        ws = workbook[sheet]
        headers = [cell.value for cell in ws[1] if cell.value is not None]
        assert headers == [column.header for column in TEMPLATE_COLUMNS[sheet]]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold and cell.comment for cell in ws[1] if cell.value)
        assert all(ws.cell(row, 1).value is None for row in range(2, 10))
    assert workbook[CAMPAIGN_SHEET]["F2"].number_format == "DD/MM/YYYY"
    campaign, units = workbook[CAMPAIGN_SHEET], workbook[UNITS_SHEET]
    assert campaign.cell(2, _column(campaign, "Nhắc trước hạn (ngày)")).number_format == "@"
    assert campaign.cell(2, _column(campaign, "Nhắc quá hạn tối đa (ngày)")).number_format == "0"
    assert units.cell(2, _column(units, "Số điện thoại")).number_format == "@"
    guide = " ".join(str(c.value) for row in workbook[GUIDE_SHEET].iter_rows() for c in row)
    assert IMPORT_COMMAND in guide and "12.500" in guide and "dd/mm/yyyy" in guide


def _lists(ws: Any) -> dict[str, str]:
    """Drop-down lists of a sheet by header: the inline list of the validation over row 2."""
    found = {}
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row >= 500
            found[ws.cell(1, cell_range.min_col).value] = validation.formula1
    return found


def test_blank_template_drop_down_lists() -> None:
    workbook = _workbook()

    assert _lists(workbook[CAMPAIGN_SHEET]) == {
        "Kỳ báo cáo": '"tháng,quý,6 tháng,năm,cả đợt"',
        "Nhắc vào ngày hạn": '"có,không"',
        "Là dữ liệu mẫu": '"có,không"',
    }
    assert _lists(workbook[ELEMENTS_SHEET]) == {
        "Kiểu": '"số,số nguyên,phần trăm,có-không,văn bản"',
        "Cách tổng hợp": '"cộng,tỷ lệ từ tử số-mẫu số,bình quân có trọng số,không"',
        "Chiều đánh giá": '"cao hơn tốt,thấp hơn tốt"',
        "Bắt buộc": '"có,không"',
        "Lũy kế": '"lũy kế,theo kỳ"',
    }
    assert _lists(workbook[UNITS_SHEET]) == {"Cụm trưởng": '"có,không"'}
    assert _lists(workbook[TITLES_SHEET]) == {
        "Đối tượng": '"tập thể,cá nhân"',
        "Báo cáo đúng hạn mọi kỳ": '"có,không"',
    }
    assert _lists(workbook[CRITERIA_SHEET]) == {
        "Loại điểm": '"điểm chuẩn,điểm thưởng,điểm trừ"',
        "Cần minh chứng": '"có,không"',
    }
    assert _lists(workbook[REVIEWS_SHEET]) == {}


def test_blank_template_reads_back_as_missing_campaign_elements_and_units() -> None:
    with pytest.raises(TemplateInvalid) as caught:
        read_template(write_template())

    assert [_where(error) for error in caught.value.errors] == [
        (CAMPAIGN_SHEET, 2, None),
        (ELEMENTS_SHEET, None, None),
        (UNITS_SHEET, None, None),
    ]


def test_filled_template_stores_real_dates_and_numbers() -> None:
    workbook = _workbook(nga_nam_2023())
    campaign, elements = workbook[CAMPAIGN_SHEET], workbook[ELEMENTS_SHEET]

    assert campaign["F2"].value == datetime(2023, 1, 1)
    assert campaign["F2"].number_format == "DD/MM/YYYY"
    assert campaign["I2"].value == 10
    target = _column(elements, "Chỉ tiêu kế hoạch")
    assert elements.cell(_row_of(elements, "THUY_SAN"), target).value == 12500
    assert elements.cell(_row_of(elements, "TL_BHYT"), target).value == 95.15
    assert elements.cell(_row_of(elements, "CHUAN_Y_TE"), target).value == "có"


def test_what_a_signed_report_needs_round_trips() -> None:
    spec = replace(
        nga_nam_2023(),
        parent_body="UBND tỉnh Sóc Trăng",
        place="Ngã Năm",
        report_suffix="BC-UBND",
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn Bình",
        recipients=("UBND tỉnh", "Các phường, xã", "Lưu: VT"),
    )
    assert read_template(write_template(spec)) == spec
    typed = _workbook(spec)
    sheet = typed[CAMPAIGN_SHEET]
    column = next(c.column for c in sheet[1] if c.value == "Nơi nhận")
    sheet.cell(2, column).value = "UBND tỉnh;\nCác phường, xã ;;Lưu: VT"  # as people type it
    buffer = BytesIO()
    typed.save(buffer)
    assert read_template(buffer.getvalue()).recipients == spec.recipients


def test_text_that_looks_like_a_formula_stays_text() -> None:
    spec = replace(nga_nam_2023(), theme="=1+1 chủ đề")

    assert _workbook(spec)[CAMPAIGN_SHEET]["C2"].data_type == "s"
    assert read_template(write_template(spec)) == spec


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("build", [nga_nam_2023, xuan_son_2022])
def test_written_spec_reads_back_equal(build: Callable[[], CampaignSpec]) -> None:
    spec = build()

    assert read_template(write_template(spec)) == spec


@pytest.mark.parametrize("stem", sorted(SAMPLES))
def test_shipped_sample_files_read_back_to_the_spec_functions(stem: str) -> None:
    assert read_template(SAMPLES_DIR / f"{stem}.xlsx") == SAMPLES[stem]()


def test_samples_follow_the_seeds() -> None:
    nga_nam, xuan_son = nga_nam_2023(), xuan_son_2022()
    targets = {e.code: e.target for e in nga_nam.elements}

    assert (nga_nam.frequency, nga_nam.due_days, nga_nam.lock_days) == (Frequency.QUARTERLY, 10, 15)
    assert nga_nam.registration_deadline is None and not nga_nam.is_sample
    assert targets["THUY_SAN"] == 12500 and targets["TL_BHYT"] == Decimal("95.15")
    assert len(nga_nam.units) == 8 and {u.cluster for u in nga_nam.units} == {
        "Khối phường",
        "Khối xã",
    }
    assert not any(u.is_cluster_head for u in nga_nam.units)
    assert xuan_son.frequency is Frequency.SIX_MONTHLY
    assert xuan_son.registration_deadline == date(2022, 3, 31) and not xuan_son.is_sample
    assert 8 <= len(xuan_son.units) <= 12
    assert "Thôn văn hóa" in {t.name for t in xuan_son.titles}
    heads = {u.cluster: u.code for u in xuan_son.units if u.is_cluster_head}
    assert heads == {"Cụm thôn": "THON_DONG", "Khối ngành": "VP_UBND", "Khối đoàn thể": "MTTQ"}
    assert len({u.cluster for u in xuan_son.units}) == 3


def test_values_typed_by_hand_are_understood() -> None:
    spec = nga_nam_2023()
    read = _read_edited(
        spec,
        _set(CAMPAIGN_SHEET, 2, "Mã phong trào", "  nganam2023 "),
        _set(CAMPAIGN_SHEET, 2, "Ngày bắt đầu", "01/01/2023"),
        _set(CAMPAIGN_SHEET, 2, "Kỳ báo cáo", "QUÝ"),
        _set(CAMPAIGN_SHEET, 2, "Số ngày nộp sau kỳ", "10"),
        _set(ELEMENTS_SHEET, "THUY_SAN", "Chỉ tiêu kế hoạch", "12.500"),
        _set(ELEMENTS_SHEET, "THU_NGAN_SACH", "Chỉ tiêu kế hoạch", "45 tỷ"),
        _set(ELEMENTS_SHEET, "TL_BHYT", "Chỉ tiêu kế hoạch", "95,15%"),
        _set(ELEMENTS_SHEET, "TL_BHYT", "Cách tổng hợp", "tỷ lệ"),
        _set(ELEMENTS_SHEET, "TL_BHYT", "Tử số", "bhyt"),
        _set(ELEMENTS_SHEET, "DAN_SO", "Kiểu", "Số  Nguyên"),
        _set(ELEMENTS_SHEET, "CHUAN_Y_TE", "Chỉ tiêu kế hoạch", "co"),
        _set(UNITS_SHEET, "P1", "Số điện thoại", 900000001),  # Excel dropped the leading 0
        _set(TITLES_SHEET, "LDTT", "Đối tượng", "Cá nhân "),
        _set(CAMPAIGN_SHEET, 1, "Mã phong trào", "ma phong trao"),  # header without diacritics
    )

    assert read == spec


def test_drop_down_values_need_their_diacritics() -> None:
    """The issue's own example: "so" is not a value type, and the message lists the choices."""
    with pytest.raises(TemplateInvalid) as caught:
        _read_edited(nga_nam_2023(), _set(ELEMENTS_SHEET, "DAN_SO", "Kiểu", "so"))
    assert any(
        'cột "Kiểu": "so" không hợp lệ — chọn: số, số nguyên, phần trăm, có-không, văn bản'
        in str(e)
        for e in caught.value.errors
    )


def test_blank_rows_moved_columns_and_extra_columns_are_fine() -> None:
    def reshape(workbook: Workbook) -> None:
        units = workbook[UNITS_SHEET]
        units.insert_rows(4, amount=2)
        units.move_range("G1:G20", cols=2)  # phones after an empty column
        units["H1"] = "Ghi chú"
        units["H2"] = "không đọc cột này"

    read = _read_edited(nga_nam_2023(), reshape)

    assert read == nga_nam_2023()


def test_error_rows_are_excel_rows_even_after_blank_rows() -> None:
    def gap(workbook: Workbook) -> None:
        workbook[UNITS_SHEET].insert_rows(3, amount=3)

    errors = _errors(NGA_NAM, gap, _set(UNITS_SHEET, "P3", "Số điện thoại", "abc"))

    assert [_where(error) for error in errors] == [(UNITS_SHEET, 7, "Số điện thoại")]


def test_more_names_than_phones_and_duplicate_unit_names_are_fine() -> None:
    read = _read_edited(
        nga_nam_2023(),
        _set(UNITS_SHEET, "P1", "Người đại diện", "Nguyễn Văn An; Trần Văn Bảo"),
        _set(UNITS_SHEET, "P2", "Tên đơn vị", "Phường 1"),
    )

    assert read.units[0].representatives == ("Nguyễn Văn An", "Trần Văn Bảo")
    assert read.units[0].phones == ("0900000001",)
    assert read.units[1].name == "Phường 1"


# --------------------------------------------------------------------------- broken templates

NGA_NAM = nga_nam_2023()
XUAN_SON = xuan_son_2022()

BROKEN = [
    pytest.param(
        XUAN_SON,
        [_set(CAMPAIGN_SHEET, 2, "Tên phong trào", None)],
        (CAMPAIGN_SHEET, 2, "Tên phong trào"),
        "ô bắt buộc đang để trống",
        id="empty-required",
    ),
    pytest.param(
        NGA_NAM,
        [_set(UNITS_SHEET, "P2", "Tên đơn vị", "  ")],
        (UNITS_SHEET, 3, "Tên đơn vị"),
        "ô bắt buộc đang để trống",
        id="empty-unit-name",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "LUA_TONG", "Kiểu", "số thực")],
        (ELEMENTS_SHEET, 2, "Kiểu"),
        '"số thực" không hợp lệ — chọn: số, số nguyên, phần trăm, có-không, văn bản',
        id="invalid-enum",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Kỳ báo cáo", "tuần")],
        (CAMPAIGN_SHEET, 2, "Kỳ báo cáo"),
        '"tuần" không hợp lệ — chọn: tháng, quý, 6 tháng, năm, cả đợt',
        id="invalid-frequency",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Ngày kết thúc", "31/02/2023")],
        (CAMPAIGN_SHEET, 2, "Ngày kết thúc"),
        '"31/02/2023" không phải ngày hợp lệ',
        id="invalid-date",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Ngày kết thúc", "31/12/2203")],
        (CAMPAIGN_SHEET, 2, "Ngày kết thúc"),
        '"31/12/2203" không phải ngày hợp lệ',
        id="implausible-year",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "DAN_SO", "Kiểu", "-")],
        (ELEMENTS_SHEET, 24, "Kiểu"),
        '"-" không hợp lệ',
        id="dash-enum",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Ngày kết thúc", datetime(2022, 12, 31))],
        (CAMPAIGN_SHEET, 2, "Ngày kết thúc"),
        "ngày kết thúc 31/12/2022 trước ngày bắt đầu 01/01/2023",
        id="end-before-start",
    ),
    pytest.param(
        XUAN_SON,
        [_set(CAMPAIGN_SHEET, 2, "Hạn đăng ký thi đua", "15/01/2023")],
        (CAMPAIGN_SHEET, 2, "Hạn đăng ký thi đua"),
        "hạn đăng ký 15/01/2023 sau ngày kết thúc phong trào 31/12/2022",
        id="registration-after-end",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Số ngày nộp sau kỳ", -3)],
        (CAMPAIGN_SHEET, 2, "Số ngày nộp sau kỳ"),
        "phải là số ngày nguyên, từ 0 trở lên",
        id="negative-due-days",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Số ngày khóa sổ sau hạn", "2,5")],
        (CAMPAIGN_SHEET, 2, "Số ngày khóa sổ sau hạn"),
        '"2,5" phải là số ngày nguyên',
        id="fractional-lock-days",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "0")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        "số ngày nhắc trước hạn phải từ 1 đến 60, không phải 0 (nhắc đúng ngày hạn nộp: dùng "
        'cột "Nhắc vào ngày hạn")',
        id="remind-before-zero",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "7; 61")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        "số ngày nhắc trước hạn phải từ 1 đến 60, không phải 61",
        id="remind-before-over-60",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "3; 1, 3")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        "3 ngày được ghi hai lần",
        id="remind-before-duplicate",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "3; hai")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        '"hai" không hợp lệ — ghi các số ngày nguyên từ 1 đến 60, cách nhau bằng dấu ; '
        '(ví dụ 3; 1), hoặc "không"',
        id="remind-before-word",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", 3.1)],  # "3,1" turned into a number
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        '"3.1" không hợp lệ',
        id="remind-before-fraction",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "-2")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        '"-2" không hợp lệ',
        id="remind-before-negative",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "khong")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        '"khong" không hợp lệ',
        id="remind-before-no-without-diacritics",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", " ; ,")],
        (CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)"),
        '"; ," không hợp lệ — ghi các số ngày, ví dụ 3; 1, hoặc "không"',
        id="remind-before-only-separators",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc vào ngày hạn", "thỉnh thoảng")],
        (CAMPAIGN_SHEET, 2, "Nhắc vào ngày hạn"),
        '"thỉnh thoảng" không hợp lệ — chọn: có, không',
        id="remind-on-due-invalid",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc quá hạn tối đa (ngày)", 61)],
        (CAMPAIGN_SHEET, 2, "Nhắc quá hạn tối đa (ngày)"),
        '"61" phải là số ngày nguyên, từ 0 đến 60 (ví dụ 3)',
        id="overdue-over-60",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Nhắc quá hạn tối đa (ngày)", "1,5")],
        (CAMPAIGN_SHEET, 2, "Nhắc quá hạn tối đa (ngày)"),
        '"1,5" phải là số ngày nguyên, từ 0 đến 60',
        id="overdue-fraction",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Báo văn phòng sau hạn (ngày)", -1)],
        (CAMPAIGN_SHEET, 2, "Báo văn phòng sau hạn (ngày)"),
        '"-1" phải là số ngày nguyên, từ 0 đến 60',
        id="office-negative",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Báo cụm trưởng sau hạn (ngày)", "ba tuần")],
        (CAMPAIGN_SHEET, 2, "Báo cụm trưởng sau hạn (ngày)"),
        '"ba tuần"',
        id="cluster-days-word",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 2, "Báo cụm trưởng sau hạn (ngày)", datetime(2023, 1, 3))],
        (CAMPAIGN_SHEET, 2, "Báo cụm trưởng sau hạn (ngày)"),
        '"03/01/2023" phải là số ngày nguyên',
        id="cluster-days-date",
    ),
    pytest.param(
        NGA_NAM,
        [
            _set(UNITS_SHEET, "P2", "Cụm/khối thi đua", None),
            _set(UNITS_SHEET, "P2", "Cụm trưởng", "có"),
        ],
        (UNITS_SHEET, 3, "Cụm trưởng"),
        "đơn vị cụm trưởng phải có cụm/khối thi đua",
        id="cluster-head-without-cluster",
    ),
    pytest.param(
        XUAN_SON,
        [_set(UNITS_SHEET, "THON_DOI_DU", "Cụm trưởng", "có")],
        (UNITS_SHEET, 4, "Cụm trưởng"),
        'cụm "Cụm thôn" có hai cụm trưởng: dòng 2 (THON_DONG) và dòng 4 (THON_DOI_DU) — mỗi '
        "cụm chỉ một đơn vị cụm trưởng",
        id="two-cluster-heads",
    ),
    pytest.param(
        XUAN_SON,
        [_set(UNITS_SHEET, "HOI_CCB", "Cụm trưởng", "phó")],
        (UNITS_SHEET, 12, "Cụm trưởng"),
        '"phó" không hợp lệ — chọn: có, không',
        id="cluster-head-invalid",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "THUY_SAN", "Chỉ tiêu kế hoạch", "12.5.00")],
        (ELEMENTS_SHEET, 5, "Chỉ tiêu kế hoạch"),
        '"12.5.00": Chưa hiểu "12.5.00" là số nào',
        id="bad-number",
    ),
    pytest.param(
        NGA_NAM,
        [
            _set(ELEMENTS_SHEET, "TL_BHYT", "Tối thiểu", 100),
            _set(ELEMENTS_SHEET, "TL_BHYT", "Tối đa", "50"),
        ],
        (ELEMENTS_SHEET, 26, "Tối thiểu"),
        "tối thiểu 100 lớn hơn tối đa 50",
        id="min-over-max",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "THUY_SAN", "Tối đa", "10.000")],
        (ELEMENTS_SHEET, 5, "Chỉ tiêu kế hoạch"),
        "chỉ tiêu kế hoạch 12.500 lớn hơn tối đa 10.000",
        id="target-over-max",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "TL_BHYT", "Tối đa", 120)],
        (ELEMENTS_SHEET, 26, "Tối đa"),
        "kiểu phần trăm phải từ 0 đến 100, không phải 120",
        id="percentage-over-100",
    ),
    pytest.param(
        NGA_NAM,
        [_set(UNITS_SHEET, "P2", "Mã đơn vị", "p1")],
        (UNITS_SHEET, 3, "Mã đơn vị"),
        'mã "P1" trùng với dòng 2',
        id="duplicate-unit-code",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "THU_NGAN_SACH", "Mã", "thuy_san")],
        (ELEMENTS_SHEET, 6, "Mã"),
        'mã "THUY_SAN" trùng với dòng 5',
        id="duplicate-element-code",
    ),
    pytest.param(
        NGA_NAM,
        [_set(TITLES_SHEET, "LDTT", "Mã", "LD TT")],
        (TITLES_SHEET, 2, "Mã"),
        'mã "LD TT" chỉ được gồm chữ, số và các dấu _ - .',
        id="code-with-space",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "TL_BHYT", "Tử số", None)],
        (ELEMENTS_SHEET, 26, "Tử số"),
        "chỉ tiêu tỷ lệ cần mã chỉ tiêu tử số",
        id="ratio-without-numerator",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "TL_BHYT", "Mẫu số", "DAN_SO_2023")],
        (ELEMENTS_SHEET, 26, "Mẫu số"),
        'không có chỉ tiêu nào mã "DAN_SO_2023"',
        id="unknown-denominator",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "TL_BHYT", "Mẫu số", "TL_BHYT")],
        (ELEMENTS_SHEET, 26, "Mẫu số"),
        '"TL_BHYT" là chính dòng này',
        id="self-reference",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "TL_BHYT", "Tử số", "CHUAN_Y_TE")],
        (ELEMENTS_SHEET, 26, "Tử số"),
        '"CHUAN_Y_TE" là chỉ tiêu kiểu có-không',
        id="boolean-numerator",
    ),
    pytest.param(
        NGA_NAM,
        [
            _set(ELEMENTS_SHEET, "DAN_SO", "Kiểu", "văn bản"),
            _set(ELEMENTS_SHEET, "DAN_SO", "Cách tổng hợp", "không"),
        ],
        (ELEMENTS_SHEET, 26, "Mẫu số"),
        '"DAN_SO" là chỉ tiêu kiểu văn bản',
        id="text-denominator",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "TL_BHYT", "Tử số", "TL_LD_DAO_TAO")],
        (ELEMENTS_SHEET, 26, "Tử số"),
        "là chỉ tiêu tỷ lệ (tự tính)",
        id="ratio-numerator",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "GIAM_HO_NGHEO", "Mẫu số", None)],
        (ELEMENTS_SHEET, 35, "Mẫu số"),
        "bình quân có trọng số cần mã chỉ tiêu làm trọng số",
        id="weighted-mean-without-weight",
    ),
    pytest.param(
        NGA_NAM,
        [_set(ELEMENTS_SHEET, "THUY_SAN", "Tử số", "LUA_TONG")],
        (ELEMENTS_SHEET, 5, "Tử số"),
        'chỉ điền tử số khi cách tổng hợp là "tỷ lệ từ tử số-mẫu số"',
        id="numerator-on-sum",
    ),
    pytest.param(
        XUAN_SON,
        [
            _set(ELEMENTS_SHEET, "DIEM_TU_CHAM", "Kiểu", "văn bản"),
            _set(ELEMENTS_SHEET, "DIEM_TU_CHAM", "Cách tổng hợp", "cộng"),
            _set(ELEMENTS_SHEET, "DIEM_TU_CHAM", "Tối thiểu", None),
            _set(ELEMENTS_SHEET, "DIEM_TU_CHAM", "Tối đa", None),
        ],
        (ELEMENTS_SHEET, 13, "Cách tổng hợp"),
        "chỉ tiêu kiểu văn bản không tổng hợp được",
        id="text-summed",
    ),
    pytest.param(
        NGA_NAM,
        [_set(UNITS_SHEET, "P3", "Số điện thoại", "0900000003; 0900 000")],
        (UNITS_SHEET, 4, "Số điện thoại"),
        '"0900 000" không phải số điện thoại Việt Nam hợp lệ',
        id="bad-phone",
    ),
    pytest.param(
        NGA_NAM,
        [_clear_rows(ELEMENTS_SHEET)],
        (ELEMENTS_SHEET, None, None),
        "chưa có chỉ tiêu nào",
        id="no-element",
    ),
    pytest.param(
        NGA_NAM,
        [_clear_rows(UNITS_SHEET)],
        (UNITS_SHEET, None, None),
        "chưa có đơn vị nào",
        id="no-unit",
    ),
    pytest.param(
        NGA_NAM,
        [_set(CAMPAIGN_SHEET, 3, "Mã phong trào", "KHAC")],
        (CAMPAIGN_SHEET, 3, None),
        "mỗi file chỉ khai một phong trào",
        id="second-campaign-row",
    ),
    pytest.param(
        NGA_NAM,
        [lambda workbook: workbook.remove(workbook[TITLES_SHEET])],
        (TITLES_SHEET, None, None),
        'thiếu trang "Danh hiệu"',
        id="missing-sheet",
    ),
    pytest.param(
        NGA_NAM,
        [lambda workbook: workbook[ELEMENTS_SHEET].delete_cols(3)],
        (ELEMENTS_SHEET, 1, "Đơn vị tính"),
        "thiếu cột bắt buộc",
        id="missing-column",
    ),
    pytest.param(
        NGA_NAM,
        [_set(TITLES_SHEET, 1, "Đối tượng", "Tên danh hiệu")],
        (TITLES_SHEET, 1, "Tên danh hiệu"),
        "cột bị lặp (đã có ở cột B)",
        id="duplicate-column",
    ),
]


@pytest.mark.parametrize(("spec", "edits", "where", "fragment"), BROKEN)
def test_broken_template_reports_where_and_why(
    spec: CampaignSpec, edits: list[Edit], where: tuple[str, int | None, str | None], fragment: str
) -> None:
    errors = _errors(spec, *edits)

    assert [_where(error) for error in errors] == [where]
    assert fragment in errors[0].message


def test_error_text_names_sheet_row_and_column() -> None:
    errors = _errors(NGA_NAM, _set(ELEMENTS_SHEET, "LUA_TONG", "Kiểu", "số thực"))

    assert str(errors[0]) == (
        'Chỉ tiêu, dòng 2, cột "Kiểu": "số thực" không hợp lệ — '
        "chọn: số, số nguyên, phần trăm, có-không, văn bản"
    )
    assert str(TemplateError("", None, None, "Không đọc được file.")) == "Không đọc được file."


def test_all_errors_are_reported_at_once() -> None:
    with pytest.raises(TemplateInvalid) as caught:
        _read_edited(
            NGA_NAM,
            _set(CAMPAIGN_SHEET, 2, "Ngày bắt đầu", "hôm nay"),
            _set(CAMPAIGN_SHEET, 2, "Kỳ báo cáo", "tuần"),
            _set(ELEMENTS_SHEET, "LUA_TONG", "Kiểu", "số thực"),
            _set(ELEMENTS_SHEET, "TL_BHYT", "Tử số", "KHONG_CO"),
            _set(ELEMENTS_SHEET, "TL_BHYT", "Tối đa", 120),
            _set(UNITS_SHEET, "P2", "Mã đơn vị", "P1"),
            _set(UNITS_SHEET, "P3", "Số điện thoại", "12345"),
            _set(TITLES_SHEET, "LDTT", "Tên danh hiệu", None),
        )
    invalid = caught.value

    assert [_where(error) for error in invalid.errors] == [
        (CAMPAIGN_SHEET, 2, "Ngày bắt đầu"),
        (CAMPAIGN_SHEET, 2, "Kỳ báo cáo"),
        (ELEMENTS_SHEET, 2, "Kiểu"),
        (ELEMENTS_SHEET, 26, "Tử số"),
        (ELEMENTS_SHEET, 26, "Tối đa"),
        (UNITS_SHEET, 3, "Mã đơn vị"),
        (UNITS_SHEET, 4, "Số điện thoại"),
        (TITLES_SHEET, 2, "Tên danh hiệu"),
    ]
    lines = invalid.user_message.splitlines()
    assert lines[0] == "File mẫu có 8 lỗi:"
    assert lines[1:] == [f"- {error}" for error in invalid.errors]
    assert isinstance(invalid, DomainError)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"ma,ten\nA,B\n", "Không đọc được file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "file Excel cũ (.xls)"),
        (b"PK\x03\x04 broken zip", "Không đọc được file"),
    ],
    ids=["csv", "xls", "broken-zip"],
)
def test_unreadable_file(data: bytes, fragment: str) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        read_template(data)

    assert [_where(error) for error in caught.value.errors] == [("", None, None)]
    assert fragment in caught.value.errors[0].message


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(TemplateInvalid, match="Không mở được file"):
        read_template(tmp_path / "khong-co.xlsx")


def test_value_types_and_aggregations_of_the_samples() -> None:
    """Shares are ratios of entered counts; nothing refers to a computed or yes/no row."""
    for spec in (NGA_NAM, XUAN_SON):
        by_code = {element.code: element for element in spec.elements}
        for element in spec.elements:
            if element.aggregation is Aggregation.RATIO:
                assert element.value_type is ValueType.PERCENTAGE
                assert element.measure_unit == "%"
            for code in (element.numerator, element.denominator):
                if code is not None:
                    assert by_code[code].value_type in (ValueType.INTEGER, ValueType.NUMBER)
                    assert by_code[code].target is None


# --------------------------------------------------------------------------- reminder policy

REMINDER_HEADERS = {
    "remind_days_before": "Nhắc trước hạn (ngày)",
    "remind_on_due": "Nhắc vào ngày hạn",
    "remind_overdue_days": "Nhắc quá hạn tối đa (ngày)",
    "escalate_office_days": "Báo văn phòng sau hạn (ngày)",
    "escalate_cluster_days": "Báo cụm trưởng sau hạn (ngày)",
}
DEFAULT_POLICY = {
    "remind_days_before": (3, 1),
    "remind_on_due": True,
    "remind_overdue_days": 3,
    "escalate_office_days": 2,
    "escalate_cluster_days": 3,
}


def _policy(spec: CampaignSpec) -> dict[str, object]:
    return {key: getattr(spec, key) for key in REMINDER_HEADERS}


def test_filled_template_writes_the_reminder_policy_and_cluster_heads() -> None:
    spec = replace(XUAN_SON, remind_days_before=(7, 3, 1), remind_on_due=False)
    workbook = _workbook(spec)
    campaign, units = workbook[CAMPAIGN_SHEET], workbook[UNITS_SHEET]

    def cell(header: str) -> object:
        return campaign.cell(2, _column(campaign, header)).value

    assert cell("Nhắc trước hạn (ngày)") == "7; 3; 1"
    assert cell("Nhắc vào ngày hạn") == "không"
    assert cell("Nhắc quá hạn tối đa (ngày)") == 3
    assert (cell("Báo văn phòng sau hạn (ngày)"), cell("Báo cụm trưởng sau hạn (ngày)")) == (2, 3)
    head = _column(units, "Cụm trưởng")
    assert head == _column(units, "Cụm/khối thi đua") + 1
    assert units.cell(_row_of(units, "THON_DONG"), head).value == "có"
    assert units.cell(_row_of(units, "THON_DOAI"), head).value == "không"
    no_reminders = _workbook(replace(spec, remind_days_before=()))[CAMPAIGN_SHEET]
    assert no_reminders.cell(2, _column(campaign, "Nhắc trước hạn (ngày)")).value == "không"


def test_instructions_sheet_explains_the_new_columns() -> None:
    guide = _workbook()[GUIDE_SHEET]
    rows = {row[0]: row for row in guide.iter_rows(values_only=True) if row[0]}

    for header in [*REMINDER_HEADERS.values(), "Cụm trưởng"]:
        assert header in rows, header
    assert "để trống là 3; 1" in rows["Nhắc trước hạn (ngày)"][2]
    assert 'Ghi "không" nếu không nhắc trước hạn' in rows["Nhắc trước hạn (ngày)"][2]
    assert "Để trống là có" in rows["Nhắc vào ngày hạn"][2]
    assert rows["Nhắc vào ngày hạn"][3] == "có, không"
    assert "để trống là 3 ngày" in rows["Nhắc quá hạn tối đa (ngày)"][2]
    assert "để trống là 2 ngày" in rows["Báo văn phòng sau hạn (ngày)"][2]
    assert "để trống là 3 ngày" in rows["Báo cụm trưởng sau hạn (ngày)"][2]
    assert "Để trống là không" in rows["Cụm trưởng"][2]
    assert rows["Cụm trưởng"][3] == "có, không"


def test_blank_reminder_cells_take_the_defaults() -> None:
    spec = replace(NGA_NAM, remind_days_before=(5,), remind_on_due=False, remind_overdue_days=9)
    edits = [_set(CAMPAIGN_SHEET, 2, header, None) for header in REMINDER_HEADERS.values()]

    read = _read_edited(spec, *edits)

    assert _policy(read) == DEFAULT_POLICY
    assert read == replace(spec, **DEFAULT_POLICY)  # type: ignore[arg-type]


def test_template_without_the_new_columns_reads_with_the_defaults() -> None:
    """A template made before these columns existed still imports, with the default policy."""

    def drop_new_columns(workbook: Workbook) -> None:
        for sheet, headers in (
            (CAMPAIGN_SHEET, REMINDER_HEADERS.values()),
            (UNITS_SHEET, ["Cụm trưởng"]),
        ):
            ws = workbook[sheet]
            for header in headers:
                ws.delete_cols(_column(ws, header))

    read = _read_edited(XUAN_SON, drop_new_columns)

    assert _policy(read) == DEFAULT_POLICY
    assert not any(unit.is_cluster_head for unit in read.units)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3; 1", (3, 1)),
        ("3;1", (3, 1)),
        ("7, 3 ,1", (7, 3, 1)),
        ("1; 3", (1, 3)),  # kept in the order written
        ("5\n2", (5, 2)),
        ("3; 1;", (3, 1)),
        ("3 ngày; 1 ngày", (3, 1)),
        ("60", (60,)),
        (3, (3,)),  # a number cell
        (3.0, (3,)),
        ("không", ()),
        ("KHÔNG", ()),
        ("không nhắc", ()),
    ],
)
def test_reminder_days_as_typed(typed: object, expected: tuple[int, ...]) -> None:
    read = _read_edited(NGA_NAM, _set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", typed))

    assert read.remind_days_before == expected


@pytest.mark.parametrize(
    ("header", "typed", "key", "expected"),
    [
        ("Nhắc vào ngày hạn", "không", "remind_on_due", False),
        ("Nhắc vào ngày hạn", "Có", "remind_on_due", True),
        ("Nhắc quá hạn tối đa (ngày)", 0, "remind_overdue_days", 0),
        ("Nhắc quá hạn tối đa (ngày)", "60", "remind_overdue_days", 60),
        ("Báo văn phòng sau hạn (ngày)", 0, "escalate_office_days", 0),
        ("Báo văn phòng sau hạn (ngày)", 7.0, "escalate_office_days", 7),
        ("Báo cụm trưởng sau hạn (ngày)", "10", "escalate_cluster_days", 10),
        ("Báo cụm trưởng sau hạn (ngày)", 60, "escalate_cluster_days", 60),
    ],
)
def test_reminder_settings_as_typed(header: str, typed: object, key: str, expected: object) -> None:
    read = _read_edited(NGA_NAM, _set(CAMPAIGN_SHEET, 2, header, typed))

    assert getattr(read, key) == expected


def test_reminders_may_come_before_the_period_ends_or_the_campaign_starts() -> None:
    """60 days before a due date 10 days after a quarter is inside the quarter, and for the
    first quarter before the campaign starts: both are fine (such a reminder is skipped)."""
    read = _read_edited(NGA_NAM, _set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "60; 30; 1"))

    assert read.remind_days_before == (60, 30, 1)


def test_reminder_errors_are_reported_with_the_others() -> None:
    errors = _errors(
        NGA_NAM,
        _set(CAMPAIGN_SHEET, 2, "Nhắc trước hạn (ngày)", "3; 3"),
        _set(CAMPAIGN_SHEET, 2, "Nhắc vào ngày hạn", "đôi khi"),
        _set(CAMPAIGN_SHEET, 2, "Nhắc quá hạn tối đa (ngày)", 100),
        _set(CAMPAIGN_SHEET, 2, "Báo văn phòng sau hạn (ngày)", -1),
        _set(CAMPAIGN_SHEET, 2, "Báo cụm trưởng sau hạn (ngày)", 0.5),
        _set(UNITS_SHEET, "P1", "Cụm trưởng", "có"),
        _set(UNITS_SHEET, "P3", "Cụm trưởng", "có"),
        _set(UNITS_SHEET, "P2", "Cụm trưởng", "có"),
    )

    assert [_where(error) for error in errors] == [
        (CAMPAIGN_SHEET, 2, header) for header in REMINDER_HEADERS.values()
    ] + [(UNITS_SHEET, 3, "Cụm trưởng"), (UNITS_SHEET, 4, "Cụm trưởng")]
    assert str(errors[0]) == (
        'Phong trào, dòng 2, cột "Nhắc trước hạn (ngày)": 3 ngày được ghi hai lần — mỗi số chỉ '
        "ghi một lần"
    )
    assert "dòng 2 (P1) và dòng 3 (P2)" in errors[5].message
    assert "dòng 2 (P1) và dòng 4 (P3)" in errors[6].message


# --------------------------------------------------------------------------- cluster heads


def test_one_head_per_cluster_and_units_outside_clusters_are_fine() -> None:
    read = _read_edited(
        NGA_NAM,
        _set(UNITS_SHEET, "P1", "Cụm trưởng", "có"),
        _set(UNITS_SHEET, "VINH_QUOI", "Cụm trưởng", "Có"),
        _set(UNITS_SHEET, "P2", "Cụm/khối thi đua", None),
        _set(UNITS_SHEET, "P2", "Cụm trưởng", "không"),
        _set(UNITS_SHEET, "P3", "Cụm trưởng", None),
    )

    assert {u.code for u in read.units if u.is_cluster_head} == {"P1", "VINH_QUOI"}
    assert read.units[1].cluster is None and not read.units[1].is_cluster_head


def test_heads_of_clusters_spelled_differently_are_different_clusters() -> None:
    """Clusters are matched by their exact name when stored, so the check does the same."""
    read = _read_edited(
        NGA_NAM,
        _set(UNITS_SHEET, "P1", "Cụm trưởng", "có"),
        _set(UNITS_SHEET, "P2", "Cụm/khối thi đua", "Khối phường 2"),
        _set(UNITS_SHEET, "P2", "Cụm trưởng", "có"),
    )

    assert [u.code for u in read.units if u.is_cluster_head] == ["P1", "P2"]


# --------------------------------------------------------------------------- policy round trips


def _small_spec(**changes: Any) -> CampaignSpec:
    spec = CampaignSpec(
        code="NHO",
        name="Phong trào nhỏ",
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        frequency=Frequency.MONTHLY,
        elements=(ElementSpec("SO_HO", "Số hộ", "hộ"),),
        units=(
            UnitSpec("A", "Thôn A", "thôn", "Cụm 1", is_cluster_head=True),
            UnitSpec("B", "Thôn B", "thôn", "Cụm 1"),
            UnitSpec("C", "Thôn C", "thôn", None),
        ),
    )
    return replace(spec, **changes)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"remind_days_before": ()},
        {"remind_days_before": (3,)},
        {"remind_days_before": (1, 3)},
        {"remind_days_before": (60, 30, 14, 7, 3, 2, 1)},
        {"remind_on_due": False, "remind_overdue_days": 0},
        {"escalate_office_days": 0, "escalate_cluster_days": 60, "remind_overdue_days": 60},
    ],
    ids=["defaults", "none-before", "one", "ascending", "many", "quiet", "bounds"],
)
def test_reminder_policy_round_trips(changes: dict[str, Any]) -> None:
    spec = _small_spec(**changes)

    assert read_template(write_template(spec)) == spec


@settings(max_examples=20, deadline=None)
@given(
    days_before=st.lists(st.integers(1, 60), unique=True, max_size=8).map(tuple),
    on_due=st.booleans(),
    counts=st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)),
    heads=st.tuples(st.booleans(), st.booleans()),
)
def test_any_valid_policy_round_trips(
    days_before: tuple[int, ...],
    on_due: bool,
    counts: tuple[int, int, int],
    heads: tuple[bool, bool],
) -> None:
    base = _small_spec()
    units = (
        replace(base.units[0], is_cluster_head=heads[0]),
        replace(base.units[1], is_cluster_head=heads[1] and not heads[0]),
        base.units[2],
    )
    spec = replace(
        base,
        remind_days_before=days_before,
        remind_on_due=on_due,
        remind_overdue_days=counts[0],
        escalate_office_days=counts[1],
        escalate_cluster_days=counts[2],
        units=units,
    )

    assert read_template(write_template(spec)) == spec


# --------------------------------------------------------------------------- what offices write


def _set_formatted(sheet: str, row: str | int, header: str, value: object, fmt: str) -> Edit:
    """An edit setting one cell and its Excel number format (``0%``, ``0.00%``, ...)."""

    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        number = row if isinstance(row, int) else _row_of(ws, row)
        cell = ws.cell(number, _column(ws, header))
        cell.value = value
        cell.number_format = fmt

    return edit


def _element(spec: CampaignSpec, code: str) -> ElementSpec:
    return next(element for element in spec.elements if element.code == code)


@pytest.mark.parametrize(
    ("stored", "fmt", "expected"),
    [
        (0.95, "0%", "95"),
        (0.9515, "0.00%", "95.15"),
        (0.9, "0.0%", "90"),
        (1, "0%", "100"),
        (65.5, '0.0"%"', "65.5"),  # a quoted "%" is literal text: the value is shown as is
    ],
)
def test_percentage_cells_read_as_the_percentage_shown(
    stored: float, fmt: str, expected: str
) -> None:
    """Excel stores "95%" typed in a percentage cell as 0.95; the office means 95."""
    read = _read_edited(
        NGA_NAM, _set_formatted(ELEMENTS_SHEET, "TL_BHYT", "Chỉ tiêu kế hoạch", stored, fmt)
    )

    assert str(_element(read, "TL_BHYT").target) == expected


def test_percentage_cells_in_minimum_and_maximum() -> None:
    read = _read_edited(
        NGA_NAM,
        _set_formatted(ELEMENTS_SHEET, "TL_BHYT", "Tối thiểu", 0.5, "0%"),
        _set_formatted(ELEMENTS_SHEET, "TL_BHYT", "Tối đa", 1, "0%"),
    )

    element = _element(read, "TL_BHYT")
    assert (element.minimum, element.maximum) == (Decimal(50), Decimal(100))


def test_a_percentage_cell_in_an_element_counted_in_tonnes_is_reported() -> None:
    errors = _errors(
        NGA_NAM, _set_formatted(ELEMENTS_SHEET, "THUY_SAN", "Chỉ tiêu kế hoạch", 0.95, "0%")
    )

    assert [_where(error) for error in errors] == [(ELEMENTS_SHEET, 5, "Chỉ tiêu kế hoạch")]
    assert '"95%" là phần trăm nhưng đơn vị tính là "tấn"' in errors[0].message


def test_a_percentage_formatted_day_count_is_not_a_day_count() -> None:
    errors = _errors(NGA_NAM, _set_formatted(CAMPAIGN_SHEET, 2, "Số ngày nộp sau kỳ", 0.1, "0%"))

    assert [_where(error) for error in errors] == [(CAMPAIGN_SHEET, 2, "Số ngày nộp sau kỳ")]


@pytest.mark.parametrize(
    ("code", "typed", "expected"),
    [
        ("THUY_SAN", "12.500 tấn", Decimal(12500)),
        ("THUY_SAN", "12.500 tan", Decimal(12500)),
        ("THUY_SAN", "12.500tấn", Decimal(12500)),
        ("THUY_SAN", "12,5 TẤN", Decimal("12.5")),
        ("TL_BHYT", "95,15%", Decimal("95.15")),
        ("TL_BHYT", "95,15 %", Decimal("95.15")),
        ("TL_BHYT", "95 phần trăm", Decimal(95)),
        ("DAN_SO", "12.345 người", Decimal(12345)),
        ("TONG_HO", "12 hộ", Decimal(12)),
        ("TONG_HO", "12 ho", Decimal(12)),
        ("TONG_HO", "12 hộ dân", Decimal(12)),
        ("THUY_SAN", "12.500 t", Decimal(12500)),
        ("TH_DUNG_TUOI", "1.200 hs", Decimal(1200)),
        ("TRUONG", "3 trường", Decimal(3)),
        ("TH_DUNG_TUOI", "1.200 học sinh", Decimal(1200)),
        ("THU_NGAN_SACH", "45 tỷ đồng", Decimal(45)),
        ("THU_NGAN_SACH", "45 tỷ", Decimal(45)),
        ("THU_NGAN_SACH", "45 tỉ đồng", Decimal(45)),
        ("THU_NGAN_SACH", "500 triệu đồng", Decimal("0.5")),
        ("THU_NGAN_SACH", "1 tỷ 500 triệu đồng", Decimal("1.5")),
        ("THUY_SAN", "12.500 kg", Decimal("12.5")),  # converted, as a unit's figure is
        ("TONG_HO", "mười hai hộ", Decimal(12)),
    ],
)
def test_targets_written_with_their_unit(code: str, typed: str, expected: Decimal) -> None:
    read = _read_edited(NGA_NAM, _set(ELEMENTS_SHEET, code, "Chỉ tiêu kế hoạch", typed))

    assert _element(read, code).target == expected


@pytest.mark.parametrize(
    ("code", "typed", "fragment"),
    [
        ("TONG_HO", "12 người", '"12 người": Ô này tính bằng hộ, không phải người'),
        ("THUY_SAN", "45 tỷ", '"45 tỷ": '),  # never 45.000.000.000 tấn
        ("THUY_SAN", "12,500", '"12,500" chưa rõ'),  # 12,5 or 12.500 tấn: not guessed
        ("THUY_SAN", "95%", '"95%": Ô này không phải là tỷ lệ %'),
        ("DAN_SO", "12 đồng", '"12 đồng": Ô này tính bằng người, không phải đồng'),
        ("THU_NGAN_SACH", "45 đồng", '"45 đồng" chưa rõ'),
        ("TONG_HO", "hộ", '"hộ": Chưa hiểu'),
    ],
)
def test_a_unit_that_is_not_the_elements_is_reported(code: str, typed: str, fragment: str) -> None:
    errors = _errors(NGA_NAM, _set(ELEMENTS_SHEET, code, "Chỉ tiêu kế hoạch", typed))

    assert len(errors) == 1
    assert errors[0].sheet == ELEMENTS_SHEET and errors[0].column == "Chỉ tiêu kế hoạch"
    assert errors[0].row == _row_of(_workbook(NGA_NAM)[ELEMENTS_SHEET], code)
    assert fragment in errors[0].message


def test_either_tone_placement_is_accepted_everywhere_a_word_is_matched() -> None:
    """The cell "luỹ kế" (tone on y) is "lũy kế" (tone on u); headers likewise."""

    def rename(workbook: Workbook) -> None:
        ws = workbook[ELEMENTS_SHEET]
        ws.cell(1, _column(ws, "Lũy kế")).value = "Luỹ kế"
        ws.title = "Chi tieu"

    spec = nga_nam_2023()
    read = _read_edited(
        spec,
        _set(ELEMENTS_SHEET, "THUY_SAN", "Lũy kế", "luỹ kế"),
        _set(ELEMENTS_SHEET, "LUA_TONG", "Lũy kế", "LUỸ KẾ"),
        _set(ELEMENTS_SHEET, "TL_BHYT", "Cách tổng hợp", "tỉ lệ"),
        rename,
    )

    assert read == spec


def test_a_unit_typed_with_the_other_tone_placement_matches() -> None:
    spec = _small_spec(elements=(ElementSpec("TUOI", "Diện tích tưới", "ha thuỷ lợi"),))
    read = _read_edited(spec, _set(ELEMENTS_SHEET, "TUOI", "Chỉ tiêu kế hoạch", "120 ha thủy lợi"))

    assert read.elements[0].target == Decimal(120)
