"""Indicators and achievement: the arithmetic DESIGN.md fixes for totals and targets.

A share is never averaged across units: it is recomputed from summed numerators and
denominators (DHIS2 indicators work the same way).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def achievement(
    value: Decimal | None, target: Decimal | None, direction: Direction
) -> Decimal | None:
    """The share of ``target`` achieved, as a fraction (1 = exactly on target, 1.2 = 20% better).

    Higher is better: value / target. Lower is better (poor households, accidents): target /
    value, so beating a ceiling also gives more than 1. None when either is missing or the
    division is undefined (a target of 0, or a value of 0 when lower is better); use
    :func:`meets_target` for whether such a value is on target.
    """
    if value is None or target is None:
        return None
    if direction is Direction.HIGHER_IS_BETTER:
        return value / target if target != 0 else None
    return target / value if value != 0 else None


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Sum(value x weight) / sum(weight) over ``(value, weight)`` pairs; None without weight."""
    weighted = total = Decimal(0)
    for value, weight in pairs:
        weighted += value * weight
        total += weight
    return weighted / total if total else None


def share_met(results: Iterable[bool | None]) -> Decimal | None:
    """The share (0-1) of targets met, counting a missing result (None) as not met; None when
    there is no target at all. This is what units are ranked by."""
    counted = met = 0
    for result in results:
        counted += 1
        met += result is True
    return Decimal(met) / counted if counted else None


def competition_ranks(scores: Sequence[Decimal | None]) -> list[int | None]:
    """Standard competition ranks ("1, 2, 2, 4"), best score first; None scores get no rank."""
    ordered = sorted((s for s in scores if s is not None), reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, score in enumerate(ordered, 1):
        first_place.setdefault(score, place)
    return [None if s is None else first_place[s] for s in scores]
