"""The scheduled work in simulated time: a whole reporting round of the samples' last period of
2026 (due 10/01/2027, locked after 25/01/2027), hour by hour, through the real jobs and the
real pipeline; two schedulers on one database; a crash in the middle of a fan-out."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.app import App
from bot.scheduler import Jobs
from domain.clock import ManualClock
from storage import accounts
from storage.db import create_engine, session_factory
from storage.models import CampaignUnit, OrgUnit, OutboxMessage, PeriodNotice, Reminder
from tests.conftest import ZONE, Person
from tests.helpers import count, rows, sample, typed_answer
from tests.test_report_commands import office_person

HEAD_1 = "0900000001"  # Ngã Năm, first ward
HEAD_2 = "0900000002"  # Ngã Năm, second ward
VILLAGE = "0900000101"  # Xuân Sơn, Thôn Đông: heads its cluster in the sample


TICKS = (0, 3, 6, 7, 8, 12, 18, 21)
"""Hours of the day the simulation ticks at: the quiet night, its end (07:00), the first tick
after the 07:30 send time, the day and the evening (21:00 is quiet again)."""


def hours(first: date, last: date) -> Iterator[datetime]:
    """Each of ``TICKS`` on every day from ``first`` to ``last``, Vietnam time (aware)."""
    day = first
    while day <= last:
        for hour in TICKS:
            yield datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
        day += timedelta(days=1)


@dataclass
class Received:
    """One message someone read: when (Vietnam time), who, and its first line."""

    at: datetime
    who: str
    text: str

    @property
    def first(self) -> str:
        return self.text.splitlines()[0]


async def submit(person: Person, app: App, code: str = "NGANAM2026") -> str:
    campaign = await sample(app, code)
    await person.say("/nhap")
    for position, element in enumerate(campaign.elements):
        await person.say(typed_answer(element, position))
    return await person.say("1")


async def run_days(
    app: App,
    clock: ManualClock,
    people: list[Person],
    first: date,
    last: date,
    actions: dict[datetime, Callable[[], Awaitable[object]]] | None = None,
) -> list[Received]:
    """Tick the jobs every hour from ``first`` to ``last`` and collect what each person reads."""
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    got: list[Received] = []
    for moment in hours(first, last):
        clock.current = moment
        await jobs.run_all()
        for person in people:
            for text in filter(None, (await person.inbox()).split("\n---\n")):
                got.append(Received(moment, person.name, text))
        action = (actions or {}).get(moment)
        if action is not None:
            await action()
    return got


def reminders_of(got: list[Received], who: str) -> list[tuple[str, str]]:
    """(local day and time, first line) of the reminders ``who`` read."""
    return [
        (r.at.strftime("%d/%m %H:%M"), r.first)
        for r in got
        if r.who == who and "Nhắc báo cáo" in r.first
    ]


async def test_a_reporting_round_in_simulated_time(app: App, clock: ManualClock) -> None:
    head_1 = Person(app, "head-1", phone=HEAD_1)
    head_2 = Person(app, "head-2", phone=HEAD_2)
    village = Person(app, "village", phone=VILLAGE)
    for person in (head_1, head_2, village):
        await person.say("/start")
    office = await office_person(app)
    people = [head_1, head_2, village, office]

    # head 2 reports the day before the due date, at noon
    noon = datetime(2027, 1, 9, 12, tzinfo=ZONE)
    got = await run_days(
        app, clock, people, date(2027, 1, 1), date(2027, 1, 27), {noon: lambda: submit(head_2, app)}
    )
    assert any("✅ Đã nhận báo cáo" in r.text for r in head_2.replies)

    ngn = "🔔 Nhắc báo cáo — [MẪU] Phong trào thi đua yêu nước năm 2026 thị xã Ngã Năm"
    # before:3, before:1, due, overdue 1-3: at the first tick after 07:30, never at night
    assert reminders_of(got, "head-1") == [
        (f"{d}/01 08:00", ngn) for d in ("07", "09", "10", "11", "12", "13")
    ]
    assert reminders_of(got, "head-2") == [("07/01 08:00", ngn), ("09/01 08:00", ngn)]
    first = next(r for r in got if r.who == "head-1")
    assert "Đơn vị" in first.text and "chưa nộp số liệu Quý 4/2026" in first.text
    assert "Hạn nộp: 10/01/2027 (còn 3 ngày)" in first.text
    elements = len((await sample(app)).elements)
    assert f"Còn {elements} chỉ tiêu chưa nhập." in first.text
    assert "/nhap" in first.text
    overdue = [r for r in got if r.who == "head-1"][-1]
    assert "đã quá hạn 3 ngày; khóa sổ ngày 25/01/2027" in overdue.text

    xs = '[MẪU] Phong trào thi đua "Thực hiện nhiệm vụ kinh tế - xã hội, giữ vững an ninh quốc phòng" xã Xuân Sơn năm 2026'
    assert [(r.at.strftime("%d/%m %H:%M"), r.first) for r in got if r.who == "clerk"] == [
        ("11/01 08:00", f"📊 Báo cáo tổng hợp Quý 4/2026 — {ngn[len('🔔 Nhắc báo cáo — ') :]}"),
        ("11/01 08:00", f"📊 Tiến độ báo cáo Quý 4/2026 — {ngn[len('🔔 Nhắc báo cáo — ') :]}"),
        ("11/01 08:00", f"📊 Báo cáo tổng hợp 6 tháng cuối năm 2026 — {xs}"),
        ("11/01 08:00", f"📊 Tiến độ báo cáo 6 tháng cuối năm 2026 — {xs}"),
        ("12/01 08:00", "⏰ Đã quá hạn nộp Quý 4/2026 2 ngày: còn 7/8 đơn vị chưa báo cáo."),
        (
            "12/01 08:00",
            "⏰ Đã quá hạn nộp 6 tháng cuối năm 2026 2 ngày: còn 11/11 đơn vị chưa báo cáo.",
        ),
        (
            "26/01 08:00",
            f"🔒 Kỳ Quý 4/2026 — {ngn[len('🔔 Nhắc báo cáo — ') :]} đã khóa sổ sau ngày 25/01/2027.",
        ),
        ("26/01 08:00", f"🔒 Kỳ 6 tháng cuối năm 2026 — {xs} đã khóa sổ sau ngày 25/01/2027."),
    ]
    report = next(r for r in office.replies if r.document is not None)
    assert report.document is not None and report.document.filename.endswith("2026Q4.xlsx")
    office_list = next(r.text for r in got if r.first.startswith("⏰ Đã quá hạn nộp Quý 4"))
    assert "1. Phường 1 — Nguyễn Văn An 0900000001" in office_list
    assert "Phường 2" not in office_list  # head 2 reported

    # the village heads its cluster: its own reminders, and on 13/01 the cluster's list
    village_got = [(r.at.strftime("%d/%m %H:%M"), r.first[:2]) for r in got if r.who == "village"]
    assert village_got == [
        *[(f"{d}/01 08:00", "🔔 ") for d in ("07", "09", "10", "11", "12", "13")],
        ("13/01 08:00", "📋 "),
    ]
    cluster_list = next(r.text for r in got if r.first.startswith("📋"))
    assert "4 đơn vị chưa báo cáo 6 tháng cuối năm 2026" in cluster_list
    assert "1. Thôn Đông — Nguyễn Văn Hùng 0900000101" in cluster_list
    assert "Nhờ cụm trưởng đôn đốc" in cluster_list

    # nothing at night, and each reminder recorded once under its key
    assert all(r.at.hour == 8 for r in got)
    assert await count(app, Reminder) == 6 + 2 + 6 + 0  # head 1, head 2, village; others: nobody
    kinds = sorted(n.kind for n in await rows(app, PeriodNotice))
    # one cluster list: the heads of the two other clusters have nobody on the bot yet
    assert kinds == sorted(["report", "office", "locked"] * 2 + ["cluster"])
