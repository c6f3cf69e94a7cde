"""Indicators (chỉ tiêu tính toán) of one unit, as lines of text for a summary."""

from __future__ import annotations

from decimal import Decimal

from domain.aggregation import meets_target, ratio
from domain.i18n import _
from domain.numbers import format_number
from storage.models import Campaign


def indicator_lines(campaign: Campaign, values: dict[int, str]) -> list[str]:
    """``Tỷ lệ ...: 95,3% (kế hoạch 95,15% — đạt)`` for each indicator with both parts entered.

    ``values`` maps data element ids to canonical numbers; non-numbers are ignored.
    """
    lines: list[str] = []
    for indicator in campaign.indicators:
        result = ratio(
            _number(values.get(indicator.numerator_id)),
            _number(values.get(indicator.denominator_id)),
            indicator.factor,
        )
        if result is None:
            continue
        text = f"- {indicator.name}: {format_number(result)}{indicator.measure_unit}"
        if indicator.target is not None:
            target = Decimal(indicator.target)
            met = meets_target(result, target, indicator.direction)
            text += " " + _("(kế hoạch {target}{unit} — {status})").format(
                target=format_number(target),
                unit=indicator.measure_unit,
                status=_("đạt") if met else _("chưa đạt"),
            )
        lines.append(text)
    return [_("Chỉ tiêu tính toán:"), *lines] if lines else []


def _number(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except ArithmeticError:
        return None
