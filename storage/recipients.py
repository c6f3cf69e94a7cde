"""Whom the bot can reach about a unit: the people bound to it, each on the chat they used last.

A person may have several channel accounts (Telegram, Zalo, the console); scheduled messages
(reminders, reopen notices, cluster lists) go to the active account they were last seen on, in
its private chat. People who blocked the bot everywhere are not reachable.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelAccount, ReporterUnit


@dataclass(frozen=True)
class Recipient:
    """One person's chat: channel, chat id, the account behind it and the reporter."""

    channel: str
    chat_id: str
    account_id: int
    reporter_id: int


async def unit_recipients(session: AsyncSession, unit_ids: list[int]) -> dict[int, list[Recipient]]:
    """For each unit id, the reachable people bound to it (one chat each: their active
    account seen last), in reporter order. Units nobody can be reached for are left out.

    One query whatever the number of units.
    """
    if not unit_ids:
        return {}
    rows = await session.execute(
        select(ReporterUnit.org_unit_id, ChannelAccount)
        .join(ChannelAccount, ChannelAccount.reporter_id == ReporterUnit.reporter_id)
        .where(ReporterUnit.org_unit_id.in_(unit_ids), ChannelAccount.is_active)
        .order_by(
            ReporterUnit.org_unit_id,
            ReporterUnit.reporter_id,
            ChannelAccount.last_seen_at.desc(),
            ChannelAccount.id.desc(),
        )
    )
    chosen: dict[tuple[int, int], Recipient] = {}
    for unit_id, account in rows:
        key = (unit_id, account.reporter_id)
        if key not in chosen:  # the first row of a person is their last-seen account
            chosen[key] = Recipient(
                account.channel, account.chat_id, account.id, account.reporter_id
            )
    by_unit: dict[int, list[Recipient]] = {}
    for (unit_id, _reporter), recipient in chosen.items():
        by_unit.setdefault(unit_id, []).append(recipient)
    return by_unit
