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
from openpyxl import Workbook, load_workbook

from domain.campaign_spec import Aggregation, CampaignSpec, Frequency, ValueType
from domain.errors import DomainError
from reports.campaign_template import (
    CAMPAIGN_SHEET,
    DATA_SHEETS,
    ELEMENTS_SHEET,
    GUIDE_SHEET,
    IMPORT_COMMAND,
    TEMPLATE_COLUMNS,
    TITLES_SHEET,
    UNITS_SHEET,
    TemplateError,
    TemplateInvalid,
    read_template,
    write_template,
)
from reports.samples import SAMPLES, nga_nam_2023, xuan_son_2022

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
    assert workbook[UNITS_SHEET]["F2"].number_format == "@"
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
        "Kỳ báo cáo": '"tháng,quý,6 tháng,năm"',
        "Là dữ liệu mẫu": '"có,không"',
    }
    assert _lists(workbook[ELEMENTS_SHEET]) == {
        "Kiểu": '"số,số nguyên,phần trăm,có-không,văn bản"',
        "Cách tổng hợp": '"cộng,tỷ lệ từ tử số-mẫu số,bình quân có trọng số,không"',
        "Chiều đánh giá": '"cao hơn tốt,thấp hơn tốt"',
        "Bắt buộc": '"có,không"',
        "Lũy kế": '"lũy kế,theo kỳ"',
    }
    assert _lists(workbook[UNITS_SHEET]) == {}
    assert _lists(workbook[TITLES_SHEET]) == {"Đối tượng": '"tập thể,cá nhân"'}


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
    assert xuan_son.frequency is Frequency.SIX_MONTHLY
    assert xuan_son.registration_deadline == date(2022, 3, 31) and not xuan_son.is_sample
    assert 8 <= len(xuan_son.units) <= 12
    assert "Thôn văn hóa" in {t.name for t in xuan_son.titles}


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
        units.move_range("F1:F20", cols=2)  # phones after an empty column
        units["G1"] = "Ghi chú"
        units["G2"] = "không đọc cột này"

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
        '"tuần" không hợp lệ — chọn: tháng, quý, 6 tháng, năm',
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
        [_set(ELEMENTS_SHEET, "THUY_SAN", "Chỉ tiêu kế hoạch", "12.5.00")],
        (ELEMENTS_SHEET, 5, "Chỉ tiêu kế hoạch"),
        '"12.5.00" không phải là số',
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
