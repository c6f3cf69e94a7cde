"""Office conversations (văn phòng): ``/tiendo``, the reporting progress of a period, and the
campaign and period choice the office's commands share (``handlers.reports`` too).

``/tiendo`` alone shows the current period of the campaign (asking which campaign when there
are several); ``/tiendo 2026Q3`` or ``/tiendo NGANAM2023 2026Q3`` picks another period.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.numbers import format_number
from domain.periods import period_name
from domain.phones import normalize_phone
from domain.text import fold
from handlers.common import campaign_step, day
from handlers.flow import Context, Flow, command, register
from handlers.i18n import _
from storage import campaigns as campaign_store
from storage import values as value_store
from storage.models import Campaign, Period
from storage.values import Representative, UnitProgress

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
    await choose_campaign(ctx, args, _FLOW, _show)


async def choose_campaign(
    ctx: Context,
    args: str,
    flow: str,
    then: Callable[[Context, int], Awaitable[None]],
    extra: dict[str, Any] | None = None,
) -> None:
    """Find the campaign an office command is about, then call ``then`` with its id.

    ``args`` may name a campaign code and a period code (``NGANAM2026 2026Q3``, in any order);
    the period is kept in ``ctx.state.data["period"]`` for :func:`chosen_period`. Without a
    code, campaigns having the period named are preferred; several left: ``flow``'s "campaign"
    step asks which (a ``handlers.common.campaign_step``). No campaign at all: says so.
    ``extra`` is kept in ``ctx.state.data`` too, for ``then``.
    """
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
    ctx.state.data = {"campaigns": [c.id for c in candidates], "period": wanted, **(extra or {})}
    if len(candidates) == 1:
        await then(ctx, candidates[0].id)
    else:
        await ctx.goto(flow, "campaign")


def _period_word(words: list[str]) -> str | None:
    return next((w for w in words if w[:4].isdigit()), None)


def _has_period(campaign: Campaign, code: str) -> bool:
    return any(p.code.upper() == code for p in campaign.periods)


def chosen_period(ctx: Context, campaign: Campaign) -> Period | None:
    """Leave the flow and return the period asked for in :func:`choose_campaign`: the code
    given, else the oldest open period (the one being collected now, as in /nhap), else the
    latest started one. None, after saying why, for an unknown code or a campaign without
    periods."""
    wanted = ctx.state.data.get("period")
    ctx.finish()
    if not campaign.periods:
        ctx.say(_("Phong trào {campaign} chưa có kỳ báo cáo nào.").format(campaign=campaign.name))
        return None
    period = find_period(campaign, ctx.today, wanted)
    if period is None:
        codes = ", ".join(p.code for p in campaign.periods)
        ctx.say(
            _("Không tìm thấy kỳ báo cáo {period}. Các kỳ: {codes}").format(
                period=wanted or "", codes=codes
            )
        )
    return period


def find_period(campaign: Campaign, today: date, wanted: str | None) -> Period | None:
    """The period ``wanted`` (a code, any case) of a loaded campaign; without a code the oldest
    period open ``today``, else the latest started, else the first. None when not found."""
    if wanted:
        return next((p for p in campaign.periods if p.code.upper() == wanted.upper()), None)
    open_ones = campaign_store.open_periods(campaign, today)
    if open_ones:  # the oldest open period is the one being collected now, as in /nhap
        return open_ones[0]
    started = [p for p in campaign.periods if p.start_date <= today]
    return started[-1] if started else (campaign.periods[0] if campaign.periods else None)


async def _show(ctx: Context, campaign_id: int) -> None:
    campaign = await ctx.campaign(campaign_id)
    period = chosen_period(ctx, campaign)
    if period is not None:
        ctx.say(await progress_text(ctx.session, campaign, period))


async def progress_text(session: AsyncSession, campaign: Campaign, period: Period) -> str:
    """The progress message: reported / total, on time / late, and the missing units with
    their representatives (used by /tiendo and by the automatic period report)."""
    rows = await period_progress(session, campaign, period)
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
        lines += missing_lines(missing)
    else:
        lines.append(_("Tất cả đơn vị đã báo cáo. 🎉"))
    lines.append(_("Xem kỳ khác: /tiendo <mã kỳ>, ví dụ /tiendo {code}").format(code=period.code))
    return "\n".join(lines)


async def period_progress(
    session: AsyncSession, campaign: Campaign, period: Period
) -> list[UnitProgress]:
    """Every unit of ``campaign`` with its submission for ``period`` (None: missing) and its
    representatives, each person once (:func:`distinct_people`), in campaign order."""
    units = await campaign_store.campaign_units(session, campaign.id)
    rows = await value_store.progress(session, units, period)
    return [replace(row, representatives=distinct_people(row.representatives)) for row in rows]


def distinct_people(people: Sequence[Representative]) -> list[Representative]:
    """``people`` with each person once, in first-seen order.

    One person can appear several times for a unit: bound from two channel accounts that each
    became a reporter (same phone), or bound without a phone and also listed by the office.
    Entries with the same phone (compared normalised: ``+84 90…`` = ``090…``) are one person;
    an entry without a phone is the same person as an entry with the same name (case and
    diacritics aside). The merged entry keeps the first name and the first phone, and is
    reachable when any of its entries is. Never raises.
    """
    merged: list[Representative] = []
    for person in people:
        phone = _phone_key(person.phone)
        index = next(
            (
                i
                for i, seen in enumerate(merged)
                if (phone and phone == _phone_key(seen.phone))
                or ((not phone or not seen.phone) and fold(person.name) == fold(seen.name))
            ),
            None,
        )
        if index is None:
            merged.append(person)
            continue
        seen = merged[index]
        merged[index] = replace(
            seen,
            name=seen.name or person.name,
            phone=seen.phone or person.phone,
            reachable=seen.reachable or person.reachable,
        )
    return merged


def _phone_key(phone: str) -> str:
    """A phone compared: normalised when it is a Vietnamese number, else as typed, stripped."""
    return normalize_phone(phone) or phone.strip() if phone.strip() else ""


def missing_lines(rows: list[UnitProgress]) -> list[str]:
    """Numbered lines "1. Thôn Đông — Nguyễn Văn An 0912345678" for units still missing, with
    "(đã chặn bot)" after people the bot cannot reach; a person bound twice is listed once."""
    lines = []
    for number, row in enumerate(rows, 1):
        people = ", ".join(_person(person) for person in distinct_people(row.representatives))
        lines.append(f"{number}. {row.unit.name}" + (f" — {people}" if people else ""))
    return lines


def _person(person: Representative) -> str:
    text = f"{person.name} {person.phone}".strip()
    return text if person.reachable else text + " " + _("(đã chặn bot)")


register(
    Flow(_FLOW, "xem tiến độ", {"campaign": campaign_step("Xem tiến độ phong trào nào?", _show)})
)
