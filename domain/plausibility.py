"""Is an entered figure believable? Values far from what the element and the unit's history
make plausible are asked back once, with the number spelled out; the person may confirm.

Issue 13, item 2: over 5x or under 1/5 of the unit's last period; far beyond the other units'
median this period; a numerator above its denominator; a year-to-date figure that fell. (A
share above 100 % is refused outright by :mod:`domain.validation`; a phone-number-like count is
asked back by :mod:`domain.reading`, which sees the typed text.)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.campaign_spec import ValueType
from domain.i18n import _
from domain.numbers import format_number
from domain.reading import say_number
from domain.validation import Rules, display_number

UNUSUAL_FACTOR = Decimal(5)
"""Over 5x or under 1/5 of the last period's value is asked about (issue 2)."""
MEDIAN_FACTOR = Decimal(20)
"""Over 20x the other units' median this period is asked about: units of one campaign differ
(a ward has ten times a village's households), so only a gap of another order counts."""
MEDIAN_MIN_UNITS = 3
"""The other units' median is used only once this many have reported the element."""


@dataclass(frozen=True)
class Related:
    """The other part of an indicator, as entered: its value, name and measure unit."""

    value: Decimal
    name: str
    unit: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({format_number(self.value)} {self.unit})".replace(" )", ")")


@dataclass(frozen=True)
class History:
    """What a figure is compared with; every value in the element's measure unit.

    ``previous``: the unit's value last period; ``cumulative``/``same_year``: the element is
    year-to-date and last period is in the same year; ``median``/``reported``: the median of the
    other units' values this period and how many reported it; ``denominator``: for the
    numerator of an indicator, the denominator as entered; ``numerator``: for a denominator,
    the numerator.
    """

    previous: Decimal | None = None
    cumulative: bool = False
    same_year: bool = False
    median: Decimal | None = None
    reported: int = 0
    denominator: Related | None = None
    numerator: Related | None = None


def doubt(value: Decimal, rules: Rules, history: History) -> str | None:
    """A Vietnamese question asking the person to confirm ``value``, or None if believable.

    The question names the element, gives the number in figures and in words and says what it
    was compared with: ``Tổng số hộ: 1.200.000 hộ (một triệu hai trăm nghìn) lớn hơn 5 lần kỳ
    trước (230 hộ). Số này đúng không?``
    """
    if rules.value_type in (ValueType.TEXT, ValueType.BOOLEAN):
        return None
    reason = _reason(value, rules, history)
    if reason is None:
        return None
    words = say_number(value)
    return _("{name}: {value} ({words}) {reason}. Số này đúng không?").format(
        name=rules.name, value=display_number(value, rules), words=words, reason=reason
    )


def _reason(value: Decimal, rules: Rules, history: History) -> str | None:
    """Why ``value`` looks wrong, as the end of a sentence; None if it does not."""

    def shown(number: Decimal) -> str:
        return display_number(number, rules)

    before = history.previous
    if before is not None and history.cumulative and history.same_year and value < before:
        return _("là số lũy kế từ đầu năm nhưng thấp hơn kỳ trước ({before})").format(
            before=shown(before)
        )
    if before is not None and before > 0 and value > before * UNUSUAL_FACTOR:
        return _("lớn hơn 5 lần kỳ trước ({before})").format(before=shown(before))
    if before is not None and before > 0 and value * UNUSUAL_FACTOR < before:
        return _("nhỏ hơn 1/5 kỳ trước ({before})").format(before=shown(before))
    if history.denominator is not None and value > history.denominator.value:
        return _("lớn hơn {other}").format(other=history.denominator)
    if history.numerator is not None and value < history.numerator.value:
        return _("nhỏ hơn {other}").format(other=history.numerator)
    median = history.median
    if (
        median is not None
        and history.reported >= MEDIAN_MIN_UNITS
        and median > 0
        and value > median * MEDIAN_FACTOR
    ):
        return _("lớn hơn rất nhiều so với các đơn vị khác (phần lớn quanh mức {median})").format(
            median=shown(median)
        )
    return None
