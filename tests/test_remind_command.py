"""``/nhacnho`` through the real pipeline: the office reminds the missing units now, or in the
morning when it is quiet, at most once a unit a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from bot.app import App
from bot.scheduler import Jobs
from bot.settings import Settings
from domain.clock import ManualClock
from tests.conftest import TODAY, Person, vn_time
from tests.test_report_commands import office_person

HEAD_1 = "0900000001"


async def test_the_office_reminds_the_missing_units_once_a_day(
    app: App, clock: ManualClock
) -> None:
    head = Person(app, "head-1", phone=HEAD_1)
    await head.say("/start")
    office = await office_person(app)

    answer = await office.say("/nhacnho NGANAM2026")
    assert "🔔 Đã nhắc 1 đơn vị chưa báo cáo Quý 4/2026 (1 tin nhắn)." in answer
    assert "7 đơn vị chưa có ai dùng bot, cần gọi điện:" in answer
    assert "1. Phường 2 — " in answer and "0900000002" in answer
    got = await head.inbox()
    assert got.startswith("🔔 Văn phòng nhắc báo cáo — [MẪU] Phong trào thi đua yêu nước")
    assert "Hạn nộp: 10/01/2027 (còn 50 ngày)." in got

    clock.current += timedelta(hours=3)
    again = await office.say("/nhacnho NGANAM2026")
    assert "Không có đơn vị nào cần nhắc thêm lúc này (Quý 4/2026)." in again
    assert "1 đơn vị đã được nhắc hôm nay, không nhắc lại." in again
    assert await head.inbox() == ""

    clock.current += timedelta(days=1)
    assert "Đã nhắc 1 đơn vị" in await office.say("/nhacnho NGANAM2026")


async def test_in_the_quiet_hours_the_reminder_waits_for_the_morning(
    app: App, clock: ManualClock
) -> None:
    head = Person(app, "head-1", phone=HEAD_1)
    await head.say("/start")
    office = await office_person(app)
    clock.current = vn_time(TODAY, 22)
    answer = await office.say("/nhacnho NGANAM2026")
    assert "Bây giờ là giờ nghỉ (20:30–07:00)." in answer
    # only the unit someone can be reached for counts
    assert "Bot sẽ nhắc 1 đơn vị chưa báo cáo Quý 4/2026 lúc 07:00 ngày 22/11/2026." in answer
    assert "Cần gửi ngay: /nhacnho gap" in answer
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    await jobs.run_all()
    assert await head.inbox() == ""

    clock.current = vn_time(date(2026, 11, 22), 7)
    await jobs.run_all()
    await jobs.run_all()
    got = await head.inbox()
    assert got.count("🔔 Văn phòng nhắc báo cáo") == 1


async def test_urgent_reminders_go_out_at_night(app: App, clock: ManualClock) -> None:
    head = Person(app, "head-1", phone=HEAD_1)
    await head.say("/start")
    office = await office_person(app)
    clock.current = vn_time(TODAY, 22)
    assert "Đã nhắc 1 đơn vị" in await office.say("/nhacnho NGANAM2026 gap")
    assert "🔔 Văn phòng nhắc báo cáo" in await head.inbox()


async def test_only_the_office_may_remind(app: App) -> None:
    head = Person(app, "head-1", phone=HEAD_1)
    await head.say("/start")
    assert "Chức năng này chỉ dành cho văn phòng" in await head.say("/nhacnho")


async def test_a_locked_or_future_period_has_nobody_to_remind(app: App) -> None:
    office = await office_person(app)
    locked = await office.say("/nhacnho NGANAM2026 2026Q2")
    assert "Kỳ Quý 2/2026 đã khóa sổ sau ngày 25/07/2026, không nhắc nữa." in locked
    assert "/mokhoa" in locked


async def test_asks_which_campaign_when_there_are_several(app: App) -> None:
    office = await office_person(app)
    answer = await office.say("nhắc nhở")  # typed as words
    assert "Nhắc báo cáo phong trào nào?" in answer
    answer = await office.say("1")
    assert "Không có đơn vị nào cần nhắc thêm" in answer and "chưa có ai dùng bot" in answer


async def test_at_night_on_the_lock_date_nothing_is_promised_for_the_morning(
    app: App, clock: ManualClock
) -> None:
    office = await office_person(app)
    clock.current = vn_time(date(2027, 1, 25), 22)
    answer = await office.say("/nhacnho NGANAM2026 2026Q4")
    assert "kỳ Quý 4/2026 khóa sổ sau hôm nay (25/01/2027)" in answer
    assert "Cần gửi ngay: /nhacnho gap" in answer


async def test_a_future_period_has_nobody_to_remind_yet(app: App, clock: ManualClock) -> None:
    office = await office_person(app)
    clock.current = vn_time(date(2026, 6, 1))
    answer = await office.say("/nhacnho NGANAM2026 2026Q4")
    assert "Kỳ Quý 4/2026 chưa bắt đầu (từ 01/10/2026)." in answer


def test_a_send_time_inside_the_quiet_hours_is_refused() -> None:
    with pytest.raises(
        ValidationError, match='REMINDER_TIME = "21:00" không hợp lệ: nằm trong giờ yên tĩnh'
    ):
        Settings(REMINDER_TIME="21:00")
    assert Settings(REMINDER_TIME="12:00").reminder_time.hour == 12
