"""Queries of the scoring conversations that ``storage.reviews`` does not have: the cluster a
unit belongs to, whether it heads it, the cluster head's ranking, and the units whose sheet is
not submitted yet (for reminders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CampaignUnit,
    ClusterRanking,
    OrgUnit,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)

SUBMITTED = (SheetStatus.SUBMITTED, SheetStatus.CORRECTED, SheetStatus.APPROVED)
"""Statuses of a sheet its unit has handed in (a returned sheet is waiting for a correction)."""


async def is_cluster_head(session: AsyncSession, campaign_id: int, org_unit_id: int) -> bool:
    """True when the unit heads its cluster (Cụm trưởng) in the campaign."""
    found = await session.scalar(
        select(CampaignUnit.is_cluster_head).where(
            CampaignUnit.campaign_id == campaign_id, CampaignUnit.org_unit_id == org_unit_id
        )
    )
    return bool(found)


async def cluster_units(session: AsyncSession, campaign_id: int, org_unit_id: int) -> list[OrgUnit]:
    """Every unit of ``org_unit_id``'s cluster in the campaign (itself included), in campaign
    order; empty for a unit in no cluster."""
    unit = await session.get(OrgUnit, org_unit_id)
    if unit is None or unit.cluster_id is None:
        return []
    rows = await session.scalars(
        select(OrgUnit)
        .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
        .where(CampaignUnit.campaign_id == campaign_id, OrgUnit.cluster_id == unit.cluster_id)
        .order_by(CampaignUnit.sort_order)
    )
    return list(rows)


async def sheets_for(
    session: AsyncSession, review_id: int, org_unit_ids: Sequence[int], role: SheetRole
) -> list[ScoreSheet]:
    """The ``role`` sheets of the review scoring any of ``org_unit_ids``."""
    if not org_unit_ids:
        return []
    rows = await session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.review_id == review_id,
            ScoreSheet.role == role,
            ScoreSheet.org_unit_id.in_(list(org_unit_ids)),
        )
    )
    return list(rows)


async def rankings_of(
    session: AsyncSession, review_id: int, org_unit_ids: Sequence[int]
) -> dict[int, int]:
    """The cluster head's proposed ranks: unit id -> rank (1 = best)."""
    if not org_unit_ids:
        return {}
    rows = await session.execute(
        select(ClusterRanking.org_unit_id, ClusterRanking.rank).where(
            ClusterRanking.review_id == review_id,
            ClusterRanking.org_unit_id.in_(list(org_unit_ids)),
        )
    )
    return {unit_id: rank for unit_id, rank in rows}


async def save_ranking(
    session: AsyncSession, review_id: int, order: Sequence[int], by: int, at: datetime
) -> None:
    """Store the ranking ``order`` (unit ids, best first) proposed by reporter ``by``,
    replacing any earlier proposal for these units."""
    await session.execute(
        delete(ClusterRanking).where(
            ClusterRanking.review_id == review_id, ClusterRanking.org_unit_id.in_(list(order))
        )
    )
    for rank, unit_id in enumerate(order, 1):
        session.add(
            ClusterRanking(
                review_id=review_id,
                org_unit_id=unit_id,
                rank=rank,
                proposed_by_id=by,
                proposed_at=at,
            )
        )
    await session.flush()


async def units_without_self_sheet(
    session: AsyncSession, campaign_id: int, review_id: int
) -> list[OrgUnit]:
    """The campaign's units whose self-score sheet is not handed in (none, a draft or a
    returned one), in campaign order."""
    done = select(ScoreSheet.org_unit_id).where(
        ScoreSheet.review_id == review_id,
        ScoreSheet.role == SheetRole.SELF,
        ScoreSheet.status.in_(SUBMITTED),
    )
    rows = await session.scalars(
        select(OrgUnit)
        .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
        .where(CampaignUnit.campaign_id == campaign_id, OrgUnit.id.not_in(done))
        .order_by(CampaignUnit.sort_order)
    )
    return list(rows)


async def units_missing_cross(
    session: AsyncSession, campaign_id: int, review_id: int
) -> list[OrgUnit]:
    """The campaign's units in a cluster that have not handed in a cross-score sheet for
    every peer of their cluster, in campaign order."""
    units = list(
        await session.scalars(
            select(OrgUnit)
            .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
            .where(CampaignUnit.campaign_id == campaign_id, OrgUnit.cluster_id.is_not(None))
            .order_by(CampaignUnit.sort_order)
        )
    )
    sizes: dict[int, int] = {}
    for unit in units:
        assert unit.cluster_id is not None
        sizes[unit.cluster_id] = sizes.get(unit.cluster_id, 0) + 1
    rows = await session.execute(
        select(ScoreSheet.scorer_unit_id, ScoreSheet.org_unit_id).where(
            ScoreSheet.review_id == review_id,
            ScoreSheet.role == SheetRole.CROSS,
            ScoreSheet.status.in_(SUBMITTED),
        )
    )
    scored: dict[int, set[int]] = {}
    for scorer, scored_unit in rows:
        scored.setdefault(scorer, set()).add(scored_unit)
    return [
        u
        for u in units
        if u.cluster_id is not None
        and sizes[u.cluster_id] > 1
        and len(scored.get(u.id, set())) < sizes[u.cluster_id] - 1
    ]
