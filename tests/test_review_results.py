"""A review's results: counted sheets, the office's score, weighted final scores, ranks, and
titles proposed by each title's rule (Xuân Sơn sample, its village cluster)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from domain.scoring import CriterionKind
from services.reviews import covered_periods, review_results
from storage import reviews
from storage.campaigns import find_unit, load_campaign
from storage.models import (
    ApprovalStatus,
    Criterion,
    Registration,
    RegistrationTitle,
    Reporter,
    Review,
    SheetRole,
    Submission,
    Title,
)
from tests.helpers import VILLAGE_SAMPLE, sample

VILLAGES = ("THON_DONG", "THON_DOAI", "THON_DOI_DU")


async def test_final_scores_ranks_and_proposals(app: App, clock: ManualClock) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    now = clock.now()
    year = campaign.start_date.year
    async with app.sessions() as session, session.begin():
        base = Criterion(
            campaign_id=campaign.id,
            code="1",
            name="Nhiệm vụ",
            max_points="90",
            kind=CriterionKind.STANDARD,
        )
        bonus = Criterion(
            campaign_id=campaign.id,
            code="2",
            name="Thưởng",
            max_points="10",
            kind=CriterionKind.BONUS,
            sort_order=1,
        )
        review = Review(
            campaign_id=campaign.id,
            code="SK1",
            name="Sơ kết 6 tháng đầu năm",
            covers=f"{year}S1",
            self_start=date(year, 6, 15),
            self_end=date(year, 6, 25),
            weights="tự chấm 30%, chấm chéo 30%, văn phòng 40%",
        )
        office = Reporter(full_name="Văn phòng", is_office=True)
        session.add_all([base, bonus, review, office])
        excellent = await session.scalar(
            select(Title).where(Title.campaign_id == campaign.id, Title.code == "TTLDXS")
        )
        assert excellent is not None
        excellent.min_score, excellent.max_share, excellent.needs_on_time = "80", "34", True
        await session.flush()
        ids = {}
        for code in VILLAGES:
            unit = await find_unit(session, code)
            assert unit is not None
            ids[code] = unit.id
        own_points = {
            "THON_DONG": ("85", "5"),
            "THON_DOAI": ("80", "4"),
            "THON_DOI_DU": ("70", "0"),
        }
        for code, (points, extra) in own_points.items():
            sheet = await reviews.open_sheet(
                session, review.id, ids[code], SheetRole.SELF, ids[code], now
            )
            await reviews.put_points(
                session,
                sheet,
                [reviews.Points(base.id, points), reviews.Points(bonus.id, extra)],
                office.id,
                now,
            )
            await reviews.submit_sheet(session, sheet, office.id, now)
        for scorer, scored, points in (
            ("THON_DOAI", "THON_DONG", "80"),
            ("THON_DOI_DU", "THON_DONG", "84"),
        ):
            sheet = await reviews.open_sheet(
                session, review.id, ids[scored], SheetRole.CROSS, ids[scorer], now
            )
            await reviews.put_points(
                session, sheet, [reviews.Points(base.id, points)], office.id, now
            )
            await reviews.submit_sheet(session, sheet, office.id, now)
        draft = await reviews.open_sheet(
            session, review.id, ids["THON_DOAI"], SheetRole.CROSS, ids["THON_DONG"], now
        )
        await reviews.put_points(
            session, draft, [reviews.Points(base.id, "10")], office.id, now
        )  # not submitted
        for code in ("THON_DONG", "THON_DOAI"):
            await reviews.decide(
                session, review.id, ids[code], ApprovalStatus.APPROVED, office.id, now
            )
            registration = Registration(
                campaign_id=campaign.id, org_unit_id=ids[code], registered_by_id=office.id
            )
            session.add(registration)
            await session.flush()
            session.add(RegistrationTitle(registration_id=registration.id, title_id=excellent.id))
        loaded = await load_campaign(session, campaign.id)
        for period in covered_periods(loaded, review):
            session.add(
                Submission(
                    org_unit_id=ids["THON_DONG"],
                    period_id=period.id,
                    submitted_by_id=office.id,
                    receipt="x",
                )
            )

    async with app.sessions() as session:
        loaded = await load_campaign(session, campaign.id)
        stored = await session.scalar(select(Review).where(Review.code == "SK1"))
        assert stored is not None
        assert [p.code for p in covered_periods(loaded, stored)] == [f"{year}S1"]
        results = await review_results(session, loaded, stored)
    by_code = {r.unit.code: r for r in results.units}
    dong, doai, doi_du = (by_code[code] for code in VILLAGES)
    assert (dong.own, dong.cross, dong.office) == (
        Decimal(90),
        [Decimal(80), Decimal(84)],
        Decimal(90),
    )
    assert dong.final == Decimal("87.60")  # 30% x 90 + 30% x 82 + 40% x 90
    assert doai.cross == [] and doai.final is None  # its peers have not scored it
    assert doi_du.final is None and not doi_du.approved  # not approved yet
    assert (dong.rank, doai.rank, doi_du.rank) == (1, None, None)
    assert dong.titles == [
        "TTLDXS"
    ]  # registered, 87.6 >= 80, reported on time, within 34% of the units
    assert doai.titles == []
