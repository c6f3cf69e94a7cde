"""Scheduled work: reminders, escalations, the automatic report and lock notices.

APScheduler 3 runs three jobs inside ``reportbot run`` (every minute, and once at start):

- ``reminders``: for every period open today, the latest reminder due by the campaign's policy
  (``domain.reminders``) to each unit that has not submitted, and the office's deferred
  ``/nhacnho`` requests once the quiet hours end;
- ``notices``: the automatic consolidated report after the due date, the office's list of
  missing units and the cluster heads' lists;
- ``roll-over``: the lock notice after a period's lock date. Periods are created at import
  and open and lock by date (``domain.periods``); entry after the lock date is refused by
  ``/nhap`` unless the office reopened it for the unit (``/mokhoa``).

A fourth, ``housekeeping`` (every hour, and once at start), deletes sent outbox messages and
processed message ids older than ``RETENTION_DAYS`` (``storage.retention``).

What is due is always computed from the database and the clock, never from the scheduler's
memory: each message is recorded under a unique key in the transaction that queues it
(``storage.reminders``), so a restart or a second process neither loses nor repeats one, and
a bot that was down catches up with only the latest reminder per unit. The queued messages go
out through the outbox sender like any reply (paced, retried).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from domain.clock import Clock
from domain.periods import period_name
from domain.reminders import (
    CLUSTER,
    LOCKED,
    MANUAL,
    OFFICE,
    REPORT,
    DailyHours,
    ReminderPolicy,
    latest_due,
    manual_kind,
    notice_moments,
    reminder_schedule,
)
from services import review_notices
from services.notices import kind_label, notify_cluster_heads, remind_units
from services.office_chats import office_chats_of
from services.office_reports import (
    push_lock_notice,
    push_office_list,
    push_period_report,
)
from storage import campaigns as campaign_store
from storage import outbox as outbox_store
from storage import reminders as reminder_store
from storage import retention as retention_store
from storage import reviews as review_store
from storage.campaigns import CampaignCache
from storage.models import Campaign, Period, Review
from storage.transient import RETRY_SECONDS, StillFailing, retrying

log = logging.getLogger(__name__)

TICK = timedelta(minutes=1)
DONE = "-done"  # suffix of the notice recording that a deferred request was carried out
HOUSEKEEPING_EVERY = timedelta(hours=1)
PRUNE_PAUSE = 0.05
"""Seconds between two deletion chunks, for other writers (other processes) to take the lock."""
PRUNE_MAX_CHUNKS = 200
"""Chunks one housekeeping run deletes at most per table; the rest waits for the next run."""

Prune = Callable[[AsyncSession, datetime, int], Awaitable[int]]


def policy_of(campaign: Campaign) -> ReminderPolicy:
    """The reminder policy stored on a campaign (from its template)."""
    return ReminderPolicy(
        days_before=tuple(campaign.remind_days_before or ()),
        on_due=campaign.remind_on_due,
        overdue_days=campaign.remind_overdue_days,
        office_after_days=campaign.escalate_office_days,
        cluster_after_days=campaign.escalate_cluster_days,
    )


@dataclass
class Round:
    """What one run of the jobs queued: lines for the operator (Vietnamese, one per action)."""

    lines: list[str] = field(default_factory=list)
    messages: int = 0

    def add(self, messages: int, line: str) -> None:
        """Count ``messages`` queued and keep ``line`` describing them."""
        self.messages += messages
        self.lines.append(line)


@dataclass
class Jobs:
    """The scheduled work over the database. Every method reads the time from ``clock`` and
    works in its own transactions; ``wake`` tells the senders that the outbox has news."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    zone: ZoneInfo
    hours: DailyHours
    report_delay: timedelta
    reports_dir: Path
    office_chats: frozenset[str]
    wake: Callable[[], None] = lambda: None
    retry_seconds: float = RETRY_SECONDS
    retention: timedelta = timedelta(days=30)
    prune_chunk: int = retention_store.CHUNK
    campaigns: CampaignCache = field(default_factory=CampaignCache)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        wake: Callable[[], None] = lambda: None,
        campaigns: CampaignCache | None = None,
    ) -> Jobs:
        """The jobs configured by the settings (hours, report delay, reports folder, groups)."""
        return cls(
            sessions=sessions,
            clock=clock,
            zone=settings.zone,
            hours=settings.daily_hours,
            report_delay=timedelta(hours=settings.report_delay_hours),
            reports_dir=settings.reports_dir,
            office_chats=settings.office_chats,
            wake=wake,
            retry_seconds=settings.transient_retry_seconds,
            retention=timedelta(days=settings.retention_days),
            campaigns=campaigns or CampaignCache(),
        )

    async def run_all(self) -> Round:
        """Every job once, in order: reminders, notices, roll-over."""
        done = Round()
        for job in (self.reminders, self.notices, self.roll_over):
            part = await job()
            done.lines += part.lines
            done.messages += part.messages
        return done

    async def _campaigns(self) -> list[Campaign]:
        async def read() -> list[Campaign]:
            async with self.sessions() as session, session.begin():
                listed = await campaign_store.list_campaigns(session)
                return [await self.campaigns.get(session, c.id) for c in listed]

        return await retrying(read, "scheduled jobs: campaigns", limit=self.retry_seconds)

    async def _notices(self, period_ids: set[int]) -> set[tuple[int, str, str]]:
        """The notices recorded for ``period_ids`` (retried like every step)."""

        async def read() -> set[tuple[int, str, str]]:
            async with self.sessions() as session, session.begin():
                return await reminder_store.notices_of(session, period_ids)

        return await retrying(read, "scheduled jobs: notices", limit=self.retry_seconds)

    async def _safely(self, work: Callable[[], Awaitable[None]], what: str) -> None:
        """Run one campaign period's work (``work`` makes a fresh attempt each call) by the
        pipeline's rule (:mod:`storage.transient`): a transient database fault is retried with
        back-off for up to ``retry_seconds``; one that outlasts that, or a bug (a report that
        cannot be built), is logged and rolled back, the other periods go on, and the next tick
        tries again. Each piece records what it queued in the same transaction, so a retry
        never queues a message twice."""
        try:
            await retrying(work, what, limit=self.retry_seconds)
        except StillFailing as error:
            log.warning("%s; the next tick tries again", error)
        except Exception:
            log.exception("%s failed; the others go on, the next tick retries it", what)

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    async def reminders(self) -> Round:
        """The latest due reminder of every open period to the units that have not reported,
        and deferred ``/nhacnho`` requests for today once it is not quiet."""
        now, done = self.clock.now(), Round()
        today = self._today(now)
        open_now: list[tuple[Campaign, Period]] = []
        for campaign in await self._campaigns():
            policy = policy_of(campaign)
            for period in campaign.periods:
                dates = campaign_store.period_dates(period)
                if not dates.start <= today <= dates.lock:
                    continue
                open_now.append((campaign, period))
                entry = latest_due(reminder_schedule(policy, dates), now, self.hours, self.zone)
                if entry is not None:
                    await self._safely(
                        partial(self._remind, campaign, period, entry.kind, now, done),
                        f"reminders {period.code} of {campaign.code}",
                    )
        if not self.hours.is_quiet(now.astimezone(self.zone)):
            await self._deferred(open_now, now, done)
        await self._scoring_reminders(now, done)
        self._woken(done)
        return done

    async def _scoring_reminders(self, now: datetime, done: Round) -> None:
        """Reminders before each review's scoring windows close (``services.review_notices``)."""
        today = self._today(now)
        for campaign, review in await self._reviews():
            policy = policy_of(campaign)
            for role, first, last in review_notices.windows(review):
                if not first <= today <= last:
                    continue
                kind = review_notices.due_kind(
                    policy, role, first, last, now, self.hours, self.zone
                )
                if kind is not None:
                    await self._safely(
                        partial(self._remind_scorers, campaign, review, kind, now, done),
                        f"scoring reminders {review.code} of {campaign.code}",
                    )

    async def _reviews(self) -> list[tuple[Campaign, Review]]:
        campaigns = {c.id: c for c in await self._campaigns()}

        async def read() -> list[Review]:
            async with self.sessions() as session, session.begin():
                return await review_store.all_reviews(session, list(campaigns))

        found = await retrying(read, "reading reviews", limit=self.retry_seconds)
        return [(campaigns[r.campaign_id], r) for r in found]

    async def _remind_scorers(
        self, campaign: Campaign, review: Review, kind: str, now: datetime, done: Round
    ) -> None:
        async with self.sessions() as session, session.begin():
            fanout = await review_notices.remind_scorers(
                session, campaign, review, kind, now, self.zone
            )
        if fanout.reminded:
            done.add(
                fanout.chats,
                f"Nhắc chấm điểm ({kind}) {review.name} — {campaign.name}: "
                f"{fanout.reminded} đơn vị, {fanout.chats} tin nhắn",
            )

    async def _remind(
        self, campaign: Campaign, period: Period, kind: str, now: datetime, done: Round
    ) -> None:
        async with self.sessions() as session, session.begin():
            fanout = await remind_units(session, campaign, period, kind, now, self.zone)
        if fanout.reminded:
            done.add(
                fanout.chats,
                f"Nhắc {kind_label(kind)} {period_name(period.code)} — {campaign.name}: "
                f"{fanout.reminded} đơn vị, {fanout.chats} tin nhắn"
                + (
                    f"; {len(fanout.unreachable)} đơn vị chưa có ai dùng bot"
                    if fanout.unreachable
                    else ""
                ),
            )

    async def _deferred(
        self, open_now: list[tuple[Campaign, Period]], now: datetime, done: Round
    ) -> None:
        """Carry out the ``/nhacnho`` requests made in the quiet hours for today."""
        target = self._today(now).isoformat()
        notices = await self._notices({p.id for _c, p in open_now})
        for campaign, period in open_now:
            asked = (period.id, MANUAL, target) in notices
            if asked and (period.id, MANUAL + DONE, target) not in notices:
                await self._safely(
                    partial(self._asked, campaign, period, now, done),
                    f"/nhacnho of {period.code} of {campaign.code}",
                )

    async def _asked(self, campaign: Campaign, period: Period, now: datetime, done: Round) -> None:
        target = self._today(now).isoformat()
        async with self.sessions() as session, session.begin():
            kind = manual_kind(self._today(now))
            fanout = await remind_units(session, campaign, period, kind, now, self.zone)
            await reminder_store.record_notice(
                session, period.id, MANUAL + DONE, target, fanout.chats, now
            )
        if fanout.reminded:
            done.add(
                fanout.chats,
                f"Nhắc theo yêu cầu văn phòng {period_name(period.code)} — {campaign.name}: "
                f"{fanout.reminded} đơn vị",
            )

    async def notices(self) -> Round:
        """After a due date: the automatic report, then the office's and the cluster heads'
        lists of missing units, each once per period and only while the period is open."""
        now, done = self.clock.now(), Round()
        local = now.astimezone(self.zone)
        if self.hours.is_quiet(local):
            return done
        for campaign, period, kind in await self._due(local, (REPORT, OFFICE, CLUSTER)):
            send = {REPORT: self._report, OFFICE: self._office_list}.get(kind, self._cluster_lists)
            await self._safely(
                partial(send, campaign, period, now, done),
                f"{kind} notice of {period.code} of {campaign.code}",
            )
        self._woken(done)
        return done

    async def _due(
        self, local: datetime, kinds: tuple[str, ...]
    ) -> list[tuple[Campaign, Period, str]]:
        """(campaign, period, kind) of every notice of ``kinds`` whose window holds ``local``
        and that is not recorded yet."""
        due: list[tuple[Campaign, Period, str]] = []
        for campaign in await self._campaigns():
            policy = policy_of(campaign)
            for period in campaign.periods:
                dates = campaign_store.period_dates(period)
                times = notice_moments(policy, dates, self.hours, self.zone, self.report_delay)
                for kind in kinds:
                    start, end = times.window(kind)
                    if start <= local < end:
                        due.append((campaign, period, kind))
        return await self._not_recorded(due)

    async def _not_recorded(
        self, due: list[tuple[Campaign, Period, str]]
    ) -> list[tuple[Campaign, Period, str]]:
        """The due notices not recorded yet (cluster lists: until every cluster is)."""
        if not due:
            return []
        notices = await self._notices({p.id for _c, p, _k in due})
        kinds = {(period_id, kind) for period_id, kind, _target in notices}
        return [
            (campaign, period, kind)
            for campaign, period, kind in due
            if kind == CLUSTER or (period.id, kind) not in kinds
        ]

    async def _report(self, campaign: Campaign, period: Period, now: datetime, done: Round) -> None:
        async with self.sessions() as session, session.begin():
            chats = await self._claim(session, period, REPORT, now)
            if chats:
                await push_period_report(
                    session,
                    campaign,
                    period,
                    now=now,
                    office_chats=self.office_chats,
                )
        if chats:
            done.add(
                2 * chats,
                f"Báo cáo tự động {period_name(period.code)} — {campaign.name}: {chats} nơi nhận",
            )

    async def _office_list(
        self, campaign: Campaign, period: Period, now: datetime, done: Round
    ) -> None:
        async with self.sessions() as session, session.begin():
            chats = await self._claim(session, period, OFFICE, now)
            if chats:
                chats = await push_office_list(
                    session,
                    campaign,
                    period,
                    now=now,
                    zone=self.zone,
                    office_chats=self.office_chats,
                )
        if chats:
            done.add(
                chats, f"Báo văn phòng đơn vị chưa nộp {period_name(period.code)} — {campaign.name}"
            )

    async def _claim(self, session: AsyncSession, period: Period, kind: str, now: datetime) -> int:
        """Record the office notice ``kind`` of ``period`` if it is not recorded yet and the
        office has a chat; returns how many office chats it goes to (0: nothing to do now)."""
        if (period.id, kind, "") in await reminder_store.notices_of(session, [period.id]):
            return 0
        chats = len(await office_chats_of(session, self.office_chats))
        if not chats or not await reminder_store.record_notice(
            session, period.id, kind, "", chats, now
        ):
            return 0  # no office chat yet (tried again next tick), or another process was first
        return chats

    async def _cluster_lists(
        self, campaign: Campaign, period: Period, now: datetime, done: Round
    ) -> None:
        async with self.sessions() as session, session.begin():
            queued = await notify_cluster_heads(session, campaign, period, now, self.zone)
        if queued:
            done.add(
                queued, f"Báo cụm trưởng {period_name(period.code)} — {campaign.name}: {queued} tin"
            )

    async def roll_over(self) -> Round:
        """Tell the office when a period has been locked (the morning after its lock date,
        within ``LOCK_NOTICE_DAYS``), once per period."""
        now, done = self.clock.now(), Round()
        local = now.astimezone(self.zone)
        if self.hours.is_quiet(local):
            return done
        for campaign, period, _kind in await self._due(local, (LOCKED,)):
            await self._safely(
                partial(self._lock_notice, campaign, period, now, done),
                f"lock notice of {period.code} of {campaign.code}",
            )
        self._woken(done)
        return done

    async def _lock_notice(
        self, campaign: Campaign, period: Period, now: datetime, done: Round
    ) -> None:
        async with self.sessions() as session, session.begin():
            chats = await self._claim(session, period, LOCKED, now)
            if chats:
                await push_lock_notice(
                    session, campaign, period, now=now, office_chats=self.office_chats
                )
        if chats:
            done.add(chats, f"Khóa sổ {period_name(period.code)} — {campaign.name}")

    async def housekeeping(self) -> Round:
        """Delete the sent outbox messages (by ``sent_at``) and the processed message ids (by
        ``processed_at``) older than ``retention`` before the clock's now (``RETENTION_DAYS``,
        ``storage.retention`` says why each may go). Pending, sending and failed messages are
        never deleted. Each chunk of ``prune_chunk`` rows is one transaction, retried by the
        pipeline's rule (``_safely``), with a pause between chunks so that a long backlog never
        holds SQLite's write lock for long; one that keeps failing ends this run, the next
        run (an hour later) goes on. Nothing is queued: ``messages`` stays 0."""
        before = self.clock.now() - self.retention
        done, counts = Round(), []
        for what, prune in (
            ("sent outbox messages", outbox_store.prune_sent),
            ("processed message ids", retention_store.prune_processed),
        ):
            counts.append(await self._prune_all(prune, before, f"housekeeping: {what}"))
        if any(counts):
            done.add(
                0,
                f"Dọn dữ liệu cũ hơn {self.retention.days} ngày: xóa {counts[0]} tin đã gửi, "
                f"{counts[1]} mã tin nhắn đã xử lý",
            )
        self._woken(done)
        return done

    async def _prune_all(self, prune: Prune, before: datetime, what: str) -> int:
        """Run ``prune`` chunk by chunk until a chunk comes back short; returns the total."""
        total = 0
        for chunk in range(PRUNE_MAX_CHUNKS):
            if chunk:
                await asyncio.sleep(PRUNE_PAUSE)
            deleted: list[int] = []
            await self._safely(partial(self._prune_chunk, prune, before, deleted), what)
            if not deleted:  # still failing or a bug: logged by ``_safely``
                break
            total += deleted[0]
            if deleted[0] < self.prune_chunk:
                break
        return total

    async def _prune_chunk(self, prune: Prune, before: datetime, deleted: list[int]) -> None:
        async with self.sessions() as session, session.begin():
            count = await prune(session, before, self.prune_chunk)
        deleted.append(count)  # after the commit: a retried attempt never counts twice

    def _woken(self, done: Round) -> None:
        for line in done.lines:
            log.info("%s", line)
        if done.messages:
            self.wake()


def start_scheduler(jobs: Jobs, zone: ZoneInfo) -> AsyncIOScheduler:
    """Start APScheduler 3 on the running event loop with the three jobs, each every minute
    and once right away (the catch-up after a restart), and ``housekeeping`` every hour and
    once right away. Jobs of one kind never overlap (``max_instances=1``) and missed runs
    collapse into one (``coalesce``). Call ``shutdown(wait=False)`` on the result to stop."""
    scheduler = AsyncIOScheduler(timezone=zone)
    start = datetime.now(zone)
    for name, job in (
        ("reminders", jobs.reminders),
        ("notices", jobs.notices),
        ("roll-over", jobs.roll_over),
    ):
        scheduler.add_job(
            _logged(name, job),
            IntervalTrigger(seconds=TICK.total_seconds(), timezone=zone),
            id=name,
            next_run_time=start,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(TICK.total_seconds()),
        )
    scheduler.add_job(
        _logged("housekeeping", jobs.housekeeping),
        IntervalTrigger(seconds=HOUSEKEEPING_EVERY.total_seconds(), timezone=zone),
        id="housekeeping",
        next_run_time=start,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(HOUSEKEEPING_EVERY.total_seconds()),
    )
    scheduler.start()
    return scheduler


def _logged(name: str, job: Callable[[], Awaitable[Round]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job()
        except Exception:  # the database may be briefly unavailable: the next tick retries
            log.exception("scheduled job %s failed", name)

    run.__name__ = name
    return run
