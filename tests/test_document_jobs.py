"""Workbooks asked for are built after the commit (issue 15, item 2): a worker that dies in the
middle of a build leaves the job to be claimed again when its lease ends, and a job that keeps
killing its worker is failed after three attempts with the recipients told."""

from __future__ import annotations

from bot.app import App
from domain.clock import ManualClock
from domain.messages import Reply
from services import document_jobs
from services.document_jobs import LEASE, MAX_ATTEMPTS, Recipient
from storage.models import DocumentJob, DocumentJobStatus, OutboxMessage
from tests.helpers import rows, sample


async def ask(app: App, clock: ManualClock) -> None:
    campaign = await sample(app)
    period = next(p for p in campaign.periods if p.code == "2026Q4")
    async with app.sessions() as session, session.begin():
        document_jobs.queue(
            session,
            document_jobs.CONSOLIDATED,
            campaign.id,
            period.id,
            [Recipient("console", "clerk")],
            clock.now(),
        )


async def claim(app: App, clock: ManualClock) -> document_jobs.Order | None:
    async with app.sessions() as session, session.begin():
        return await document_jobs.claim(session, clock.now())


async def test_a_dead_workers_job_is_claimed_again_after_its_lease(
    app: App, clock: ManualClock
) -> None:
    await ask(app, clock)
    first = await claim(app, clock)
    assert first is not None
    assert await claim(app, clock) is None  # claimed: nobody else builds it meanwhile
    clock.current += LEASE
    assert await claim(app, clock) is None  # the lease has not ended yet
    clock.current += LEASE / 10
    again = await claim(app, clock)  # the first worker died: another one takes it
    assert again == first
    assert await app.build_documents() == 0  # still leased by the second claim
    clock.current += LEASE * 2
    assert await app.build_documents() == 1  # the third attempt builds and delivers it
    [job] = await rows(app, DocumentJob)
    assert job.status == DocumentJobStatus.DONE and job.attempts == 3
    [sent] = await rows(app, OutboxMessage, OutboxMessage.chat_id == "clerk")
    assert Reply.from_payload(sent.payload).document is not None


async def test_a_job_that_keeps_killing_its_worker_is_given_up(
    app: App, clock: ManualClock
) -> None:
    await ask(app, clock)
    for _attempt in range(MAX_ATTEMPTS):
        assert await claim(app, clock) is not None
        clock.current += LEASE * 2
    assert await claim(app, clock) is None  # failed instead of claimed a fourth time
    [job] = await rows(app, DocumentJob)
    assert job.status == DocumentJobStatus.FAILED
    [told] = await rows(app, OutboxMessage, OutboxMessage.chat_id == "clerk")
    assert "không lập được báo cáo" in Reply.from_payload(told.payload).text
