"""Excel reports for the office: ``/tonghop`` (the consolidated workbook of a campaign period)
and ``/dangkythidua`` (the registrations workbook), sent as documents.

``/tonghop`` takes the campaign and period as ``/tiendo`` does (``/tonghop NGANAM2026 2026Q3``;
numbered choices when several campaigns fit; without a period the one being collected now).
The workbook is written into the reports folder (``REPORTBOT_REPORTS_DIR``) under a unique
name and sent under a short ASCII name (``Tong-hop-NGANAM2026-2026Q4.xlsx``): phones and mail
programs mangle accented file names. The step only records the request and answers "đang lập
báo cáo…": the workbook is built after the commit by the document worker
(``services.document_jobs``), so a big build never holds up another chat's step.
"""

from __future__ import annotations

from domain.i18n import N_, _
from domain.periods import period_name
from handlers.common import campaign_step
from handlers.flow import Context, Flow, command, register
from handlers.office import choose_campaign, chosen_period, refuse_if_not_office
from handlers.state import FlowName, OfficeChoice, OfficeStep
from services import document_jobs

_CONSOLIDATED = FlowName.TONGHOP
_REGISTRATIONS = FlowName.DANGKYTHIDUA


@command(_CONSOLIDATED)
async def consolidated_command(ctx: Context, args: str) -> None:
    """``/tonghop [CAMPAIGN] [PERIOD]``: the consolidated workbook, as a document (office only)."""
    if refuse_if_not_office(ctx):
        return
    await choose_campaign(ctx, args, _CONSOLIDATED, _send_consolidated, OfficeChoice())


async def _send_consolidated(ctx: Context, campaign_id: int) -> None:
    campaign = await ctx.campaign(campaign_id)
    period = chosen_period(ctx, campaign)
    if period is None:
        return
    _queue(ctx, document_jobs.CONSOLIDATED, campaign.id, period.id)
    ctx.say(
        _(
            "⏳ Đang lập báo cáo tổng hợp {period} — {campaign}. Bot sẽ gửi file Excel ngay khi xong."
        ).format(period=period_name(period.code), campaign=campaign.name)
    )


@command(_REGISTRATIONS)
async def registrations_command(ctx: Context, args: str) -> None:
    """``/dangkythidua [CAMPAIGN]``: the registrations workbook, as a document (office only)."""
    if refuse_if_not_office(ctx):
        return
    await choose_campaign(ctx, args, _REGISTRATIONS, _send_registrations, OfficeChoice())


async def _send_registrations(ctx: Context, campaign_id: int) -> None:
    ctx.finish()
    campaign = await ctx.campaign(campaign_id)
    _queue(ctx, document_jobs.REGISTRATIONS, campaign.id, None)
    ctx.say(
        _(
            "⏳ Đang lập danh sách đăng ký thi đua — {campaign}. Bot sẽ gửi file Excel ngay khi xong."
        ).format(campaign=campaign.name)
    )


def _queue(ctx: Context, kind: str, campaign_id: int, period_id: int | None) -> None:
    """Ask for the workbook, built after this step commits (``services.document_jobs``)."""
    incoming = ctx.incoming
    asker = document_jobs.Recipient(incoming.channel, incoming.chat_id, ctx.account.id)
    document_jobs.queue(ctx.session, kind, campaign_id, period_id, [asker], ctx.now)


register(
    Flow(
        _CONSOLIDATED,
        N_("lập báo cáo tổng hợp"),
        {
            OfficeStep.CAMPAIGN: campaign_step(
                N_("Lập báo cáo tổng hợp cho phong trào nào?"), _send_consolidated, OfficeChoice
            )
        },
        OfficeChoice,
    )
)
register(
    Flow(
        _REGISTRATIONS,
        N_("xem danh sách đăng ký thi đua"),
        {
            OfficeStep.CAMPAIGN: campaign_step(
                N_("Xem danh sách đăng ký thi đua của phong trào nào?"),
                _send_registrations,
                OfficeChoice,
            )
        },
        OfficeChoice,
    )
)
