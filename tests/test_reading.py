"""Tests of the reading of one typed figure (domain/reading.py) and the unit vocabulary.

The corpus ``tests/corpus/figures.tsv`` holds realistic answers, each with the element's
measure unit and value type and the expected outcome; every row is run through the real
:func:`read_figure` and all mismatches are reported at once.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.campaign_spec import ValueType
from domain.errors import DomainError
from domain.numbers import NumberParseError, format_number
from domain.reading import AskBack, Figure, Option, read_figure, say_number
from domain.units import unit_of
from domain.validation import Rules, ValueRejected, parse_value

CORPUS = Path(__file__).parent / "corpus" / "figures.tsv"


def rules(unit: str, value_type: ValueType = ValueType.NUMBER, name: str = "Chỉ tiêu") -> Rules:
    return Rules(name=name, value_type=value_type, measure_unit=unit)


def outcome(text: str, element: Rules) -> str:
    """The canonical value read, or ASK / ERR."""
    try:
        return read_figure(text, element).value
    except AskBack:
        return "ASK"
    except DomainError:
        return "ERR"


def corpus_rows() -> list[tuple[int, str, str, str, str]]:
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#") or not line.strip():
            continue
        text, unit, value_type, expected = line.split("\t")
        rows.append((number, text.replace("⏎", "\n"), unit, value_type, expected))
    return rows


def test_corpus_is_large_enough() -> None:
    assert len(corpus_rows()) >= 300


def test_every_corpus_row_reads_as_expected() -> None:
    mismatches = []
    for number, text, unit, value_type, expected in corpus_rows():
        element = rules(unit, ValueType(value_type))
        got = outcome(text, element)
        if got != expected:
            mismatches.append(
                f"line {number}: {text!r} in {unit} ({value_type}): {got} != {expected}"
            )
    assert not mismatches, "\n".join(mismatches)


# --------------------------------------------------------------------------- echoes


@pytest.mark.parametrize(
    ("text", "unit", "shown"),
    [
        ("1.250 tạ", "tấn", "1.250 tạ = 125 tấn"),
        ("12.000 kg", "tấn", "12.000 kg = 12 tấn"),
        ("5.000 m2", "ha", "5.000 m² = 0,5 ha"),
        ("45.000 triệu", "tỷ đồng", "45.000 triệu đồng = 45 tỷ đồng"),
        ("500 triệu", "tỷ đồng", "500 triệu đồng = 0,5 tỷ đồng"),
        ("2 tỷ 500 triệu", "triệu đồng", "2,5 tỷ đồng = 2.500 triệu đồng"),
        ("45.000.000.000 đ", "tỷ đồng", "45.000.000.000 đồng = 45 tỷ đồng"),
        ("45 tỷ", "tỷ đồng", "45 tỷ đồng"),
        ("45", "tỷ đồng", "45 tỷ đồng"),
        ("1tr2", "triệu đồng", "1,2 triệu đồng"),
        ("12.500 tấn", "tấn", "12.500 tấn"),
        ("3,25ha", "ha", "3,25 ha"),
        ("3,2555 hecta", "ha", "3,2555 ha"),
        ("12 nghìn", "người", "12.000 người"),
    ],
)
def test_echo_shows_the_conversion(text: str, unit: str, shown: str) -> None:
    assert read_figure(text, rules(unit)).shown == shown


def test_figure_values_are_canonical_in_the_element_unit() -> None:
    assert read_figure("1.250 tạ", rules("tấn")) == Figure("125", "1.250 tạ = 125 tấn")
    assert read_figure("95,15%", rules("%", ValueType.PERCENTAGE)) == Figure("95.15", "95,15%")
    yes = rules("có/không", ValueType.BOOLEAN, "Trạm y tế có bác sĩ")
    assert read_figure("dạ có", yes) == Figure("1", "Có")
    assert read_figure("chưa ạ", yes) == Figure("0", "Không")
    text = rules("", ValueType.TEXT)
    assert read_figure(" Thôn\x00 Đông\u202e ", text) == Figure("Thôn Đông", "Thôn Đông")


# --------------------------------------------------------------------------- ask-backs


def asked(text: str, element: Rules) -> AskBack:
    with pytest.raises(AskBack) as caught:
        read_figure(text, element)
    assert isinstance(caught.value, DomainError)
    return caught.value


def test_comma_then_three_digits_offers_both_readings() -> None:
    question = asked("12,500", rules("tấn", name="Sản lượng lúa"))
    assert question.options == (Option("12.5", "12,5 tấn"), Option("12500", "12.500 tấn"))
    message = question.user_message
    assert message.startswith('Sản lượng lúa: "12,500" là 12,5 tấn')
    assert "mười hai phẩy năm" in message and "mười hai nghìn năm trăm" in message


def test_only_the_reading_that_fits_is_taken() -> None:
    assert read_figure("12,500", rules("hộ", ValueType.INTEGER)).value == "12500"
    assert read_figure("12,500", rules("%", ValueType.PERCENTAGE)).value == "12.5"
    bounded = Rules("Điểm", ValueType.NUMBER, "điểm", maximum=Decimal(100))
    assert read_figure("1,250", bounded).value == "1.25"


def test_dot_then_four_digits_is_always_asked() -> None:
    question = asked("12.5000", rules("tấn"))
    assert [option.value for option in question.options] == ["12.5", "125000"]
    only = asked("12.5000", rules("hộ", ValueType.INTEGER))
    assert only.options == (Option("125000", "125.000 hộ"),)


def test_phone_number_in_a_count_is_spelled_out_and_confirmable() -> None:
    question = asked("0912345678", rules("người", ValueType.INTEGER, "Dân số"))
    assert question.options == (Option("912345678", "912.345.678 người"),)
    assert "số điện thoại" in question.user_message
    assert say_number(Decimal(912345678)) in question.user_message


def test_approximate_figure_is_confirmed() -> None:
    question = asked("hơn 300", rules("hộ", ValueType.INTEGER))
    assert question.options == (Option("300", "300 hộ"),)
    assert "ba trăm" in question.user_message


def test_not_yet_offers_zero() -> None:
    assert asked("chưa", rules("vụ", ValueType.INTEGER)).options == (Option("0", "0 vụ"),)


def test_parse_value_turns_an_ask_back_into_a_refusal() -> None:
    with pytest.raises(ValueRejected) as caught:
        parse_value("12,500", rules("tấn"))
    assert "12,5 tấn hoặc 12.500 tấn" in caught.value.user_message
    assert parse_value("12.500 tấn", rules("tấn")) == "12500"
    assert parse_value("45.000 triệu", rules("tỷ đồng")) == "45"


# --------------------------------------------------------------------------- refusals


def test_money_typed_for_rice_is_refused_not_stored() -> None:
    with pytest.raises(ValueRejected) as caught:
        read_figure("45 tỷ", rules("tấn", name="Tổng sản lượng lúa"))
    message = caught.value.user_message
    assert "Tổng sản lượng lúa tính bằng tấn" in message and "tỷ" in message


def test_a_unit_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueRejected) as caught:
        read_figure("300 người", rules("hộ", ValueType.INTEGER, "Tổng số hộ"))
    assert caught.value.user_message.startswith("Tổng số hộ tính bằng hộ, không phải người.")


def test_two_lines_are_never_joined() -> None:
    with pytest.raises(NumberParseError) as caught:
        read_figure("12\n500", rules("tấn"))
    assert "một số" in caught.value.user_message


def test_share_above_100_is_refused() -> None:
    with pytest.raises(ValueRejected):
        read_figure("120", rules("%", ValueType.PERCENTAGE))


# --------------------------------------------------------------------------- say_number


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0", "không"),
        ("5", "năm"),
        ("10", "mười"),
        ("15", "mười lăm"),
        ("21", "hai mươi mốt"),
        ("24", "hai mươi tư"),
        ("25", "hai mươi lăm"),
        ("105", "một trăm linh năm"),
        ("110", "một trăm mười"),
        ("1005", "một nghìn không trăm linh năm"),
        ("12500", "mười hai nghìn năm trăm"),
        ("1200000", "một triệu hai trăm nghìn"),
        ("2000050", "hai triệu không trăm năm mươi"),
        ("45000000000", "bốn mươi lăm tỷ"),
        ("1500000000", "một tỷ năm trăm triệu"),
        ("1000000000000", "một nghìn tỷ"),
        ("12.5", "mười hai phẩy năm"),
        ("95.15", "chín mươi lăm phẩy mười lăm"),
        ("0.05", "không phẩy không năm"),
        ("-3", "âm ba"),
        ("12500.00", "mười hai nghìn năm trăm"),
    ],
)
def test_say_number(value: str, words: str) -> None:
    assert say_number(Decimal(value)) == words


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_say_number_refuses_non_finite(value: Decimal) -> None:
    with pytest.raises(ValueError):
        say_number(value)


@given(st.integers(min_value=0, max_value=10**6))
def test_said_numbers_read_back(value: int) -> None:
    words = say_number(Decimal(value))
    assert read_figure(words, rules("đồng")).value == str(value)


# --------------------------------------------------------------------------- units


def test_unit_vocabulary() -> None:
    assert unit_of("tấn").exponent == 3 and unit_of("tạ").exponent == 2
    assert unit_of("Tỷ đồng").family == "money"
    assert unit_of("hécta") == unit_of("ha")
    unknown = unit_of("suất quà")
    assert not unknown.known and "suat qua" in unknown.spellings
    poor = unit_of("hộ nghèo")  # a known unit with a qualifier
    assert poor.family == unit_of("hộ").family and "ho ngheo" in poor.spellings
    thousands = unit_of("nghìn người")
    assert thousands.exponent == 3 and thousands.scaled
    assert read_figure("3 nghìn", rules("nghìn người")).value == "3"
    assert read_figure("3", rules("nghìn người")).value == "3"


def test_labels_and_the_element_name_before_the_number() -> None:
    element = Rules("Tổng số hộ", ValueType.INTEGER, "hộ")
    for text in [
        "Tổng số hộ: 300",
        "tong so ho 300",
        "Tổng số hộ 300 hộ ạ",
        "dạ tổng số hộ là 300",
    ]:
        assert read_figure(text, element).value == "300", text


# --------------------------------------------------------------------------- properties

VALUE_TYPES = [ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENTAGE, ValueType.BOOLEAN]
UNITS = ["tấn", "hộ", "người", "tỷ đồng", "triệu đồng", "ha", "%", "", "con giống", "điểm"]


@given(st.text(), st.sampled_from(VALUE_TYPES), st.sampled_from(UNITS))
def test_any_text_reads_or_raises_a_domain_error(
    text: str, value_type: ValueType, unit: str
) -> None:
    try:
        figure = read_figure(text, rules(unit, value_type))
    except AskBack as question:
        assert question.user_message
        for option in question.options:
            Decimal(option.value)
    except DomainError as error:
        assert error.user_message
    else:
        assert figure.shown
        if value_type is not ValueType.BOOLEAN:
            assert Decimal(figure.value).is_finite()


NUMBERISH = "0123456789.,% -+kđtrỷiệuyghnìạấmườiăơchụcrưỡlinhvnpẩy:\n"


@given(
    st.text(alphabet=NUMBERISH, max_size=30),
    st.sampled_from(VALUE_TYPES),
    st.sampled_from(UNITS),
)
def test_number_like_text_reads_or_raises_a_domain_error(
    text: str, value_type: ValueType, unit: str
) -> None:
    with contextlib.suppress(DomainError):
        read_figure(text, rules(unit, value_type))


@given(
    st.decimals(
        min_value=Decimal(0),
        max_value=Decimal("1e12"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_formatted_numbers_read_back_with_their_unit(value: Decimal) -> None:
    text = format_number(value)
    if "," in text and len(text.rpartition(",")[2]) == 3:
        return  # not produced: format_number keeps at most two decimals
    figure = read_figure(f"{text} tấn", rules("tấn"))
    assert Decimal(figure.value) == value
