"""Office-chat resolution: where the office's reports and notices go (the Telegram groups of
``OFFICE_CHAT_IDS``, else the office users' own chats)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelAccount, Reporter

TELEGRAM = "telegram"
"""``bot.channels.telegram.channel.CHANNEL``, not imported from there: that would load aiogram (about 2 s) in
processes with no Telegram token."""


@dataclass(frozen=True)
class OfficeChat:
    """Where an office report goes: a channel's chat, and the account behind it if any."""

    channel: str
    chat_id: str
    account_id: int | None = None


async def office_chats_of(session: AsyncSession, groups: frozenset[str]) -> list[OfficeChat]:
    """The office's chats: the Telegram groups of ``OFFICE_CHAT_IDS`` when there are any, else
    the private chat of every active account of every office user; office users on other
    channels (Zalo, which has no office group setting) get theirs in any case."""
    rows = await session.execute(
        select(ChannelAccount.channel, ChannelAccount.chat_id, ChannelAccount.id)
        .join(Reporter, Reporter.id == ChannelAccount.reporter_id)
        .where(Reporter.is_office, ChannelAccount.is_active)
        .order_by(ChannelAccount.id)
    )
    chats: dict[tuple[str, str], OfficeChat] = {
        (TELEGRAM, chat_id): OfficeChat(TELEGRAM, chat_id) for chat_id in sorted(groups)
    }
    for channel, chat_id, account_id in rows:
        if groups and channel == TELEGRAM:
            continue  # Telegram office users read the group
        chats.setdefault((channel, chat_id), OfficeChat(channel, chat_id, account_id))
    return list(chats.values())
