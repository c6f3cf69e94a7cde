"""Retention: rows the bot needs only for a while, deleted by the housekeeping job
(``bot.scheduler.Jobs.housekeeping``, issue 15).

- Sent outbox messages (``storage.outbox.prune_sent``): once delivered, a reply is history;
  pending, sending and failed ones are never deleted.
- Processed message ids (:func:`prune_processed`): an id only has to outlive every redelivery
  of its message, which is why ``RETENTION_DAYS`` may not be below 2 (``bot.settings``):
  Telegram keeps an unconfirmed update for 24 hours (Bot API, "Getting updates"), and Zalo's
  and the webhooks' retries come within minutes.

Everything else (figures, their audit, submissions, reminders, notices) is the campaign's
record and is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedMessage

CHUNK = 1000
"""Rows deleted per transaction: about 10-20 ms of SQLite's write lock on this machine."""


async def prune_processed(session: AsyncSession, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` processed message ids recorded (``processed_at``, UTC, aware)
    before ``before``, oldest first; returns how many were deleted (0..``limit``).

    Found through ``ix_processed_message_processed_at``; the caller runs one call per
    transaction so that a long backlog never holds the write lock for long.
    """
    key = tuple_(ProcessedMessage.channel, ProcessedMessage.message_id)
    oldest = (
        select(ProcessedMessage.channel, ProcessedMessage.message_id)
        .where(ProcessedMessage.processed_at < before)
        .order_by(ProcessedMessage.processed_at)
        .limit(limit)
    )
    result = await session.execute(
        delete(ProcessedMessage).where(key.in_(oldest)).execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount
