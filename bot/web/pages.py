"""The office's pages (issue 17): campaigns, one campaign's periods, one period unit by unit,
one unit's figures and their history. Reads only; the middleware of :mod:`bot.web.office` has
already checked the session."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import BodyPartReader, web

from bot.app import App
from bot.report_links import media_type_of
from bot.web import views
from bot.web.charts import Bar, rate_bars
from bot.web.context import PREFIX, message_page, signed_in, the_app
from domain.clock import day
from domain.errors import DomainError
from domain.periods import period_name
from reports.template import read_template, write_template
from reports.template.errors import TemplateInvalid
from services import document_jobs, web_access
from services.remind_now import remind_now
from services.reopen import MAX_DAYS, NotLocked, reopen_for_unit
from storage import campaigns as campaign_store
from storage.campaigns import import_campaign
from storage.models import Campaign, DocumentJob, DocumentJobStatus, OrgUnit, Period


def _app(request: web.Request) -> App:
    return the_app(request)


_ID = re.compile(r"[0-9]{1,9}")
"""A row id in a path or a form: ASCII digits, few enough for any database's integer."""


def row_id(text: str) -> int | None:
    """``text`` as a row id, or None (``"²"`` and 20-digit numbers are not ids)."""
    return int(text) if _ID.fullmatch(text) else None


def _number(request: web.Request, name: str) -> int:
    found = row_id(request.match_info[name])
    if found is None:
        raise web.HTTPNotFound
    return found


async def campaign_of(request: web.Request) -> Campaign:
    """The campaign of the request's path (loaded); 404 when there is none."""
    app = _app(request)
    async with app.sessions() as session:
        found = await session.get(Campaign, _number(request, "campaign"))
        if found is None:
            raise web.HTTPNotFound
        return await app.campaigns.get(session, found.id)


def _period(campaign: Campaign, request: web.Request) -> Period:
    wanted = _number(request, "period")
    found = next((p for p in campaign.periods if p.id == wanted), None)
    if found is None:
        raise web.HTTPNotFound
    return found


@aiohttp_jinja2.template("campaigns.html")
async def campaigns(request: web.Request) -> dict[str, Any]:
    """Every campaign with its current periods' rates."""
    app = _app(request)
    today = app.today
    found = []
    async with app.sessions() as session:
        for listed in await campaign_store.list_campaigns(session):
            campaign = await app.campaigns.get(session, listed.id)
            units = len(await campaign_store.campaign_units(session, campaign.id))
            lines = await views.period_lines(session, campaign, units, today)
            found.append((campaign, units, [line for line in lines if line.is_open]))
    return {"campaigns": found, "day": day}


@aiohttp_jinja2.template("campaign.html")
async def campaign(request: web.Request) -> dict[str, Any]:
    """A campaign's periods with due and lock dates, reporting and on-time rates."""
    app = _app(request)
    chosen = await campaign_of(request)
    async with app.sessions() as session:
        units = len(await campaign_store.campaign_units(session, chosen.id))
        lines = await views.period_lines(session, chosen, units, app.today)
    return {"campaign": chosen, "units": units, "lines": lines, "day": day}


@aiohttp_jinja2.template("period.html")
async def period(request: web.Request) -> dict[str, Any]:
    """One period: rates by cluster (chart), the units' table, the missing units."""
    app = _app(request)
    chosen = await campaign_of(request)
    wanted = _period(chosen, request)
    async with app.sessions() as session:
        view = await views.period_view(session, chosen, wanted, app.settings.zone)
    chart = rate_bars(
        [Bar(c.name, c.reporting, c.timely) for c in view.clusters],
        ("Đã báo cáo", "Đúng hạn"),
    )
    total = len(view.units)
    return {
        "view": view,
        "locked": app.today > wanted.lock_date,
        "collecting": wanted.start_date <= app.today <= wanted.lock_date,
        "reopen_days": app.settings.reopen_days,
        "max_days": MAX_DAYS,
        "name": period_name(wanted.code),
        "chart": chart,
        "rate": views.percent(views.rate(view.reported, total)),
        "total": total,
        "day": day,
    }


@aiohttp_jinja2.template("unit.html")
async def unit(request: web.Request) -> dict[str, Any]:
    """One unit: its figures over the periods, each change (old → new, who, when, why), its
    registration."""
    app = _app(request)
    chosen = await campaign_of(request)
    async with app.sessions() as session:
        found = await session.get(OrgUnit, _number(request, "unit"))
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if found is None or found.id not in units:
            raise web.HTTPNotFound
        view = await views.unit_view(session, chosen, found, app.settings.zone)
    return {"view": view}


def _done(request: web.Request, title: str, text: str, back: str) -> web.Response:
    """The page after an action: what was done, in the bot's own words, and a way back."""
    return message_page(request, 200, title, text, back)


async def remind(request: web.Request) -> web.StreamResponse:
    """POST: remind the period's missing units now (``/nhacnho``'s rule: in the quiet hours
    they are reminded in the morning; a unit at most once a day)."""
    app = _app(request)
    chosen = await campaign_of(request)
    wanted = _period(chosen, request)
    settings = app.settings
    async with app.sessions() as session, session.begin():
        answer = await remind_now(
            session,
            chosen,
            wanted,
            hours=settings.daily_hours,
            now=app.clock.now(),
            zone=settings.zone,
        )
    return _done(request, "Nhắc báo cáo", answer, _period_path(chosen, wanted))


async def reopen(request: web.Request) -> web.StreamResponse:
    """POST: reopen the locked period for one unit (``/mokhoa``'s rule) for some days."""
    app = _app(request)
    chosen = await campaign_of(request)
    wanted = _period(chosen, request)
    form = await request.post()
    unit_id, days = row_id(str(form.get("unit", ""))), row_id(str(form.get("days", "")))
    back = _period_path(chosen, wanted)
    if unit_id is None or days is None or not 1 <= days <= MAX_DAYS:
        return message_page(
            request, 400, "Mở lại kỳ", f"Chọn đơn vị và số ngày mở lại (từ 1 đến {MAX_DAYS}).", back
        )
    async with app.sessions() as session, session.begin():
        unit = await session.get(OrgUnit, unit_id)
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if unit is None or unit.id not in units:
            raise web.HTTPNotFound
        try:
            answer = await reopen_for_unit(
                session,
                chosen,
                wanted,
                unit,
                days,
                by_id=signed_in(request).reporter.id,
                now=app.clock.now(),
                today=app.today,
            )
        except NotLocked as refused:
            return message_page(request, 409, "Mở lại kỳ", refused.user_message, back)
    return _done(request, "Mở lại kỳ", answer, back)


def _period_path(campaign: Campaign, period: Period) -> str:
    return f"{PREFIX}/phong-trao/{campaign.id}/ky/{period.id}"


async def consolidated(request: web.Request) -> web.StreamResponse:
    """POST: build the period's consolidated workbook (off the write path, by the document
    worker), then follow its progress."""
    chosen = await campaign_of(request)
    wanted = _period(chosen, request)
    return await _queue(request, document_jobs.CONSOLIDATED, chosen, wanted.id)


async def registrations(request: web.Request) -> web.StreamResponse:
    """POST: build the campaign's registrations workbook, then follow its progress."""
    return await _queue(request, document_jobs.REGISTRATIONS, await campaign_of(request), None)


async def _queue(
    request: web.Request, kind: str, campaign: Campaign, period_id: int | None
) -> web.StreamResponse:
    app = _app(request)
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
    app = _app(request)
    async with app.sessions() as session:
        job = await session.get(DocumentJob, _number(request, "job"))
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
    app = _app(request)
    async with app.sessions() as session:
        job = await session.get(DocumentJob, _number(request, "job"))
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


MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
"""The largest campaign template taken from the web page (a province's 10,000 units fit in a
few megabytes)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@aiohttp_jinja2.template("upload.html")
async def upload_form(request: web.Request) -> dict[str, Any]:
    """The form to upload a filled campaign template."""
    return {"errors": [], "done": ""}


async def upload(request: web.Request) -> web.StreamResponse:
    """POST (multipart, its CSRF token checked here): validate the template; every problem
    shown with its sheet, row and column, as the command line gives them; a valid one imported
    (all or nothing). The workbook is read off the event loop (a thread): a large file does not
    hold up the chats."""
    app = _app(request)
    try:
        fields = await _multipart(request)
    except TooLarge:
        limit = MAX_TEMPLATE_BYTES // (1024 * 1024)
        return message_page(
            request, 413, "Nạp kế hoạch", f"File quá lớn (tối đa {limit} MB).", PREFIX + UPLOAD
        )
    sent = fields.get("csrf", b"").decode(errors="replace") if fields else ""
    if fields is None or not web_access.csrf_ok(signed_in(request), sent):
        return message_page(
            request, 403, "Biểu mẫu đã cũ", "Biểu mẫu không hợp lệ hoặc đã cũ. Hãy tải lại trang."
        )
    data = fields.get("file", b"")
    context: dict[str, Any] = {"errors": [], "done": ""}
    if not data:
        context["errors"] = ["Chưa chọn file. Hãy chọn file Excel (.xlsx) kế hoạch phong trào."]
        return aiohttp_jinja2.render_template("upload.html", request, context, status=400)
    try:
        spec = await asyncio.to_thread(read_template, data)
        async with app.sessions() as session, session.begin():
            result = await import_campaign(session, spec, app.clock.now())
    except TemplateInvalid as invalid:
        context["errors"] = [str(error) for error in invalid.errors]
        return aiohttp_jinja2.render_template("upload.html", request, context, status=422)
    except DomainError as refused:
        context["errors"] = [refused.user_message]
        return aiohttp_jinja2.render_template("upload.html", request, context, status=422)
    verb = "Đã tạo" if result.created else "Đã cập nhật"
    context["done"] = (
        f"{verb} phong trào {spec.code}: {result.elements} chỉ tiêu nhập, {result.indicators} "
        f"chỉ tiêu tính toán, {result.units} đơn vị, {result.titles} danh hiệu, "
        f"{result.periods} kỳ báo cáo."
    )
    context["campaign_id"] = result.campaign_id
    return aiohttp_jinja2.render_template("upload.html", request, context)


class TooLarge(Exception):
    """A form bigger than :data:`MAX_TEMPLATE_BYTES` in all."""


UPLOAD = "/nap-phong-trao"


async def _multipart(request: web.Request) -> dict[str, bytes] | None:
    """The fields of a multipart form; None when the body is not multipart. Raises
    :class:`TooLarge` past :data:`MAX_TEMPLATE_BYTES` in all."""
    if not request.content_type.startswith("multipart/"):
        return None
    reader = await request.multipart()
    fields: dict[str, bytes] = {}
    size = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        chunks = []
        while chunk := await part.read_chunk():
            size += len(chunk)
            if size > MAX_TEMPLATE_BYTES:
                raise TooLarge
            chunks.append(chunk)
        fields[part.name] = b"".join(chunks)
    return fields


async def blank_template(request: web.Request) -> web.StreamResponse:
    """The blank campaign template, with its instructions and drop-downs."""
    return web.Response(
        body=write_template(),
        headers={
            "Content-Type": XLSX,
            "Content-Disposition": "attachment; filename*=UTF-8''Mau-ke-hoach-phong-trao.xlsx",
        },
    )
