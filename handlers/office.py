"""Office conversations (văn phòng): ``/tiendo``, the reporting progress of a period.

``/tiendo`` alone shows the current period of the campaign (asking which campaign when there
are several); ``/tiendo 2026Q3`` or ``/tiendo NGANAM2023 2026Q3`` picks another period.
"""

from __future__ import annotations

from decimal import Decimal

from domain.numbers import format_number
from domain.periods import period_name
from handlers.common import campaign_step, day
from handlers.flow import Context, Flow, command, register
from handlers.i18n import _
from storage import campaigns as campaign_store
from storage import values as value_store
from storage.models import Campaign, Period
from storage.values import Representative

_FLOW = "tiendo"


def refuse_if_not_office(ctx: Context) -> bool:
    """Politely refuse a non-office person; True when refused. Nothing about the data leaks."""
    if ctx.is_office:
        return False
    ctx.say(_("Chức năng này chỉ dành cho văn phòng. Gõ /trogiup để xem các việc bạn có thể làm."))
    return True


@command("tiendo")
async def progress_command(ctx: Context, args: str) -> None:
    """Show who has reported for a period: rate, on time / late, and the units missing."""
    if refuse_if_not_office(ctx):
        return
    words = args.upper().split()
    wanted = _period_word(words)
    campaigns = await campaign_store.list_campaigns(ctx.session)
    candidates = [c for c in campaigns if c.code.upper() in words] or campaigns
    if wanted:
        having = [c for c in candidates if _has_period(await ctx.campaign(c.id), wanted)]
        candidates = having or candidates
    if not candidates:
        ctx.say(
            _(
                "Chưa có phong trào nào. Nhập phong trào bằng lệnh: reportbot campaign import FILE.xlsx"
            )
        )
        return
    ctx.state.data = {"campaigns": [c.id for c in candidates], "period": wanted}
    if len(candidates) == 1:
        await _show(ctx, candidates[0].id)
    else:
        await ctx.goto(_FLOW, "campaign")


def _period_word(words: list[str]) -> str | None:
    return next((w for w in words if w[:4].isdigit()), None)


def _has_period(campaign: Campaign, code: str) -> bool:
    return any(p.code.upper() == code for p in campaign.periods)


async def _show(ctx: Context, campaign_id: int) -> None:
    wanted = ctx.state.data.get("period")
    ctx.finish()
    campaign = await ctx.campaign(campaign_id)
    period = _find_period(ctx, campaign, wanted)
    if period is None:
        codes = ", ".join(p.code for p in campaign.periods)
        ctx.say(
            _("Không tìm thấy kỳ báo cáo {period}. Các kỳ: {codes}").format(
                period=wanted or "", codes=codes
            )
        )
        return
    ctx.say(await progress_text(ctx, campaign, period))


def _find_period(ctx: Context, campaign: Campaign, wanted: str | None) -> Period | None:
    if wanted:
        return next((p for p in campaign.periods if p.code.upper() == wanted), None)
    open_ones = campaign_store.open_periods(campaign, ctx.today)
    if open_ones:  # the oldest open period is the one being collected now, as in /nhap
        return open_ones[0]
    started = [p for p in campaign.periods if p.start_date <= ctx.today]
    return started[-1] if started else (campaign.periods[0] if campaign.periods else None)


async def progress_text(ctx: Context, campaign: Campaign, period: Period) -> str:
    """The progress message: reported / total, on time / late, and the missing units."""
    units = await campaign_store.campaign_units(ctx.session, campaign.id)
    rows = await value_store.progress(ctx.session, units, period)
    reported = [r for r in rows if r.submission is not None]
    late = [r for r in reported if r.submission and r.submission.is_late]
    missing = [r for r in rows if r.submission is None]
    total = len(rows)
    rate = format_number(Decimal(len(reported)) / total * 100, 1) if total else "0"
    lines = [
        _("📊 Tiến độ báo cáo {period} — {campaign}").format(
            period=period_name(period.code), campaign=campaign.name
        ),
        _("Hạn nộp: {due} · Khóa sổ: {lock}").format(
            due=day(period.due_date), lock=day(period.lock_date)
        ),
        _("Đã báo cáo: {done}/{total} đơn vị ({rate}%)").format(
            done=len(reported), total=total, rate=rate
        ),
        _("Đúng hạn: {on_time} · Trễ hạn: {late}").format(
            on_time=len(reported) - len(late), late=len(late)
        ),
    ]
    if missing:
        lines.append(_("Chưa báo cáo ({count}):").format(count=len(missing)))
        for number, row in enumerate(missing, 1):
            people = ", ".join(_person(person) for person in row.representatives)
            lines.append(f"{number}. {row.unit.name}" + (f" — {people}" if people else ""))
    else:
        lines.append(_("Tất cả đơn vị đã báo cáo. 🎉"))
    lines.append(_("Xem kỳ khác: /tiendo <mã kỳ>, ví dụ /tiendo {code}").format(code=period.code))
    return "\n".join(lines)


def _person(person: Representative) -> str:
    text = f"{person.name} {person.phone}".strip()
    return text if person.reachable else text + " " + _("(đã chặn bot)")


register(
    Flow(_FLOW, "xem tiến độ", {"campaign": campaign_step("Xem tiến độ phong trào nào?", _show)})
)
