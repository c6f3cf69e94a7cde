"""The pure reminder calendar (``domain.reminders``): schedules, quiet hours, catch-up."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.periods import PeriodDates
from domain.reminders import (
    DailyHours,
    ReminderPolicy,
    latest_due,
    notice_moments,
    reminder_schedule,
)
from tests.conftest import ZONE

# Quarter 4 of 2026 as the Ngã Năm sample has it: due 10 days after, locked 15 days later.
Q4 = PeriodDates(
    "2026Q4", date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 10), date(2027, 1, 25)
)
HOURS = DailyHours()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def test_the_default_schedule() -> None:
    assert [(e.kind, e.day.day) for e in reminder_schedule(ReminderPolicy(), Q4)] == [
        ("before:3", 7),
        ("before:1", 9),
        ("due", 10),
        ("overdue:1", 11),
        ("overdue:2", 12),
        ("overdue:3", 13),
    ]


def test_overdue_reminders_stop_at_the_lock_date_and_before_ones_at_the_start() -> None:
    short = PeriodDates(
        "202601", date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 2), date(2026, 2, 4)
    )
    policy = ReminderPolicy(days_before=(40, 1), on_due=False, overdue_days=5)
    assert [e.kind for e in reminder_schedule(policy, short)] == [
        "before:1",
        "overdue:1",
        "overdue:2",
    ]


def test_quiet_hours_wrap_past_midnight() -> None:
    day = date(2027, 1, 7)
    assert HOURS.is_quiet(local(day, 20, 30)) and HOURS.is_quiet(local(day, 3))
    assert not HOURS.is_quiet(local(day, 7)) and not HOURS.is_quiet(local(day, 20, 29))
    assert HOURS.next_allowed(local(day, 23)) == local(day + timedelta(days=1), 7)
    assert HOURS.next_allowed(local(day, 5)) == local(day, 7)
    lunch = DailyHours(time(13), time(11, 30), time(13, 30))
    assert lunch.is_quiet(local(day, 12)) and not lunch.is_quiet(local(day, 14))
    assert lunch.moment(day, ZONE) == local(day, 13, 30)  # a send time inside is moved out


def test_latest_due_reminder() -> None:
    schedule = reminder_schedule(ReminderPolicy(), Q4)

    def due_at(day: int, hour: int, minute: int = 0) -> str | None:
        entry = latest_due(schedule, local(date(2027, 1, day), hour, minute), HOURS, ZONE)
        return entry.kind if entry else None

    assert due_at(7, 7, 29) is None and due_at(7, 7, 30) == "before:3"
    assert due_at(8, 12) == "before:3"  # caught up the next day: the next one is not today
    assert due_at(9, 7) is None  # yesterday's would come minutes before today's: dropped
    assert due_at(9, 7, 30) == "before:1"
    assert due_at(13, 20) == "overdue:3" and due_at(13, 21) is None  # quiet
    assert due_at(14, 8) is None  # the last one only on its own day


def test_notice_times() -> None:
    times = notice_moments(ReminderPolicy(), Q4, HOURS, ZONE, timedelta(hours=8))
    assert times.report == local(date(2027, 1, 11), 8)
    assert times.office == local(date(2027, 1, 12), 7, 30)
    assert times.cluster == local(date(2027, 1, 13), 7, 30)
    assert times.locked == local(date(2027, 1, 26), 7, 30)
    assert times.until == local(date(2027, 1, 26), 0)
    night = notice_moments(ReminderPolicy(), Q4, HOURS, ZONE, timedelta(hours=2))
    assert night.report == local(date(2027, 1, 11), 7)  # 02:00 is quiet: the morning


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=60 * 40), min_size=1, max_size=80),
    days_before=st.lists(st.integers(min_value=1, max_value=10), max_size=3),
    on_due=st.booleans(),
    overdue=st.integers(min_value=0, max_value=6),
)
def test_whatever_the_ticks_reminders_come_in_order_once_and_never_at_night(
    gaps: list[int], days_before: list[int], on_due: bool, overdue: int
) -> None:
    """Ticks at arbitrary moments (a bot that is up, down, restarted): every reminder sent is
    due, in the daytime, later in the schedule than the one before, and at most one a day."""
    policy = ReminderPolicy(tuple(days_before), on_due, overdue)
    schedule = reminder_schedule(policy, Q4)
    order = {entry.kind: index for index, entry in enumerate(schedule)}
    moment = local(date(2027, 1, 1), 0)
    sent: list[tuple[str, datetime]] = []
    for gap in gaps:
        moment += timedelta(minutes=gap)
        entry = latest_due(schedule, moment, HOURS, ZONE)
        if entry is None or (sent and sent[-1][0] == entry.kind):
            continue  # nothing due, or already recorded under its key
        assert not HOURS.is_quiet(moment)
        assert HOURS.moment(entry.day, ZONE) <= moment
        assert not sent or order[entry.kind] > order[sent[-1][0]]
        sent.append((entry.kind, moment))
    days = [when.date() for _kind, when in sent]
    assert len(days) == len(set(days))
