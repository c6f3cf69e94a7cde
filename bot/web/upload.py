"""Uploading a filled campaign template on the office's web page (issue 17), and the blank
template to download."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
from aiohttp import BodyPartReader, web

from bot.web.context import PREFIX, message_page, signed_in, the_app
from domain.errors import DomainError
from reports.template import read_template, write_template
from reports.template.errors import TemplateInvalid
from services import web_access
from storage.campaigns import import_campaign

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
    app = the_app(request)
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
