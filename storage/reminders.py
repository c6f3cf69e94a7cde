"""Reminders and period notices recorded once, whichever process or restart sends them.

A reminder row (period, unit, kind) and a period notice row (period, kind, target) are inserted
with ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in the same transaction as the outbox rows
they cause: only the transaction whose insert returned the row queues the message. Two
schedulers on one database (SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL makes
the second insert wait for the first transaction and then skip) therefore queue each message
exactly once, and a crash before commit leaves neither the record nor the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    CampaignUnit,
    ConversationState,
    OrgUnit,
    PeriodNotice,
    Reminder,
    ReviewReminder,
    Submission,
)

CHUNK = 500  # rows per INSERT (SQLite allows 32,766 bound values per statement)


def _insert(session: AsyncSession, table: type[Any]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of the session's dialect that can skip rows already there."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def missing_units(session: AsyncSession, campaign_id: int, period_id: int) -> list[OrgUnit]:
    """The campaign's units without a submission for the period, in campaign order, with
    their listed contacts."""
    submitted = select(Submission.org_unit_id).where(Submission.period_id == period_id)
    rows = await session.scalars(
        select(OrgUnit)
        .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
        .where(CampaignUnit.campaign_id == campaign_id, OrgUnit.id.not_in(submitted))
        .order_by(CampaignUnit.sort_order)
        .options(selectinload(OrgUnit.contacts))
    )
    return list(rows)


async def reminded_units(session: AsyncSession, period_id: int, kind: str) -> set[int]:
    """Units already reminded for ``period_id`` with ``kind``."""
    rows = await session.scalars(
        select(Reminder.org_unit_id).where(Reminder.period_id == period_id, Reminder.kind == kind)
    )
    return set(rows)


async def reminded_since(session: AsyncSession, period_id: int, since: datetime) -> set[int]:
    """Units that got any reminder for ``period_id`` at or after ``since`` (aware)."""
    rows = await session.scalars(
        select(Reminder.org_unit_id).where(
            Reminder.period_id == period_id, Reminder.created_at >= since
        )
    )
    return set(rows)


async def record_reminders(
    session: AsyncSession, period_id: int, kind: str, chats: dict[int, int], now: datetime
) -> set[int]:
    """Record a ``kind`` reminder for each unit of ``chats`` (unit id -> chats it goes to);
    returns the units recorded by this call — the ones whose messages it must queue. Units
    recorded before (by anyone) are skipped."""
    recorded: set[int] = set()
    rows = [
        {"period_id": period_id, "org_unit_id": unit, "kind": kind, "created_at": now, "chats": n}
        for unit, n in chats.items()
    ]
    for start in range(0, len(rows), CHUNK):
        statement = (
            _insert(session, Reminder)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["period_id", "org_unit_id", "kind"])
            .returning(Reminder.org_unit_id)
        )
        recorded.update(await session.scalars(statement))
    return recorded


async def record_notice(
    session: AsyncSession, period_id: int, kind: str, target: str, chats: int, now: datetime
) -> bool:
    """Record a period notice once; True when this call recorded it (and must queue it)."""
    statement = (
        _insert(session, PeriodNotice)
        .values(period_id=period_id, kind=kind, target=target, created_at=now, chats=chats)
        .on_conflict_do_nothing(index_elements=["period_id", "kind", "target"])
        .returning(PeriodNotice.id)
    )
    return (await session.scalar(statement)) is not None


async def notices_of(session: AsyncSession, period_ids: Iterable[int]) -> set[tuple[int, str, str]]:
    """The notices already recorded for these periods, as (period id, kind, target)."""
    ids = list(period_ids)
    if not ids:
        return set()
    rows = await session.execute(
        select(PeriodNotice.period_id, PeriodNotice.kind, PeriodNotice.target).where(
            PeriodNotice.period_id.in_(ids)
        )
    )
    return {(period_id, kind, target) for period_id, kind, target in rows}


async def draft_sizes(
    session: AsyncSession, account_ids: Iterable[int], period_id: int
) -> dict[tuple[int, int], int]:
    """How many figures each account holds in its unsaved drafts for ``period_id``:
    (account id, unit id) -> count; pairs without a draft are left out. Drafts live in the
    conversation state (``handlers.submission``: ``keep["drafts"]["unit:period"]``)."""
    ids = list(account_ids)
    suffix = f":{period_id}"
    counts: dict[tuple[int, int], int] = {}
    for start in range(0, len(ids), CHUNK):
        states = await session.scalars(
            select(ConversationState).where(
                ConversationState.account_id.in_(ids[start : start + CHUNK])
            )
        )
        for state in states:
            drafts = ((state.data or {}).get("keep") or {}).get("drafts") or {}
            for key, draft in drafts.items():
                unit, _, rest = key.partition(":")
                if f":{rest}" == suffix and unit.isdigit() and draft:
                    counts[(state.account_id, int(unit))] = len(draft)
    return counts


async def record_review_reminders(
    session: AsyncSession, review_id: int, kind: str, chats: dict[int, int], now: datetime
) -> set[int]:
    """As :func:`record_reminders`, for a review's scoring reminders (``ReviewReminder``):
    returns the units recorded by this call, the ones whose messages it must queue."""
    rows = [
        {"review_id": review_id, "org_unit_id": unit, "kind": kind, "created_at": now, "chats": n}
        for unit, n in chats.items()
    ]
    recorded: set[int] = set()
    for start in range(0, len(rows), CHUNK):
        statement = (
            _insert(session, ReviewReminder)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["review_id", "org_unit_id", "kind"])
            .returning(ReviewReminder.org_unit_id)
        )
        recorded.update(await session.scalars(statement))
    return recorded
