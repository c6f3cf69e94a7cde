"""A short campaign with one "cả đợt" period (seed 001: launched, then one final report by
15/8 for an anniversary): its period everywhere a period appears — /nhap, /tiendo and /tonghop
with the period named, the reminders before its due date."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import load_workbook

from bot.app import App
from bot.scheduler import Jobs
from domain.campaign_spec import CampaignSpec, ElementSpec, Frequency, UnitSpec, ValueType
from domain.clock import ManualClock
from domain.periods import WHOLE_CAMPAIGN
from storage.campaigns import find_campaign, import_campaign, load_campaign
from tests.conftest import TODAY, Person, vn_time
from tests.test_report_commands import documents, office_person

CODE = "KYNIEM2026"
WARD_1, WARD_2 = "0911000001", "0911000002"
START, END = TODAY - timedelta(days=40), TODAY + timedelta(days=5)


def _spec() -> CampaignSpec:
    return CampaignSpec(
        code=CODE,
        name="Thi đua chào mừng kỷ niệm ngày thành lập phường",
        start=START,
        end=END,
        frequency=Frequency.WHOLE,
        due_days=3,
        lock_days=7,
        elements=(
            ElementSpec(
                "CT", "Số công trình hoàn thành", "công trình", value_type=ValueType.INTEGER
            ),
        ),
        units=(
            UnitSpec("TDP1", "Tổ dân phố 1", "tổ dân phố", phones=(WARD_1,)),
            UnitSpec("TDP2", "Tổ dân phố 2", "tổ dân phố", phones=(WARD_2,)),
        ),
    )


async def test_a_whole_campaign_period_works_like_any_other(app: App, clock: ManualClock) -> None:
    async with app.sessions() as session, session.begin():
        await import_campaign(session, _spec(), clock.now())
        found = await find_campaign(session, CODE)
        assert found is not None
        campaign = await load_campaign(session, found.id)
    (period,) = campaign.periods
    assert (period.code, period.start_date, period.end_date) == (WHOLE_CAMPAIGN, START, END)
    assert (period.due_date, period.lock_date) == (
        END + timedelta(days=3),
        END + timedelta(days=10),
    )

    first, second = Person(app, "to-1", phone=WARD_1), Person(app, "to-2", phone=WARD_2)
    for person in (first, second):
        await person.say("/start")
    asked = await first.say("/nhap")
    assert "Cả đợt" in asked
    await first.say("12")
    receipt = await first.say("1")
    assert "Cả đợt" in receipt

    office = await office_person(app)
    progress = await office.say(f"/tiendo {CODE} cả đợt")
    assert "Tiến độ báo cáo Cả đợt" in progress and "1/2" in progress
    await office.say(f"/tonghop {CODE} CADOT")
    (workbook,) = documents(office)
    assert workbook.document is not None
    sheet = load_workbook(workbook.document.path)["Tổng hợp"]
    assert any(
        "Cả đợt" in str(cell)
        for row in sheet.iter_rows(max_row=8, values_only=True)
        for cell in row
    )

    # the reminders count from the campaign's end: 3 days before the due date, at the send time
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    clock.current = vn_time(period.due_date - timedelta(days=3), 8)
    await jobs.reminders()
    reminder = await second.inbox()
    assert "Nhắc báo cáo" in reminder and "Cả đợt" in reminder
    assert "Nhắc báo cáo" not in await first.inbox()  # it has reported
