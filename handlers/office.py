"""Office conversations (văn phòng): ``/tiendo``, the reporting progress of a period, and the
campaign and period choice the office's commands share (``handlers.reports`` too).

``/tiendo`` alone shows the current period of the campaign (asking which campaign when there
are several); ``/tiendo 2026Q3`` or ``/tiendo NGANAM2023 2026Q3`` picks another period.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date

from domain.i18n import N_, _
from domain.periods import WHOLE_CAMPAIGN, is_period_word
from domain.text import fold
from handlers.common import campaign_step
from handlers.flow import Context, Flow, command, register
from handlers.state import FlowName, OfficeChoice, OfficeStep, ProgressData
from services.progress import progress_text
from storage import campaigns as campaign_store
from storage.models import Campaign, Period

_FLOW = FlowName.TIENDO


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
    await choose_campaign(ctx, args, _FLOW, _show, ProgressData())


async def choose_campaign(
    ctx: Context,
    args: str,
    flow: str,
    then: Callable[[Context, int], Awaitable[None]],
    data: OfficeChoice,
) -> None:
    """Find the campaign an office command is about, then call ``then`` with its id.

    ``args`` may name a campaign code and a period code (``NGANAM2026 2026Q3``, in any order);
    the period is kept in ``data.period`` for :func:`chosen_period`. Without a code, campaigns
    having the period named are preferred; several left: ``flow``'s "campaign" step asks which
    (a ``handlers.common.campaign_step``). No campaign at all: says so. ``data`` (the flow's
    data class, with anything else ``then`` needs) becomes the flow's data.
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
    data.campaigns, data.period = [c.id for c in candidates], wanted
    ctx.set_data(data)
    if len(candidates) == 1:
        await then(ctx, candidates[0].id)
    else:
        await ctx.goto(flow, OfficeStep.CAMPAIGN)


def _period_word(words: list[str]) -> str | None:
    """The period named after the command: a DHIS2 id (``2026Q3``) or the whole campaign
    (``CADOT``, "cả đợt" typed in two words, with or without diacritics)."""
    if re.search(r"\bCA ?DOT\b", fold(" ".join(words)).upper()):
        return WHOLE_CAMPAIGN
    return next((w for w in words if is_period_word(w)), None)


def _has_period(campaign: Campaign, code: str) -> bool:
    return any(p.code.upper() == code for p in campaign.periods)


def chosen_period(ctx: Context, campaign: Campaign) -> Period | None:
    """Leave the flow and return the period asked for in :func:`choose_campaign`: the code
    given, else the oldest open period (the one being collected now, as in /nhap), else the
    latest started one. None, after saying why, for an unknown code or a campaign without
    periods."""
    wanted = ctx.data(OfficeChoice).period
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


register(
    Flow(
        _FLOW,
        N_("xem tiến độ"),
        {
            OfficeStep.CAMPAIGN: campaign_step(
                N_("Xem tiến độ phong trào nào?"), _show, ProgressData
            )
        },
        ProgressData,
    )
)
