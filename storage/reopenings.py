"""Locked periods reopened by the office for one unit (``/mokhoa``), and the rule that says
whether a period takes values from a unit on a given day.

A period is open for entry from its first day to its lock date (khóa sổ), both included
(``domain.periods.PeriodDates.is_open``). After that it is locked for every unit, except a unit
the office reopened it for: a ``PeriodReopening`` row (one per period and unit) keeps it open
for that unit up to ``until``, a Vietnam date, included. Other units stay locked.

Reopening again moves ``until`` later (an extension, also after an earlier reopening ran out);
it never moves it earlier: asking for an earlier date keeps the later one and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns import period_dates
from storage.models import Campaign, Period, PeriodReopening, Submission


class Outcome(StrEnum):
    """What :func:`reopen` did."""

    REOPENED = "reopened"  # no earlier reopening of this period for this unit: one was added
    EXTENDED = "extended"  # an earlier reopening now runs to the later date asked for
    KEPT = "kept"  # an earlier reopening already runs as late or later: nothing changed


@dataclass(frozen=True)
class Reopened:
    """The result of :func:`reopen`: ``until`` is the date in effect afterwards (the one
    asked for, or the later one kept), ``previous`` the earlier reopening's date if any."""

    outcome: Outcome
    until: date
    previous: date | None


async def reopen(
    session: AsyncSession,
    period_id: int,
    unit_id: int,
    until: date,
    reopened_by_id: int,
    now: datetime,
) -> Reopened:
    """Reopen ``period_id`` for ``unit_id`` up to ``until`` (Vietnam date, included).

    No earlier reopening: one is added (``REOPENED``). An earlier one ending before ``until``
    (running or run out) is moved to ``until``, with who and when (``EXTENDED``). One ending on
    or after ``until`` is left as it is (``KEPT``): a reopening is never shortened silently.
    The caller checks that the period is locked; this function does not.
    """
    row = await session.scalar(
        select(PeriodReopening)
        .where(PeriodReopening.period_id == period_id, PeriodReopening.org_unit_id == unit_id)
        .with_for_update()
    )
    if row is None:
        session.add(
            PeriodReopening(
                period_id=period_id,
                org_unit_id=unit_id,
                until=until,
                reopened_by_id=reopened_by_id,
                reopened_at=now,
            )
        )
        return Reopened(Outcome.REOPENED, until, None)
    previous = row.until
    if previous >= until:
        return Reopened(Outcome.KEPT, previous, previous)
    row.until, row.reopened_by_id, row.reopened_at = until, reopened_by_id, now
    return Reopened(Outcome.EXTENDED, until, previous)


async def reopened_until(session: AsyncSession, period_id: int, unit_id: int) -> date | None:
    """The last day ``period_id`` is reopened for ``unit_id`` (possibly past), or None when
    the office never reopened it for that unit."""
    found = await session.scalar(
        select(PeriodReopening.until).where(
            PeriodReopening.period_id == period_id, PeriodReopening.org_unit_id == unit_id
        )
    )
    return found


async def running_reopenings(
    session: AsyncSession, unit_id: int, today: date, period_ids: list[int] | None = None
) -> dict[int, date]:
    """``{period id: until}`` of the reopenings for ``unit_id`` still running on ``today``
    (``until >= today``), across campaigns, or among ``period_ids`` when given. One query."""
    query = select(PeriodReopening.period_id, PeriodReopening.until).where(
        PeriodReopening.org_unit_id == unit_id, PeriodReopening.until >= today
    )
    if period_ids is not None:
        query = query.where(PeriodReopening.period_id.in_(period_ids))
    return {period_id: until for period_id, until in await session.execute(query)}


def is_open(period: Period, today: date, until: date | None) -> bool:
    """The rule: ``period`` takes values on ``today`` when open by its dates (first day to
    lock date), or when reopened for the unit up to ``until`` and ``today`` is not after it."""
    if period_dates(period).is_open(today):
        return True
    return until is not None and period.start_date <= today <= until


async def is_open_for(session: AsyncSession, period: Period, unit_id: int, today: date) -> bool:
    """:func:`is_open` for one unit, reading its reopening only when the dates say locked."""
    if period_dates(period).is_open(today):
        return True
    return is_open(period, today, await reopened_until(session, period.id, unit_id))


def open_periods(campaign: Campaign, today: date, running: dict[int, date]) -> list[Period]:
    """The periods of a loaded campaign a unit may enter on ``today``, oldest first: open by
    date, or reopened for the unit (``running``, from :func:`running_reopenings`)."""
    return [p for p in campaign.periods if is_open(p, today, running.get(p.id))]


def reopened_only(period: Period, today: date, running: dict[int, date]) -> date | None:
    """The reopening's last day when ``period`` is open on ``today`` only because the office
    reopened it (past its lock date), else None: what to show next to the period's name."""
    if today <= period.lock_date:
        return None
    return running.get(period.id)


async def running_for_period(session: AsyncSession, period_id: int, today: date) -> dict[int, date]:
    """``{unit id: until}`` of the reopenings of ``period_id`` still running on ``today``."""
    rows = await session.execute(
        select(PeriodReopening.org_unit_id, PeriodReopening.until).where(
            PeriodReopening.period_id == period_id, PeriodReopening.until >= today
        )
    )
    return {unit_id: until for unit_id, until in rows}


async def submitted_unit_ids(session: AsyncSession, period_id: int) -> set[int]:
    """The units that have submitted ``period_id`` (to list the others first in ``/mokhoa``)."""
    rows = await session.scalars(
        select(Submission.org_unit_id).where(Submission.period_id == period_id)
    )
    return set(rows)
