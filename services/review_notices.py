"""Reminders before a review's scoring windows close (issue 16, item 3): units that have not
handed in their self-score (``/chamdiem``) or their cross-scores (``/chamcheo``) are reminded
on the campaign's reminder days before the window's last day and on that day, at the daily send
time and never in the quiet hours — the same schedule as figures (``domain.reminders``), with
the window's last day in the place of the due date. Each reminder is recorded first
(``storage.reminders.record_review_reminders``), so it goes out once whoever queues it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import day
from domain.i18n import _
from domain.periods import PeriodDates
from domain.reminders import DailyHours, ReminderPolicy, latest_due, reminder_schedule
from services.notices import Fanout, queue_text
from storage import reminders as reminder_store
from storage import scoring_queries
from storage.models import Campaign, OrgUnit, Review
from storage.recipients import unit_recipients

SELF, CROSS = "self", "cross"


def windows(review: Review) -> list[tuple[str, date, date]]:
    """The review's scoring windows: (role, first day, last day); cross-scoring only when the
    template gives its window."""
    found = [(SELF, review.self_start, review.self_end)]
    if review.cross_start and review.cross_end:
        found.append((CROSS, review.cross_start, review.cross_end))
    return found


def due_kind(
    policy: ReminderPolicy,
    role: str,
    first: date,
    last: date,
    now: datetime,
    hours: DailyHours,
    zone: ZoneInfo,
) -> str | None:
    """The reminder kind to send now for a window (``self:before:3``, ``cross:due``), or None:
    the campaign's days before the last day and the last day itself; nothing after it."""
    dates = PeriodDates(role, first, last, last, last)
    schedule = reminder_schedule(replace(policy, on_due=True, overdue_days=0), dates)
    entry = latest_due(schedule, now, hours, zone)
    return f"{role}:{entry.kind}" if entry else None


async def remind_scorers(
    session: AsyncSession,
    campaign: Campaign,
    review: Review,
    kind: str,
    now: datetime,
    zone: ZoneInfo,
) -> Fanout:
    """Queue reminder ``kind`` to every unit that has not handed in what the window asks for
    and has not had this reminder: one message to each of its people. Returns what was done."""
    role = kind.partition(":")[0]
    if role == SELF:
        missing = await scoring_queries.units_without_self_sheet(session, campaign.id, review.id)
    else:
        missing = await scoring_queries.units_missing_cross(session, campaign.id, review.id)
    people = await unit_recipients(session, [unit.id for unit in missing])
    result = Fanout(missing=len(missing))
    result.unreachable = [unit for unit in missing if unit.id not in people]
    reachable = {unit.id: len(people[unit.id]) for unit in missing if unit.id in people}
    fresh = await reminder_store.record_review_reminders(session, review.id, kind, reachable, now)
    result.already = len(reachable) - len(fresh)
    today = now.astimezone(zone).date()
    for unit in missing:
        if unit.id not in fresh:
            continue
        text = scoring_reminder_text(campaign, review, unit, role, today)
        for person in people[unit.id]:
            queue_text(session, person, text, now)
            result.chats += 1
    result.reminded = len(fresh)
    return result


def scoring_reminder_text(
    campaign: Campaign, review: Review, unit: OrgUnit, role: str, today: date
) -> str:
    """What a unit's person reads: the review, what is missing, the last day and how to start."""
    last = review.self_end if role == SELF else review.cross_end or review.self_end
    left = (last - today).days
    when = _("hôm nay là ngày cuối") if left <= 0 else _("còn {days} ngày").format(days=left)
    if role == SELF:
        missing = _("Đơn vị {unit} chưa nộp bảng tự chấm điểm {review}.")
        start = _("Gõ /chamdiem để chấm và nộp.")
    else:
        missing = _("Đơn vị {unit} chưa chấm chéo xong các đơn vị trong cụm ({review}).")
        start = _("Gõ /chamcheo để chấm.")
    return "\n".join(
        [
            _("🔔 Nhắc chấm điểm thi đua — {campaign}").format(campaign=campaign.name),
            missing.format(unit=unit.name, review=review.name),
            _("Hạn cuối: {last} ({when}).").format(last=day(last), when=when),
            start,
        ]
    )
