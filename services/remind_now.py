"""Reminding the units missing for a period now, at the office's request (``/nhacnho`` and the
web page's button, issue 17): one rule, one answer for both.

Only while the period takes figures (from its start to its lock date). In the quiet hours
(default 20:30-07:00) the reminders wait for the morning — recorded for the scheduler, which
sends them when the quiet hours end — unless ``urgent`` (``/nhacnho gap``). A unit is reminded
at most once a day, by the office or by the schedule (``services.notices.reminded_today``), so
pressing twice sends nothing twice. Units nobody has bound yet are listed with their phones so
the office can call.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import day
from domain.i18n import _
from domain.periods import period_name
from domain.reminders import MANUAL, DailyHours, manual_kind
from services.notices import Fanout, remind_units, reminded_today
from storage import reminders as reminder_store
from storage.models import Campaign, OrgUnit, Period
from storage.recipients import unit_recipients


async def remind_now(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    *,
    hours: DailyHours,
    now: datetime,
    zone: ZoneInfo,
    urgent: bool = False,
) -> str:
    """Remind (or schedule for the morning) the units of ``campaign`` (loaded) missing for
    ``period``, in the caller's transaction; the Vietnamese answer for the office."""
    local = now.astimezone(zone)
    refused = not_collecting(period, local.date())
    if refused is not None:
        return refused
    if hours.is_quiet(local) and not urgent:
        return await _defer(session, campaign, period, hours, now, zone)
    fanout = await remind_units(session, campaign, period, manual_kind(local.date()), now, zone)
    return report(period, fanout)


def not_collecting(period: Period, today: date) -> str | None:
    """Why nobody is reminded for ``period`` today (not started, or locked); None while it
    takes figures."""
    name = period_name(period.code)
    if today < period.start_date:
        return _("Kỳ {period} chưa bắt đầu (từ {start}).").format(
            period=name, start=day(period.start_date)
        )
    if today > period.lock_date:
        return _(
            "Kỳ {period} đã khóa sổ sau ngày {lock}, không nhắc nữa. Mở lại cho một đơn vị: /mokhoa"
        ).format(period=name, lock=day(period.lock_date))
    return None


async def _defer(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    hours: DailyHours,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    """Record the request for the end of the quiet hours (the scheduler carries it out)."""
    morning = hours.next_allowed(now.astimezone(zone))
    name = period_name(period.code)
    if morning.date() > period.lock_date:
        return _(
            "Bây giờ là giờ nghỉ, và kỳ {period} khóa sổ sau hôm nay ({lock}) nên không hẹn "
            "nhắc sáng mai được. Cần gửi ngay: /nhacnho gap"
        ).format(period=name, lock=day(period.lock_date))
    await reminder_store.record_notice(
        session, period.id, MANUAL, morning.date().isoformat(), 0, now
    )
    units = await _to_remind(session, campaign, period, morning, zone)
    return _(
        "Bây giờ là giờ nghỉ ({start}–{end}). Bot sẽ nhắc {count} đơn vị chưa báo cáo "
        "{period} lúc {time} ngày {date}.\nCần gửi ngay: /nhacnho gap"
    ).format(
        start=hours.quiet_start.strftime("%H:%M"),
        end=hours.quiet_end.strftime("%H:%M"),
        count=len(units),
        period=name,
        time=morning.strftime("%H:%M"),
        date=day(morning.date()),
    )


async def _to_remind(
    session: AsyncSession, campaign: Campaign, period: Period, when: datetime, zone: ZoneInfo
) -> list[OrgUnit]:
    """The missing units a reminder at ``when`` would reach: someone is bound, and they have
    not had a reminder for the period that day."""
    missing = await reminder_store.missing_units(session, campaign.id, period.id)
    people = await unit_recipients(session, [unit.id for unit in missing])
    done = await reminded_today(session, period.id, manual_kind(when.date()), when, zone)
    return [unit for unit in missing if unit.id in people and unit.id not in done]


def report(period: Period, fanout: Fanout) -> str:
    """What the office reads after reminding."""
    name = period_name(period.code)
    if not fanout.missing:
        return _("Tất cả đơn vị đã báo cáo {period}. 🎉").format(period=name)
    lines = [
        _("🔔 Đã nhắc {units} đơn vị chưa báo cáo {period} ({chats} tin nhắn).").format(
            units=fanout.reminded, period=name, chats=fanout.chats
        )
        if fanout.reminded
        else _("Không có đơn vị nào cần nhắc thêm lúc này ({period}).").format(period=name)
    ]
    if fanout.already:
        lines.append(
            _("{count} đơn vị đã được nhắc hôm nay, không nhắc lại.").format(count=fanout.already)
        )
    if fanout.unreachable:
        lines.append(
            _("{count} đơn vị chưa có ai dùng bot, cần gọi điện:").format(
                count=len(fanout.unreachable)
            )
        )
        lines += [
            f"{number}. {_unit_line(unit)}" for number, unit in enumerate(fanout.unreachable, 1)
        ]
    lines.append(_("Xem ai đã nộp: /tiendo {code}").format(code=period.code))
    return "\n".join(lines)


def _unit_line(unit: OrgUnit) -> str:
    people = ", ".join(f"{c.name} {c.phone}".strip() for c in unit.contacts)
    return f"{unit.name} — {people}" if people else unit.name
