"""``/nhacnho`` (office): remind now the units that have not reported for a period.

``/nhacnho`` reminds for the period being collected (as ``/tiendo`` picks it), asking which
campaign when there are several; ``/nhacnho NGANAM2026 2026Q4`` names them; ``/nhacnho gap``
sends even in the quiet hours. The rule (quiet hours, once a day, units to call) is
:mod:`services.remind_now`'s, shared with the office's web page.
"""

from __future__ import annotations

from domain.i18n import N_
from domain.text import fold
from handlers.common import campaign_step
from handlers.flow import Context, Flow, command, register
from handlers.office import choose_campaign, chosen_period, refuse_if_not_office
from handlers.state import FlowName, OfficeStep, RemindData
from services.remind_now import remind_now

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
    if period is None:
        return
    answer = await remind_now(
        ctx.session, campaign, period, hours=ctx.hours, now=ctx.now, zone=ctx.zone, urgent=urgent
    )
    ctx.say(answer)


register(
    Flow(
        _FLOW,
        N_("nhắc báo cáo"),
        {
            OfficeStep.CAMPAIGN: campaign_step(
                N_("Nhắc báo cáo phong trào nào?"), _remind, RemindData
            )
        },
        RemindData,
    )
)
