"""The office's web page (issue 17): an aiohttp sub-application mounted at ``/web`` on the bot's
web server, Jinja2 templates through aiohttp-jinja2, its own stylesheet (no CDN, no JavaScript).

Sign-in (:mod:`services.web_access`): ``GET /web/dang-nhap/<token>`` shows a "Đăng nhập" button
and only its ``POST`` uses the one-time link — chat apps fetch a link to preview it, and a GET
that used it would burn it before the person taps it — then sets the session cookie (HttpOnly,
SameSite=Lax, Secure when the address is https) and sends the browser to the campaigns. Every other page needs a live session of an office user: none
gets 401 with how to sign in, anyone else 403. Every POST carries the session's CSRF token
(403 without it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.app import App
from bot.web import actions, downloads, invites, pages, upload
from bot.web.context import APP_KEY, PREFIX, SIGNED_IN, message_page, signed_in, the_app
from domain.i18n import VIETNAMESE, use_locale
from services import web_access
from services.web_access import SignedIn
from storage.transient import StillFailing, retrying

COOKIE = "reportbot_session"
UPLOAD = upload.UPLOAD
"""The one form sent as multipart (a file): its handler streams it and checks the CSRF token
itself; any other multipart POST is refused."""
HERE = Path(__file__).parent
log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def office_site(app: App) -> web.Application:
    """The ``/web`` sub-application for ``app`` (mount it with ``add_subapp``)."""
    site = web.Application(middlewares=[_in_vietnamese, _signed_in_only])
    site[APP_KEY] = app
    aiohttp_jinja2.setup(
        site,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        context_processors=[_common],
    )
    site.router.add_get("/dang-nhap/{token}", _sign_in_page)
    site.router.add_post("/dang-nhap/{token}", _sign_in)
    site.router.add_post("/dang-xuat", _sign_out)
    site.router.add_static("/static", HERE / "static")
    site.router.add_get("/", pages.campaigns)
    site.router.add_get("/phong-trao/{campaign}", pages.campaign)
    site.router.add_get("/phong-trao/{campaign}/ky/{period}", pages.period)
    site.router.add_get("/phong-trao/{campaign}/don-vi/{unit}", pages.unit)
    site.router.add_post("/phong-trao/{campaign}/ky/{period}/nhac", actions.remind)
    site.router.add_post("/phong-trao/{campaign}/ky/{period}/mo-lai", actions.reopen)
    site.router.add_post("/phong-trao/{campaign}/ky/{period}/tong-hop", downloads.consolidated)
    site.router.add_post("/phong-trao/{campaign}/dang-ky", downloads.registrations)
    site.router.add_get("/tai-ve/{job}", downloads.download)
    site.router.add_get("/tai-ve/{job}/tep", downloads.download_file)
    site.router.add_get("/nap-phong-trao", upload.upload_form)
    site.router.add_post(UPLOAD, upload.upload)
    site.router.add_get("/mau-phong-trao.xlsx", upload.blank_template)
    site.router.add_get("/phong-trao/{campaign}/phieu-moi", invites.invites_form)
    site.router.add_post("/phong-trao/{campaign}/phieu-moi", invites.invites_sheet)
    return site


async def _common(request: web.Request) -> dict[str, Any]:
    found = request.get(SIGNED_IN)
    return {"me": found, "prefix": PREFIX}


ERRORS = {
    404: ("Không tìm thấy", "Trang này không có (có thể đã bị xóa hoặc địa chỉ chép thiếu)."),
    405: ("Không thực hiện được", "Hãy dùng các nút trên trang."),
    503: ("Máy chủ đang bận", "Máy chủ đang bận, hãy thử lại sau ít phút."),
}
"""Vietnamese pages for aiohttp's own errors (English otherwise)."""


@web.middleware
async def _in_vietnamese(request: web.Request, handler: Handler) -> web.StreamResponse:
    """aiohttp's error pages and an unexpected failure as short Vietnamese pages; the page is
    Vietnamese whatever ``REPORTBOT_LOCALE`` (period names, figures: :mod:`domain.i18n`)."""
    use_locale(VIETNAMESE)
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        title, text = ERRORS.get(error.status, ("Có lỗi", "Yêu cầu không thực hiện được."))
        return message_page(request, error.status, title, text, PREFIX + "/")
    except Exception:
        log.exception("web page %s failed", request.path)
        return message_page(
            request,
            500,
            "Có lỗi",
            "Xin lỗi, trang gặp lỗi. Số liệu không bị ảnh hưởng; hãy thử lại.",
            PREFIX + "/",
        )


@web.middleware
async def _signed_in_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Pages and actions for live sessions of office users only; forms with their CSRF."""
    if request.path.startswith((PREFIX + "/dang-nhap/", PREFIX + "/static/")):
        return await handler(request)
    cookie = request.cookies.get(COOKIE, "")
    app = the_app(request)
    found = await _session(app, cookie) if cookie else None
    if found is None:
        return message_page(
            request,
            401,
            "Cần đăng nhập",
            "Gửi /web cho bot (Telegram, Zalo hoặc trên máy chủ) để nhận link đăng nhập, "
            "rồi mở link đó trong 10 phút.",
        )
    if not found.reporter.is_office:
        return message_page(request, 403, "Không có quyền", "Trang web này chỉ dành cho văn phòng.")
    request[SIGNED_IN] = found
    if request.method == "POST" and request.path == PREFIX + UPLOAD:
        return await handler(request)
    if request.method == "POST":
        multipart = request.content_type.startswith("multipart/")
        form = None if multipart else await request.post()
        if form is None or not web_access.csrf_ok(found, str(form.get("csrf", ""))):
            return message_page(
                request,
                403,
                "Biểu mẫu đã cũ",
                "Biểu mẫu không hợp lệ hoặc đã cũ. Hãy tải lại trang rồi làm lại.",
            )
    return await handler(request)


async def _session(app: App, cookie: str) -> SignedIn | None:
    async def look() -> SignedIn | None:
        async with app.sessions() as session, session.begin():
            return await web_access.find_session(session, cookie, app.clock.now())

    try:
        return await retrying(look, "web session", limit=app.settings.transient_retry_seconds)
    except StillFailing as error:
        raise web.HTTPServiceUnavailable from error


async def _sign_in_page(request: web.Request) -> web.StreamResponse:
    return aiohttp_jinja2.render_template("sign_in.html", request, {})


async def _sign_in(request: web.Request) -> web.StreamResponse:
    app = the_app(request)
    try:
        async with app.sessions() as session, session.begin():
            cookie, _csrf = await web_access.open_session(
                session, request.match_info["token"], app.clock.now()
            )
    except (web_access.SignInRefused, web_access.NotOffice) as refused:
        return message_page(request, 403, "Không đăng nhập được", refused.user_message)
    moved = web.HTTPSeeOther(PREFIX + "/")
    moved.set_cookie(
        COOKIE,
        cookie,
        path=PREFIX,
        httponly=True,
        samesite="Lax",
        secure=app.settings.web_address.startswith("https://"),
    )  # no max_age: the server ends the session after 12 idle hours (services.web_access)
    raise moved


async def _sign_out(request: web.Request) -> web.StreamResponse:
    app = the_app(request)
    async with app.sessions() as session, session.begin():
        await web_access.end_session(session, signed_in(request).session_id, app.clock.now())
    del request[SIGNED_IN]  # the page after signing out shows no one signed in
    response = message_page(request, 200, "Đã đăng xuất", "Gửi /web cho bot khi cần đăng nhập lại.")
    response.del_cookie(COOKIE, path=PREFIX)
    return response
