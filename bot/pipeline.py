"""The pipeline: one incoming message, one transaction.

Inside a single database transaction: drop the message if its id was processed before, find
the account, run the conversation step, store the new conversation state, the data change and
the replies (outbox). A crash anywhere before commit leaves no trace, so the channel may deliver
the message again; after commit the id is known and a redelivery is dropped.

Each update finished with is logged in one INFO line (:func:`bot.logs.log_update`: channel,
conversation step, latency, outcome; nothing personal).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import log_update
from domain.clock import Clock
from domain.i18n import _, answer_locale, translating
from domain.messages import Incoming, Reply
from domain.reminders import DailyHours
from handlers.flow import Context
from handlers.router import handle
from services import document_jobs
from storage import accounts
from storage.campaigns import CampaignCache
from storage.transient import RETRY_SECONDS, StillFailing, retrying

log = logging.getLogger(__name__)

_steps: ContextVar[dict[str, str] | None] = ContextVar("pipeline_steps", default=None)
"""Within one transaction of :meth:`Pipeline._process_all`: message id -> the conversation step
(``flow/step``) its step left the person at, for the log line after the commit."""


@dataclass
class Pipeline:
    """Processes normalised messages into stored state and outbox replies; workbooks sent as
    documents are written into ``reports_dir``; ``hours`` and ``reopen_days`` reach the
    office's ``/nhacnho`` and ``/mokhoa`` through the context."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    zone: ZoneInfo
    reports_dir: Path
    hours: DailyHours = field(default_factory=DailyHours)
    reopen_days: int = 3
    retry_seconds: float = RETRY_SECONDS
    on_document: list[Callable[[], None]] = field(default_factory=list)
    campaigns: CampaignCache = field(default_factory=CampaignCache)
    """The application's loaded campaigns, shared with the scheduler (``App.campaigns``)."""
    chats_at_once: int = 1
    """Chats of one batch processed side by side, each in its own transaction (PostgreSQL)."""
    web_address: str = ""
    """Where the office's web page answers (``Settings.web_address``): ``/web`` links to it."""
    locale: str = "vi"
    """The language of answers (``REPORTBOT_LOCALE``)."""
    person_locale: bool = False
    """``REPORTBOT_PERSON_LOCALE``: answer a person in their app's language when the bot has it
    (a Telegram user whose app is in English gets English, one in Vietnamese Vietnamese)."""
    """Called after a commit that asked for a workbook (the document worker's wake-up)."""

    async def process(self, incoming: Incoming) -> bool:
        """Handle one message; False when it was a duplicate and was dropped.

        A transient database fault (busy, locked, connection lost, serialization failure:
        :mod:`storage.transient`) rolls the step back and runs it again with back-off for up to
        ``retry_seconds``; the message is not marked processed meanwhile, and if the fault
        outlasts that, :class:`~storage.transient.StillFailing` is raised for the channel to
        deliver the message again. Any other error rolls the whole step back (nothing
        half-saved) and the person gets an apology with the state they had, so nothing they
        entered before is lost.
        """
        what = f"{incoming.channel} message {incoming.message_id}"
        started = time.perf_counter()
        try:
            return await retrying(lambda: self._process(incoming), what, limit=self.retry_seconds)
        except StillFailing:
            log_update(incoming.channel, "", time.perf_counter() - started, "retry")
            raise
        except Exception:
            log.exception("step failed for %s", what)
            done = await retrying(lambda: self._apologise(incoming), what, limit=self.retry_seconds)
            log_update(incoming.channel, "", time.perf_counter() - started, "failed")
            return done

    async def process_batch(self, batch: list[Incoming]) -> list[bool]:
        """Handle several messages in order in one transaction, committed once (issue 15: one
        commit per fetched batch instead of one per message); for each, False when it was a
        duplicate. The caller confirms the batch to the channel only after this returns.

        The batch's message ids are recorded first, by one statement
        (:func:`storage.accounts.mark_all_processed`): a duplicate is known before any step
        runs, and the ids commit with the steps. A transient fault retries the whole batch
        (:meth:`process`'s rule). Any other error
        rolls the batch back and redoes it one message per transaction with :meth:`process`,
        so only the faulty message gets the apology and the others are stored as usual. A
        message that changes what the next one sees (a person's state, a submission) is seen
        by it: the steps share the transaction.

        With ``chats_at_once`` above 1 (PostgreSQL, where transactions run side by side) the
        batch is split by chat: each chat's messages, in order, in a transaction of their own,
        up to ``chats_at_once`` chats at a time. Rows two chats both change (two people of one
        unit) are then guarded by the database: a serialization failure or deadlock is a
        transient fault, retried."""
        if self.chats_at_once > 1 and len(batch) > 1:
            return await self._by_chat(batch)
        return await self._together(batch)

    async def _by_chat(self, batch: list[Incoming]) -> list[bool]:
        chats: dict[tuple[str, str], list[int]] = {}
        for position, incoming in enumerate(batch):
            chats.setdefault((incoming.channel, incoming.chat_id), []).append(position)
        turns = asyncio.Semaphore(self.chats_at_once)
        results: list[bool] = [False] * len(batch)

        async def one_chat(positions: list[int]) -> None:
            async with turns:
                done = await self._together([batch[p] for p in positions])
            for position, result in zip(positions, done, strict=True):
                results[position] = result

        await asyncio.gather(*(one_chat(positions) for positions in chats.values()))
        return results

    async def _together(self, batch: list[Incoming]) -> list[bool]:
        if len(batch) <= 1:
            return [await self.process(incoming) for incoming in batch]
        what = f"batch of {len(batch)} messages from {batch[0].message_id}"
        started = time.perf_counter()
        try:
            return await retrying(lambda: self._process_all(batch), what, limit=self.retry_seconds)
        except StillFailing:
            for incoming in batch:
                log_update(incoming.channel, "", time.perf_counter() - started, "retry")
            raise
        except Exception:
            log.warning("%s failed; redone one message at a time", what, exc_info=True)
            return [await self.process(incoming) for incoming in batch]

    async def _process(self, incoming: Incoming) -> bool:
        return (await self._process_all([incoming]))[0]

    async def _process_all(self, batch: list[Incoming]) -> list[bool]:
        asked = False
        started, steps = time.perf_counter(), dict[str, str]()
        noting = _steps.set(steps)
        try:
            async with self.sessions() as session, session.begin():
                done = await accounts.mark_all_processed(
                    session, [(i.channel, i.message_id) for i in batch], self.clock.now()
                )
                new = [incoming for incoming, fresh in zip(batch, done, strict=True) if fresh]
                read = await accounts.read_senders(
                    session, [(i.channel, i.external_id) for i in new]
                )
                for incoming in new:  # a duplicate is dropped; the others in order
                    who = read.pop((incoming.channel, incoming.external_id), None)
                    await self._step(session, incoming, who)  # a sender's next one reads anew
                asked = document_jobs.asked(session)
        finally:
            _steps.reset(noting)
        latency = time.perf_counter() - started  # of the transaction (a batch's is shared)
        for incoming, fresh in zip(batch, done, strict=True):
            step = steps.get(incoming.message_id, "idle")
            log_update(incoming.channel, step, latency, "processed" if fresh else "duplicate")
        if asked:
            for wake in self.on_document:
                wake()
        return done

    def _locale(self, incoming: Incoming) -> str:
        return answer_locale(incoming.language_code, self.locale, self.person_locale)

    async def _step(
        self, session: AsyncSession, incoming: Incoming, read: accounts.Sender | None
    ) -> None:
        """One new message inside the caller's transaction (its id recorded already, with the
        batch's): the account, the conversation step, its state and its replies, in the
        person's language. ``read``: the sender as read with the batch's others, for their
        first message in it (None: read here)."""
        with translating(self._locale(incoming)):
            await self._step_in_locale(session, incoming, read)

    async def _step_in_locale(
        self, session: AsyncSession, incoming: Incoming, read: accounts.Sender | None
    ) -> None:
        now = self.clock.now()
        sender = await accounts.load_sender(
            session,
            incoming.channel,
            incoming.external_id,
            incoming.chat_id,
            incoming.display_name,
            now,
            private=not incoming.is_group,
            read=read,
        )
        account = sender.account
        ctx = Context(
            session=session,
            account=account,
            reporter=sender.reporter,
            state=sender.state,
            incoming=incoming,
            now=now,
            zone=self.zone,
            reports_dir=self.reports_dir,
            hours=self.hours,
            reopen_days=self.reopen_days,
            campaigns=self.campaigns,
            web_address=self.web_address,
        )
        await handle(ctx)
        _note_step(incoming, ctx.state.flow, ctx.state.step)
        replies = ctx.finish_replies()
        await accounts.save_state(session, account.id, ctx.state, now)
        await accounts.enqueue_now(
            session,
            incoming.channel,
            incoming.chat_id,
            account.id,
            [reply.to_payload() for reply in replies],
            now,
        )

    async def _apologise(self, incoming: Incoming) -> bool:
        now = self.clock.now()
        with translating(self._locale(incoming)):
            text = _(
                "Xin lỗi, bot gặp lỗi khi xử lý tin nhắn này. Số liệu bạn đã nhập trước đó vẫn được giữ. "
                "Vui lòng thử lại, hoặc gõ /huy rồi làm lại."
            )
        reply = Reply(text)
        async with self.sessions() as session, session.begin():
            if not await accounts.mark_processed(
                session, incoming.channel, incoming.message_id, now
            ):
                return False
            accounts.enqueue(
                session, incoming.channel, incoming.chat_id, None, [reply.to_payload()], now
            )
        return True


def _note_step(incoming: Incoming, flow: str | None, step: str | None) -> None:
    """Remember where ``incoming`` left the person (``flow/step``, ``idle``) for its log line."""
    steps = _steps.get()
    if steps is not None:
        steps[incoming.message_id] = f"{flow}/{step}" if flow else "idle"
