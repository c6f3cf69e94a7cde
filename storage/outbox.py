"""The outbox: replies stored in the same transaction as the change that caused them, and
delivered afterwards by a sender, so that nothing is lost when a process dies in between."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import OutboxMessage, OutboxStatus

Deliver = Callable[[OutboxMessage], Awaitable[None]]


async def pending(
    session: AsyncSession, channel: str, chat_id: str | None = None, limit: int = 100
) -> list[OutboxMessage]:
    """The oldest pending messages of a channel (of one chat if given), oldest first."""
    query = select(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.PENDING
    )
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    rows = await session.scalars(query.order_by(OutboxMessage.id).limit(limit))
    return list(rows)


async def deliver_pending(
    sessions: async_sessionmaker[AsyncSession],
    channel: str,
    deliver: Deliver,
    now: Callable[[], datetime],
    chat_id: str | None = None,
) -> int:
    """Send every pending message of ``channel`` through ``deliver`` and mark it sent.

    A message whose delivery raises is marked failed with the reason kept (never dropped
    silently). Returns how many were sent.
    """
    sent = 0
    async with sessions() as session, session.begin():
        for message in await pending(session, channel, chat_id):
            message.attempts += 1
            try:
                await deliver(message)
            except Exception as error:  # the reason is kept on the row
                message.status = OutboxStatus.FAILED
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                continue
            message.status = OutboxStatus.SENT
            message.sent_at = now()
            sent += 1
    return sent
