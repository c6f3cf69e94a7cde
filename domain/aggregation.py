"""Indicators and achievement: the arithmetic DESIGN.md fixes for totals and targets.

A share is never averaged across units: it is recomputed from summed numerators and
denominators (DHIS2 indicators work the same way).
"""

from __future__ import annotations

from decimal import Decimal

from domain.campaign_spec import Direction


def ratio(
    numerator: Decimal | None, denominator: Decimal | None, factor: int = 100
) -> Decimal | None:
    """``numerator / denominator x factor``; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * factor


def meets_target(
    value: Decimal | None, target: Decimal | None, direction: Direction
) -> bool | None:
    """True when ``value`` reaches ``target`` in the better direction; None if either is missing."""
    if value is None or target is None:
        return None
    return value >= target if direction is Direction.HIGHER_IS_BETTER else value <= target
