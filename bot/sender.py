"""The outbox sender: delivers stored replies through a channel, paced, retried, never dropped.

Every outgoing message of a channel goes through here (replies, and later reminders and
reports). Limits come from the channel (Telegram: ~30 messages/s per bot overall, ~1/s per
private chat, 20/min per group — Bot API FAQ, "My bot is hitting limits"). The outcome of each
attempt is written to the outbox row:

- delivered: ``sent``;
- ``RetryLater`` (HTTP 429): back in its chat's queue after ``retry_after``, and the whole
  channel pauses that long (Telegram's flood control is per bot);
- ``TemporaryFailure`` (5xx, time-out, network): retried with exponential back-off
  (1 s, 2 s, 4 s … capped at 60 s) up to ``max_attempts``, then ``failed``;
- ``RecipientGone`` (HTTP 403, the person blocked the bot): ``failed`` and the account is marked
  inactive so ``/tiendo`` shows it;
- ``PermanentFailure`` (400 and the like): ``failed`` at once.
A failed message is logged with its reason and stays in the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered; the subclass says what to do about it."""


class RetryLater(DeliveryError):
    """The platform asked us to wait ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, retry_after: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {retry_after}s")
        self.retry_after = retry_after


class TemporaryFailure(DeliveryError):
    """A server error, time-out or network error: worth trying again later."""


class RecipientGone(DeliveryError):
    """The person blocked the bot or left (HTTP 403): no point trying again."""


class PermanentFailure(DeliveryError):
    """The request itself is wrong (HTTP 400 and the like): no point trying again."""


class Channel(Protocol):
    """What the sender needs from a channel adapter."""

    name: str

    async def deliver(self, chat_id: str, payload: dict[str, Any]) -> None:
        """Send one outbox payload to a chat; raise a ``DeliveryError`` subclass on failure."""
        ...

    def chat_limiter(self, chat_id: str) -> AsyncLimiter:
        """The pace allowed for one chat."""
        ...


@dataclass
class Pacing:
    """Sending limits. ``per_second``: overall messages per second for the channel."""

    per_second: float = 30.0
    max_attempts: int = 8
    base_backoff: float = 1.0
    max_backoff: float = 60.0
    lease: timedelta = timedelta(minutes=2)
    batch: int = 100
    idle_poll: float = 1.0


@dataclass
class OutboxSender:
    """Runs until stopped: claims due messages and delivers them concurrently, one chat at a
    time in order. ``wake()`` makes it look at the outbox at once (after a commit)."""

    sessions: async_sessionmaker[AsyncSession]
    channel: Channel
    now: Callable[[], datetime]
    pacing: Pacing = field(default_factory=Pacing)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _paused_until: float = 0.0
    _limiter: AsyncLimiter | None = None

    def wake(self) -> None:
        """Something was added to the outbox."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set."""
        while not stop.is_set():
            try:
                sent = await self.send_due()
            except Exception:  # the database may be briefly unavailable: keep the loop alive
                log.exception("outbox sender round failed")
                sent = 0
            if sent == 0:
                await self._sleep(stop)

    async def _sleep(self, stop: asyncio.Event) -> None:
        self._wake.clear()
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(
            waits, timeout=self.pacing.idle_poll, return_when=asyncio.FIRST_COMPLETED
        )
        for waiting in waits:
            waiting.cancel()

    async def send_due(self) -> int:
        """One round: claim what is due and send it. Returns how many were attempted."""
        async with self.sessions() as session, session.begin():
            claimed = await outbox.claim(
                session, self.channel.name, self.now(), self.pacing.lease, self.pacing.batch
            )
            work = [(row.id, row.chat_id, dict(row.payload), row.attempts) for row in claimed]
        await asyncio.gather(*(self._send_one(*item) for item in work))
        return len(work)

    async def _send_one(
        self, row_id: int, chat_id: str, payload: dict[str, Any], attempts: int
    ) -> None:
        await self._pace(chat_id)
        try:
            await self.channel.deliver(chat_id, payload)
        except DeliveryError as error:
            await self._record_failure(row_id, chat_id, attempts, error)
            return
        except Exception as error:  # an adapter bug must not lose the message either
            log.exception("unexpected delivery error")
            await self._record_failure(row_id, chat_id, attempts, TemporaryFailure(repr(error)))
            return
        async with self.sessions() as session, session.begin():
            await outbox.mark_sent(session, row_id, self.now())

    async def _pace(self, chat_id: str) -> None:
        if self._limiter is None:
            self._limiter = AsyncLimiter(self.pacing.per_second, 1)
        pause = self._paused_until - asyncio.get_running_loop().time()
        if pause > 0:
            await asyncio.sleep(pause)
        await self.channel.chat_limiter(chat_id).acquire()
        await self._limiter.acquire()

    async def _record_failure(
        self, row_id: int, chat_id: str, attempts: int, error: DeliveryError
    ) -> None:
        reason = f"{type(error).__name__}: {error}"
        async with self.sessions() as session, session.begin():
            if isinstance(error, RetryLater) and attempts < self.pacing.max_attempts * 4:
                loop_now = asyncio.get_running_loop().time()
                self._paused_until = max(self._paused_until, loop_now + error.retry_after)
                when = self.now() + timedelta(seconds=error.retry_after)
                await outbox.retry_at(session, row_id, when, reason)
            elif isinstance(error, TemporaryFailure) and attempts < self.pacing.max_attempts:
                delay = min(self.pacing.max_backoff, self.pacing.base_backoff * 2 ** (attempts - 1))
                await outbox.retry_at(
                    session, row_id, self.now() + timedelta(seconds=delay), reason
                )
            else:
                if isinstance(error, RecipientGone):
                    await outbox.deactivate_chat(session, self.channel.name, chat_id)
                await outbox.mark_failed(session, row_id, reason)
                log.warning("message %s to %s failed for good: %s", row_id, chat_id, reason)
