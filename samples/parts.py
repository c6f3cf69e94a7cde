"""Building blocks shared by the sample campaigns: element, unit and title rows.

The modelling rules they encode (see :mod:`samples`): counts are whole, summed and never
negative; amounts are summed year-to-date (cumulative); shares are computed ratio indicators in
"%" between 0 and 100, over two entered counts; yes/no facts have target "có". Each unit has one
representative with one phone.
"""

from __future__ import annotations

from decimal import Decimal

from domain.campaign_spec import (
    Aggregation,
    Direction,
    ElementSpec,
    TitleKind,
    TitleSpec,
    UnitSpec,
    ValueType,
)

__all__ = ["HUNDRED", "ZERO", "amount", "common_titles", "count", "ratio", "unit", "yes_no"]

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def count(
    code: str, name: str, measure_unit: str, *, required: bool = True, cumulative: bool = False
) -> ElementSpec:
    """An entered whole count (people, households, schools), summed across units."""
    return ElementSpec(
        code,
        name,
        measure_unit,
        value_type=ValueType.INTEGER,
        minimum=ZERO,
        required=required,
        cumulative=cumulative,
    )


def amount(
    code: str, name: str, measure_unit: str, target: str | None = None, *, required: bool = True
) -> ElementSpec:
    """An entered year-to-date amount (tonnes, VND), summed across units."""
    return ElementSpec(
        code,
        name,
        measure_unit,
        target=Decimal(target) if target else None,
        minimum=ZERO,
        required=required,
        cumulative=True,
    )


def ratio(
    code: str,
    name: str,
    numerator: str,
    denominator: str,
    target: str | None,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> ElementSpec:
    """A computed share in percent: numerator / denominator x 100, never entered."""
    return ElementSpec(
        code,
        name,
        "%",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO,
        numerator=numerator,
        denominator=denominator,
        target=Decimal(target) if target else None,
        direction=direction,
        minimum=ZERO,
        maximum=HUNDRED,
    )


def yes_no(code: str, name: str) -> ElementSpec:
    """An entered yes/no fact with target "có"; summing counts the units where it holds."""
    return ElementSpec(code, name, "có/không", value_type=ValueType.BOOLEAN, target=Decimal(1))


def unit(
    code: str, name: str, kind: str, cluster: str, person: str, phone: str, *, head: bool = False
) -> UnitSpec:
    """A unit with one representative; ``head``: it is its cluster's head (Cụm trưởng)."""
    return UnitSpec(code, name, kind, cluster, (phone,), (person,), is_cluster_head=head)


def common_titles() -> tuple[TitleSpec, ...]:
    """The four titles of the 2024 Bình Thuận plan (seed 003), common to every campaign."""
    return (
        TitleSpec("LDTT", "Lao động tiên tiến", TitleKind.INDIVIDUAL),
        TitleSpec("CSTDCS", "Chiến sĩ thi đua cơ sở", TitleKind.INDIVIDUAL),
        TitleSpec("TTLDTT", "Tập thể lao động tiên tiến", TitleKind.COLLECTIVE),
        TitleSpec("TTLDXS", "Tập thể lao động xuất sắc", TitleKind.COLLECTIVE),
    )
