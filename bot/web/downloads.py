"""Workbooks asked for on the office's web page (issue 17): a document job like ``/tonghop``'s,
built by the document worker off the request; a page that reloads itself while it is built,
then the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from bot.report_links import media_type_of
from bot.web.context import PREFIX, message_page, the_app
from bot.web.pages import campaign_of, number_in, period_of
from services import document_jobs
from storage.models import Campaign, DocumentJob, DocumentJobStatus


async def consolidated(request: web.Request) -> web.StreamResponse:
    """POST: build the period's consolidated workbook (off the write path, by the document
    worker), then follow its progress."""
    chosen = await campaign_of(request)
    wanted = period_of(chosen, request)
    return await _queue(request, document_jobs.CONSOLIDATED, chosen, wanted.id)


async def registrations(request: web.Request) -> web.StreamResponse:
    """POST: build the campaign's registrations workbook, then follow its progress."""
    return await _queue(request, document_jobs.REGISTRATIONS, await campaign_of(request), None)


async def _queue(
    request: web.Request, kind: str, campaign: Campaign, period_id: int | None
) -> web.StreamResponse:
    app = the_app(request)
    async with app.sessions() as session, session.begin():
        job = document_jobs.queue(session, kind, campaign.id, period_id, [], app.clock.now())
        await session.flush()
        job_id = job.id
    for wake in app.pipeline.on_document:  # the document worker of a running bot
        wake()
    raise web.HTTPSeeOther(f"{PREFIX}/tai-ve/{job_id}")


WAITING = (DocumentJobStatus.PENDING, DocumentJobStatus.BUILDING)


@aiohttp_jinja2.template("download.html")
async def download(request: web.Request) -> dict[str, Any]:
    """A workbook being built (the page reloads itself every 2 seconds), built (its link),
    or failed (why)."""
    app = the_app(request)
    async with app.sessions() as session:
        job = await session.get(DocumentJob, number_in(request, "job"))
        if job is None:
            raise web.HTTPNotFound
        campaign = await session.get(Campaign, job.campaign_id)
    waited = int((app.clock.now() - job.requested_at).total_seconds())
    return {
        "job": job,
        "waiting": job.status in WAITING,
        "waited": max(0, waited),
        "failed": job.status is DocumentJobStatus.FAILED,
        "campaign": campaign,
    }


async def download_file(request: web.Request) -> web.StreamResponse:
    """The built workbook itself (``Content-Disposition: attachment``), while it is kept."""
    app = the_app(request)
    async with app.sessions() as session:
        job = await session.get(DocumentJob, number_in(request, "job"))
    if job is None or job.document_path is None:
        raise web.HTTPNotFound
    folder = app.settings.reports_dir.resolve()
    path = Path(job.document_path).resolve()
    if path.parent != folder or not path.is_file():
        return message_page(
            request,
            404,
            "Tải báo cáo",
            "File này không còn lưu trên máy chủ (báo cáo được giữ 7 ngày). Hãy lập lại.",
            f"{PREFIX}/",
        )
    name = job.document_name or path.name
    return web.FileResponse(
        path,
        headers={
            "Content-Type": media_type_of(path),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )
