"""What the office chats get about a period: the automatic consolidated workbook after the due
date (:func:`push_period_report`, also ``reportbot report --send``), the list of units still
missing a few days later (:func:`push_office_list`) and the lock notice
(:func:`push_lock_notice`). The scheduler (``bot.scheduler``) records each once per period
(``storage.reminders.record_notice``) in the same transaction.

Everything goes through the outbox in the caller's transaction, like any reply: the sender
paces it, retries it and never sends it twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import day
from domain.i18n import _
from domain.messages import Reply
from services import document_jobs
from services.notices import locked_text, overdue_text
from services.office_chats import OfficeChat, office_chats_of
from services.progress import missing_lines, period_progress, progress_text
from storage import accounts
from storage.models import Campaign, Period


async def push_period_report(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    *,
    now: datetime,
    office_chats: frozenset[str],
) -> int:
    """Ask for the consolidated workbook of ``campaign`` (loaded with its periods) for
    ``period`` for every office chat (see :func:`office_chats_of`; ``office_chats`` are the
    ``OFFICE_CHAT_IDS`` groups), followed by the progress text (the units still missing and
    whom to call). The workbook is built after the commit by the document worker
    (``services.document_jobs``), off the write path.

    Works in the caller's transaction and does not commit. Returns how many chats get it
    (0 when the office has no chat yet: nothing is queued then).
    """
    chats = await office_chats_of(session, office_chats)
    if not chats:
        return 0
    note = _("Báo cáo tự động sau hạn nộp {due}.").format(due=day(period.due_date))
    progress = Reply(await progress_text(session, campaign, period)).to_payload()
    recipients = [document_jobs.Recipient(c.channel, c.chat_id, c.account_id) for c in chats]
    document_jobs.queue(
        session,
        document_jobs.CONSOLIDATED,
        campaign.id,
        period.id,
        recipients,
        now,
        note=note,
        after=[progress],
    )
    return len(chats)


async def push_office_list(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    *,
    now: datetime,
    zone: ZoneInfo,
    office_chats: frozenset[str],
) -> int:
    """Queue to every office chat the units still missing for ``period`` after its due date,
    with whom to call. Nothing when every unit has reported or the office has no chat.
    Returns how many chats get it; does not commit."""
    chats = await office_chats_of(session, office_chats)
    rows = await period_progress(session, campaign, period)
    missing = [row for row in rows if row.submission is None]
    if not chats or not missing:
        return 0
    today = now.astimezone(zone).date()
    text = "\n".join(
        [
            overdue_text(period, len(missing), len(rows), today),
            campaign.name,
            *missing_lines(missing),
            _("Xem chi tiết: /tiendo {code} · Nhắc ngay: /nhacnho").format(code=period.code),
        ]
    )
    _send(session, chats, [Reply(text).to_payload()], now)
    return len(chats)


async def push_lock_notice(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    *,
    now: datetime,
    office_chats: frozenset[str],
) -> int:
    """Queue to every office chat that ``period`` is locked: how many reported and the units
    that did not. Returns how many chats get it (0: the office has no chat); does not commit."""
    chats = await office_chats_of(session, office_chats)
    if not chats:
        return 0
    rows = await period_progress(session, campaign, period)
    missing = [row for row in rows if row.submission is None]
    lines = [locked_text(campaign, period, len(rows) - len(missing), len(rows))]
    if missing:
        lines += [_("Chưa nộp ({count}):").format(count=len(missing)), *missing_lines(missing)]
    _send(session, chats, [Reply("\n".join(lines)).to_payload()], now)
    return len(chats)


def _send(
    session: AsyncSession, chats: list[OfficeChat], payloads: list[dict[str, Any]], now: datetime
) -> None:
    for chat in chats:
        accounts.enqueue(session, chat.channel, chat.chat_id, chat.account_id, payloads, now)
