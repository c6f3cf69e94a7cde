"""The Zalo channel (Zalo Bot Platform), sending: outbox payloads out, its errors mapped for the
outbox sender.

Zalo is text only (``../shared/specs/README.md``): no buttons, so choices go out as the
numbered list every reply already carries (``render_text``) and a typed number picks one; no
contact sharing, so people bind by invite or pairing code (``Incoming.phone_button`` is False);
no documents, so a workbook goes out as a signed download link (``bot.report_links``) when the
bot has a public address, and otherwise as its text summary with where to get the file. Texts
are cut at line breaks into messages of at most 2000 characters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiolimiter import AsyncLimiter

from bot.channels.limits import ChatLimiters
from bot.channels.zalo.api import (
    ZaloAPIError,
    ZaloBotAPI,
    ZaloError,
    ZaloTooManyRequests,
    ZaloUnauthorized,
)
from bot.report_links import ReportLinks
from bot.sender import (
    DeliveryError,
    PermanentFailure,
    RecipientGone,
    RetryLater,
    TemporaryFailure,
)
from domain.clock import moment
from domain.i18n import _
from domain.messages import Document, Reply, render_text, split_text

CHANNEL = "zalo"
MAX_TEXT = 2000  # characters per message (Zalo Bot Platform, sendMessage)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

log = logging.getLogger(__name__)


class ZaloChannel:
    """Delivers outbox payloads with the Zalo Bot API and maps its errors for the sender.

    ``links`` makes the download links of workbooks (None without ``WEB_BASE_URL`` or
    ``PUBLIC_BASE_URL``);
    ``now`` is the application's clock (link expiry, told in ``zone``'s time). Zalo publishes
    no rate limits; the per-chat pace defaults to one message a second as on Telegram
    (:class:`~bot.channels.limits.ChatLimiters`), and a 429 pauses the channel
    (``bot.sender``)."""

    name = CHANNEL

    def __init__(
        self,
        api: ZaloBotAPI,
        links: ReportLinks | None,
        now: Callable[[], datetime],
        chat_per_second: float = 1.0,
        zone: ZoneInfo = VIETNAM,
    ) -> None:
        self.api = api
        self.links = links
        self.now = now
        self.zone = zone
        self.chat_per_second = chat_per_second
        self.limiters = ChatLimiters(chat_per_second)

    def chat_limiter(self, chat_id: str) -> AsyncLimiter:
        """The pace of one chat."""
        return self.limiters(chat_id)

    async def deliver(self, chat_id: str, payload: dict[str, Any]) -> None:
        """Send one outbox payload as one or more text messages; raise a ``DeliveryError``
        subclass on failure. A retry resumes after ``payload["parts_sent"]``."""
        parts = split_text(self.text_of(Reply.from_payload(payload)), MAX_TEXT)
        done = int(payload.get("parts_sent", 0))
        for index, part in enumerate(parts):
            if index < done:
                continue
            try:
                await self.api.send_message(chat_id, part)
            except ZaloError as error:
                failure = delivery_error(error)
                failure.parts_sent = index if index > 0 else None
                raise failure from error

    def text_of(self, reply: Reply) -> str:
        """The reply as Zalo shows it: the text, its choices numbered, and for a workbook the
        download link or where to get the file."""
        text = render_text(reply)
        if reply.document is not None:
            text = "\n\n".join([text, self._document_note(reply.document)])
        return text

    def _document_note(self, document: Document) -> str:
        if self.links is not None:
            try:
                url, expires = self.links.url_for(document, self.now())
            except ValueError:
                log.warning("no download link for %s", document.path)
            else:
                return _(
                    "📎 Tải file Excel {name}:\n{url}\n(Link dùng được đến {time}, chỉ mở được "
                    "báo cáo này.)"
                ).format(
                    name=document.filename, url=url, time=moment(expires.astimezone(self.zone))
                )
        chat_command, command_line = how_to_get(document.filename)
        return _(
            "📎 Zalo không gửi được file. Để có file Excel {name}: gõ {chat} với bot trên "
            "Telegram, hoặc nhờ người quản trị máy chạy bot gõ lệnh: {cli}"
        ).format(name=document.filename, chat=chat_command, cli=command_line)


def delivery_error(error: ZaloError) -> DeliveryError:
    """What the sender should do about a Zalo failure: 429 pauses the channel (Zalo gives no
    time: the sender backs off, 5 s doubling), 401 and 5xx and network trouble are retried with
    back-off, 403 means the person is unreachable, other client errors (400, 404) are final."""
    if isinstance(error, ZaloTooManyRequests):
        return RetryLater(None, str(error))  # no time given: the sender backs off
    if isinstance(error, ZaloUnauthorized):
        return TemporaryFailure(str(error))  # a token revoked while running: retried, bounded
    if isinstance(error, ZaloAPIError):
        if error.error_code == 403:
            return RecipientGone(str(error))
        if 400 <= error.error_code < 500:
            return PermanentFailure(str(error))
    return TemporaryFailure(str(error))


def how_to_get(filename: str) -> tuple[str, str]:
    """The chat command and the command line that give the workbook sent as ``filename``
    (``Tong-hop-<campaign>-<period>.xlsx`` or ``Dang-ky-thi-dua-<campaign>.xlsx``, the names
    ``services.documents`` gives)."""
    stem = filename.removesuffix(".xlsx")
    if stem.startswith("Dang-ky-thi-dua-"):
        campaign = stem.removeprefix("Dang-ky-thi-dua-")
        return f"/dangkythidua {campaign}", f"reportbot registrations {campaign}"
    campaign, _sep, period = stem.removeprefix("Tong-hop-").rpartition("-")
    return f"/tonghop {campaign} {period}", f"reportbot report {campaign} {period}"
