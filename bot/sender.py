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

The overall pace is a sliding window (``WindowLimiter``): never more than ``per_second`` sends
in any one second as the server counts them. The server counts a send at some moment between
its start and its answer, so a send keeps its place from its start until one second after its
answer. A leaky bucket such as ``aiolimiter.AsyncLimiter(30, 1)`` is not enough: after a quiet
moment it lets a burst of 30 go and then one every 1/30 s, so a server counting in a 1-second
window sees nearly 60 in the first second and answers 429 (``bench/fanout.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.backoff import backoff_delay
from bot.health import Part
from bot.leader import AlwaysHeld, SenderLease
from storage import outbox
from storage.transient import RETRY_SECONDS, StillFailing, is_transient, retrying

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered; the subclass says what to do about it.

    ``parts_sent``: for a message the channel sends in several calls (a long text), how many
    went out before the failure, so that a retry does not send them again.
    """

    parts_sent: int | None = None


class RetryLater(DeliveryError):
    """The platform asked us to wait ``retry_after`` seconds (HTTP 429); None when it gave no
    time (Zalo): the sender then backs off, ``Pacing.throttle_backoff`` doubling per attempt."""

    def __init__(self, retry_after: float | None, reason: str = "") -> None:
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


class WindowLimiter:
    """At most ``count`` sends in any ``period`` seconds, as a server counting in a sliding
    (or fixed) window of ``period`` sees them, whatever the network delay.

    A send holds a slot from the moment it starts (``async with limiter.slot()``) until
    ``period`` after it finished: the server counted it somewhere between its start and its
    end, so the next send that reuses the slot arrives at least ``period`` after it. Among any
    ``count + 1`` sends counted within less than ``period``, all would hold a slot at once, which
    the limiter never allows. A burst of ``count`` after a quiet moment is allowed (as the
    window allows it); waiting sends get slots in arrival order. The cost against the nominal
    rate is the request's latency per slot and period (a few ms against a local server).
    """

    def __init__(self, count: int, period: float = 1.0) -> None:
        if count < 1 or period <= 0:
            raise ValueError("a window limiter needs count >= 1 and period > 0")
        self.count = count
        self.period = period
        self._busy = 0  # sends in progress
        self._cooling: deque[float] = deque()  # when the slots of finished sends come free
        self._turn = asyncio.Lock()  # one waiter at a time, first come first served
        self._released = asyncio.Event()

    @classmethod
    def per_second(cls, rate: float) -> WindowLimiter:
        """``rate`` sends a second on average: ``int(rate)`` (at least one) in every
        ``int(rate) / rate`` seconds (30 -> 30 a second, 0.5 -> one in 2 s, 2.5 -> 2 in 0.8 s)."""
        count = max(1, int(rate))
        return cls(count, count / rate)

    def free(self, now: float) -> int:
        """How many sends may start at ``now`` (loop time) without waiting."""
        while self._cooling and self._cooling[0] <= now:
            self._cooling.popleft()
        return self.count - self._busy - len(self._cooling)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a free slot, hold it while the body sends, then let it cool for a period."""
        loop = asyncio.get_running_loop()
        async with self._turn:
            while self.free(loop.time()) <= 0:
                # every slot is busy or cooling: wait for the first to cool down, or for a
                # busy one to finish (then its cooling end is known)
                timeout = self._cooling[0] - loop.time() if self._cooling else None
                self._released.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._released.wait(), timeout)
            self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            self._cooling.append(loop.time() + self.period)
            self._released.set()


@dataclass
class Pacing:
    """Sending limits. ``per_second``: overall messages per second for the channel. Retries
    wait by the channels' back-off rule (:mod:`bot.channels.backoff`): ``base_backoff``
    (``throttle_backoff`` after a 429 that names no time) doubling per attempt, at most
    ``max_backoff``."""

    per_second: float = 30.0
    max_attempts: int = 8
    base_backoff: float = 1.0
    max_backoff: float = 60.0
    throttle_backoff: float = 5.0  # first wait after a 429 that names no time
    lease: timedelta = timedelta(minutes=2)
    batch: int = 100
    idle_poll: float = 1.0
    gather: float = 0.0
    """After a wake-up, wait this long (seconds) before claiming, so that one round takes the
    replies of several commits. 0: the replies of one commit already arrive together (a batch
    is one transaction), and every answer after a quiet moment paid the wait: 50 ms before,
    half of a rush's 100 ms budget for other chats (``bench/rush.py`` part 2)."""
    takeover_pause: float = 1.0  # after taking the sender lease: the platform's counting window


@dataclass
class OutboxSender:
    """Runs until stopped: claims due messages and delivers them concurrently, one chat at a
    time in order. ``wake()`` makes it look at the outbox at once (after a commit)."""

    sessions: async_sessionmaker[AsyncSession]
    channel: Channel
    now: Callable[[], datetime]
    pacing: Pacing = field(default_factory=Pacing)
    lease: SenderLease = field(default_factory=AlwaysHeld)
    health: Part | None = None
    retry_seconds: float = RETRY_SECONDS
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _paused_until: float = 0.0
    _holding: bool = False
    _limiter: WindowLimiter | None = None
    _delivered: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)
    _recorder: asyncio.Task[None] | None = None
    _chats: set[asyncio.Task[None]] = field(default_factory=set)
    _in_flight: int = 0
    _sending_to: set[str] = field(default_factory=set)  # never claimed again while sending

    def wake(self) -> None:
        """Something was added to the outbox."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set, while this process holds the channel's sender lease
        (:mod:`bot.leader`); otherwise try for it every ``idle_poll`` seconds. Chats are sent
        side by side and a new claim does not wait for the chats already being sent (one
        waiting a second for its own pace must not hold back everyone else's answer); on stop
        the chats in flight finish and are recorded before the lease is let go."""
        try:
            while not stop.is_set():
                self._wake.clear()  # before claiming: a wake-up during the round is not lost
                try:
                    started = await self._start_round() if await self._may_send(stop) else 0
                except Exception as error:  # the database may be briefly unavailable
                    if is_transient(error):
                        log.warning("outbox sender round: transient fault (%s)", error)
                    else:
                        log.exception("outbox sender round failed")
                    started = 0
                if started == 0:
                    await self._sleep(stop)
                    await asyncio.sleep(self.pacing.gather)
        finally:
            await self._drain()
            await self.lease.release()

    async def _may_send(self, stop: asyncio.Event) -> bool:
        """Whether this process holds the sender lease. Having just taken it, wait one window
        first: the process that held it before (killed, or restarted) may have sent up to the
        limit in the last second, which Telegram still counts (Bot API FAQ: ~30 a second)."""
        held = await self.lease.held()
        if held and not self._holding and not isinstance(self.lease, AlwaysHeld):
            await sleep_or_stop(stop, self.pacing.takeover_pause)
        self._holding = held
        return held and not stop.is_set()

    async def _sleep(self, stop: asyncio.Event) -> None:
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(
            waits, timeout=self.pacing.idle_poll, return_when=asyncio.FIRST_COMPLETED
        )
        for waiting in waits:
            waiting.cancel()

    async def send_due(self) -> int:
        """One round, waited for: claim what may go now, send each chat's messages in order
        (chats in parallel), record everything. Returns how many were claimed."""
        claimed = await self._start_round()
        await self._drain()
        return claimed

    async def _start_round(self) -> int:
        """Claim what may go now, up to ``pacing.batch`` rows in flight at once (each sent
        well inside its lease: 100 rows at 30/s take ~3 s of a 2-minute lease), and start
        sending each chat's rows in order. A delivery is recorded as soon as its answer
        arrives, so a crash repeats at most the messages in flight (one per chat); a chat's
        retries, failures and releases are recorded when it finishes. Returns how many rows
        were claimed (0: nothing to send, or no room: over half a batch still in flight, so
        that a flood costs one claim per half batch, not one per commit)."""
        if self._in_flight > self.pacing.batch // 2:
            return 0
        room = self.pacing.batch - self._in_flight
        async with self.sessions() as session, session.begin():
            claimed = await outbox.claim(
                session,
                self.channel.name,
                self.now(),
                self.pacing.lease,
                room,
                skip_chats=self._sending_to,
            )
            by_chat: dict[str, list[Claimed]] = {}
            for row in claimed:
                by_chat.setdefault(row.chat_id, []).append(
                    Claimed(row.id, row.chat_id, dict(row.payload), row.attempts)
                )
        for chat_id, rows in by_chat.items():
            self._in_flight += len(rows)
            self._sending_to.add(chat_id)
            task = asyncio.create_task(self._run_chat(rows))
            self._chats.add(task)
            task.add_done_callback(self._chats.discard)
        return len(claimed)

    async def _run_chat(self, rows: list[Claimed]) -> None:
        try:
            result = await self._send_chat(rows)
            if result.outcomes:
                await self._record(result.outcomes, [result])
        except Exception:  # the rows stay claimed: sent again when their lease ends
            log.exception("sending to chat %s failed", rows[0].chat_id)
        finally:
            self._in_flight -= len(rows)
            self._sending_to.discard(rows[0].chat_id)
            if self._in_flight <= self.pacing.batch // 2:
                self.wake()  # room for a claim, and the chat's next messages may go

    async def _drain(self) -> None:
        """Wait for every chat being sent to finish and be recorded."""
        while self._chats:
            await asyncio.gather(*self._chats, return_exceptions=True)

    async def _record(self, outcomes: list[outbox.Outcome], results: list[ChatResult]) -> None:
        """Write outcomes (one delivery, or the rest of a round), retrying while the database
        is briefly unavailable (:mod:`storage.transient`, up to ``retry_seconds``): an
        unrecorded delivery is sent again when its lease ends."""

        async def write() -> None:
            async with self.sessions() as session, session.begin():
                await outbox.record(session, outcomes, self.now())
                for chat in results:
                    if chat.gone:
                        await outbox.deactivate_chat(session, self.channel.name, chat.chat_id)

        try:
            await retrying(write, f"{self.channel.name} delivery record", limit=self.retry_seconds)
        except StillFailing as error:
            log.error("%s; these messages go out again when their lease ends", error)
        except Exception:
            log.exception("recording a sending round failed; sent again when the lease ends")

    async def _record_delivery(self, row_id: int) -> None:
        """Record one delivery before the chat's next message goes (a crash then repeats at
        most the message in flight). Deliveries that arrive while a record is being written
        go in the next write together (group commit: one transaction for the many chats of a
        round instead of one each; issue 15)."""
        done = asyncio.get_running_loop().create_future()
        self._delivered.append((row_id, done))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write_deliveries())
        await done

    async def _write_deliveries(self) -> None:
        while self._delivered:
            waiting, self._delivered = self._delivered, []
            try:
                await self._record([outbox.Outcome(row_id, "sent") for row_id, _ in waiting], [])
            finally:  # _record logs its own failures: the lease then sends them again
                for _row_id, done in waiting:
                    if not done.done():
                        done.set_result(None)

    async def _send_chat(self, rows: list[Claimed]) -> ChatResult:
        """Send one chat's messages in order; after a failure the rest wait for the next round."""
        result = ChatResult(rows[0].chat_id)
        for index, row in enumerate(rows):
            failure = await self._try(row)
            self._report(failure)
            if failure is None:  # recorded at once: never sent again after a crash
                await self._record_delivery(row.row_id)
                continue
            result.outcomes.append(self._judge(row, failure))
            result.gone = isinstance(failure, RecipientGone)
            result.outcomes += [
                outbox.Outcome(later.row_id, "release") for later in rows[index + 1 :]
            ]
            break
        return result

    def _report(self, failure: DeliveryError | None) -> None:
        """Tell the health check how the last send went (a refusal by the person is no
        fault of the channel)."""
        if self.health is None or isinstance(failure, RecipientGone):
            return
        if failure is None:
            self.health.ok()
        else:
            self.health.failed(f"{type(failure).__name__}: {failure}")

    async def _try(self, row: Claimed) -> DeliveryError | None:
        await self.channel.chat_limiter(row.chat_id).acquire()
        if self._limiter is None:
            self._limiter = WindowLimiter.per_second(self.pacing.per_second)
        async with self._limiter.slot():
            await self._wait_out_pause()
            try:
                await self.channel.deliver(row.chat_id, row.payload)
            except DeliveryError as error:
                return error
            except Exception as error:  # an adapter bug must not lose the message either
                log.exception("unexpected delivery error")
                return TemporaryFailure(repr(error))
            return None

    async def _wait_out_pause(self) -> None:
        """After a 429 the whole channel waits, including sends already queued for a slot."""
        loop = asyncio.get_running_loop()
        while (pause := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(pause)

    def _judge(self, row: Claimed, error: DeliveryError) -> outbox.Outcome:
        """Retry later, or give up (logged, kept in the outbox with the reason)."""
        reason = f"{type(error).__name__}: {error}"
        progress = {"parts_sent": error.parts_sent} if error.parts_sent else None
        if isinstance(error, RetryLater) and row.attempts < self.pacing.max_attempts * 4:
            asked = error.retry_after
            if asked is None:
                asked = backoff_delay(
                    row.attempts, self.pacing.throttle_backoff, self.pacing.max_backoff
                )
            wait = min(asked, self.pacing.lease.total_seconds() / 2)
            loop_now = asyncio.get_running_loop().time()
            self._paused_until = max(self._paused_until, loop_now + wait)
            when = self.now() + timedelta(seconds=asked)
            return outbox.Outcome(row.row_id, "retry", when, reason, progress)
        if isinstance(error, TemporaryFailure) and row.attempts < self.pacing.max_attempts:
            delay = backoff_delay(row.attempts, self.pacing.base_backoff, self.pacing.max_backoff)
            when = self.now() + timedelta(seconds=delay)
            return outbox.Outcome(row.row_id, "retry", when, reason, progress)
        log.warning("message %s to %s failed for good: %s", row.row_id, row.chat_id, reason)
        return outbox.Outcome(row.row_id, "failed", reason=reason)


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row, detached from its session."""

    row_id: int
    chat_id: str
    payload: dict[str, Any]
    attempts: int


@dataclass
class ChatResult:
    """What happened to one chat's messages in a round; ``gone``: the person blocked the bot."""

    chat_id: str
    outcomes: list[outbox.Outcome] = field(default_factory=list)
    gone: bool = False


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Wait ``seconds``, or less when ``stop`` is set meanwhile (the back-off of every loop
    that polls a platform)."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
