"""What the office's pages show, read from the database (issue 17): a campaign's periods with
their reporting and on-time rates, one period unit by unit and cluster by cluster, one unit's
figures over the periods with each value's history. Reads only; every figure is formatted as
the chat formats it (``handlers.common.rules_for``, ``domain.validation.display_value``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.aggregation import achievement
from domain.numbers import format_number
from domain.periods import period_name
from domain.validation import display_value
from handlers.common import rules_for
from services.progress import period_progress
from storage import values as value_store
from storage.models import (
    Campaign,
    CampaignUnit,
    DataElement,
    DataValue,
    DataValueAudit,
    OrgUnit,
    Period,
    Reporter,
    Submission,
)
from storage.values import Representative, distinct_people


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal; None when ``whole`` is 0."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def percent(value: Decimal | None) -> str:
    """``95,2%``, or ``—``."""
    return f"{format_number(value, 1)}%" if value is not None else "—"


@dataclass(frozen=True)
class PeriodLine:
    """A period on the campaign page: its dates and how many units reported, on time."""

    period: Period
    name: str
    reported: int
    on_time: int
    total: int
    is_open: bool

    @property
    def reporting_rate(self) -> str:
        return percent(rate(self.reported, self.total))

    @property
    def on_time_rate(self) -> str:
        return percent(rate(self.on_time, self.total))


async def period_lines(
    session: AsyncSession, campaign: Campaign, units: int, today: date
) -> list[PeriodLine]:
    """Every period of ``campaign`` (loaded) with its counts, in one query (submissions of
    units still in the campaign only: a unit dropped by a re-import does not push a rate past
    100 %)."""
    rows = await session.execute(
        select(Submission.period_id, Submission.is_late, func.count())
        .join(
            CampaignUnit,
            (CampaignUnit.org_unit_id == Submission.org_unit_id)
            & (CampaignUnit.campaign_id == campaign.id),
        )
        .where(Submission.period_id.in_([p.id for p in campaign.periods]))
        .group_by(Submission.period_id, Submission.is_late)
    )
    reported: Counter[int] = Counter()
    on_time: Counter[int] = Counter()
    for period_id, is_late, count in rows:
        reported[period_id] += count
        if not is_late:
            on_time[period_id] += count
    return [
        PeriodLine(
            p,
            period_name(p.code),
            reported[p.id],
            on_time[p.id],
            units,
            p.start_date <= today <= p.lock_date,
        )
        for p in campaign.periods
    ]


@dataclass
class ClusterLine:
    """A cluster's reporting and on-time rates for one period (``—`` for units outside any)."""

    name: str
    total: int = 0
    reported: int = 0
    on_time: int = 0

    @property
    def reporting(self) -> Decimal:
        return rate(self.reported, self.total) or Decimal(0)

    @property
    def timely(self) -> Decimal:
        return rate(self.on_time, self.total) or Decimal(0)


@dataclass(frozen=True)
class Cell:
    """A figure in the units table: as shown, and its share of the target (``—``)."""

    text: str
    of_target: str = ""


@dataclass(frozen=True)
class UnitLine:
    """A unit in the period's table."""

    unit: OrgUnit
    cluster: str
    status: str
    late: bool
    submitted_at: datetime | None
    submitted_by: str
    cells: list[Cell]
    people: list[Representative]


@dataclass
class PeriodView:
    """One period of a campaign: the clusters, the units and the missing ones."""

    campaign: Campaign
    period: Period
    elements: list[DataElement]
    clusters: list[ClusterLine] = field(default_factory=list)
    units: list[UnitLine] = field(default_factory=list)

    @property
    def missing(self) -> list[UnitLine]:
        return [line for line in self.units if line.submitted_at is None]

    @property
    def reported(self) -> int:
        return sum(1 for line in self.units if line.submitted_at is not None)


NO_CLUSTER = "Chưa xếp cụm"


async def period_view(
    session: AsyncSession, campaign: Campaign, period: Period, zone: ZoneInfo
) -> PeriodView:
    """The period page's data (a few queries whatever the number of units)."""
    progress = await period_progress(session, campaign, period)
    values = await _period_values(session, period.id)
    names = await _reporter_names(
        session, [r.submission.submitted_by_id for r in progress if r.submission]
    )
    view = PeriodView(campaign, period, list(campaign.elements))
    clusters: dict[str, ClusterLine] = {}
    for row in progress:
        cluster = row.unit.cluster.name if row.unit.cluster else NO_CLUSTER
        line = clusters.setdefault(cluster, ClusterLine(cluster))
        line.total += 1
        submission = row.submission
        if submission is not None:
            line.reported += 1
            line.on_time += 0 if submission.is_late else 1
        view.units.append(
            UnitLine(
                unit=row.unit,
                cluster=cluster,
                status=_status(submission),
                late=bool(submission and submission.is_late),
                submitted_at=submission.submitted_at.astimezone(zone) if submission else None,
                submitted_by=names.get(submission.submitted_by_id, "") if submission else "",
                cells=[_cell(e, values.get((row.unit.id, e.id))) for e in view.elements],
                people=distinct_people(row.representatives),
            )
        )
    view.clusters = list(clusters.values())
    return view


def _status(submission: Submission | None) -> str:
    if submission is None:
        return "Chưa nộp"
    return "Nộp trễ" if submission.is_late else "Đúng hạn"


def _cell(element: DataElement, stored: str | None) -> Cell:
    if stored is None:
        return Cell("")
    text = display_value(stored, rules_for(element))
    try:
        value = Decimal(stored)
    except ArithmeticError:
        return Cell(text)
    target = Decimal(element.target) if element.target is not None else None
    share = achievement(value, target, element.direction)
    return Cell(text, percent(share * 100) if share is not None else "")


async def _period_values(session: AsyncSession, period_id: int) -> dict[tuple[int, int], str]:
    rows = await session.execute(
        select(DataValue.org_unit_id, DataValue.data_element_id, DataValue.value).where(
            DataValue.period_id == period_id
        )
    )
    return {(unit, element): value for unit, element, value in rows}


async def _reporter_names(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(Reporter.id, Reporter.full_name).where(Reporter.id.in_(set(ids)))
    )
    return {reporter_id: name for reporter_id, name in rows}


@dataclass(frozen=True)
class Change:
    """One line of a value's history: when, which period and element, old → new, who, why."""

    at: datetime
    period: str
    element: str
    old: str
    new: str
    by: str
    reason: str


@dataclass
class UnitView:
    """One unit in a campaign: its figures per period (element id -> shown text) and every
    change to them, newest first."""

    campaign: Campaign
    unit: OrgUnit
    elements: list[DataElement]
    periods: list[tuple[Period, str, dict[int, str]]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    registration: list[str] = field(default_factory=list)


async def unit_view(
    session: AsyncSession, campaign: Campaign, unit: OrgUnit, zone: ZoneInfo
) -> UnitView:
    """The unit page's data: figures over the periods, the audit trail, the registration."""
    elements = list(campaign.elements)
    by_id = {e.id: e for e in elements}
    periods = {p.id: p for p in campaign.periods}
    rows = await session.execute(
        select(DataValue.period_id, DataValue.data_element_id, DataValue.value).where(
            DataValue.org_unit_id == unit.id, DataValue.period_id.in_(list(periods))
        )
    )
    found: dict[int, dict[int, str]] = {}
    for period_id, element_id, value in rows:
        if element_id in by_id:
            shown = display_value(value, rules_for(by_id[element_id]))
            found.setdefault(period_id, {})[element_id] = shown
    view = UnitView(campaign, unit, elements)
    view.periods = [(p, period_name(p.code), found.get(p.id, {})) for p in campaign.periods]
    view.changes = await _changes(session, unit.id, periods, by_id, zone)
    view.registration = await _registration_lines(session, campaign, unit.id)
    return view


async def _changes(
    session: AsyncSession,
    unit_id: int,
    periods: dict[int, Period],
    elements: dict[int, DataElement],
    zone: ZoneInfo,
) -> list[Change]:
    rows = await session.execute(
        select(DataValueAudit, Reporter.full_name)
        .join(Reporter, Reporter.id == DataValueAudit.changed_by_id)
        .where(
            DataValueAudit.org_unit_id == unit_id,
            DataValueAudit.period_id.in_(list(periods)),
        )
        .order_by(DataValueAudit.changed_at.desc(), DataValueAudit.id.desc())
    )
    changes = []
    for audit, who in rows:
        element = elements.get(audit.data_element_id)
        if element is None:
            continue
        rules = rules_for(element)
        changes.append(
            Change(
                at=audit.changed_at.astimezone(zone),
                period=period_name(periods[audit.period_id].code),
                element=element.name,
                old=display_value(audit.old_value, rules) if audit.old_value else "—",
                new=display_value(audit.new_value, rules) if audit.new_value else "—",
                by=who,
                reason=audit.reason,
            )
        )
    return changes


async def _registration_lines(session: AsyncSession, campaign: Campaign, unit_id: int) -> list[str]:
    registration = await value_store.registration_of(session, campaign.id, unit_id)
    if registration is None:
        return []
    titles = {t.id: t.name for t in campaign.titles}
    lines = [titles.get(t.title_id, "") for t in registration.titles]
    by_id = {e.id: e for e in campaign.elements}
    lines += [
        f"Cam kết {by_id[t.data_element_id].name}: "
        + display_value(t.value, rules_for(by_id[t.data_element_id]))
        for t in registration.targets
        if t.data_element_id in by_id
    ]
    for nominee in await value_store.nominees_of(session, registration.id):
        person = (
            f"{nominee.full_name} ({nominee.position})" if nominee.position else nominee.full_name
        )
        lines.append(f"{person} — {titles.get(nominee.title_id, '')}")
    return [line for line in lines if line]
