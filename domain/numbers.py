"""Numbers as Vietnamese people type them, and back.

Source of the rules: DESIGN.md, "Standards" (``12.500``, ``12,5``, ``45 tỷ``, ``1tr2``,
``95,15%``), and the Vietnamese locale of Unicode CLDR (decimal mark ``,``, group separator
``.``), which is also what Babel formats with for ``vi``.

:func:`parse_number` reads one typed answer; :func:`format_number` writes a value the way it is
read back; :func:`to_measure_unit` expresses a parsed amount in an indicator's measure unit
("tỷ đồng", "người"); :func:`parse_boolean` reads a yes/no answer. All values are exact
:class:`~decimal.Decimal` numbers; no float is involved anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

from domain.errors import DomainError
from domain.i18n import N_, _
from domain.text import fold

MAX_INPUT_CHARS = 40
"""Longer answers are refused outright: no real figure needs more characters."""

SCALE_EXPONENTS: dict[str, int] = {
    "ty": 9,
    "ti": 9,
    "trieu": 6,
    "tr": 6,
    "nghin": 3,
    "ngan": 3,
    "k": 3,
}
"""Scale words, folded (no diacritics), and the power of ten each stands for."""
_ZERO_WORDS = frozenset({"khong"})

# Arithmetic on parsed input: wide enough for any 40-character answer, and it refuses to round.
_EXACT = Context(prec=120, traps=[InvalidOperation, Inexact, Overflow])

# Whole answer, folded: optional sign, the amount, then optional "%" or a currency word.
_SHAPE = re.compile(r"(?P<sign>[-+\u2212]?) ?(?P<body>.*?) ?(?P<suffix>%|dong|d)?")
# One token of the amount: a digit group with single separators, or a word of letters.
_TOKEN = re.compile(r" ?(?:(?P<num>[0-9]+(?:[., ][0-9]+)*)|(?P<word>[a-z]+))")
_TRAILING_DIGITS = re.compile(r"[0-9]{1,3}")

_EXAMPLES = N_("Hãy nhập số, ví dụ: 12.500 hoặc 12,5 hoặc 45 tỷ.")
_SHOWN_CHARS = 20

# Yes/no answers, folded. Telex and VNI leftovers of a phone keyboard count too ("cos" is "có"
# typed in Telex without the keyboard converting it; "khoong" is "không").
_TRUE_WORDS = frozenset(
    {
        "co",
        "c",
        "x",
        "dat",
        "da dat",
        "roi",
        "1",
        "yes",
        "y",
        "ok",
        "oke",
        "okay",
        "vang",
        "da",
        "da co",
        "co roi",
        "da co roi",
        "dat roi",
        "da dat roi",
        "co chu",
        "dung vay",
        "cos",
        "coos",
        "co1",
        "ddat",
        "ddatj",
        "dat5",
        "roif",
        "coo",
    }
)
_FALSE_WORDS = frozenset(
    {
        "khong",
        "k",
        "ko",
        "kh",
        "khg",
        "hong",
        "hok",
        "khum",
        "chua",
        "chua dat",
        "khong dat",
        "0",
        "no",
        "n",
        "khong co",
        "k co",
        "ko co",
        "kh co",
        "chua co",
        "chua dat duoc",
        "khong dat duoc",
        "khoong",
        "kho6ng",
        "khongo",
        "chuaw",
        "chua7",
        "ko dat",
        "k dat",
    }
)
# Polite words around a yes/no answer: "dạ có", "có ạ", "vâng ạ", "không ạ".
_LEADING_POLITE = ("da ", "vang ", "thua ", "bao cao ")
_TRAILING_POLITE = (" a", " nhe", " nha", " a nhe", " roi a", " ah", " ak")


class NumberParseError(DomainError):
    """A typed answer is not a number (or not yes/no); ``user_message`` says why, in Vietnamese."""


@dataclass(frozen=True)
class ParsedNumber:
    """One parsed answer.

    ``value`` is the absolute amount, exact and canonical (integers have exponent 0, fractions no
    trailing zeros, no negative zero): ``"45 tỷ"`` -> ``Decimal(45000000000)``; for a percentage
    it is the number of percent (``"95,15%"`` -> ``Decimal("95.15")``). ``scale_word`` tells
    whether a scale word (tỷ, triệu, nghìn, ...) was typed, which :func:`to_measure_unit` needs;
    ``percent`` whether a trailing ``%`` was typed.
    """

    value: Decimal
    scale_word: bool
    percent: bool


@dataclass(frozen=True)
class _Part:
    """``number`` times ten to the power ``exponent`` (0 when no scale word followed)."""

    number: Decimal
    exponent: int


# --------------------------------------------------------------------------- parse_number


def parse_number(text: str) -> ParsedNumber:
    """Read a number typed the Vietnamese way; raise :class:`NumberParseError` if it is not one.

    * ``.`` groups thousands, ``,`` is the decimal mark: ``12.500`` = 12500, ``1.234.567``,
      ``12,5`` = 12.5, ``12.500,75``. Spaces may group thousands too: ``12 500``.
    * One dot that does not start a proper group of three (phone keyboards have no comma) is a
      decimal point: ``12.5``, ``0.75``, ``0.500``, ``1234.5``; but ``1.234`` = 1234.
    * One comma is always a decimal mark (``1,234`` = 1.234). Several commas in groups of three
      are thousands (``1,234,567``); with both marks and the dot last, English style:
      ``12,500.5`` = 12500.5.
    * Scale words, with or without diacritics or a space: tỷ/tỉ = 10⁹, triệu/tr = 10⁶,
      nghìn/ngàn/k = 10³: ``45 tỷ``, ``1,5 tỷ``, ``2 tỷ 500 triệu``, ``500k``. They must go
      from large to small, each part smaller than the one before it. Up to three bare digits
      after the last scale word are its next digits: ``1tr2`` = 1 200 000, ``1tr25`` and
      ``1tr250`` = 1 250 000, ``1 tỷ 5`` = 1 500 000 000.
    * A leading ``-`` or ``+``; a trailing ``%`` (sets ``percent``; not with a scale word); or
      a trailing đ/đồng/d/dong (ignored). ``không`` = 0.

    Empty text, letters, other symbols, exponents (``1e5``), ``nan``/``inf``, bad grouping
    (``12.5.3``, ``1..2``, ``1,2,3``) and answers over :data:`MAX_INPUT_CHARS` characters raise
    :class:`NumberParseError`; nothing else is ever raised.
    """
    stripped = text.strip()
    if not stripped:
        raise NumberParseError(_("Chưa có số nào.") + " " + _(_EXAMPLES))
    if len(stripped) > MAX_INPUT_CHARS:
        raise NumberParseError(
            _("{text} quá dài, không phải là một số.").format(text=_quote(stripped))
            + " "
            + _(_EXAMPLES)
        )
    try:
        with localcontext(_EXACT):
            return _parse_folded(fold(stripped), stripped)
    except DecimalException as error:  # cannot happen within 40 characters; kept as a guard
        raise _not_a_number(stripped) from error


def _parse_folded(folded: str, shown: str) -> ParsedNumber:
    """Split sign, amount and suffix of the folded answer; ``shown`` is quoted in errors."""
    shape = _SHAPE.fullmatch(folded)
    if shape is None:  # pragma: no cover - the pattern matches every string without newlines
        raise _not_a_number(shown)
    sign, body, suffix = shape.group("sign"), shape.group("body"), shape.group("suffix")
    if body in _ZERO_WORDS and not suffix:
        return ParsedNumber(Decimal(0), scale_word=False, percent=False)
    parts, trailing = _read_parts(_tokenize(body, shown), shown)
    has_scale = any(part.exponent for part in parts)
    percent = suffix == "%"
    if percent and has_scale:
        raise _not_a_number(shown)
    total = _combine(parts, trailing, shown)
    value = -total if sign in ("-", "\u2212") else total
    return ParsedNumber(_canonical(value), scale_word=has_scale, percent=percent)


def _tokenize(body: str, shown: str) -> list[tuple[str, str]]:
    """Cut the amount into ``("num", "12.500")`` and ``("word", "trieu")`` tokens."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None:
            raise _not_a_number(shown)
        kind = "num" if match.group("num") is not None else "word"
        tokens.append((kind, match.group(kind)))
        position = match.end()
    if not tokens:
        raise _not_a_number(shown)
    return tokens


def _read_parts(tokens: list[tuple[str, str]], shown: str) -> tuple[list[_Part], str | None]:
    """Group tokens into (number, scale word) parts; return them and any trailing bare digits."""
    parts: list[_Part] = []
    index = 0
    while index < len(tokens):
        kind, number = tokens[index]
        if kind != "num":
            raise _not_a_number(shown)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None:
            if parts:
                return parts, number
            return [_Part(_plain_number(number, shown), 0)], None
        if following[0] != "word" or following[1] not in SCALE_EXPONENTS:
            raise _not_a_number(shown)
        parts.append(_Part(_plain_number(number, shown), SCALE_EXPONENTS[following[1]]))
        index += 2
    return parts, None


def _combine(parts: list[_Part], trailing: str | None, shown: str) -> Decimal:
    """Add the parts up, checking that scales decrease and each part is below the one before."""
    total = Decimal(0)
    previous: _Part | None = None
    for part in parts:
        if previous is not None:
            _check_order(previous, part, shown)
        total += part.number.scaleb(part.exponent)
        previous = part
    if trailing is not None and previous is not None:
        total += _trailing_amount(previous, trailing, shown)
    return total


def _check_order(previous: _Part, part: _Part, shown: str) -> None:
    """``5 triệu 2 tỷ`` and ``2 tỷ 1.500 triệu`` are refused: parts must go from large to small."""
    ceiling = Decimal(1).scaleb(previous.exponent)
    if part.exponent >= previous.exponent or part.number.scaleb(part.exponent) >= ceiling:
        raise NumberParseError(
            _("Chưa hiểu {text} là số nào: hãy viết từ lớn đến nhỏ, ví dụ: 2 tỷ 500 triệu.").format(
                text=_quote(shown)
            )
        )


def _trailing_amount(previous: _Part, digits: str, shown: str) -> Decimal:
    """``1tr25``: the ``25`` are the next digits after the whole millions, i.e. 0.25 million.

    Only up to three plain digits, and only after a whole number (``1,5 tỷ 2`` is refused).
    """
    if not _TRAILING_DIGITS.fullmatch(digits) or previous.number != previous.number.to_integral():
        raise _not_a_number(shown)
    return Decimal(digits).scaleb(previous.exponent - len(digits))


# --------------------------------------------------------------------------- plain numbers


def _plain_number(token: str, shown: str) -> Decimal:
    """Value of one digit token such as ``12.500,75``, ``12,500.5``, ``12 500`` or ``0.75``."""
    if " " in token:
        digits = _spaced(token)
    elif "." in token and "," in token:
        digits = _both_marks(token)
    elif "." in token:
        digits = _one_mark(token.split("."), dot=True)
    elif "," in token:
        digits = _one_mark(token.split(","), dot=False)
    else:
        digits = token
    if digits is None:
        raise _not_a_number(shown)
    return Decimal(digits)


def _is_grouped(groups: list[str]) -> bool:
    """True for thousands groups: 1 to 3 digits not starting with 0, then groups of exactly 3."""
    head, rest = groups[0], groups[1:]
    return (
        bool(rest)
        and 1 <= len(head) <= 3
        and not head.startswith("0")
        and all(len(group) == 3 for group in rest)
    )


def _one_mark(groups: list[str], *, dot: bool) -> str | None:
    """Only dots (thousands, else one decimal point) or only commas (one decimal, else thousands).

    Returns the number as Python's :class:`Decimal` reads it, or ``None`` if malformed.
    """
    single = len(groups) == 2
    if dot and _is_grouped(groups):
        return "".join(groups)
    if single:
        return ".".join(groups)
    if not dot and _is_grouped(groups):
        return "".join(groups)
    return None


def _both_marks(token: str) -> str | None:
    """``12.500,75`` (comma last: Vietnamese) or ``12,500.5`` (dot last: English)."""
    decimal_mark, group_mark = (",", ".") if token.rfind(",") > token.rfind(".") else (".", ",")
    whole, fraction = token.rsplit(decimal_mark, 1)
    groups = whole.split(group_mark)
    if decimal_mark in whole or not _is_grouped(groups):
        return None
    return "".join(groups) + "." + fraction


def _spaced(token: str) -> str | None:
    """``12 500`` or ``12 500,5``: spaces group thousands; dots may not be mixed in."""
    whole, _, fraction = token.partition(",")
    groups = whole.split(" ")
    if "." in token or "," in fraction or not _is_grouped(groups):
        return None
    return "".join(groups) + ("." + fraction if fraction else "")


# --------------------------------------------------------------------------- helpers


def _canonical(value: Decimal) -> Decimal:
    """Integers with exponent 0 (``12500``, not ``1.25E+4``), fractions without trailing zeros."""
    if value == 0:
        return Decimal(0)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _quote(text: str) -> str:
    """The user's text in quotes for a message: printable, one line, at most 20 characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    shown = " ".join(printable.split())
    if len(shown) > _SHOWN_CHARS:
        shown = shown[:_SHOWN_CHARS] + "…"
    return f'"{shown}"'


def _not_a_number(shown: str) -> NumberParseError:
    """The usual error: ``Chưa hiểu "12.5.3" là số nào. Hãy nhập số, ví dụ: ...``."""
    return NumberParseError(
        _("Chưa hiểu {text} là số nào.").format(text=_quote(shown)) + " " + _(_EXAMPLES)
    )


# --------------------------------------------------------------------------- format_number


def format_number(value: Decimal | int, max_decimals: int = 2) -> str:
    """Write ``value`` the Vietnamese way: ``12.500``, ``12,5``, ``-1.234,5``, ``0``.

    Rounds half-up to ``max_decimals`` (>= 0) places, then drops trailing zeros of the fraction;
    a value that rounds to zero is written ``0`` (no minus). :func:`parse_number` reads every
    result back to the rounded value. Raises :class:`ValueError` for NaN/infinity or a negative
    ``max_decimals`` (programming errors, not user input).
    """
    number = Decimal(value)
    if not number.is_finite() or max_decimals < 0:
        raise ValueError(f"cannot format {value!r} with {max_decimals} decimals")
    # A fresh context: the caller's may trap Inexact, and rounding here is the point.
    with localcontext(Context(prec=max(28, number.adjusted() + max_decimals + 3))):
        rounded = number.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    fraction = fraction.rstrip("0")
    sign = "-" if rounded < 0 else ""
    return sign + grouped + ("," + fraction if fraction else "")


# --------------------------------------------------------------------------- to_measure_unit


def to_measure_unit(parsed: ParsedNumber, measure_unit: str) -> Decimal:
    """Express a parsed amount in an indicator's measure unit.

    When a scale word was typed and the unit begins with one (``tỷ đồng``, ``triệu đồng``,
    ``nghìn người``), the absolute amount is divided by the unit's scale: ``45 tỷ`` or
    ``45.000 triệu`` in ``tỷ đồng`` -> 45; ``1tr2`` in ``triệu đồng`` -> 1.2. Without a scale
    word the number is taken as already in the unit (``45`` in ``tỷ đồng`` -> 45); with a plain
    unit (``đồng``, ``người``) the absolute amount is kept. ``tỷ lệ`` (rate) is not a scale.
    The result is exact and canonical. Never raises.
    """
    exponent = _unit_exponent(measure_unit)
    if not parsed.scale_word or exponent is None:
        return parsed.value
    with localcontext(_EXACT):
        return _canonical(parsed.value.scaleb(-exponent))


def _unit_exponent(measure_unit: str) -> int | None:
    """Power of ten of the scale word a unit starts with (``tỷ đồng`` -> 9), else ``None``."""
    words = fold(measure_unit).split(" ")
    if words[0] not in SCALE_EXPONENTS or words[1:2] == ["le"]:
        return None
    return SCALE_EXPONENTS[words[0]]


# --------------------------------------------------------------------------- parse_boolean


def parse_boolean(text: str) -> bool:
    """Read a yes/no answer, with or without diacritics, case-insensitive.

    True: có, c, x, đạt, đã đạt, rồi, 1, yes, y, ok, vâng, dạ, đã có, có rồi, đạt rồi, and
    Telex/VNI leftovers (cos, co1, ddat). False: không, k, ko, chưa, chưa đạt, không đạt,
    không có, k có, chưa có, 0, no, n, and khoong, chuaw. Polite words around the answer
    are dropped ("dạ có", "có ạ", "rồi ạ", "không ạ", "chưa ạ", "vâng ạ"), and so are
    trailing ``.``, ``!``, ``?`` and whitespace. Anything else raises
    :class:`NumberParseError` asking for "có" or "không".
    """
    answer = fold(text).strip(" .!?")
    for _attempt in range(3):
        if answer in _TRUE_WORDS:
            return True
        if answer in _FALSE_WORDS:
            return False
        for word in _TRAILING_POLITE:
            if answer.endswith(word) and len(answer) > len(word):
                answer = answer[: -len(word)].strip(" .!?")
                break
        else:
            for word in _LEADING_POLITE:
                if answer.startswith(word):
                    answer = answer[len(word) :].strip(" .!?")
                    break
    raise NumberParseError(
        _('Chưa hiểu {text}. Hãy trả lời "có" hoặc "không".').format(text=_quote(text))
    )
