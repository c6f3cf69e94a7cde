"""``/nhacnho`` (office): remind now the units that have not reported for a period.

``/nhacnho`` reminds for the period being collected (as ``/tiendo`` picks it), asking which
campaign when there are several; ``/nhacnho NGANAM2026 2026Q4`` names them. In the quiet hours
(default 20:30-07:00) the reminders wait for the morning — the scheduler sends them when the
quiet hours end — unless the office adds ``gap`` (urgent): ``/nhacnho gap``. A unit is reminded
at most once a day, by ``/nhacnho`` or by the schedule (``services.notices.reminded_today``), so
pressing twice sends nothing twice. Units nobody has bound yet are listed with their phones so the office can call.
"""

from __future__ import annotations

from datetime import datetime

from domain.clock import day
from domain.i18n import _
from domain.periods import period_name
from domain.reminders import MANUAL, manual_kind
from domain.text import fold
from handlers.common import campaign_step
from handlers.flow import Context, Flow, command, register
from handlers.office import choose_campaign, chosen_period, refuse_if_not_office
from handlers.state import FlowName, OfficeStep, RemindData
from services.notices import Fanout, remind_units, reminded_today
from storage import reminders as reminder_store
from storage.models import Campaign, OrgUnit, Period
from storage.recipients import unit_recipients

_FLOW = FlowName.NHACNHO
URGENT = {"gap", "ngay"}  # "/nhacnho gap": send even in the quiet hours


@command("nhacnho")
async def remind_command(ctx: Context, args: str) -> None:
    """Remind the units missing for a period now (or in the morning, in the quiet hours)."""
    if refuse_if_not_office(ctx):
        return
    words = args.split()
    urgent = any(fold(word) in URGENT for word in words)
    rest = " ".join(word for word in words if fold(word) not in URGENT)
    await choose_campaign(ctx, rest, _FLOW, _remind, RemindData(urgent=urgent))


async def _remind(ctx: Context, campaign_id: int) -> None:
    urgent = ctx.data(RemindData).urgent
    campaign = await ctx.campaign(campaign_id)
    period = chosen_period(ctx, campaign)
    if period is None or not _collecting(ctx, period):
        return
    local = ctx.local(ctx.now)
    if ctx.hours.is_quiet(local) and not urgent:
        await _defer(ctx, campaign, period)
        return
    fanout = await remind_units(
        ctx.session, campaign, period, manual_kind(ctx.today), ctx.now, ctx.zone
    )
    ctx.say(_report(period, fanout))


def _collecting(ctx: Context, period: Period) -> bool:
    """True when ``period`` takes figures today; otherwise say why there is nobody to remind."""
    name = period_name(period.code)
    if ctx.today < period.start_date:
        ctx.say(
            _("Kỳ {period} chưa bắt đầu (từ {start}).").format(
                period=name, start=day(period.start_date)
            )
        )
        return False
    if ctx.today > period.lock_date:
        ctx.say(
            _(
                "Kỳ {period} đã khóa sổ sau ngày {lock}, không nhắc nữa. "
                "Mở lại cho một đơn vị: /mokhoa"
            ).format(period=name, lock=day(period.lock_date))
        )
        return False
    return True


async def _defer(ctx: Context, campaign: Campaign, period: Period) -> None:
    """Record the request for the end of the quiet hours (the scheduler carries it out)."""
    morning = ctx.hours.next_allowed(ctx.local(ctx.now))
    name = period_name(period.code)
    if morning.date() > period.lock_date:
        ctx.say(
            _(
                "Bây giờ là giờ nghỉ, và kỳ {period} khóa sổ sau hôm nay ({lock}) nên không hẹn "
                "nhắc sáng mai được. Cần gửi ngay: /nhacnho gap"
            ).format(period=name, lock=day(period.lock_date))
        )
        return
    await reminder_store.record_notice(
        ctx.session, period.id, MANUAL, morning.date().isoformat(), 0, ctx.now
    )
    units = await _to_remind(ctx, campaign, period, morning)
    ctx.say(
        _(
            "Bây giờ là giờ nghỉ ({start}–{end}). Bot sẽ nhắc {count} đơn vị chưa báo cáo "
            "{period} lúc {time} ngày {date}.\nCần gửi ngay: /nhacnho gap"
        ).format(
            start=ctx.hours.quiet_start.strftime("%H:%M"),
            end=ctx.hours.quiet_end.strftime("%H:%M"),
            count=len(units),
            period=name,
            time=morning.strftime("%H:%M"),
            date=day(morning.date()),
        )
    )


async def _to_remind(
    ctx: Context, campaign: Campaign, period: Period, when: datetime
) -> list[OrgUnit]:
    """The missing units a reminder at ``when`` would reach: someone is bound, and they have
    not had a reminder for the period that day."""
    missing = await reminder_store.missing_units(ctx.session, campaign.id, period.id)
    people = await unit_recipients(ctx.session, [unit.id for unit in missing])
    done = await reminded_today(ctx.session, period.id, manual_kind(when.date()), when, ctx.zone)
    return [unit for unit in missing if unit.id in people and unit.id not in done]


def _report(period: Period, fanout: Fanout) -> str:
    """What the office reads after ``/nhacnho``."""
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


register(
    Flow(
        _FLOW,
        "nhắc báo cáo",
        {OfficeStep.CAMPAIGN: campaign_step("Nhắc báo cáo phong trào nào?", _remind, RemindData)},
        RemindData,
    )
)
