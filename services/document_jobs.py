"""Workbooks built after the commit, off the write path (issue 15, item 2).

A conversation step (``/tonghop``, ``/dangkythidua``) or the scheduler's automatic report does
not build the workbook inside its transaction: it records a :class:`~storage.models.DocumentJob`
(what to build, for whom) next to its "đang lập báo cáo…" reply, and commits. The document
worker (``bot.documents``) then claims the job, builds the workbook from a read-only snapshot
(on SQLite a deferred read in WAL mode, which never holds the write lock the other chats'
steps need), and in one short transaction puts the document, and whatever was to follow it,
in the outbox of every recipient and marks the job done. A province-sized build (tens of
seconds) therefore never holds up another chat's step.

A job is claimed with a lease (:data:`LEASE`): a worker that dies mid-build leaves the job to be
claimed again when the lease ends; after :data:`MAX_ATTEMPTS` claims it is failed and the
recipients are told. A build that fails for a reason of its own (a full reports folder: the
folder's problem in Vietnamese; a bug: a generic apology) fails the job at once and the
recipients are told; a transient database fault is retried by the caller's rule.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.errors import DomainError
from domain.i18n import _
from domain.messages import Reply
from services.documents import (
    BuiltReport,
    build_consolidated,
    build_proposals,
    build_registrations,
)
from storage import accounts
from storage import campaigns as campaign_store
from storage.models import DocumentJob, DocumentJobStatus, Review
from storage.transient import StillFailing, retrying

log = logging.getLogger(__name__)

CONSOLIDATED = "consolidated"
REGISTRATIONS = "registrations"
PROPOSALS = "proposals"
"""A review's proposal workbook and Word record (two documents). The review is part of the
stored kind, ``proposals:<review id>`` (:func:`proposals_kind`): the job table has no review
column."""

LEASE = timedelta(minutes=15)
"""How long a claimed job is the claimer's: longer than the slowest build measured (a province,
10,000 units × 40 figures: under a minute, README "Performance")."""
MAX_ATTEMPTS = 3
_ASKED = "document_job_asked"
"""Claims before a job that keeps killing its worker is failed."""


@dataclass(frozen=True)
class Recipient:
    """Where a built document goes: a channel's chat and the account behind it, if any."""

    channel: str
    chat_id: str
    account_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored on the job."""
        return {"channel": self.channel, "chat_id": self.chat_id, "account_id": self.account_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recipient:
        """Back from :meth:`to_json`."""
        return cls(str(data["channel"]), str(data["chat_id"]), data.get("account_id"))


@dataclass(frozen=True)
class Order:
    """What to build (picklable: it crosses into the build process)."""

    job_id: int
    kind: str
    campaign_id: int
    period_id: int | None
    review_id: int | None = None


def proposals_kind(review_id: int) -> str:
    """The stored kind of a review's proposal job."""
    return f"{PROPOSALS}:{review_id}"


def split_kind(stored: str) -> tuple[str, int | None]:
    """A stored kind as (kind, review id): ``proposals:7`` -> ("proposals", 7). Raises
    ValueError for a kind this version does not build."""
    kind, _sep, review = stored.partition(":")
    if kind not in (CONSOLIDATED, REGISTRATIONS, PROPOSALS) or (kind == PROPOSALS) != bool(review):
        raise ValueError(f"unknown document kind {stored!r}")
    return kind, int(review) if review else None


def queue(
    session: AsyncSession,
    kind: str,
    campaign_id: int,
    period_id: int | None,
    recipients: list[Recipient],
    now: datetime,
    *,
    note: str = "",
    after: list[dict[str, Any]] | None = None,
) -> DocumentJob:
    """Record a job in the caller's transaction (no commit): build ``kind`` for the campaign
    (and period, for the consolidated workbook), send it with its caption plus ``note`` to
    every recipient, then the outbox payloads ``after``. ``kind`` is :data:`CONSOLIDATED`,
    :data:`REGISTRATIONS` or :func:`proposals_kind`; ValueError for anything else."""
    split_kind(kind)
    job = DocumentJob(
        kind=kind,
        campaign_id=campaign_id,
        period_id=period_id,
        recipients=[r.to_json() for r in recipients],
        note=note,
        after=list(after or []),
        status=DocumentJobStatus.PENDING,
        attempts=0,
        requested_at=now,
    )
    session.add(job)
    session.info[_ASKED] = True
    return job


def asked(session: AsyncSession) -> bool:
    """Whether a job was queued in ``session`` (for the caller to wake the worker after the
    commit)."""
    return bool(session.info.get(_ASKED))


async def claim(session: AsyncSession, now: datetime) -> Order | None:
    """Claim the oldest job that is pending, or whose claimer's lease ran out; None when there
    is none. Works in the caller's transaction (commit to make the claim stand). A job already
    claimed :data:`MAX_ATTEMPTS` times is failed here instead (the recipients are told)."""
    available = or_(
        DocumentJob.status == DocumentJobStatus.PENDING,
        (DocumentJob.status == DocumentJobStatus.BUILDING) & (DocumentJob.lease_until < now),
    )
    query = select(DocumentJob).where(available).order_by(DocumentJob.id).limit(1)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    while (job := await session.scalar(query)) is not None:
        if job.attempts >= MAX_ATTEMPTS:
            log.error("document job %s failed %d times; giving up", job.id, job.attempts)
            _fail(session, job, _("Xin lỗi, bot không lập được báo cáo này."), now)
            continue
        try:
            kind, review_id = split_kind(job.kind)
        except ValueError:  # written by a newer version: not this one's to build
            log.error("document job %s has an unknown kind %r", job.id, job.kind)
            _fail(session, job, _("Xin lỗi, bot không lập được báo cáo này."), now)
            continue
        job.status = DocumentJobStatus.BUILDING
        job.attempts += 1
        job.lease_until = now + LEASE
        return Order(job.id, kind, job.campaign_id, job.period_id, review_id)
    return None


async def build(
    sessions: async_sessionmaker[AsyncSession],
    order: Order,
    *,
    now: datetime,
    zone: ZoneInfo,
    reports_dir: Path,
) -> BuiltReport:
    """Read what ``order`` needs in one read-only transaction and write the workbook into
    ``reports_dir``. Raises what the builders raise (``ReportsFolderProblem``…)."""
    async with sessions() as session, session.begin():
        campaign = await campaign_store.load_campaign(session, order.campaign_id)
        if order.kind == REGISTRATIONS:
            return await build_registrations(
                session, campaign, now=now, zone=zone, reports_dir=reports_dir
            )
        if order.kind == PROPOSALS:
            review = await session.get(Review, order.review_id)
            if review is None:
                raise DomainError(_("Đợt chấm điểm này không còn nữa."))
            return await build_proposals(
                session, campaign, review, now=now, zone=zone, reports_dir=reports_dir
            )
        period = next(p for p in campaign.periods if p.id == order.period_id)
        return await build_consolidated(
            session, campaign, period, now=now, zone=zone, reports_dir=reports_dir
        )


async def deliver(session: AsyncSession, job_id: int, built: BuiltReport, now: datetime) -> int:
    """Put the built document (its caption, then the job's note) and the job's ``after``
    payloads in every recipient's outbox, record the file on the job (the web page's download:
    a job may have no chat recipient) and mark the job done, in the caller's transaction.
    Returns how many chats get it (0 if the job was already finished by someone else)."""
    job = await session.get(DocumentJob, job_id)
    if job is None or job.status != DocumentJobStatus.BUILDING:
        return 0
    caption = "\n".join(filter(None, [built.caption, job.note]))
    extra = [Reply(text, document=document).to_payload() for document, text in built.extra]
    payloads = [Reply(caption, document=built.document).to_payload(), *extra, *job.after]
    _enqueue(session, job, payloads, now)
    job.document_path, job.document_name = built.document.path, built.document.filename
    job.status = DocumentJobStatus.DONE
    job.finished_at = now
    job.lease_until = None
    return len(job.recipients)


async def fail(session: AsyncSession, job_id: int, error: BaseException, now: datetime) -> None:
    """Fail the job in the caller's transaction and tell its recipients why: a domain error's
    own Vietnamese message (a full reports folder…), else a generic apology."""
    job = await session.get(DocumentJob, job_id)
    if job is None or job.status != DocumentJobStatus.BUILDING:
        return
    if isinstance(error, DomainError):
        text = str(error)
    else:
        text = _("Xin lỗi, bot gặp lỗi khi lập báo cáo này. Số liệu không bị ảnh hưởng.")
    _fail(session, job, text, now)


def _fail(session: AsyncSession, job: DocumentJob, text: str, now: datetime) -> None:
    _enqueue(session, job, [Reply(text).to_payload()], now)
    job.status = DocumentJobStatus.FAILED
    job.finished_at = now
    job.lease_until = None
    job.error = text[:500]


def _enqueue(
    session: AsyncSession, job: DocumentJob, payloads: list[dict[str, Any]], now: datetime
) -> None:
    for data in job.recipients:
        recipient = Recipient.from_json(data)
        accounts.enqueue(
            session, recipient.channel, recipient.chat_id, recipient.account_id, payloads, now
        )


async def release(session: AsyncSession, job_id: int) -> None:
    """Give a claimed job back (the process is stopping): pending again, attempt not counted."""
    await session.execute(
        update(DocumentJob)
        .where(DocumentJob.id == job_id, DocumentJob.status == DocumentJobStatus.BUILDING)
        .values(
            status=DocumentJobStatus.PENDING,
            lease_until=None,
            attempts=DocumentJob.attempts - 1,
        )
    )


Builder = Callable[[Order, datetime], Awaitable[BuiltReport]]
"""Builds an order as of a moment: in this process (:func:`build`) or in a child process
(``bot.documents``)."""


async def run_next(
    sessions: async_sessionmaker[AsyncSession],
    now: Callable[[], datetime],
    builder: Builder,
    *,
    retry_seconds: float,
) -> bool:
    """Claim the next job, build it with ``builder`` and deliver it (or fail it, telling the
    recipients). Database steps follow the transient rule (:mod:`storage.transient`); a build
    that meets a transient fault for longer than ``retry_seconds`` is given back and tried
    again later. Returns False when there was no job to do."""

    async def take() -> Order | None:
        async with sessions() as session, session.begin():
            return await claim(session, now())

    order = await retrying(take, "document job claim", limit=retry_seconds)
    if order is None:
        return False
    what = f"document job {order.job_id} ({order.kind})"
    try:
        built = await retrying(lambda: builder(order, now()), what, limit=retry_seconds)
    except asyncio.CancelledError:  # the process is stopping: the next start builds it
        giving_back = _in_transaction(sessions, lambda s: release(s, order.job_id), retry_seconds)
        await asyncio.shield(giving_back)
        raise
    except StillFailing:
        log.warning("%s: the database stays out of reach; given back for later", what)
        await _in_transaction(sessions, lambda s: release(s, order.job_id), retry_seconds)
        return True
    except Exception as error:
        if not isinstance(error, DomainError):
            log.exception("%s failed", what)
        else:
            log.warning("%s failed: %s", what, error)
        failure = error
        await _in_transaction(
            sessions, lambda s: fail(s, order.job_id, failure, now()), retry_seconds
        )
        return True
    await _in_transaction(sessions, lambda s: deliver(s, order.job_id, built, now()), retry_seconds)
    return True


async def _in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[object]],
    retry_seconds: float,
) -> None:
    async def attempt() -> None:
        async with sessions() as session, session.begin():
            await work(session)

    await retrying(attempt, "document job record", limit=retry_seconds)


async def run_pending(
    sessions: async_sessionmaker[AsyncSession],
    now: Callable[[], datetime],
    builder: Builder,
    *,
    retry_seconds: float,
) -> int:
    """Run jobs until none is left (the console and in-process callers); how many ran."""
    ran = 0
    while await run_next(sessions, now, builder, retry_seconds=retry_seconds):
        ran += 1
    return ran
