"""Checking one entered figure against its data element, and spotting unusual changes.

Values are kept as canonical text (DHIS2 style): numbers as plain decimals without exponent
(``"12500"``, ``"12.5"``), booleans as ``"1"``/``"0"``, text as typed (trimmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from domain.campaign_spec import ValueType
from domain.errors import DomainError
from domain.i18n import _
from domain.numbers import format_number

MAX_TEXT = 500
# Figures are counts and amounts of a commune or a town: a thousand trillion is beyond any of
# them, and keeps every stored value within its 40-character column.
MAX_MAGNITUDE = Decimal(10) ** 15
# A value more than 5x or less than 1/5 of the previous period's is asked about again (issue 2).
UNUSUAL_FACTOR = Decimal(5)


class ValueRejected(DomainError):
    """An entered value breaks its data element's rules; ``user_message`` says which."""


@dataclass(frozen=True)
class Rules:
    """What a data element accepts. ``minimum`` defaults to 0: counts, amounts and shares are
    never negative unless the campaign template sets a negative minimum."""

    name: str
    value_type: ValueType
    measure_unit: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def canonical(value: Decimal) -> str:
    """Canonical text of a number: ``Decimal("12500.00")`` -> ``"12500"`` (never rounded)."""
    with localcontext(prec=max(28, len(value.as_tuple().digits))):
        text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def parse_value(text: str, rules: Rules) -> str:
    """Read ``text`` as a value of ``rules``; return its canonical text.

    The reading is :func:`domain.reading.read_figure`'s (units, words, labels, ask-backs).
    Raises ``ValueRejected`` (or ``NumberParseError``, also a ``DomainError``) with a Vietnamese
    explanation when it does not fit: not a number, not whole, out of bounds, share over 100.
    Where ``read_figure`` would ask back (two readings, a phone-number-like count), this
    function, having no way to offer choices, raises ``ValueRejected`` with the question and
    the readings, asking the person to type the figure unambiguously.
    """
    from domain.reading import AskBack, read_figure  # reading builds on this module

    try:
        return read_figure(text, rules).value
    except AskBack as question:
        labels = _(" hoặc ").join(option.label for option in question.options)
        hint = " " + (
            _("Hãy nhập lại cho rõ, ví dụ: {labels}.").format(labels=labels)
            if labels
            else _("Hãy nhập lại.")
        )
        raise ValueRejected(question.user_message + hint) from question


def check_number(value: Decimal, rules: Rules) -> None:
    """Check a number (in the element's measure unit) against ``rules``.

    Raises :class:`ValueRejected` when an INTEGER element gets a fraction, when ``|value|`` is
    :data:`MAX_MAGNITUDE` or more, below ``minimum`` (0 when unset), above ``maximum``, or a
    percentage above 100. Returns None otherwise.
    """
    shown = display_number(value, rules)
    if rules.value_type is ValueType.INTEGER and value != value.to_integral_value():
        raise ValueRejected(
            _("{name} phải là số nguyên (ví dụ 125), không phải {shown}.").format(
                name=rules.name, shown=shown
            )
        )
    if abs(value) >= MAX_MAGNITUDE:
        raise ValueRejected(
            _("Số {shown} quá lớn. Hãy kiểm tra lại đơn vị tính ({unit}).").format(
                shown=shown, unit=rules.measure_unit
            )
        )
    minimum = rules.minimum if rules.minimum is not None else Decimal(0)
    maximum = rules.maximum
    if rules.value_type is ValueType.PERCENTAGE:
        maximum = min(maximum, Decimal(100)) if maximum is not None else Decimal(100)
    if value < minimum:
        raise ValueRejected(
            _("{name} không được nhỏ hơn {limit} (bạn nhập {shown}).").format(
                name=rules.name, limit=display_number(minimum, rules), shown=shown
            )
        )
    if maximum is not None and value > maximum:
        raise ValueRejected(
            _("{name} không được lớn hơn {limit} (bạn nhập {shown}).").format(
                name=rules.name, limit=display_number(maximum, rules), shown=shown
            )
        )


def display_number(value: Decimal, rules: Rules) -> str:
    """A number with its measure unit, the Vietnamese way: ``12.500 tấn``, ``95,15%``.

    Shows every decimal of ``value`` up to six (at least the usual two places are allowed), so
    that ``3,255 ha`` is echoed as typed, not rounded to ``3,26 ha``.
    """
    exponent = value.as_tuple().exponent
    places = min(max(2, -exponent), 6) if isinstance(exponent, int) else 2
    if rules.value_type is ValueType.PERCENTAGE or rules.measure_unit == "%":
        return f"{format_number(value, places)}%"
    return f"{format_number(value, places)} {rules.measure_unit}".rstrip()


def display_value(stored: str | None, rules: Rules) -> str:
    """A stored value as a person reads it (``"1"`` -> ``Có``; None -> ``(bỏ trống)``)."""
    if stored is None:
        return _("(bỏ trống)")
    if rules.value_type is ValueType.TEXT:
        return stored
    if rules.value_type is ValueType.BOOLEAN:
        return _("Có") if stored == "1" else _("Không")
    return display_number(Decimal(stored), rules)


def unusual_change(
    new: str, previous: str | None, rules: Rules, *, cumulative: bool, same_year: bool
) -> str | None:
    """A Vietnamese question to confirm when ``new`` looks wrong against last period's value.

    Asked when it is over 5x or under 1/5 of the previous value, or when a year-to-date
    (cumulative) value falls below the previous period's in the same year. None otherwise.
    """
    if previous is None or rules.value_type in (ValueType.TEXT, ValueType.BOOLEAN):
        return None
    value, before = Decimal(new), Decimal(previous)
    shown, shown_before = display_number(value, rules), display_number(before, rules)
    if cumulative and same_year and value < before:
        return _(
            "{name} là số lũy kế từ đầu năm nhưng {shown} thấp hơn kỳ trước "
            "({before}). Bạn chắc chắn chứ?"
        ).format(name=rules.name, shown=shown, before=shown_before)
    if before > 0 and value > before * UNUSUAL_FACTOR:
        return _("{shown} lớn hơn 5 lần kỳ trước ({before}). Bạn chắc chắn chứ?").format(
            shown=shown, before=shown_before
        )
    if before > 0 and value * UNUSUAL_FACTOR < before:
        return _("{shown} nhỏ hơn 1/5 kỳ trước ({before}). Bạn chắc chắn chứ?").format(
            shown=shown, before=shown_before
        )
    return None
