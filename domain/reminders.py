"""When the bot reminds, escalates and reports: pure calendar rules, no database.

A campaign's reminder policy (template sheet "Phong trào", defaults from the issue): a reminder
N days before the due date for each N of ``days_before`` (3 and 1), one on the due date, then one
a day for up to ``overdue_days`` days (3) — never after the lock date, since a locked period
takes no more figures. Each reminder is for a Vietnam calendar day and goes out at the daily
send time (``DailyHours.send_at``, 07:30), never in the quiet hours (20:30-07:00): something due
at night waits for the morning.

Catch-up: the bot sends only the latest reminder that has come due (:func:`latest_due`), so a
bot that was down for days sends one reminder per unit, not the ones it missed. An entry stays
due until the next entry's time; the last one only until the end of its day. A reminder missed
on an earlier day is dropped when the next one comes later the same day, so nobody gets two
within minutes.

Period notices (to the office, cluster heads) follow the same hours: :func:`notice_moments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.periods import PeriodDates

BEFORE = "before"
DUE = "due"
OVERDUE = "overdue"
MANUAL = "manual"

REPORT = "report"  # the automatic consolidated workbook, after the due date
OFFICE = "office"  # the office's list of units still missing
CLUSTER = "cluster"  # a cluster head's list of their cluster's missing units
LOCKED = "locked"  # the period was locked (khóa sổ)

LOCK_NOTICE_DAYS = 7
"""Days during which a missed lock notice (after the lock date), or a missed automatic report
of a period locked at once (after its time), is still sent."""


@dataclass(frozen=True)
class ReminderPolicy:
    """A campaign's reminder policy (see the module docstring). Days are whole days ≥ 0."""

    days_before: tuple[int, ...] = (3, 1)
    on_due: bool = True
    overdue_days: int = 3
    office_after_days: int = 2
    cluster_after_days: int = 3


@dataclass(frozen=True)
class DailyHours:
    """The time of day scheduled messages go out and the quiet hours, in Vietnam time.

    Quiet hours may wrap past midnight (20:30-07:00, the default) or not (12:00-13:30).
    """

    send_at: time = time(7, 30)
    quiet_start: time = time(20, 30)
    quiet_end: time = time(7, 0)

    def is_quiet(self, local: datetime) -> bool:
        """True when ``local`` (a Vietnam wall-clock time) is in the quiet hours."""
        now = local.time().replace(tzinfo=None)
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= now < self.quiet_end
        return now >= self.quiet_start or now < self.quiet_end

    def next_allowed(self, local: datetime) -> datetime:
        """``local`` itself outside the quiet hours, else the end of the quiet hours (the same
        or the next day); aware in ``local``'s zone."""
        if not self.is_quiet(local):
            return local
        end = datetime.combine(local.date(), self.quiet_end, local.tzinfo)
        return end if end > local else end + timedelta(days=1)

    def moment(self, day: date, zone: ZoneInfo) -> datetime:
        """When something scheduled for ``day`` goes out: ``send_at`` that day, moved out of
        the quiet hours if ``send_at`` falls in them."""
        return self.next_allowed(datetime.combine(day, self.send_at, zone))


@dataclass(frozen=True)
class Entry:
    """One scheduled reminder of a period: its kind (``before:3``, ``due``, ``overdue:2``) and
    the Vietnam day it is for."""

    kind: str
    day: date


def reminder_schedule(policy: ReminderPolicy, period: PeriodDates) -> list[Entry]:
    """The period's reminders in time order. Reminders before the due date that would fall
    before the period starts are left out, and so are overdue ones after the lock date."""
    entries = [
        Entry(f"{BEFORE}:{days}", period.due - timedelta(days=days))
        for days in sorted(set(policy.days_before), reverse=True)
        if days > 0 and period.due - timedelta(days=days) >= period.start
    ]
    if policy.on_due:
        entries.append(Entry(DUE, period.due))
    entries += [
        Entry(f"{OVERDUE}:{days}", period.due + timedelta(days=days))
        for days in range(1, policy.overdue_days + 1)
        if period.due + timedelta(days=days) <= period.lock
    ]
    return entries


def latest_due(
    schedule: list[Entry], now: datetime, hours: DailyHours, zone: ZoneInfo
) -> Entry | None:
    """The reminder to send at ``now`` (aware): the latest entry whose time has come, unless
    it has lapsed (see the module docstring) or it is quiet now. None when nothing is due."""
    local = now.astimezone(zone)
    if hours.is_quiet(local):
        return None
    moments = [hours.moment(entry.day, zone) for entry in schedule]
    come = [i for i, moment in enumerate(moments) if moment <= local]
    if not come:
        return None
    index = come[-1]
    entry = schedule[index]
    if index + 1 < len(schedule):
        following = schedule[index + 1]
        if entry.day < local.date() == following.day:
            return None  # yesterday's reminder, missed; today's comes later this morning
        return entry
    return entry if entry.day == local.date() else None


@dataclass(frozen=True)
class NoticeTimes:
    """When a period's notices are due (aware, Vietnam time) and until when they may go."""

    report: datetime
    office: datetime
    cluster: datetime
    locked: datetime
    until: datetime  # report, office and cluster lists: only while the period is open
    locked_until: datetime

    def window(self, kind: str) -> tuple[datetime, datetime]:
        """When the notice ``kind`` (REPORT, OFFICE, CLUSTER, LOCKED) may go: [start, end)."""
        if kind == LOCKED:
            return self.locked, self.locked_until
        if kind == REPORT:  # the report is worth sending even after an early lock
            return self.report, max(self.until, self.report + timedelta(days=LOCK_NOTICE_DAYS))
        start = {REPORT: self.report, OFFICE: self.office, CLUSTER: self.cluster}[kind]
        return start, self.until


def notice_moments(
    policy: ReminderPolicy,
    period: PeriodDates,
    hours: DailyHours,
    zone: ZoneInfo,
    report_delay: timedelta,
) -> NoticeTimes:
    """The times of a period's notices: the automatic report ``report_delay`` after the end of
    the due date; the office's list ``office_after_days`` and the cluster heads' lists
    ``cluster_after_days`` after the due date at the send time; the lock notice the morning
    after the lock date. All moved out of the quiet hours."""
    end_of_due = datetime.combine(period.due + timedelta(days=1), time(0), zone)
    after_lock = datetime.combine(period.lock + timedelta(days=1), time(0), zone)
    return NoticeTimes(
        report=hours.next_allowed(end_of_due + report_delay),
        office=hours.moment(period.due + timedelta(days=policy.office_after_days), zone),
        cluster=hours.moment(period.due + timedelta(days=policy.cluster_after_days), zone),
        locked=hours.moment(period.lock + timedelta(days=1), zone),
        until=after_lock,
        locked_until=after_lock + timedelta(days=LOCK_NOTICE_DAYS),
    )


def manual_kind(day: date) -> str:
    """The kind of an office's ``/nhacnho`` reminder: at most one per unit and day."""
    return f"{MANUAL}:{day.isoformat()}"
