"""Reminders before a review's scoring windows close: on the campaign's days before the last
day and on it, at the first tick after the send time (07:30; the test ticks hourly), once each,
only to units that have not handed in."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from storage import reviews
from storage.campaigns import find_unit
from storage.models import ReporterUnit, Review, ReviewReminder, SheetRole
from tests.conftest import Person
from tests.helpers import VILLAGE_SAMPLE, count, sample
from tests.test_scheduler import Received, run_days

DONG, DOAI = "0900000101", "0900000102"  # Thôn Đông, Thôn Đoài (Xuân Sơn sample)


def scoring_reminders(got: list[Received], who: str) -> list[tuple[str, str]]:
    return [
        (r.at.strftime("%d/%m %H:%M"), r.text.splitlines()[1])
        for r in got
        if r.who == who and "Nhắc chấm điểm" in r.first
    ]


async def test_units_that_have_not_scored_are_reminded_before_the_window_closes(
    app: App, clock: ManualClock
) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    year = campaign.start_date.year
    dong, doai = Person(app, "dong", phone=DONG), Person(app, "doai", phone=DOAI)
    for person in (dong, doai):
        await person.say("/start")
    async with app.sessions() as session, session.begin():
        review = await session.scalar(
            select(Review).where(Review.campaign_id == campaign.id, Review.code == "SOKET")
        )
        assert review is not None
        assert (review.self_start, review.self_end) == (date(year, 7, 11), date(year, 7, 20))
        unit = await find_unit(session, "THON_DOAI")
        assert unit is not None
        sheet = await reviews.open_sheet(
            session, review.id, unit.id, SheetRole.SELF, unit.id, clock.now()
        )
        by = await session.scalar(
            select(ReporterUnit.reporter_id).where(ReporterUnit.org_unit_id == unit.id)
        )
        assert by is not None
        await reviews.submit_sheet(session, sheet, by, clock.now())

    got = await run_days(app, clock, [dong, doai], date(year, 7, 10), date(year, 7, 22))

    assert scoring_reminders(got, "dong") == [
        ("17/07 08:00", "Đơn vị Thôn Đông chưa nộp bảng tự chấm điểm Sơ kết 6 tháng đầu năm."),
        ("19/07 08:00", "Đơn vị Thôn Đông chưa nộp bảng tự chấm điểm Sơ kết 6 tháng đầu năm."),
        ("20/07 08:00", "Đơn vị Thôn Đông chưa nộp bảng tự chấm điểm Sơ kết 6 tháng đầu năm."),
    ]
    last_day = next(r.text for r in got if r.who == "dong" and r.at.day == 20 and "chấm" in r.text)
    assert "hôm nay là ngày cuối" in last_day and "/chamdiem" in last_day
    assert scoring_reminders(got, "doai") == []  # handed in
    assert await count(app, ReviewReminder, ReviewReminder.kind.like("self:%")) == 3
