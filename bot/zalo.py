"""The Zalo channel (Zalo Bot Platform): updates in as normalised messages, outbox payloads out.

Zalo is text only (``../shared/specs/README.md``): no buttons, so choices go out as the
numbered list every reply already carries (``render_text``) and a typed number picks one; no
contact sharing, so people bind by invite or pairing code (``Incoming.phone_button`` is False);
no documents, so a workbook goes out as a signed download link (``bot.report_links``) when the
bot has a public address, and otherwise as its text summary with where to get the file. Texts
are cut at line breaks into messages of at most 2000 characters.

Zalo updates carry no ``update_id``: the message's own ``message_id`` is the key that drops a
message delivered twice (``storage.accounts.mark_processed``, in the step's transaction).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiolimiter import AsyncLimiter

from bot.report_links import ReportLinks
from bot.sender import (
    DeliveryError,
    PermanentFailure,
    RecipientGone,
    RetryLater,
    TemporaryFailure,
)
from bot.zalo_api import (
    ZaloAPIError,
    ZaloBotAPI,
    ZaloError,
    ZaloTooManyRequests,
    ZaloUnauthorized,
)
from domain.clock import moment
from domain.i18n import _
from domain.messages import Document, Incoming, Reply, render_text, split_text

CHANNEL = "zalo"
MAX_TEXT = 2000  # characters per message (Zalo Bot Platform, sendMessage)
MAX_LIMITERS = 10_000  # per-chat pacing state kept at once
MAX_ID = 64  # characters of a message, chat or user id the database keeps
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT_EVENTS = {"message.text.received"}
IMAGE_EVENTS = {"message.image.received"}

log = logging.getLogger(__name__)


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update inside a webhook body: ``{"ok": true, "result": update}`` or bare."""
    if isinstance(body, dict) and "result" in body and "event_name" not in body:
        body = body["result"]
    return body if isinstance(body, dict) else None


def from_update(update: dict[str, Any]) -> Incoming | None:
    """A normalised message, or None for updates without a person or a message id behind
    them (the bot's own messages, events without a message) and for malformed ones (ids
    missing or longer than the 64 characters the database keeps)."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender = _mapping(message.get("from"))
    chat = _mapping(message.get("chat"))
    message_id = str(message.get("message_id") or "")
    sender_id = str(sender.get("id") or "")
    chat_id = str(chat.get("id") or sender_id)
    if sender.get("is_bot") or not all(0 < len(key) <= MAX_ID for key in (message_id, chat_id)):
        return None
    if not sender_id or len(sender_id) > MAX_ID:
        return None
    event = str(update.get("event_name", ""))
    text = _text_of(event, message)
    group = str(chat.get("chat_type", "PRIVATE")).upper() == "GROUP"
    if group and not text:
        return None  # photos and stickers in a group: nothing said to the bot
    return Incoming(
        channel=CHANNEL,
        external_id=sender_id,
        chat_id=chat_id,
        message_id=message_id,
        text=text,
        display_name=str(sender.get("display_name") or sender.get("name") or ""),
        is_group=group,
        unsupported=not text,
        phone_button=False,
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text_of(event: str, message: dict[str, Any]) -> str:
    """What the person wrote: a text, or a photo's caption; nothing for stickers and the like."""
    if event in TEXT_EVENTS or (not event and "text" in message):
        return str(message.get("text") or "")
    if event in IMAGE_EVENTS:
        return str(message.get("caption") or "")
    return ""


class ZaloChannel:
    """Delivers outbox payloads with the Zalo Bot API and maps its errors for the sender.

    ``links`` makes the download links of workbooks (None without ``PUBLIC_BASE_URL``);
    ``now`` is the application's clock (link expiry, told in ``zone``'s time). Zalo publishes no rate limits; the
    per-chat pace defaults to one message a second as on Telegram, and a 429 pauses the
    channel (``bot.sender``).
    """

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
        self._limiters: dict[str, AsyncLimiter] = {}

    def chat_limiter(self, chat_id: str) -> AsyncLimiter:
        """The pace of one chat."""
        if chat_id not in self._limiters:
            if len(self._limiters) >= MAX_LIMITERS:  # forget idle chats, keep memory bounded
                self._limiters.clear()
            self._limiters[chat_id] = AsyncLimiter(self.chat_per_second, 1)
        return self._limiters[chat_id]

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
