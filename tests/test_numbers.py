"""Tests of the Vietnamese number parser and formatter (domain/numbers.py)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.numbers import (
    MAX_INPUT_CHARS,
    NumberParseError,
    ParsedNumber,
    format_number,
    parse_boolean,
    parse_number,
    to_measure_unit,
)

# --------------------------------------------------------------------------- parse_number

PLAIN = [
    # Vietnamese: dot groups thousands, comma is the decimal mark.
    ("12.500", "12500"),
    ("1.234.567", "1234567"),
    ("12,5", "12.5"),
    ("12.500,75", "12500.75"),
    ("1.234,5", "1234.5"),
    ("0,5", "0.5"),
    ("1,234", "1.234"),
    # A single dot that is not a thousands group is a decimal point.
    ("12.5", "12.5"),
    ("0.75", "0.75"),
    ("0.500", "0.5"),
    ("1234.567", "1234.567"),
    ("1.234", "1234"),
    ("100.000", "100000"),
    # English style: commas in groups of three, dot last.
    ("12,500.5", "12500.5"),
    ("1,234,567", "1234567"),
    ("1,234,567.89", "1234567.89"),
    # Spaces as thousands separators (also the no-break spaces Excel copies).
    ("12 500", "12500"),
    ("1 234 567", "1234567"),
    ("12 500,5", "12500.5"),
    ("12\u00a0500", "12500"),
    ("12   500", "12500"),
    # Plain digits, zero, signs.
    ("7", "7"),
    ("007", "7"),
    ("0", "0"),
    ("-0", "0"),
    ("không", "0"),
    ("khong", "0"),
    ("KHÔNG", "0"),
    ("-5", "-5"),
    ("+5", "5"),
    ("- 12,5", "-12.5"),
    ("\u22125", "-5"),
    ("  42  ", "42"),
    # Currency after a number.
    ("500.000đ", "500000"),
    ("500.000 đ", "500000"),
    ("500.000 đồng", "500000"),
    ("500.000 dong", "500000"),
    ("500.000d", "500000"),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN)
def test_plain_numbers(text: str, expected: str) -> None:
    assert parse_number(text) == ParsedNumber(Decimal(expected), scale_word=False, percent=False)


SCALED = [
    ("45 tỷ", 45_000_000_000),
    ("45tỷ", 45_000_000_000),
    ("45 ty", 45_000_000_000),
    ("45 TỶ", 45_000_000_000),
    ("2 tỉ", 2_000_000_000),
    ("1,5 tỷ", 1_500_000_000),
    ("3 triệu", 3_000_000),
    ("3 trieu", 3_000_000),
    ("3tr", 3_000_000),
    ("5 nghìn", 5_000),
    ("5 nghin", 5_000),
    ("5 ngàn", 5_000),
    ("5 ngan", 5_000),
    ("500k", 500_000),
    ("500 K", 500_000),
    ("45.000 triệu", 45_000_000_000),
    ("2 tỷ 500 triệu", 2_500_000_000),
    ("1 triệu 200 nghìn", 1_200_000),
    ("1 tỷ 2 triệu 300 nghìn", 1_002_300_000),
    ("1 tỷ 999.999 nghìn", 1_999_999_000),
    ("2 tỷ 1,5 triệu", 2_001_500_000),
    # Bare digits after the last scale word are its next digits.
    ("1tr2", 1_200_000),
    ("1tr25", 1_250_000),
    ("1tr250", 1_250_000),
    ("1 tỷ 5", 1_500_000_000),
    ("1 tỷ 500", 1_500_000_000),
    ("1k5", 1_500),
    ("1 tỷ 500 triệu 5", 1_500_500_000),
    # Currency after a scale word.
    ("45 tỷ đồng", 45_000_000_000),
    ("45 tỷ đ", 45_000_000_000),
    ("1tr2đ", 1_200_000),
    ("-2 tỷ", -2_000_000_000),
]


@pytest.mark.parametrize(("text", "expected"), SCALED)
def test_scale_words(text: str, expected: int) -> None:
    assert parse_number(text) == ParsedNumber(Decimal(expected), scale_word=True, percent=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("95,15%", "95.15"), ("95,15 %", "95.15"), ("100%", "100"), ("-2.5%", "-2.5"), ("0%", "0")],
)
def test_percent(text: str, expected: str) -> None:
    assert parse_number(text) == ParsedNumber(Decimal(expected), scale_word=False, percent=True)


BAD = [
    "",
    "   ",
    "x" * 5_000,
    "1" * (MAX_INPUT_CHARS + 1),
    "🙂",
    "5🙂",
    "'; drop table",
    "abc",
    "12.5.3",
    "1..2",
    "1,2,3",
    "12,5,5",
    "1.2,5",
    "1,5.3",
    "1.234,5,6",
    "12 5",
    "12 500.5",
    ".5",
    "12.",
    ",5",
    "1e5",
    "1E5",
    "inf",
    "-inf",
    "Infinity",
    "nan",
    "NaN",
    "--5",
    "+-5",
    "-",
    "%",
    "5%%",
    "5 tỷ%",
    "5%đ",
    "đ",
    "đồng",
    "tỷ",
    "5 tỷ tỷ",
    "5 triệu 2 tỷ",
    "5 nghìn 2 triệu",
    "2 tỷ 1.500 triệu",
    "1 triệu 1 triệu",
    "1tr2500",
    "1,5 tỷ 2",
    "2 tỷ 500 300",
    "5 người",
    "5 usd",
    "5 đô",
    "0x10",
    "1_000",
    "١٢",
    "１２",
    "1/2",
    "5 + 5",
    "5\n6",
    "khong đồng",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_inputs_raise_number_parse_error(text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_number(text)
    assert isinstance(caught.value, DomainError)
    assert "Hãy" in caught.value.user_message or "hãy" in caught.value.user_message


def test_error_message_quotes_the_input_with_examples() -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_number("12.5.3")
    assert caught.value.user_message == (
        'Chưa hiểu "12.5.3" là số nào. Hãy nhập số, ví dụ: 12.500 hoặc 12,5 hoặc 45 tỷ.'
    )


def test_error_message_explains_scale_order() -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_number("5 triệu 2 tỷ")
    assert "2 tỷ 500 triệu" in caught.value.user_message


def test_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_number("9" * 5_000)
    assert len(caught.value.user_message) < 200


def test_values_are_canonical() -> None:
    assert str(parse_number("12.500").value) == "12500"
    assert str(parse_number("45 tỷ").value) == "45000000000"
    assert str(parse_number("12,50").value) == "12.5"
    assert str(parse_number("-0,0").value) == "0"


def test_long_numbers_stay_exact() -> None:
    text = "9" * 30 + " tỷ"
    assert parse_number(text).value == Decimal("9" * 30 + "0" * 9)


@given(st.text())
def test_any_text_parses_or_raises_number_parse_error(text: str) -> None:
    try:
        result = parse_number(text)
    except NumberParseError as error:
        assert error.user_message
    else:
        assert isinstance(result.value, Decimal)
        assert result.value.is_finite()


@given(st.text(alphabet="0123456789.,% -+kđtrỷiệuyghnì", max_size=20))
def test_number_like_text_parses_or_raises_number_parse_error(text: str) -> None:
    with contextlib.suppress(NumberParseError):
        parse_number(text)


# --------------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12500, "12.500"),
        (Decimal("12.5"), "12,5"),
        (Decimal("95.15"), "95,15"),
        (Decimal("-1234.5"), "-1.234,5"),
        (0, "0"),
        (Decimal("0.00"), "0"),
        (Decimal("-0.001"), "0"),
        (Decimal("12500.00"), "12.500"),
        (Decimal("1.005"), "1,01"),
        (Decimal("1.004"), "1"),
        (Decimal("-1.005"), "-1,01"),
        (Decimal("0.5"), "0,5"),
        (1_234_567, "1.234.567"),
        (-1_000, "-1.000"),
        (Decimal("1E+4"), "10.000"),
        (Decimal("999.999"), "1.000"),
        (10**30 + 1, "1.000.000.000.000.000.000.000.000.000.001"),
    ],
)
def test_format_number(value: Decimal | int, expected: str) -> None:
    assert format_number(value) == expected


def test_format_number_max_decimals() -> None:
    assert format_number(Decimal("3.14159"), max_decimals=4) == "3,1416"
    assert format_number(Decimal("2.5"), max_decimals=0) == "3"
    assert format_number(Decimal("1.5"), max_decimals=1) == "1,5"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_format_number_refuses_non_finite(value: Decimal) -> None:
    with pytest.raises(ValueError):
        format_number(value)


def test_format_number_refuses_negative_decimals() -> None:
    with pytest.raises(ValueError):
        format_number(1, max_decimals=-1)


@given(
    st.decimals(
        min_value=Decimal("-1e15"),
        max_value=Decimal("1e15"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_formatted_decimals_read_back(value: Decimal) -> None:
    assert parse_number(format_number(value)).value == value


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatted_integers_read_back(value: int) -> None:
    text = format_number(value)
    assert "," not in text
    assert parse_number(text).value == value
    assert parse_number(f"{value:,}".replace(",", ".")).value == value
    assert parse_number(f"{value:,}".replace(",", " ")).value == value


# --------------------------------------------------------------------------- to_measure_unit


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("45 tỷ", "tỷ đồng", "45"),
        ("45.000 triệu", "tỷ đồng", "45"),
        ("1,5 tỷ", "tỷ đồng", "1.5"),
        ("1tr2", "triệu đồng", "1.2"),
        ("1tr2", "nghìn đồng", "1200"),
        ("500 triệu", "tỷ đồng", "0.5"),
        ("3 nghìn", "nghìn người", "3"),
        ("45", "tỷ đồng", "45"),
        ("45,5", "triệu đồng", "45.5"),
        ("45 tỷ", "đồng", "45000000000"),
        ("3 nghìn", "người", "3000"),
        ("45 tỷ", "Ty dong", "45"),
        ("45 tỷ", "", "45000000000"),
        ("2 tỷ", "tỷ lệ", "2000000000"),
    ],
)
def test_to_measure_unit(text: str, unit: str, expected: str) -> None:
    result = to_measure_unit(parse_number(text), unit)
    assert result == Decimal(expected)
    assert str(result) == expected


# --------------------------------------------------------------------------- parse_boolean

TRUE_ANSWERS = ["có", "Có", "co", "c", "x", "X", "đạt", "dat", "đã đạt", "rồi", "1", "yes", "y"]
FALSE_ANSWERS = ["không", "KHÔNG", "khong", "k", "ko", "chưa", "chua", "chưa đạt", "0", "no", "n"]


@pytest.mark.parametrize("text", [*TRUE_ANSWERS, "Có.", "ok"])
def test_parse_boolean_true(text: str) -> None:
    assert parse_boolean(text) is True


@pytest.mark.parametrize("text", FALSE_ANSWERS)
def test_parse_boolean_false(text: str) -> None:
    assert parse_boolean(text) is False


@pytest.mark.parametrize("text", ["", "có lẽ", "maybe", "2", "🙂", "x" * 5_000])
def test_parse_boolean_refuses_other_answers(text: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_boolean(text)
    assert '"có" hoặc "không"' in caught.value.user_message
