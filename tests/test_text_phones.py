"""Tests of text folding (domain/text.py) and phone normalisation (domain/phones.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.phones import normalize_phone
from domain.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Nhập  Số liệu ", "nhap so lieu"),
        ("BÁO CÁO", "bao cao"),
        ("Đồng đội", "dong doi"),
        ("Phong trào thi đua", "phong trao thi dua"),
        ("tỷ tỉ triệu nghìn ngàn", "ty ti trieu nghin ngan"),
        ("ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự", "aaaaa aaaaa eeeee ooooo ooooo uuuuu"),
        ("a\tb\nc\u00a0d", "a b c d"),
        ("12.500,5%", "12.500,5%"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_handles_decomposed_input() -> None:
    assert fold("Vie\u0302\u0323t Nam") == "viet nam"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "84912345678",
        "+84912345678",
        "+84 912 345 678",
        "(+84) 912-345-678",
        "+84 (0) 912 345 678",
        "0084 912 345 678",
        " 0912345678 ",
        "912345678",
    ],
)
def test_normalize_mobile(text: str) -> None:
    assert normalize_phone(text) == "0912345678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02213123456", "02213123456"),
        ("0221 3123 456", "02213123456"),
        ("024 3825 1234", "02438251234"),
        ("+84 24 3825 1234", "02438251234"),
        ("2438251234", "02438251234"),
        ("0381234567", "0381234567"),
    ],
)
def test_normalize_other_numbers(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "0912abc678",
        "091234567",
        "09123456789",
        "012345678",
        "0012345678",
        "+1 555 123 4567",
        "+84",
        "+",
        "0912+345678",
        "1" * 100,
        "０９１２３４５６７８",
    ],
)
def test_normalize_phone_refuses(text: str) -> None:
    assert normalize_phone(text) is None


@given(st.text())
def test_normalize_phone_never_raises(text: str) -> None:
    result = normalize_phone(text)
    assert result is None or (result.isascii() and result.isdigit() and result.startswith("0"))
