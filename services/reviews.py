"""A review's results (read model): each unit's self-score, its peers' cross-scores, the
office's score, the weighted final score and rank, and the titles proposed — for ``/binhxet``,
``reportbot proposals``, the score cards sent back to units and the coming web page.

Rules (issue 16; DESIGN.md terms): a sheet counts once submitted (submitted, corrected or
approved; a draft or a returned sheet does not). The office's score is its own sheet's total
when it scored the unit, else the self-score once the office approved the unit (approving
without changes accepts the self-score). The final score mixes the parts by the review's
weights (``domain.scoring.parse_weights``, office only when none are set); units are ranked
"1, 2, 2, 4" (``domain.aggregation.competition_ranks``); titles are proposed by each title's
rule (``domain.scoring.propose``).

A person a unit registered for an individual title (``Nominee``) is proposed for that title by
the same rule applied to the unit's final score and timeliness, among the other people
registered: the bot holds no individual scores, so an individual is put forward once the unit's
scores are approved and the council decides at the meeting (bình xét).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.aggregation import competition_ranks
from domain.campaign_spec import TitleKind
from domain.periods import period_span
from domain.scoring import (
    OFFICE_ONLY,
    Candidate,
    CriterionKind,
    Line,
    Proposal,
    TitleRule,
    Weights,
    final_score,
    parse_weights,
    propose,
    sheet_total,
)
from storage import campaigns as campaign_store
from storage import reviews as review_store
from storage.models import (
    Approval,
    ApprovalStatus,
    Campaign,
    Nominee,
    OrgUnit,
    Period,
    Registration,
    RegistrationTitle,
    Review,
    Score,
    ScoreSheet,
    SheetRole,
    SheetStatus,
    Submission,
    Title,
)

COUNTED = (SheetStatus.SUBMITTED, SheetStatus.CORRECTED, SheetStatus.APPROVED)
"""Sheet statuses whose points count in the results."""


@dataclass
class UnitResult:
    """One unit's scores in a review (None: not scored yet) and what is proposed for it."""

    unit: OrgUnit
    own: Decimal | None = None
    cross: list[Decimal] = field(default_factory=list)
    office: Decimal | None = None
    approved: bool = False
    final: Decimal | None = None
    rank: int | None = None
    titles: list[str] = field(default_factory=list)


@dataclass
class PersonResult:
    """A person registered by ``unit`` for the individual title ``title`` (its code), and
    whether the title is proposed for them."""

    id: int
    unit: UnitResult
    full_name: str
    position: str
    title: str
    proposed: bool = False


@dataclass
class ReviewResults:
    """Every unit of the campaign in campaign order, the weights used, and the proposal
    (title codes per unit code, and ties at a title's cap left to the council); the people
    registered for individual titles in registration order, with their own proposal (keys
    ``person_key(id)``)."""

    review: Review
    weights: Weights
    units: list[UnitResult]
    proposal: Proposal
    people: list[PersonResult] = field(default_factory=list)
    people_proposal: Proposal = field(default_factory=Proposal)


def person_key(person_id: int) -> str:
    """A registered person's candidate code, never a unit code (unit codes have no "#")."""
    return f"#{person_id}"


async def review_results(
    session: AsyncSession, campaign: Campaign, review: Review
) -> ReviewResults:
    """Read and compute a review's results (a few queries, whatever the number of units)."""
    units = await campaign_store.campaign_units(session, campaign.id)
    kinds = {c.id: c.kind for c in await review_store.criteria_of(session, campaign.id)}
    totals = await _sheet_totals(session, review.id, kinds)
    approved = await _approved(session, review.id)
    weights = parse_weights(review.weights) if review.weights.strip() else OFFICE_ONLY
    results = [_unit_result(unit, totals, approved, weights) for unit in units]
    for result, rank in zip(results, competition_ranks([r.final for r in results]), strict=True):
        result.rank = rank
    rules = [_rule(title) for title in campaign.titles if title.kind is TitleKind.COLLECTIVE]
    registered = await _registered_titles(session, campaign.id)
    on_time = await _always_on_time(session, campaign, review, [u.id for u in units])
    candidates = [
        Candidate(
            r.unit.code, r.final, registered.get(r.unit.id, frozenset()), r.unit.id in on_time
        )
        for r in results
    ]
    proposal = propose(candidates, rules)
    for result in results:
        result.titles = proposal.titles.get(result.unit.code, [])
    found = ReviewResults(review, weights, results, proposal)
    await _propose_people(session, campaign, found, on_time)
    return found


async def _propose_people(
    session: AsyncSession, campaign: Campaign, results: ReviewResults, on_time: set[int]
) -> None:
    """Fill ``results.people`` and their proposal (see the module's note)."""
    by_unit = {r.unit.id: r for r in results.units}
    rows = await session.execute(
        select(Nominee, Registration.org_unit_id, Title.code)
        .join(Registration, Registration.id == Nominee.registration_id)
        .join(Title, Title.id == Nominee.title_id)
        .where(Registration.campaign_id == campaign.id, Title.kind == TitleKind.INDIVIDUAL)
        .order_by(Registration.org_unit_id, Nominee.sort_order, Nominee.id)
    )
    people = [
        PersonResult(n.id, by_unit[unit_id], n.full_name, n.position, code)
        for n, unit_id, code in rows
        if unit_id in by_unit
    ]
    order = {r.unit.id: n for n, r in enumerate(results.units)}
    people.sort(key=lambda p: order[p.unit.unit.id])
    rules = [_rule(t) for t in campaign.titles if t.kind is TitleKind.INDIVIDUAL]
    candidates = [
        Candidate(
            person_key(p.id),
            p.unit.final,
            frozenset({p.title}),
            p.unit.unit.id in on_time,
        )
        for p in people
    ]
    results.people_proposal = propose(candidates, rules)
    for person in people:
        person.proposed = bool(results.people_proposal.titles.get(person_key(person.id)))
    results.people = people


_Key = tuple[int, SheetRole, int]  # (scored unit, role, scorer unit)


async def _sheet_totals(
    session: AsyncSession, review_id: int, kinds: dict[int, CriterionKind]
) -> dict[_Key, Decimal]:
    rows = await session.execute(
        select(
            ScoreSheet.org_unit_id,
            ScoreSheet.role,
            ScoreSheet.scorer_unit_id,
            Score.criterion_id,
            Score.points,
        )
        .join(Score, Score.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.review_id == review_id, ScoreSheet.status.in_(COUNTED))
    )
    lines: dict[_Key, list[Line]] = {}
    for unit_id, role, scorer_id, criterion_id, points in rows:
        kind = kinds.get(criterion_id)
        if kind is not None:
            lines.setdefault((unit_id, role, scorer_id), []).append(Line(kind, Decimal(points)))
    return {key: sheet_total(found) for key, found in lines.items()}


async def _approved(session: AsyncSession, review_id: int) -> set[int]:
    rows = await session.scalars(
        select(Approval.org_unit_id).where(
            Approval.review_id == review_id, Approval.status == ApprovalStatus.APPROVED
        )
    )
    return set(rows)


def _unit_result(
    unit: OrgUnit, totals: dict[_Key, Decimal], approved: set[int], weights: Weights
) -> UnitResult:
    own = totals.get((unit.id, SheetRole.SELF, unit.id))
    cross = [
        total
        for (scored, role, scorer), total in sorted(totals.items(), key=lambda item: item[0][2])
        if scored == unit.id and role is SheetRole.CROSS and scorer != unit.id
    ]
    is_approved = unit.id in approved
    office = totals.get((unit.id, SheetRole.OFFICE, unit.id))
    if office is None and is_approved:
        office = own
    result = UnitResult(unit, own, cross, office, is_approved)
    result.final = final_score(weights, own, cross, office) if is_approved else None
    return result


def _rule(title: Title) -> TitleRule:
    return TitleRule(
        title.code,
        min_score=Decimal(title.min_score) if title.min_score else Decimal(0),
        needs_registration=True,
        needs_on_time=title.needs_on_time,
        max_share=Decimal(title.max_share) / 100 if title.max_share else None,
    )


async def _registered_titles(session: AsyncSession, campaign_id: int) -> dict[int, frozenset[str]]:
    rows = await session.execute(
        select(Registration.org_unit_id, Title.code)
        .join(RegistrationTitle, RegistrationTitle.registration_id == Registration.id)
        .join(Title, Title.id == RegistrationTitle.title_id)
        .where(Registration.campaign_id == campaign_id)
    )
    found: dict[int, set[str]] = {}
    for unit_id, code in rows:
        found.setdefault(unit_id, set()).add(code)
    return {unit_id: frozenset(codes) for unit_id, codes in found.items()}


def covered_periods(campaign: Campaign, review: Review) -> list[Period]:
    """The campaign's periods lying wholly inside the span of the review's period id, in
    order (a review of 2026 covers 2026Q1..Q4; of CADOT, every period)."""
    span = period_span(review.covers, campaign.start_date, campaign.end_date)
    if span is None:
        return []
    first, last = span
    return [p for p in campaign.periods if first <= p.start_date and p.end_date <= last]


async def _always_on_time(
    session: AsyncSession, campaign: Campaign, review: Review, unit_ids: Sequence[int]
) -> set[int]:
    """Units that submitted every covered period, none of them late."""
    periods = [p.id for p in covered_periods(campaign, review)]
    if not periods:
        return set()
    rows = await session.execute(
        select(Submission.org_unit_id, Submission.is_late).where(
            Submission.period_id.in_(periods), Submission.org_unit_id.in_(unit_ids)
        )
    )
    on_time: dict[int, int] = {}
    late: set[int] = set()
    for unit_id, is_late in rows:
        if is_late:
            late.add(unit_id)
        on_time[unit_id] = on_time.get(unit_id, 0) + 1
    return {u for u, count in on_time.items() if count == len(periods) and u not in late}
