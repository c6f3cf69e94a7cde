"""The values of campaign-template cells (domain.template_cells, domain.template_choices), alone.

Each parser takes what a spreadsheet reader returns for a cell and gives a typed value or a
CellProblem with a Vietnamese message; the writer's ``show_*`` and ``number_cell`` are read back
to the value written. The whole workbook is tested in test_campaign_template.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.campaign_spec import Aggregation, Direction, Frequency, TitleKind, ValueType, label
from domain.numbers import format_number
from domain.template_cells import (
    MAX_REMINDER_DAYS,
    CellProblem,
    PercentCell,
    cell_text,
    is_percent_unit,
    number_cell,
    parse_code,
    parse_date,
    parse_day_count,
    parse_decimal,
    parse_phones,
    parse_reminder_day_count,
    parse_reminder_days,
    parse_yes_no,
    quoted,
    show_date,
    show_reminder_days,
    show_yes_no,
    split_list,
)
from domain.template_choices import (
    labels,
    parse_aggregation,
    parse_cumulative,
    parse_direction,
    parse_frequency,
    parse_title_kind,
    parse_value_type,
)

Parser = Callable[[object], object]


def _refused(parse: Parser, raw: object) -> str:
    """The message of the CellProblem ``parse`` raises for ``raw`` (the test fails otherwise)."""
    with pytest.raises(CellProblem) as problem:
        parse(raw)
    return str(problem.value)


# --------------------------------------------------------------------------- text and codes


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Thôn Đông", "Thôn Đông"),
        (12.0, "12"),
        (12.5, "12.5"),
        (7, "7"),
        (date(2024, 12, 31), "31/12/2024"),
        (datetime(2024, 12, 31, 5, 30), "31/12/2024"),
        (PercentCell(0.9515), "95,15%"),
        (PercentCell(1), "100%"),
    ],
)
def test_cell_text(raw: object, text: str) -> None:
    assert cell_text(raw) == text


def test_quoted_text_is_one_line_and_cut_at_40_characters() -> None:
    assert quoted("  a \n b ") == '"a b"'
    assert quoted("x" * 41) == '"' + "x" * 40 + '…"'
    assert quoted("x" * 40) == '"' + "x" * 40 + '"'


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("thon_dong", "THON_DONG"),
        (" BHYT ", "BHYT"),
        ("TL.BHYT-1", "TL.BHYT-1"),
        ("Đông", "ĐÔNG"),
        (2024, "2024"),
        (12.0, "12"),
    ],
)
def test_codes_are_upper_cased(raw: object, code: str) -> None:
    assert parse_code(raw) == code


@pytest.mark.parametrize("raw", ["THON DONG", "mã#", "", "a/b", "12,5"])
def test_codes_with_other_characters_are_refused(raw: object) -> None:
    assert "chỉ được gồm chữ, số và các dấu _ - ." in _refused(parse_code, raw)


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        ("Nguyễn Văn An; Trần Thị Bình", ("Nguyễn Văn An", "Trần Thị Bình")),
        ("An\nBình;", ("An", "Bình")),
        (" ; ", ()),
        ("An, Bình", ("An, Bình",)),
    ],
)
def test_lists_are_split_on_semicolons_and_line_breaks(raw: object, items: tuple[str]) -> None:
    assert split_list(raw) == items


@pytest.mark.parametrize(
    ("raw", "phones"),
    [
        ("0912345678; 0987654321", ("0912345678", "0987654321")),
        ("0912345678,0987654321", ("0912345678", "0987654321")),
        (" 0912 345 678 ", ("0912 345 678",)),
        ("+84912345678", ("+84912345678",)),
        (912345678, ("0912345678",)),  # a number cell lost its leading 0
        (912345678.0, ("0912345678",)),
    ],
)
def test_phones_are_kept_as_typed(raw: object, phones: tuple[str]) -> None:
    assert parse_phones(raw) == phones


def test_a_phone_that_is_not_vietnamese_is_named() -> None:
    message = _refused(parse_phones, "0912345678; 12345; abc")
    assert message.startswith('"12345", "abc" không phải số điện thoại Việt Nam hợp lệ')


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        (date(2024, 1, 31), date(2024, 1, 31)),
        (datetime(2024, 1, 31, 10, 0), date(2024, 1, 31)),
        ("31/12/2024", date(2024, 12, 31)),
        ("1.2.2024", date(2024, 2, 1)),
        ("01-02-2024", date(2024, 2, 1)),
        ("2024-02-01", date(2024, 2, 1)),
        ("1/1/1990", date(1990, 1, 1)),
        ("31/12/2100", date(2100, 12, 31)),
    ],
)
def test_dates(raw: object, day: date) -> None:
    assert parse_date(raw) == day


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/2024",
        "12/2024",
        "2024/02/01",
        "1/1/1989",
        "1/1/2101",
        date(1989, 12, 31),
        45000,  # an Excel serial number typed as a number, not a date cell
        True,
        "ngày mai",
    ],
)
def test_other_dates_are_refused(raw: object) -> None:
    assert "không phải ngày hợp lệ — ghi dạng dd/mm/yyyy" in _refused(parse_date, raw)


@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_a_written_date_reads_back_identical(day: date) -> None:
    """As a date cell (what the writer puts), as a datetime (what openpyxl reads) or as text."""
    assert parse_date(day) == day
    assert parse_date(datetime(day.year, day.month, day.day)) == day
    assert parse_date(show_date(day)) == day


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "unit", "value"),
    [
        (12, "", "12"),
        (12.5, "", "12.5"),
        (0.1, "", "0.1"),  # the float's shortest text, not its binary expansion
        (-5, "", "-5"),
        ("12.500", "", "12500"),
        ("1.234,5", "", "1234.5"),
        ("95,15", "", "95.15"),
        ("mười", "", "10"),
        ("12 hộ", "hộ", "12"),
        ("12.500 tấn", "tấn", "12500"),
        ("45 tỷ", "tỷ đồng", "45"),
        ("95,15%", "%", "95.15"),
        (PercentCell(0.9515), "%", "95.15"),
        (PercentCell(0.95), "tỷ lệ (%)", "95"),
        (PercentCell(1), "phần trăm", "100"),
    ],
)
def test_numbers(raw: object, unit: str, value: str) -> None:
    assert parse_decimal(raw, unit) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "unit", "message"),
    [
        (True, "", '"True" không phải là số'),
        (date(2024, 1, 1), "", '"01/01/2024" không phải là số'),
        (float("nan"), "", '"nan" không phải là số'),
        (float("inf"), "", '"inf" không phải là số'),
        (10**15, "", '"1000000000000000" quá lớn — kiểm tra lại đơn vị tính'),
        ("abc", "", '"abc": Chưa hiểu "abc" là số nào.'),
        ("12,500", "", '"12,500" chưa rõ — '),  # 12,5 or 12.500: never a guess
        ("45 tỷ", "tấn", '"45 tỷ": Ô này tính bằng tấn'),
        ("12 tấn", "hộ", '"12 tấn": Ô này tính bằng hộ, không phải tấn.'),
        ("95%", "tấn", '"95%": Ô này không phải là tỷ lệ %.'),
        (PercentCell(0.95), "tấn", '"95%" là phần trăm nhưng đơn vị tính là "tấn"'),
        (PercentCell(0.95), "", '"95%" là phần trăm nhưng đơn vị tính là (chưa ghi đơn vị tính)'),
    ],
)
def test_numbers_refused(raw: object, unit: str, message: str) -> None:
    assert _refused(lambda cell: parse_decimal(cell, unit), raw).startswith(message)


@pytest.mark.parametrize(
    ("unit", "percent"),
    [
        ("%", True),
        ("phần trăm", True),
        ("Phan tram", True),
        ("tỷ lệ (%)", True),
        ("tấn", False),
        ("tỷ lệ", False),
        ("", False),
    ],
)
def test_percent_units(unit: str, percent: bool) -> None:
    assert is_percent_unit(unit) is percent


_WRITABLE = st.decimals(
    min_value=Decimal(-(10**8)), max_value=Decimal(10**8), places=6, allow_nan=False
)


@given(_WRITABLE)
def test_a_written_number_reads_back_identical(value: Decimal) -> None:
    """``number_cell`` writes an int or a float that the reader turns back into ``value``
    (up to 15 significant digits: what a float holds exactly)."""
    assert number_cell(value) is not None
    assert parse_decimal(number_cell(value)) == value
    assert number_cell(None) is None


@given(_WRITABLE)
def test_a_number_typed_the_vietnamese_way_reads_back(value: Decimal) -> None:
    """``12.500,25`` as the office would type it (always with the decimal comma when there is a
    fraction, so never ambiguous) is read to the same number."""
    assert parse_decimal(format_number(value, max_decimals=6)) == value


@given(st.integers(0, 10**6).map(lambda hundredths: Decimal(hundredths) / 10_000))
def test_a_percentage_cell_reads_as_the_percentage_it_shows(stored: Decimal) -> None:
    """Excel stores 0.9515 for 95,15%: the reader gives 95.15, and its text reads the same."""
    cell = PercentCell(float(stored))
    assert parse_decimal(cell, "%") == stored * 100
    assert parse_decimal(cell_text(cell), "%") == stored * 100


# --------------------------------------------------------------------------- yes/no and days


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        (True, True),
        (False, False),
        ("có", True),
        ("Co", True),
        ("x", True),
        (1, True),
        ("Không", False),
        ("ko", False),
        (0, False),
    ],
)
def test_yes_no(raw: object, answer: bool) -> None:
    assert parse_yes_no(raw) is answer


@pytest.mark.parametrize("raw", ["có lẽ", 2, "", "đúng không"])
def test_other_answers_are_refused(raw: object) -> None:
    assert "không hợp lệ — chọn: có, không" in _refused(parse_yes_no, raw)


@given(st.booleans())
def test_a_written_yes_no_reads_back(answer: bool) -> None:
    assert parse_yes_no(show_yes_no(answer)) is answer


@pytest.mark.parametrize(
    ("raw", "days"),
    [(0, 0), (10, 10), ("10", 10), (10.0, 10), ("mười", 10), (61, 61), (365, 365)],
)
def test_day_counts(raw: object, days: int) -> None:
    assert parse_day_count(raw) == days


@pytest.mark.parametrize("raw", [-1, 2.5, "10 ngày", "abc", True, date(2024, 1, 1)])
def test_other_day_counts_are_refused(raw: object) -> None:
    assert "phải là số ngày nguyên, từ 0 trở lên" in _refused(parse_day_count, raw)
    assert f"từ 0 đến {MAX_REMINDER_DAYS}" in _refused(parse_reminder_day_count, raw)


@pytest.mark.parametrize(("raw", "days"), [(0, 0), (3, 3), ("60", 60), (60.0, 60)])
def test_reminder_day_counts(raw: object, days: int) -> None:
    assert parse_reminder_day_count(raw) == days


def test_reminder_day_counts_stop_at_the_maximum() -> None:
    message = _refused(parse_reminder_day_count, MAX_REMINDER_DAYS + 1)
    assert message == f'"61" phải là số ngày nguyên, từ 0 đến {MAX_REMINDER_DAYS} (ví dụ 3)'


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("3; 1", (3, 1)),
        ("1; 3", (1, 3)),  # in the order written
        ("3,1", (3, 1)),
        ("3\n1", (3, 1)),
        ("1;;2", (1, 2)),
        ("3 ngày; 1 ngày", (3, 1)),
        ("3 NGÀY", (3,)),
        (3, (3,)),
        (3.0, (3,)),
        ("60", (60,)),
        ("không", ()),
        ("Không nhắc", ()),
    ],
)
def test_reminder_days(raw: object, days: tuple[int, ...]) -> None:
    assert parse_reminder_days(raw) == days


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", 'không phải 0 (nhắc đúng ngày hạn nộp: dùng cột "Nhắc vào ngày hạn")'),
        ("61", "phải từ 1 đến 60, không phải 61"),
        ("3; 3", "3 ngày được ghi hai lần — mỗi số chỉ ghi một lần"),
        (";", '";" không hợp lệ — ghi các số ngày, ví dụ 3; 1, hoặc "không"'),
        ("ba", '"ba" không hợp lệ — ghi các số ngày nguyên từ 1 đến 60'),
        ("KHONG", '"KHONG" không hợp lệ'),  # like a drop-down value, it keeps its diacritics
        ("3.5", '"3.5" không hợp lệ'),
    ],
)
def test_reminder_days_refused(raw: object, message: str) -> None:
    assert message in _refused(parse_reminder_days, raw)


@given(st.lists(st.integers(1, MAX_REMINDER_DAYS), unique=True, max_size=8).map(tuple))
def test_written_reminder_days_read_back(days: tuple[int, ...]) -> None:
    assert parse_reminder_days(show_reminder_days(days)) == days


@given(st.one_of(st.text(alphabet="0123456789;, \nkhôngày-.", max_size=12), st.text()))
def test_any_reminder_days_text_parses_or_is_refused(typed: str) -> None:
    try:
        days = parse_reminder_days(typed)
    except CellProblem as problem:
        assert str(problem)
    else:
        assert len(set(days)) == len(days) and all(1 <= day <= 60 for day in days)


# --------------------------------------------------------------------------- drop-down choices

_CHOICES: list[tuple[Parser, object, object]] = [
    (parse_frequency, "quý", Frequency.QUARTERLY),
    (parse_frequency, "QUÝ", Frequency.QUARTERLY),
    (parse_frequency, "hàng quý", Frequency.QUARTERLY),
    (parse_frequency, "quarterly", Frequency.QUARTERLY),  # the code value
    (parse_frequency, "6 tháng", Frequency.SIX_MONTHLY),
    (parse_frequency, "nửa năm", Frequency.SIX_MONTHLY),
    (parse_value_type, "SỐ", ValueType.NUMBER),
    (parse_value_type, "số lẻ", ValueType.NUMBER),
    (parse_value_type, "có không", ValueType.BOOLEAN),
    (parse_value_type, "Có-Không", ValueType.BOOLEAN),
    (parse_aggregation, "tỉ lệ", Aggregation.RATIO),
    (parse_aggregation, "cộng", Aggregation.SUM),
    (parse_aggregation, "không", Aggregation.NONE),
    (parse_direction, "thấp", Direction.LOWER_IS_BETTER),
    (parse_direction, "càng cao càng tốt", Direction.HIGHER_IS_BETTER),
    (parse_title_kind, "cá nhân", TitleKind.INDIVIDUAL),
    (parse_cumulative, "luỹ kế", True),  # either placement of the tone mark
    (parse_cumulative, "lũy kế", True),
    (parse_cumulative, "có", True),
    (parse_cumulative, "theo kì", False),
]


@pytest.mark.parametrize(("parse", "raw", "value"), _CHOICES)
def test_choices(parse: Parser, raw: object, value: object) -> None:
    assert parse(raw) == value


@pytest.mark.parametrize(
    ("parse", "raw", "message"),
    [
        (parse_frequency, "quy", '"quy" không hợp lệ — chọn: tháng, quý, 6 tháng, năm, cả đợt'),
        (parse_value_type, "so", '"so" không hợp lệ — chọn: số, số nguyên, phần trăm'),
        (parse_title_kind, "ca nhan", '"ca nhan" không hợp lệ — chọn: tập thể, cá nhân'),
        (parse_cumulative, "x", '"x" không hợp lệ — chọn: lũy kế, theo kỳ'),
        (parse_direction, "---", '"---" không hợp lệ'),
    ],
)
def test_choices_without_diacritics_are_refused(parse: Parser, raw: object, message: str) -> None:
    assert _refused(parse, raw).startswith(message)


@pytest.mark.parametrize(
    ("parse", "enum"),
    [
        (parse_frequency, Frequency),
        (parse_value_type, ValueType),
        (parse_aggregation, Aggregation),
        (parse_direction, Direction),
        (parse_title_kind, TitleKind),
    ],
)
def test_every_drop_down_label_reads_back(parse: Parser, enum: type[Frequency]) -> None:
    assert labels(enum) == tuple(label(member) for member in enum)
    for member in enum:
        assert parse(label(member)) is member
        assert parse(label(member).upper()) is member
        assert parse(member.value) is member


# --------------------------------------------------------------------------- never a crash

_PARSERS: list[Parser] = [
    parse_code,
    parse_date,
    parse_decimal,
    parse_yes_no,
    parse_day_count,
    parse_reminder_day_count,
    parse_reminder_days,
    parse_phones,
    parse_frequency,
    parse_value_type,
    parse_cumulative,
]


@pytest.mark.parametrize("parse", _PARSERS, ids=lambda parse: getattr(parse, "__name__", ""))
@given(
    raw=st.one_of(
        st.text(max_size=30),
        st.integers(-(10**16), 10**16),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(),
    )
)
def test_any_cell_parses_or_is_a_cell_problem(parse: Parser, raw: object) -> None:
    """A cell never makes a parser raise anything but CellProblem (with a message)."""
    try:
        parse(raw)
    except CellProblem as problem:
        assert str(problem)
