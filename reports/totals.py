"""The arithmetic of sheet "Tổng hợp": each unit's results, the totals row and the ranking.

Rules (DESIGN.md "Aggregation", DHIS2 indicators):

* an amount (aggregation SUM) totals as the sum over the units that entered it; a yes/no row
  totals as the number of units answering "có";
* an indicator (RATIO) is numerator / denominator x factor, per unit from its own figures and
  in total from the summed numerators and denominators of the units that entered both, never
  an average of the units' shares;
* a WEIGHTED_MEAN row totals as sum(value x weight) / sum(weight);
* NONE rows (text, figures that make no sense summed) have no total, nor does a percentage
  entered by each unit with aggregation SUM ("cộng"): its shares can be neither summed nor
  averaged (the office should make it an indicator over two counts).

Targets: a unit's committed target (registration) comes first. Otherwise a rate, a share, a
percentage or a yes/no row's plan target applies to every unit and to the total; an amount's
plan target is the whole campaign's (the town's 12,500 tonnes, not each ward's), so it applies
to the total only. A yes/no row's total target is its target times the number of units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.aggregation import (
    achievement,
    competition_ranks,
    meets_target,
    ratio,
    share_met,
    weighted_mean,
)
from domain.campaign_spec import Aggregation, ValueType
from reports.data import Column, ReportStatus, UnitRow, Value


@dataclass(frozen=True, slots=True)
class Result:
    """One unit's (or the total's) figure for one column, against its target.

    ``achievement`` is a fraction (1 = on target); ``met`` None when there is no target.
    """

    value: Value | None
    target: Decimal | None = None
    achievement: Decimal | None = None
    met: bool | None = None


def number(value: Value | None) -> Decimal | None:
    """The value as a number, None for text or nothing."""
    return value if isinstance(value, Decimal) else None


def applies_per_unit(column: Column) -> bool:
    """True when the plan target is every unit's (rates, shares, percentages, yes/no)."""
    return column.aggregation is not Aggregation.SUM or column.value_type in (
        ValueType.PERCENTAGE,
        ValueType.BOOLEAN,
    )


def unit_target(column: Column, unit: UnitRow) -> Decimal | None:
    """The target a unit is measured against for ``column`` (see the module rules)."""
    committed = unit.targets.get(column.code)
    if committed is not None:
        return committed
    return column.target if applies_per_unit(column) else None


def unit_value(column: Column, values: Mapping[str, Value]) -> Value | None:
    """A unit's value for ``column``: entered, or computed for an indicator."""
    if column.is_indicator and column.numerator and column.denominator:
        return ratio(
            number(values.get(column.numerator)),
            number(values.get(column.denominator)),
            column.factor,
        )
    return values.get(column.code)


def judge(column: Column, value: Value | None, target: Decimal | None) -> Result:
    """A value against a target: achievement and whether it is met."""
    figure = number(value)
    return Result(
        value,
        target,
        achievement(figure, target, column.direction),
        meets_target(figure, target, column.direction),
    )


def unit_results(columns: Sequence[Column], unit: UnitRow) -> list[Result]:
    """One :class:`Result` per column for ``unit`` (empty values for a missing unit)."""
    if unit.status is ReportStatus.MISSING:
        return [Result(None, unit_target(c, unit)) for c in columns]
    return [judge(c, unit_value(c, unit.values), unit_target(c, unit)) for c in columns]


def unit_share(columns: Sequence[Column], unit: UnitRow) -> Decimal | None:
    """The share (0-1) of the unit's targets it met; None for a missing unit or no targets.

    A target whose value was left empty counts as not met.
    """
    if unit.status is ReportStatus.MISSING:
        return None
    return share_met(
        result.met for result in unit_results(columns, unit) if result.target is not None
    )


@dataclass(frozen=True)
class Ranking:
    """Each unit's share of targets met and its competition rank (None: not ranked)."""

    shares: list[Decimal | None]
    ranks: list[int | None]


def ranking(columns: Sequence[Column], units: Sequence[UnitRow]) -> Ranking:
    """Rank the units that reported by the share of their targets met (1 = best)."""
    shares = [unit_share(columns, unit) for unit in units]
    return Ranking(shares, competition_ranks(shares))


def column_total(
    column: Column, values: Iterable[Mapping[str, Value]], unit_count: int, *, whole: bool = True
) -> Result:
    """The totals-row result of ``column`` over the units' ``values`` (reporting units only).

    ``unit_count`` is the number of units in the campaign, or in the part totalled (for a
    yes/no row's total target). ``whole``: False for a part of the campaign (a cluster's
    subtotal), which is not measured against an amount's plan target: that target is the whole
    campaign's (see the module rules).
    """
    rows = list(values) if not isinstance(values, list) else values
    total = _total_value(column, rows)
    target = _total_target(column, unit_count)
    if not whole and not applies_per_unit(column):
        target = None
    return judge(column, total, target)


def _total_value(column: Column, rows: list[Mapping[str, Value]]) -> Decimal | None:
    if column.is_indicator and column.numerator and column.denominator:
        pairs = _pairs(rows, column.numerator, column.denominator)
        if not pairs:
            return None
        return ratio(
            sum((n for n, _d in pairs), Decimal(0)),
            sum((d for _n, d in pairs), Decimal(0)),
            column.factor,
        )
    if column.aggregation is Aggregation.WEIGHTED_MEAN and column.weight:
        return weighted_mean(_pairs(rows, column.code, column.weight))
    if column.aggregation is Aggregation.SUM and column.value_type is not ValueType.PERCENTAGE:
        figures = [f for f in (number(r.get(column.code)) for r in rows) if f is not None]
        return sum(figures, Decimal(0)) if figures else None
    return None


def _pairs(
    rows: list[Mapping[str, Value]], first: str, second: str
) -> list[tuple[Decimal, Decimal]]:
    pairs = []
    for row in rows:
        a, b = number(row.get(first)), number(row.get(second))
        if a is not None and b is not None:
            pairs.append((a, b))
    return pairs


def _total_target(column: Column, unit_count: int) -> Decimal | None:
    if column.target is None or not has_total(column):
        return None
    if column.value_type is ValueType.BOOLEAN and column.aggregation is Aggregation.SUM:
        return column.target * unit_count
    return column.target


def has_total(column: Column) -> bool:
    """False for rows that make no sense totalled: text, NONE, and percentages entered per unit
    with aggregation "cộng" (summing 95% and 80% gives nonsense, averaging is not allowed)."""
    if column.is_indicator:
        return True
    if column.aggregation is Aggregation.WEIGHTED_MEAN:
        return column.weight is not None
    return column.aggregation is Aggregation.SUM and column.value_type not in (
        ValueType.PERCENTAGE,
        ValueType.TEXT,
    )


def shows_target(column: Column, units: Sequence[UnitRow]) -> bool:
    """True when the sheet needs target and % columns for ``column``."""
    return column.target is not None or any(column.code in u.targets for u in units)
