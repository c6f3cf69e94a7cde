"""Reopening a locked period for one unit at the office's request (``/mokhoa`` and the web
page's button, issue 17): one rule, one answer for both.

The reopening is stored (``storage.reopenings``: never shortened silently) and the unit's
people are told, on the chat they used last, to type /nhap; ``/nhap`` then lets that unit, and
only that unit, enter and correct the period's figures up to the last day (late submissions).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import day
from domain.errors import DomainError
from domain.i18n import _
from domain.messages import Reply
from domain.periods import period_name
from storage import accounts
from storage import reopenings as reopen_store
from storage.models import Campaign, OrgUnit, Period
from storage.recipients import unit_recipients

MAX_DAYS = 60
"""A reopening lasts 1 to this many days from today."""


class NotLocked(DomainError):
    """Only a period past its lock date is reopened (before that the unit can still report)."""


async def reopen_for_unit(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    unit: OrgUnit,
    days: int,
    *,
    by_id: int,
    now: datetime,
    today: date,
) -> str:
    """Reopen ``period`` for ``unit`` for ``days`` days from ``today`` (in the caller's
    transaction) and queue the notice to its people; the office's Vietnamese answer. Raises
    :class:`NotLocked` for a period not locked yet and ``ValueError`` for days outside 1 to
    :data:`MAX_DAYS`."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days {days} outside 1..{MAX_DAYS}")
    if today <= period.lock_date:
        raise NotLocked(
            _("Kỳ {period} chưa khóa sổ (khóa sau ngày {lock}): đơn vị vẫn nộp được.").format(
                period=period_name(period.code), lock=day(period.lock_date)
            )
        )
    asked = today + timedelta(days=days)
    result = await reopen_store.reopen(session, period.id, unit.id, asked, by_id, now)
    names = {"period": period_name(period.code), "unit": unit.name, "until": day(result.until)}
    if result.outcome is reopen_store.Outcome.KEPT:
        return _(
            "Kỳ {period} đã được mở lại cho đơn vị {unit} đến hết ngày {until}, muộn hơn "
            "ngày bạn chọn ({asked}): giữ nguyên, không rút ngắn."
        ).format(**names, asked=day(asked))
    lines = [_("✅ Đã mở lại kỳ {period} cho đơn vị {unit} đến hết ngày {until}.").format(**names)]
    if result.previous is not None:
        lines.append(
            _("(Lần mở lại trước đến hết ngày {previous}.)").format(previous=day(result.previous))
        )
    notice = Reply(
        _(
            "Văn phòng đã mở lại kỳ {period} ({campaign}) cho đơn vị {unit} đến hết ngày "
            "{until}. Gõ /nhap để nộp số liệu."
        ).format(**names, campaign=campaign.name)
    ).to_payload()
    people = (await unit_recipients(session, [unit.id])).get(unit.id, [])
    for person in people:
        accounts.enqueue(session, person.channel, person.chat_id, person.account_id, [notice], now)
    lines.append(
        _("Đã nhắn tin báo cho {count} người của đơn vị.").format(count=len(people))
        if people
        else _(
            "Đơn vị chưa có ai nhận được tin nhắn của bot (chưa liên kết hoặc đã chặn bot): "
            "hãy báo cho đơn vị bằng cách khác."
        )
    )
    return "\n".join(lines)
