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
from storage import reminders as reminder_store
from storage.campaigns import find_unit
from storage.db import create_engine, session_factory
from storage.models import (
    Campaign,
    DocumentJob,
    OutboxMessage,
    OutboxStatus,
    Period,
    PeriodNotice,
    Reminder,
)
from tests.conftest import ZONE, Person
from tests.helpers import count, rows, sample, typed_answer
from tests.test_report_commands import office_person

HEAD_1 = "0900000001"  # Ngã Năm, first ward
HEAD_2 = "0900000002"  # Ngã Năm, second ward
VILLAGE = "0900000101"  # Xuân Sơn, Thôn Đông: heads its cluster in the sample


TICKS = (0, 3, 6, 7, 8, 12, 18, 21)
"""Hours of the day the simulation ticks at: the quiet night, its end (07:00), the first tick
after the 07:30 send time, the day and the evening (21:00 is quiet again)."""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of January 2027, Vietnam time."""
    return datetime(2027, 1, day, hour, minute, tzinfo=ZONE)


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
    assert "đã quá hạn 3 ngày; nhận số liệu đến hết ngày 25/01/2027" in overdue.text

    xs = '[MẪU] Phong trào thi đua "Thực hiện nhiệm vụ kinh tế - xã hội, giữ vững an ninh quốc phòng" xã Xuân Sơn năm 2026'
    assert [(r.at.strftime("%d/%m %H:%M"), r.first) for r in got if r.who == "clerk"] == [
        ("11/01 08:00", f"📊 Báo cáo tổng hợp Quý 4/2026 — {ngn[len('🔔 Nhắc báo cáo — ') :]}"),
        ("11/01 08:00", f"📊 Tiến độ báo cáo Quý 4/2026 — {ngn[len('🔔 Nhắc báo cáo — ') :]}"),
        ("11/01 08:00", f"📊 Báo cáo tổng hợp 6 tháng cuối năm 2026 — {xs}"),
        ("11/01 08:00", f"📊 Tiến độ báo cáo 6 tháng cuối năm 2026 — {xs}"),
        ("12/01 08:00", "⏰ Quý 4/2026 đã quá hạn nộp 2 ngày: còn 7/8 đơn vị chưa báo cáo."),
        (
            "12/01 08:00",
            "⏰ 6 tháng cuối năm 2026 đã quá hạn nộp 2 ngày: còn 11/11 đơn vị chưa báo cáo.",
        ),
        (
            "26/01 08:00",
            f"🔒 Kỳ Quý 4/2026 — {ngn[len('🔔 Nhắc báo cáo — ') :]} đã khóa sổ sau ngày 25/01/2027.",
        ),
        ("26/01 08:00", f"🔒 Kỳ 6 tháng cuối năm 2026 — {xs} đã khóa sổ sau ngày 25/01/2027."),
    ]
    report = next(r for r in office.replies if r.document is not None)
    assert report.document is not None and report.document.filename.endswith("2026Q4.xlsx")
    office_list = next(r.text for r in got if r.first.startswith("⏰ Quý 4/2026 đã quá hạn nộp"))
    assert "1. Phường 1 — Nguyễn Văn An 0900000001" in office_list
    assert "Phường 2" not in office_list  # head 2 reported

    # the village heads its cluster: its own reminders, on 13/01 the cluster's list, and the
    # year-end review's self-scoring reminders before its window closes on 20/01
    village_got = [(r.at.strftime("%d/%m %H:%M"), r.first[:2]) for r in got if r.who == "village"]
    assert village_got == [
        *[(f"{d}/01 08:00", "🔔 ") for d in ("07", "09", "10", "11", "12", "13")],
        ("13/01 08:00", "📋 "),
        *[(f"{d}/01 08:00", "🔔 ") for d in ("17", "19", "20")],
    ]
    scoring = [r.first for r in got if r.who == "village" and r.at.day >= 17]
    assert all(first.startswith("🔔 Nhắc chấm điểm thi đua") for first in scoring)
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

    # locked: head 1 is refused, the office reopens the period for Phường 1 for 3 days
    clock.current = at(27, 9)
    refused = await head_1.say("/nhap")
    assert "đã khóa sổ sau ngày 25/01/2027, không nhận thêm số liệu" in refused
    assert "liên hệ văn phòng" in refused
    assert "Mở lại kỳ Quý 4/2026" in await office.say("/mokhoa P1 2026Q4 3")
    assert "✅ Đã mở lại kỳ Quý 4/2026 cho đơn vị Phường 1 đến hết ngày 30/01/2027." in (
        await office.say("1")
    )
    assert "Văn phòng đã mở lại kỳ Quý 4/2026" in await head_1.inbox()
    receipt = await submit(head_1, app)
    assert "✅ Đã nhận báo cáo" in receipt and "trễ hạn" in receipt
    # no reminder or notice comes back for a reopened period, and after 30/01 it locks again
    later = await run_days(app, clock, [head_1, office], date(2027, 1, 28), date(2027, 2, 2))
    assert later == []
    clock.current = at(31, 9)
    assert "Hiện không có kỳ báo cáo nào đang mở cho đơn vị Phường 1." in await head_1.say("/nhap")
    head_3 = Person(app, "head-3", phone="0900000003")  # never reported: told whom to ask
    await head_3.say("/start")
    assert "Kỳ Quý 4/2026 đã khóa sổ sau ngày 25/01/2027" in await head_3.say("/nhap")


async def bound_people(app: App) -> tuple[Person, Person, Person, Person]:
    """Two Ngã Năm heads, the Xuân Sơn village (a cluster head) and the office, all on the bot."""
    people = [Person(app, name, phone=phone) for name, phone in PEOPLE]
    for person in people:
        await person.say("/start")
    return (*people, await office_person(app))  # type: ignore[return-value]


PEOPLE = [("head-1", HEAD_1), ("head-2", HEAD_2), ("village", VILLAGE)]


async def reminder_messages(app: App) -> list[tuple[str, str]]:
    """(chat, first line) of every reminder in the outbox."""
    return sorted(
        (row.chat_id, row.payload["text"].splitlines()[0])
        for row in await rows(app, OutboxMessage)
        if "Nhắc báo cáo" in row.payload.get("text", "")
    )


async def test_two_schedulers_on_one_database_send_each_message_once(
    app: App, clock: ManualClock
) -> None:
    await bound_people(app)
    engines = [create_engine(app.settings.database_url) for _ in range(2)]
    try:
        twins = [
            Jobs.from_settings(app.settings, session_factory(engine), clock) for engine in engines
        ]
        for moment in (at(7, 8), at(7, 9), at(11, 8), at(12, 8), at(13, 8), at(26, 8)):
            clock.current = moment
            await asyncio.gather(*(jobs.run_all() for jobs in twins))
    finally:
        for engine in engines:
            await engine.dispose()
    messages = await reminder_messages(app)
    per_chat = {chat: sum(1 for c, _ in messages if c == chat) for chat, _ in messages}
    # 07/01 before:3; 11, 12, 13/01 overdue 1-3: four reminders each, none twice
    assert per_chat == {"head-1": 4, "head-2": 4, "village": 4}
    assert await count(app, Reminder) == 12
    assert await count(app, DocumentJob) == 2  # one automatic report a campaign, asked once
    assert await app.build_documents() == 2
    waiting = OutboxMessage.status == OutboxStatus.PENDING
    office = await rows(app, OutboxMessage, OutboxMessage.chat_id == "clerk", waiting)
    assert len(office) == 2 * 2 + 2 + 2  # report + progress, office list, lock notice; 2 campaigns
    assert await count(app, PeriodNotice) == 2 * 3 + 1


async def test_a_crash_in_the_middle_of_a_fanout_loses_and_repeats_nothing(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bound_people(app)
    clock.current = at(7, 8)
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    queued = 0
    real_enqueue = accounts.enqueue

    def enqueue_then_crash(*args: object, **kwargs: object) -> None:
        nonlocal queued
        queued += 1
        if queued == 2:
            raise RuntimeError("a bug in the fan-out")  # not transient: not retried at once
        real_enqueue(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(accounts, "enqueue", enqueue_then_crash)
    await jobs.reminders()  # logged; the other campaign's fan-out goes on
    assert await count(app, Reminder) == 1  # Xuân Sơn's village; Ngã Năm's rolled back whole
    assert [chat for chat, _ in await reminder_messages(app)] == ["village"]
    monkeypatch.setattr(accounts, "enqueue", real_enqueue)
    clock.current = at(7, 8, 1)  # the next tick
    await jobs.reminders()
    await jobs.reminders()
    assert [chat for chat, _ in await reminder_messages(app)] == ["head-1", "head-2", "village"]


async def test_after_downtime_only_the_latest_reminder_goes_out(
    app: App, clock: ManualClock
) -> None:
    head_1, *_rest, office = await bound_people(app)
    clock.current = at(12, 10)  # the bot was down from before 07/01 until 12/01 10:00
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    await jobs.run_all()
    got = await head_1.inbox()
    assert got.count("🔔") == 1 and "đã quá hạn 2 ngày" in got
    assert [r.kind for r in await rows(app, Reminder, Reminder.chats > 0)] == ["overdue:2"] * 3
    read = await office.inbox()
    assert read.count("📊 Báo cáo tổng hợp") == 2 and read.count("đã quá hạn nộp 2 ngày") == 2


async def test_quiet_hours_hold_reminders_until_morning(app: App, clock: ManualClock) -> None:
    head_1, *_rest = await bound_people(app)
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)

    async def tick(moment: datetime) -> str:
        clock.current = moment
        await jobs.run_all()
        return await head_1.inbox()

    # the bot starts at night after the first reminder's day: nothing until 07:00
    assert await tick(at(7, 21)) == ""
    assert await tick(at(8, 6, 59)) == ""
    assert "Hạn nộp: 10/01/2027 (còn 2 ngày)" in await tick(at(8, 7))
    # the day-before reminder missed at night is dropped: the due-date one comes at 07:30
    assert await tick(at(10, 7)) == ""
    assert "hôm nay là hạn cuối" in await tick(at(10, 7, 30))
    assert await tick(at(10, 12)) == ""


async def test_the_reminder_counts_the_figures_still_missing_from_a_draft(
    app: App, clock: ManualClock
) -> None:
    head_1, *_rest = await bound_people(app)
    campaign = await sample(app)
    clock.current = at(9, 7)
    await head_1.say("/nhap")
    for position, element in enumerate(campaign.elements[:3]):
        await head_1.say(typed_answer(element, position))
    await head_1.say("/huy")
    clock.current = at(9, 8)
    await Jobs.from_settings(app.settings, app.sessions, clock).run_all()
    total = len(campaign.elements)
    got = await head_1.inbox()
    assert f"Bạn đã nhập nháp 3/{total} chỉ tiêu, còn {total - 3} chỉ tiêu chưa nhập." in got
    assert "Gõ /nhap để nhập tiếp và gửi." in got


async def test_nobody_reachable_means_nothing_recorded(app: App, clock: ManualClock) -> None:
    """Units nobody has bound yet get no record, so whoever binds later still gets reminded."""
    clock.current = at(7, 8)
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    await jobs.run_all()
    assert await count(app, Reminder) == 0
    head_1 = Person(app, "head-1", phone=HEAD_1)
    clock.current = at(7, 10)
    await head_1.say("/start")
    await jobs.run_all()
    assert "còn 3 ngày" in await head_1.inbox()


async def test_a_reminder_recorded_by_another_process_is_not_queued_again(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique key is the guard, not the read before it: a record another process made
    between our read and our insert (simulated by hiding it from the read) stops the message."""
    await bound_people(app)
    campaign = await sample(app)
    period = next(p for p in campaign.periods if p.code == "2026Q4")
    async with app.sessions() as session, session.begin():
        unit = await find_unit(session, "P1")
        assert unit is not None
        session.add(Reminder(period_id=period.id, org_unit_id=unit.id, kind="before:3", chats=1))

    async def nothing_yet(*_args: object) -> set[int]:
        return set()

    monkeypatch.setattr(reminder_store, "reminded_units", nothing_yet)
    monkeypatch.setattr(reminder_store, "reminded_since", nothing_yet)
    clock.current = at(7, 8)
    await Jobs.from_settings(app.settings, app.sessions, clock).reminders()
    assert [chat for chat, _ in await reminder_messages(app)] == ["head-2", "village"]


async def test_at_most_one_reminder_a_unit_a_day(app: App, clock: ManualClock) -> None:
    """An office's /nhacnho asked at night goes at 07:00; the due-date reminder at 07:30 then
    skips the units it reached."""
    head_1, *_rest, office = await bound_people(app)
    clock.current = at(9, 22)
    assert "lúc 07:00 ngày 10/01/2027" in await office.say("/nhacnho NGANAM2026")
    jobs = Jobs.from_settings(app.settings, app.sessions, clock)
    for moment in (at(10, 7), at(10, 7, 30), at(10, 8)):
        clock.current = moment
        await jobs.run_all()
    got = await head_1.inbox()
    assert got.count("🔔") == 1 and "Văn phòng nhắc báo cáo" in got


async def test_escalation_on_the_due_date_itself(app: App, clock: ManualClock) -> None:
    """A campaign may escalate on the due date (0 days): the office reads "hôm nay là hạn"."""
    _heads = await bound_people(app)
    office = _heads[-1]
    async with app.sessions() as session, session.begin():
        await session.execute(update(Campaign).values(escalate_office_days=0))
    clock.current = at(10, 8)
    await Jobs.from_settings(app.settings, app.sessions, clock).notices()
    got = await office.inbox()
    assert "⏰ Hôm nay là hạn nộp Quý 4/2026: còn 8/8 đơn vị chưa báo cáo." in got
    assert "quá hạn nộp 0 ngày" not in got


async def test_a_period_locked_at_once_still_gets_its_report(app: App, clock: ManualClock) -> None:
    """With no days between the due date and the lock, the report the next morning still goes
    (with the lock notice)."""
    *_heads, office = await bound_people(app)
    async with app.sessions() as session, session.begin():
        await session.execute(update(Period).values(lock_date=Period.due_date))
        # as a re-import would: the campaign's stamp moves, so cached definitions reload
        await session.execute(
            update(Campaign).values(updated_at=clock.now() + timedelta(minutes=1))
        )
    clock.current = at(11, 8)
    await Jobs.from_settings(app.settings, app.sessions, clock).run_all()
    got = await office.inbox()
    assert got.count("📊 Báo cáo tổng hợp") == 2 and got.count("🔒 Kỳ") == 2
    clock.current = at(11, 9)
    await Jobs.from_settings(app.settings, app.sessions, clock).run_all()
    assert await office.inbox() == ""
