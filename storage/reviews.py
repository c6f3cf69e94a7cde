"""Reviews (sơ kết / tổng kết): criteria, score sheets with their audit, evidence, the office's
decisions, and the cluster a unit scores.

Points are canonical decimal text, as figures are (``storage.models.Score``). A sheet is a
draft until submitted; after that every change of a point writes a ``ScoreAudit`` row (old ->
new, who, when, why), like ``DataValueAudit`` for figures. An approved unit's sheets are locked:
:class:`SheetLocked` is raised on any change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from storage.models import (
    Approval,
    ApprovalStatus,
    CampaignUnit,
    ClusterRanking,
    Criterion,
    Evidence,
    OrgUnit,
    Review,
    Score,
    ScoreAudit,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)


class SheetLocked(DomainError):
    """The unit's scores were approved by the office: nothing on its sheets may change."""

    def __init__(self) -> None:
        super().__init__("Điểm của đơn vị đã được văn phòng duyệt nên không sửa được nữa.")


async def criteria_of(session: AsyncSession, campaign_id: int) -> list[Criterion]:
    """The campaign's criteria in sheet order."""
    rows = await session.scalars(
        select(Criterion).where(Criterion.campaign_id == campaign_id).order_by(Criterion.sort_order)
    )
    return list(rows)


async def reviews_of(session: AsyncSession, campaign_id: int) -> list[Review]:
    """The campaign's reviews in sheet order."""
    rows = await session.scalars(
        select(Review).where(Review.campaign_id == campaign_id).order_by(Review.sort_order)
    )
    return list(rows)


async def all_reviews(session: AsyncSession, campaign_ids: list[int]) -> list[Review]:
    """The reviews of the given campaigns, in campaign and sheet order."""
    if not campaign_ids:
        return []
    rows = await session.scalars(
        select(Review)
        .where(Review.campaign_id.in_(campaign_ids))
        .order_by(Review.campaign_id, Review.sort_order)
    )
    return list(rows)


async def cluster_peers(session: AsyncSession, campaign_id: int, org_unit_id: int) -> list[OrgUnit]:
    """The other units of ``org_unit_id``'s cluster taking part in the campaign, in campaign
    order (whom it cross-scores by default); empty for a unit in no cluster."""
    unit = await session.get(OrgUnit, org_unit_id)
    if unit is None or unit.cluster_id is None:
        return []
    rows = await session.scalars(
        select(OrgUnit)
        .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
        .where(
            CampaignUnit.campaign_id == campaign_id,
            OrgUnit.cluster_id == unit.cluster_id,
            OrgUnit.id != org_unit_id,
        )
        .order_by(CampaignUnit.sort_order)
    )
    return list(rows)


async def find_sheet(
    session: AsyncSession, review_id: int, org_unit_id: int, role: SheetRole, scorer_unit_id: int
) -> ScoreSheet | None:
    """The sheet of ``scorer_unit_id`` for ``org_unit_id`` in the review, if started."""
    found: ScoreSheet | None = await session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.review_id == review_id,
            ScoreSheet.org_unit_id == org_unit_id,
            ScoreSheet.role == role,
            ScoreSheet.scorer_unit_id == scorer_unit_id,
        )
    )
    return found


async def open_sheet(
    session: AsyncSession,
    review_id: int,
    org_unit_id: int,
    role: SheetRole,
    scorer_unit_id: int,
    at: datetime,
) -> ScoreSheet:
    """The sheet, created as a draft when there is none. Raises :class:`SheetLocked` when the
    unit is approved."""
    await _refuse_if_approved(session, review_id, org_unit_id)
    sheet = await find_sheet(session, review_id, org_unit_id, role, scorer_unit_id)
    if sheet is None:
        sheet = ScoreSheet(
            review_id=review_id,
            org_unit_id=org_unit_id,
            role=role,
            scorer_unit_id=scorer_unit_id,
            status=SheetStatus.DRAFT,
            updated_at=at,
        )
        session.add(sheet)
        await session.flush()
    return sheet


async def scores_of(session: AsyncSession, sheet_id: int) -> dict[int, Score]:
    """The points on a sheet: criterion id -> score row."""
    rows = await session.scalars(select(Score).where(Score.sheet_id == sheet_id))
    return {row.criterion_id: row for row in rows}


@dataclass(frozen=True)
class Points:
    """One criterion's points to store: canonical text, what the automatic rule computed (if
    any) and the reason (required by the caller's rules when they differ)."""

    criterion_id: int
    points: str
    computed: str | None = None
    reason: str = ""


async def put_points(
    session: AsyncSession, sheet: ScoreSheet, given: list[Points], by: int, at: datetime
) -> int:
    """Store ``given`` on ``sheet``; once the sheet was submitted each real change gets a
    :class:`ScoreAudit` row. Returns how many points changed. Raises :class:`SheetLocked`."""
    await _refuse_if_approved(session, sheet.review_id, sheet.org_unit_id)
    current = await scores_of(session, sheet.id)
    audited = sheet.status is not SheetStatus.DRAFT
    changed = 0
    for item in given:
        row = current.get(item.criterion_id)
        if row is not None and (row.points, row.reason) == (item.points, item.reason):
            continue
        changed += 1
        if audited:
            session.add(
                ScoreAudit(
                    sheet_id=sheet.id,
                    criterion_id=item.criterion_id,
                    old_points=row.points if row else None,
                    new_points=item.points,
                    changed_by_id=by,
                    changed_at=at,
                    reason=item.reason,
                )
            )
        if row is None:
            session.add(
                Score(
                    sheet_id=sheet.id,
                    criterion_id=item.criterion_id,
                    points=item.points,
                    computed=item.computed,
                    reason=item.reason,
                )
            )
        else:
            row.points, row.computed, row.reason = item.points, item.computed, item.reason
    sheet.updated_at = at
    await session.flush()
    return changed


async def submit_sheet(session: AsyncSession, sheet: ScoreSheet, by: int, at: datetime) -> None:
    """Mark ``sheet`` submitted, or corrected ("đã sửa") when it had been returned."""
    await _refuse_if_approved(session, sheet.review_id, sheet.org_unit_id)
    sheet.status = (
        SheetStatus.CORRECTED if sheet.status is SheetStatus.RETURNED else SheetStatus.SUBMITTED
    )
    sheet.submitted_by_id, sheet.submitted_at, sheet.updated_at = by, at, at


async def decide(
    session: AsyncSession,
    review_id: int,
    org_unit_id: int,
    status: ApprovalStatus,
    by: int,
    at: datetime,
    reason: str = "",
) -> Approval:
    """Record the office's decision on a unit: approval locks its self-score sheet (status
    approved); a return (a reason is required, ``ValueError`` without one) sends the sheet back
    for correction. Raises :class:`SheetLocked` when the unit was already approved."""
    if status is ApprovalStatus.RETURNED and not reason.strip():
        raise ValueError("a return needs a reason")
    approval = await session.scalar(
        select(Approval).where(Approval.review_id == review_id, Approval.org_unit_id == org_unit_id)
    )
    if approval is not None and approval.status is ApprovalStatus.APPROVED:
        raise SheetLocked()
    own = await find_sheet(session, review_id, org_unit_id, SheetRole.SELF, org_unit_id)
    if own is not None:
        own.status = (
            SheetStatus.APPROVED if status is ApprovalStatus.APPROVED else SheetStatus.RETURNED
        )
        own.return_reason = reason if status is ApprovalStatus.RETURNED else own.return_reason
        own.updated_at = at
    if approval is None:
        approval = Approval(review_id=review_id, org_unit_id=org_unit_id, status=status)
        session.add(approval)
    approval.status, approval.decided_by_id, approval.decided_at = status, by, at
    approval.reason = reason
    await session.flush()
    return approval


async def _refuse_if_approved(session: AsyncSession, review_id: int, org_unit_id: int) -> None:
    status = await session.scalar(
        select(Approval.status).where(
            Approval.review_id == review_id, Approval.org_unit_id == org_unit_id
        )
    )
    if status is ApprovalStatus.APPROVED:
        raise SheetLocked()


async def audit_of(session: AsyncSession, sheet_id: int) -> list[ScoreAudit]:
    """Every audited change of a sheet, oldest first."""
    rows = await session.scalars(
        select(ScoreAudit).where(ScoreAudit.sheet_id == sheet_id).order_by(ScoreAudit.id)
    )
    return list(rows)


async def add_evidence(session: AsyncSession, evidence: Evidence) -> Evidence:
    """Store an evidence record, or return the one already stored for the same file (same
    SHA-256) on the same criterion: a photo sent twice counts once."""
    same: Evidence | None = await session.scalar(
        select(Evidence).where(
            Evidence.review_id == evidence.review_id,
            Evidence.org_unit_id == evidence.org_unit_id,
            Evidence.criterion_id == evidence.criterion_id,
            Evidence.sha256 == evidence.sha256,
        )
    )
    if same is not None:
        return same
    session.add(evidence)
    await session.flush()
    return evidence


async def evidence_of(
    session: AsyncSession, review_id: int, org_unit_id: int
) -> dict[int, list[Evidence]]:
    """A unit's evidence in a review: criterion id -> records, in the order sent."""
    rows = await session.scalars(
        select(Evidence)
        .where(Evidence.review_id == review_id, Evidence.org_unit_id == org_unit_id)
        .order_by(Evidence.id)
    )
    found: dict[int, list[Evidence]] = {}
    for row in rows:
        found.setdefault(row.criterion_id, []).append(row)
    return found


# Reading a review for the office (``/duyet``, ``/binhxet``, the proposal documents).


@dataclass(frozen=True)
class PointRow:
    """One criterion's points on a sheet that counts: scored unit, role, scoring unit,
    criterion, points (canonical text), computed points and reason."""

    unit_id: int
    role: SheetRole
    scorer_id: int
    criterion_id: int
    points: str
    computed: str | None
    reason: str


async def counted_points(
    session: AsyncSession,
    review_id: int,
    statuses: tuple[SheetStatus, ...],
    unit_id: int | None = None,
) -> list[PointRow]:
    """Every point of the review's sheets in ``statuses`` (of ``unit_id`` only, if given),
    in sheet and criterion order; one query."""
    query = (
        select(
            ScoreSheet.org_unit_id,
            ScoreSheet.role,
            ScoreSheet.scorer_unit_id,
            Score.criterion_id,
            Score.points,
            Score.computed,
            Score.reason,
        )
        .join(Score, Score.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.review_id == review_id, ScoreSheet.status.in_(statuses))
        .order_by(ScoreSheet.id, Score.criterion_id)
    )
    if unit_id is not None:
        query = query.where(ScoreSheet.org_unit_id == unit_id)
    return [PointRow(*row) for row in await session.execute(query)]


async def self_sheets(session: AsyncSession, review_id: int) -> dict[int, ScoreSheet]:
    """Each unit's self-score sheet in the review: unit id -> sheet (units that never
    started one are left out)."""
    rows = await session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.review_id == review_id,
            ScoreSheet.role == SheetRole.SELF,
            ScoreSheet.scorer_unit_id == ScoreSheet.org_unit_id,
        )
    )
    return {sheet.org_unit_id: sheet for sheet in rows}


async def approvals_of(session: AsyncSession, review_id: int) -> dict[int, Approval]:
    """The office's latest decision per unit in the review: unit id -> approval."""
    rows = await session.scalars(select(Approval).where(Approval.review_id == review_id))
    return {row.org_unit_id: row for row in rows}


async def office_sheet(
    session: AsyncSession, review_id: int, org_unit_id: int, by: int, at: datetime
) -> ScoreSheet:
    """The office's own sheet for a unit (``scorer_unit_id`` = the scored unit). Started as a
    copy of the unit's self-score (not audited: nothing the office decided yet), then marked
    submitted, so that every change the office makes after that is audited. Raises
    :class:`SheetLocked` when the unit is approved."""
    sheet = await open_sheet(session, review_id, org_unit_id, SheetRole.OFFICE, org_unit_id, at)
    if sheet.status is SheetStatus.DRAFT:
        own = await find_sheet(session, review_id, org_unit_id, SheetRole.SELF, org_unit_id)
        if own is not None:
            copied = [
                Points(s.criterion_id, s.points, s.computed, s.reason)
                for s in (await scores_of(session, own.id)).values()
            ]
            await put_points(session, sheet, copied, by, at)
        await submit_sheet(session, sheet, by, at)
        await session.flush()
    return sheet


async def cluster_rank(session: AsyncSession, review_id: int, org_unit_id: int) -> int | None:
    """The rank the cluster head proposed for the unit (``/tonghopcum``), if any."""
    rank: int | None = await session.scalar(
        select(ClusterRanking.rank).where(
            ClusterRanking.review_id == review_id, ClusterRanking.org_unit_id == org_unit_id
        )
    )
    return rank
