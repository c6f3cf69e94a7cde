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

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedMessage

CHUNK = 1000
"""Rows deleted per transaction. On this 2-core machine, 100,000 rows of each table in
SQLite: a chunk holds the write lock about 13 ms for outbox rows and 2 ms for ids."""


async def prune_processed(session: AsyncSession, before: datetime, limit: int) -> int:
    """Delete the oldest processed message ids recorded (``processed_at``, UTC, aware) before
    ``before``: ``limit`` of them, plus any recorded in the same instant as the last of those
    (all of them when fewer are left); returns how many were deleted.

    Cut by time rather than by key, so that both the search and the deletion are ranges of
    ``ix_processed_message_processed_at`` (PostgreSQL deleted a list of keys by scanning the
    whole table). The caller runs one call per transaction so that a long backlog never holds
    the write lock for long.
    """
    recorded = ProcessedMessage.processed_at
    last = await session.scalar(
        select(recorded).where(recorded < before).order_by(recorded).offset(limit - 1).limit(1)
    )
    upto = recorded < before if last is None else recorded <= last
    result = await session.execute(
        delete(ProcessedMessage).where(upto).execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount
