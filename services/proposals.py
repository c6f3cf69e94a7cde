"""The commendation proposal of a review, read from the database (``/binhxet``, ``reportbot
proposals``): a :class:`~reports.data.ProposalReport` for the workbook (``reports.proposals``)
and the Word record (``reports.record``), with the :class:`~reports.admin_document.Signing`
taken from the campaign.

Rows come in rank order (units not ranked yet last, in campaign order); a unit's points per
criterion are the office's where it scored the unit, else the unit's own. Evidence links are
the file's path relative to the data folder (``Evidence.path``): the signed download links of
``bot.report_links`` live in the web server and only open workbooks of the reports folder, so
a service cannot make one for an evidence file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaign_spec import TitleKind
from domain.clock import day
from domain.i18n import _
from domain.numbers import format_number
from domain.periods import period_span
from domain.scoring import KIND_LABELS, Weights
from reports.admin_document import Signing
from reports.data import (
    CriterionColumn,
    EvidenceRow,
    Header,
    PersonRow,
    ProposalReport,
    ScoreRow,
)
from services.reviews import (
    COUNTED,
    PersonResult,
    ReviewResults,
    UnitResult,
    person_key,
    review_results,
)
from storage import reviews as review_store
from storage.models import Campaign, Criterion, Evidence, OrgUnit, Reporter, Review, SheetRole
from storage.report_rows import signing_of


@dataclass(frozen=True)
class ProposalDocuments:
    """What both proposal documents need: the report, who signs, and the meeting's date."""

    report: ProposalReport
    signing: Signing
    day: date | None


async def find_review(session: AsyncSession, campaign_id: int, code: str) -> Review | None:
    """The campaign's review with ``code`` (any case), if there is one."""
    for review in await review_store.reviews_of(session, campaign_id):
        if review.code.upper() == code.upper():
            return review
    return None


def review_label(campaign: Campaign, review: Review) -> str:
    """The review's name with the span it covers: "Sơ kết 6 tháng đầu năm (01/01/2026 -
    30/06/2026)"."""
    span = period_span(review.covers, campaign.start_date, campaign.end_date)
    if span is None:
        return review.name
    return f"{review.name} ({day(span[0])} - {day(span[1])})"


def weights_text(weights: Weights) -> str:
    """The final-score rule in words: "tự chấm 30%, chấm chéo 30%, văn phòng 40%"."""
    parts = (
        (_("tự chấm"), weights.own),
        (_("chấm chéo"), weights.cross),
        (_("văn phòng"), weights.office),
    )
    named = [f"{name} {format_number(share)}%" for name, share in parts if share]
    return ", ".join(named)


async def proposal_documents(
    session: AsyncSession, campaign: Campaign, review: Review, now: datetime, zone: ZoneInfo
) -> ProposalDocuments:
    """Read the review's results and build what both documents need. ``campaign`` is loaded
    (titles, periods); ``now`` is aware (UTC)."""
    results = await review_results(session, campaign, review)
    criteria = await review_store.criteria_of(session, campaign.id)
    points = await unit_points(session, review.id)
    names = {t.code: t.name for t in campaign.titles}
    units = {r.unit.code: r.unit.name for r in results.units}
    people = [_person(p, names) for p in results.people]
    labels = {person_key(p.id): row.label() for p, row in zip(results.people, people, strict=True)}
    tied = results.proposal.tied_at_cap | results.people_proposal.tied_at_cap
    units |= labels
    report = ProposalReport(
        header=Header(
            issuing_body=campaign.issuing_body,
            title="",
            campaign=campaign.name,
            period=review_label(campaign, review),
            generated_at=now.astimezone(zone).replace(tzinfo=None),
            signing=signing_of(campaign),
        ),
        weights=weights_text(results.weights),
        criteria=[_column(c) for c in criteria],
        rows=[_row(r, names, points.get(r.unit.id, {}), criteria) for r in ranked(results)],
        titles=[t.name for t in campaign.titles if t.kind is TitleKind.COLLECTIVE],
        tied={
            names.get(code, code): [units.get(u, u) for u in codes] for code, codes in tied.items()
        },
        evidence=await evidence_rows(session, review.id, zone),
        person_titles=[t.name for t in campaign.titles if t.kind is TitleKind.INDIVIDUAL],
        people=people,
    )
    return ProposalDocuments(report, signing_of(campaign), review.review_date)


def ranked(results: ReviewResults) -> list[UnitResult]:
    """The units best first; those not ranked yet last, in campaign order."""
    order = {id(r): n for n, r in enumerate(results.units)}
    return sorted(
        results.units,
        key=lambda r: (r.rank is None, r.rank or 0, order[id(r)]),
    )


async def unit_points(session: AsyncSession, review_id: int) -> dict[int, dict[int, Decimal]]:
    """Each unit's points per criterion id: the office's where its sheet has the criterion,
    else the unit's own (counted sheets only)."""
    found: dict[int, dict[int, Decimal]] = {}
    office: dict[int, dict[int, Decimal]] = {}
    for row in await review_store.counted_points(session, review_id, COUNTED):
        if row.role is SheetRole.SELF and row.scorer_id == row.unit_id:
            found.setdefault(row.unit_id, {})[row.criterion_id] = Decimal(row.points)
        elif row.role is SheetRole.OFFICE:
            office.setdefault(row.unit_id, {})[row.criterion_id] = Decimal(row.points)
    for unit_id, given in office.items():
        found.setdefault(unit_id, {}).update(given)
    return found


def _person(person: PersonResult, names: dict[str, str]) -> PersonRow:
    return PersonRow(
        full_name=person.full_name,
        position=person.position,
        unit=person.unit.unit.name,
        title=names.get(person.title, person.title),
        final=person.unit.final,
        proposed=person.proposed,
    )


def _column(criterion: Criterion) -> CriterionColumn:
    return CriterionColumn(
        criterion.code,
        criterion.name,
        criterion.group_name,
        Decimal(criterion.max_points),
        KIND_LABELS[criterion.kind],
    )


def _row(
    result: UnitResult,
    names: dict[str, str],
    points: dict[int, Decimal],
    criteria: Iterable[Criterion],
) -> ScoreRow:
    cross = sum(result.cross, Decimal(0)) / len(result.cross) if result.cross else None
    return ScoreRow(
        cluster=result.unit.cluster.name if result.unit.cluster else "",
        name=result.unit.name,
        own=result.own,
        cross=cross.quantize(Decimal("0.01")) if cross is not None else None,
        cross_count=len(result.cross),
        office=result.office,
        final=result.final,
        rank=result.rank,
        titles=tuple(names.get(code, code) for code in result.titles),
        approved=result.approved,
        points={c.code: points[c.id] for c in criteria if c.id in points},
    )


async def evidence_rows(session: AsyncSession, review_id: int, zone: ZoneInfo) -> list[EvidenceRow]:
    """The review's evidence, by unit and criterion, with the path in the data folder."""
    rows = await session.execute(
        select(Evidence, OrgUnit.name, Criterion.code, Criterion.name, Reporter.full_name)
        .join(OrgUnit, OrgUnit.id == Evidence.org_unit_id)
        .join(Criterion, Criterion.id == Evidence.criterion_id)
        .join(Reporter, Reporter.id == Evidence.sent_by_id)
        .where(Evidence.review_id == review_id)
        .order_by(OrgUnit.name, Criterion.sort_order, Evidence.id)
    )
    return [
        EvidenceRow(
            unit=unit,
            criterion=f"{code}. {name}",
            file_name=evidence.file_name or evidence.path.rsplit("/", 1)[-1],
            sent_by=sender or "",
            sent_at=evidence.sent_at.astimezone(zone).replace(tzinfo=None),
            link=evidence.path,
        )
        for evidence, unit, code, name, sender in rows
    ]


def proposal_caption(campaign: Campaign, review: Review, report: ProposalReport) -> str:
    """The text sent with the proposal workbook: what it is and how many units are approved."""
    approved = sum(1 for row in report.rows if row.approved)
    return "\n".join(
        [
            _("🏅 Kết quả chấm điểm và đề nghị khen thưởng — {review} — {campaign}").format(
                review=review.name, campaign=campaign.name
            ),
            _("Đã duyệt {done}/{total} đơn vị.").format(done=approved, total=len(report.rows)),
        ]
    )


def record_caption(review: Review) -> str:
    """The text sent with the Word document."""
    return _("📄 Biên bản họp bình xét và danh sách đề nghị khen thưởng — {review}").format(
        review=review.name
    )
