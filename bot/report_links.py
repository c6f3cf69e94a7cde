"""Signed, expiring download links for the workbooks sent to the office where a channel cannot
send files (Zalo has no documents: ``../shared/specs/README.md``).

A link names one workbook of the reports folder and carries its expiry and an HMAC-SHA256 of
both (with the name the office will save it under), so it opens that file and nothing else,
until it expires: ``<PUBLIC_BASE_URL>/bao-cao/<expires>/<signature>/<stored name>?ten=<name>``.
Changing any part breaks the signature. The web server (:func:`download_route`) checks it
against the clock and sends the file; a wrong link gets 403, an expired one 410, a file pruned
since (after 7 days, ``services.documents.KEEP_REPORTS``) 404, each with a short Vietnamese page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.errors import ConfigurationError
from domain.messages import Document
from services.documents import OWN_FILE

PATH = "/bao-cao"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {".xlsx": XLSX, ".docx": DOCX, ".pdf": "application/pdf"}
"""The media type a link serves, by the stored file's suffix (IANA registrations of the Office
Open XML types); anything else goes as ``application/octet-stream``."""


def media_type_of(path: Path) -> str:
    """The ``Content-Type`` for the stored file at ``path`` (by its suffix)."""
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


DEFAULT_VALID_FOR = timedelta(hours=24)


class LinkRefused(Exception):
    """A download link that does not open a file; ``status`` and ``page`` say why."""

    status = 403
    page = (
        "Đường link tải báo cáo không đúng (có thể đã bị sửa hoặc chép thiếu). "
        "Hãy mở lại đúng link bot đã gửi, hoặc gõ /tonghop để nhận link mới."
    )


class LinkExpired(LinkRefused):
    """The link was genuine but its time is over."""

    status = 410
    page = "Đường link tải báo cáo đã hết hạn. Hãy gõ /tonghop cho bot để nhận link mới."


class ReportGone(LinkRefused):
    """The link was genuine and valid, but the file is no longer kept."""

    status = 404
    page = "File báo cáo này không còn lưu trên máy chủ. Hãy gõ /tonghop để lập lại báo cáo."


@dataclass(frozen=True)
class ReportLinks:
    """Makes and checks download links.

    ``secret``: the HMAC key (``REPORT_LINK_SECRET``, else derived from the Zalo token, so every
    process behind one address agrees); ``base_url``: ``PUBLIC_BASE_URL``; ``folder``: the
    reports folder the workbooks are written to; ``valid_for``: how long a link opens its file
    (24 h by default, ``REPORT_LINK_HOURS``).
    """

    secret: bytes
    base_url: str
    folder: Path
    valid_for: timedelta = DEFAULT_VALID_FOR

    def url_for(self, document: Document, now: datetime) -> tuple[str, datetime]:
        """The link to ``document`` (a file of ``folder``) and when it expires.

        Raises ``ValueError`` for a file that is not one of the bot's workbooks in ``folder``.
        """
        stored = Path(document.path)
        if stored.parent.resolve() != self.folder.resolve() or not OWN_FILE.fullmatch(stored.name):
            raise ValueError(f"not a workbook of the reports folder: {stored.name}")
        expires = int((now + self.valid_for).timestamp())
        signature = self._sign(stored.name, document.filename, expires)
        url = (
            f"{self.base_url.rstrip('/')}{PATH}/{expires}/{signature}/{stored.name}"
            f"?ten={quote(document.filename)}"
        )
        return url, datetime.fromtimestamp(expires, now.tzinfo)

    def open(self, expires: str, signature: str, stored: str, name: str, now: datetime) -> Path:
        """The file a link opens at ``now``.

        Raises :class:`LinkRefused` (a part changed), :class:`LinkExpired` or
        :class:`ReportGone`.
        """
        if not (expires.isascii() and expires.isdigit() and len(expires) <= 12):
            raise LinkRefused
        if not OWN_FILE.fullmatch(stored):
            raise LinkRefused
        expected = self._sign(stored, name, int(expires))
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise LinkRefused
        if now.timestamp() >= int(expires):
            raise LinkExpired
        path = self.folder.resolve() / stored
        if not path.is_file():
            raise ReportGone
        return path

    def _sign(self, stored: str, name: str, expires: int) -> str:
        message = f"{stored}\n{name}\n{expires}".encode()
        digest = hmac.new(self.secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


MIN_SECRET = 16  # characters of a configured REPORT_LINK_SECRET


def derive_secret(configured: str | None, token: str) -> bytes:
    """The signing key: the configured secret, else one derived from the bot token.

    Raises ``ConfigurationError`` for a configured secret shorter than ``MIN_SECRET``.
    """
    if configured:
        if len(configured) < MIN_SECRET:
            raise ConfigurationError(
                f"REPORT_LINK_SECRET phải dài ít nhất {MIN_SECRET} ký tự (để trống thì bot tự tạo)."
            )
        return configured.encode()
    return hmac.new(token.encode(), b"reportbot report links", hashlib.sha256).digest()


def download_route(links: ReportLinks, now: Callable[[], datetime]) -> web.RouteDef:
    """The GET route of the web server that serves the files behind links."""

    async def download(request: web.Request) -> web.StreamResponse:
        info = request.match_info
        name = request.query.get("ten", "")
        try:
            path = links.open(info["expires"], info["signature"], info["stored"], name, now())
        except LinkRefused as refused:
            return _page(refused.status, refused.page)
        return web.FileResponse(
            path,
            headers={
                "Content-Type": media_type_of(path),
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                "Cache-Control": "private, no-store",
            },
        )

    return web.get(PATH + "/{expires}/{signature}/{stored}", download)


def _page(status: int, text: str) -> web.Response:
    """A small Vietnamese page a phone's browser shows readably."""
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Báo cáo thi đua</title></head><body><p>{text}</p></body></html>"
    )
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")
