"""Automatic points of a criterion (tiêu chí chấm tự động): a unit's achievement of its target
for the criterion's source element or indicator over the periods a review covers, through the
criterion's rule (``domain.scoring.parse_auto_rule`` / ``auto_points``).

The figure over the review's span follows the aggregation rules (``domain.aggregation``,
``reports.totals``): a year-to-date (cumulative) figure is its value in the last covered period
that has one; a count or amount (sum) is the sum over the covered periods; any other entered
figure (a percentage, a weighted mean) its last value; an indicator is recomputed from its
numerator and denominator taken over the span by those rules, never an average of shares.

The target is the unit's committed target (registration) when it gave one, else the plan's
target where it applies to each unit (indicators, percentages, yes/no, weighted means); an
amount's plan target is the whole campaign's, so without a commitment there is no target: no
automatic points, the criterion is scored by hand and the person is told so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.aggregation import achievement, ratio
from domain.campaign_spec import Aggregation, Direction, ValueType
from domain.i18n import _
from domain.scoring import Computed, ScoringProblem, auto_points, parse_auto_rule
from services.reviews import covered_periods
from storage import values as value_store
from storage.models import Campaign, Criterion, DataElement, DataValue, Indicator, Review


@dataclass(frozen=True)
class AutoScore:
    """What the rule gives a unit for an automatic criterion: ``computed`` (points and how),
    or None with ``note`` saying why it must be scored by hand."""

    computed: Computed | None
    note: str = ""


def is_automatic(criterion: Criterion) -> bool:
    """True when the criterion names a source element or indicator."""
    return criterion.source_element_id is not None or criterion.source_indicator_id is not None


async def auto_score(
    session: AsyncSession,
    campaign: Campaign,
    review: Review,
    criterion: Criterion,
    unit_id: int,
) -> AutoScore | None:
    """The automatic points of ``criterion`` for ``unit_id`` in ``review`` (``campaign``
    loaded with elements, indicators and periods); None when the criterion is not automatic.
    Never raises for bad data: an unreadable rule or a missing target gives a note instead."""
    if not is_automatic(criterion):
        return None
    try:
        rule = parse_auto_rule(criterion.rule)
    except ScoringProblem as problem:
        return AutoScore(None, problem.user_message + " " + _("Hãy chấm bằng tay."))
    periods = [p.id for p in covered_periods(campaign, review)]
    values = await _values(session, unit_id, periods)
    committed = await value_store.committed_targets(session, campaign.id, unit_id)
    source = _source(campaign, criterion)
    if source is None:
        return AutoScore(None, _("Không tìm thấy chỉ tiêu nguồn: hãy chấm bằng tay."))
    elements = {e.id: e for e in campaign.elements}
    value, target, direction = _figure(source, elements, values, periods, committed)
    if target is None:
        return AutoScore(
            None,
            _(
                "Đơn vị chưa có kế hoạch cho chỉ tiêu {name}: không tính tự động, hãy chấm bằng tay."
            ).format(name=source.name),
        )
    max_points = Decimal(criterion.max_points)
    return AutoScore(auto_points(rule, achievement(value, target, direction), max_points))


def _source(campaign: Campaign, criterion: Criterion) -> DataElement | Indicator | None:
    for element in campaign.elements:
        if element.id == criterion.source_element_id:
            return element
    for indicator in campaign.indicators:
        if indicator.id == criterion.source_indicator_id:
            return indicator
    return None


_Values = Mapping[int, Mapping[int, str]]  # period id -> element id -> canonical text


async def _values(session: AsyncSession, unit_id: int, period_ids: Sequence[int]) -> _Values:
    if not period_ids:
        return {}
    rows = await session.execute(
        select(DataValue.period_id, DataValue.data_element_id, DataValue.value).where(
            DataValue.org_unit_id == unit_id, DataValue.period_id.in_(period_ids)
        )
    )
    found: dict[int, dict[int, str]] = {}
    for period_id, element_id, value in rows:
        found.setdefault(period_id, {})[element_id] = value
    return found


def _figure(
    source: DataElement | Indicator,
    elements: Mapping[int, DataElement],
    values: _Values,
    periods: Sequence[int],
    committed: Mapping[int, str],
) -> tuple[Decimal | None, Decimal | None, Direction]:
    """(the unit's figure over the span, its target, the better direction)."""
    if isinstance(source, Indicator):
        numerator, denominator = elements[source.numerator_id], elements[source.denominator_id]
        value = ratio(
            span_value(numerator, values, periods),
            span_value(denominator, values, periods),
            source.factor,
        )
        target = Decimal(source.target) if source.target is not None else None
        return value, target, source.direction
    return span_value(source, values, periods), element_target(source, committed), source.direction


def span_value(element: DataElement, values: _Values, periods: Sequence[int]) -> Decimal | None:
    """``element``'s figure over ``periods`` (in order) by the module's rules; None when the
    unit entered it in none of them."""
    entered = [
        Decimal(values[p][element.id])
        for p in periods
        if element.id in values.get(p, {}) and _numeric(values[p][element.id])
    ]
    if not entered:
        return None
    summed = element.aggregation is Aggregation.SUM and element.value_type not in (
        ValueType.PERCENTAGE,
        ValueType.BOOLEAN,
    )
    if summed and not element.cumulative:
        return sum(entered, Decimal(0))
    return entered[-1]


def element_target(element: DataElement, committed: Mapping[int, str]) -> Decimal | None:
    """The unit's committed target for ``element``, else the plan's where it applies per unit."""
    if element.id in committed:
        return Decimal(committed[element.id])
    per_unit = element.aggregation is not Aggregation.SUM or element.value_type in (
        ValueType.PERCENTAGE,
        ValueType.BOOLEAN,
    )
    return Decimal(element.target) if per_unit and element.target is not None else None


def _numeric(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
