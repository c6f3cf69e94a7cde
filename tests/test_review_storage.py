"""Review storage: score sheets, their audit after submission, returns, approval locking,
evidence deduplicated by hash, and the cluster a unit cross-scores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import App
from domain.clock import ManualClock
from domain.scoring import CriterionKind
from storage import reviews
from storage.campaigns import find_unit
from storage.models import (
    ApprovalStatus,
    Criterion,
    Evidence,
    Reporter,
    Review,
    SheetRole,
    SheetStatus,
)
from tests.helpers import VILLAGE_SAMPLE, sample


async def _review(app: App) -> tuple[int, int, int, int]:
    """(review id, criterion id, a unit id, a reporter id) in the Xuân Sơn sample."""
    campaign = await sample(app, VILLAGE_SAMPLE)
    async with app.sessions() as session, session.begin():
        criterion = Criterion(
            campaign_id=campaign.id,
            code="1.1",
            name="Hoàn thành chỉ tiêu",
            max_points="10",
            kind=CriterionKind.STANDARD,
        )
        start = campaign.start_date
        review = Review(
            campaign_id=campaign.id,
            code="SK",
            name="Sơ kết 6 tháng",
            covers=f"{start.year}S1",
            self_start=date(start.year, 6, 15),
            self_end=date(start.year, 6, 25),
        )
        reporter = Reporter(full_name="Văn phòng")
        session.add_all([criterion, review, reporter])
        await session.flush()
        unit = await find_unit(session, "THON_DONG")
        assert unit is not None
        return review.id, criterion.id, unit.id, reporter.id


async def test_points_are_audited_once_the_sheet_is_submitted(app: App, clock: ManualClock) -> None:
    review_id, criterion_id, unit_id, by = await _review(app)
    now = clock.now()
    async with app.sessions() as session, session.begin():
        sheet = await reviews.open_sheet(session, review_id, unit_id, SheetRole.SELF, unit_id, now)
        assert (
            await reviews.put_points(session, sheet, [reviews.Points(criterion_id, "8")], by, now)
            == 1
        )
        assert await reviews.audit_of(session, sheet.id) == []  # a draft is not audited
        await reviews.submit_sheet(session, sheet, by, now)
        assert sheet.status is SheetStatus.SUBMITTED
        changed = await reviews.put_points(
            session, sheet, [reviews.Points(criterion_id, "9", reason="thêm minh chứng")], by, now
        )
        assert changed == 1
        (audit,) = await reviews.audit_of(session, sheet.id)
        assert (audit.old_points, audit.new_points, audit.reason) == ("8", "9", "thêm minh chứng")
        assert (await reviews.scores_of(session, sheet.id))[criterion_id].points == "9"


async def test_a_return_comes_back_corrected_and_approval_locks(
    app: App, clock: ManualClock
) -> None:
    review_id, criterion_id, unit_id, by = await _review(app)
    now = clock.now()
    async with app.sessions() as session, session.begin():
        sheet = await reviews.open_sheet(session, review_id, unit_id, SheetRole.SELF, unit_id, now)
        await reviews.put_points(session, sheet, [reviews.Points(criterion_id, "10")], by, now)
        await reviews.submit_sheet(session, sheet, by, now)
        with pytest.raises(ValueError):
            await reviews.decide(session, review_id, unit_id, ApprovalStatus.RETURNED, by, now)
        await reviews.decide(
            session, review_id, unit_id, ApprovalStatus.RETURNED, by, now, "thiếu minh chứng"
        )
        assert (sheet.status, sheet.return_reason) == (SheetStatus.RETURNED, "thiếu minh chứng")
        await reviews.submit_sheet(session, sheet, by, now + timedelta(hours=1))
        assert sheet.status is SheetStatus.CORRECTED
        await reviews.decide(session, review_id, unit_id, ApprovalStatus.APPROVED, by, now)
        assert sheet.status is SheetStatus.APPROVED
        with pytest.raises(reviews.SheetLocked) as locked:
            await reviews.put_points(session, sheet, [reviews.Points(criterion_id, "5")], by, now)
        assert "đã được văn phòng duyệt" in locked.value.user_message
        with pytest.raises(reviews.SheetLocked):
            await reviews.open_sheet(session, review_id, unit_id, SheetRole.CROSS, by, now)
        with pytest.raises(reviews.SheetLocked):
            await reviews.decide(
                session, review_id, unit_id, ApprovalStatus.RETURNED, by, now, "sửa lại"
            )


async def test_the_same_photo_sent_twice_counts_once(app: App, clock: ManualClock) -> None:
    review_id, criterion_id, unit_id, by = await _review(app)

    def photo(sha: str) -> Evidence:
        return Evidence(
            review_id=review_id,
            org_unit_id=unit_id,
            criterion_id=criterion_id,
            path=f"evidence/{sha}.jpg",
            sha256=sha * 64,
            media_type="image/jpeg",
            channel="telegram",
            sent_by_id=by,
            sent_at=clock.now(),
        )

    async with app.sessions() as session, session.begin():
        first = await reviews.add_evidence(session, photo("a"))
        again = await reviews.add_evidence(session, photo("a"))
        other = await reviews.add_evidence(session, photo("b"))
        assert again.id == first.id != other.id
        listed = await reviews.evidence_of(session, review_id, unit_id)
        assert [e.id for e in listed[criterion_id]] == [first.id, other.id]


async def test_a_unit_cross_scores_the_rest_of_its_cluster(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    async with app.sessions() as session:
        unit = await find_unit(session, "THON_DONG")
        assert unit is not None and unit.cluster_id is not None
        peers = await reviews.cluster_peers(session, campaign.id, unit.id)
        assert peers and unit.id not in {p.id for p in peers}
        assert {p.cluster_id for p in peers} == {unit.cluster_id}
