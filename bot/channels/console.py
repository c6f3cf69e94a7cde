"""The console channel: a person plays a unit representative or the office in the terminal.

Interactive on a terminal; reading from a pipe it takes one message per line and prints the
transcript (``Bạn: ...`` / ``Bot: ...``), so a whole dialog can be scripted.

A line ``/anh PATH`` (or ``/ảnh``) sends the local file at ``PATH`` as a photo, ``/tep PATH`` (or
``/tệp``) as a document, as Telegram and Zalo deliver them: stored in the evidence store first
(``EVIDENCE_DIR``, :mod:`services.file_store`), then processed as a message with that
attachment, so the demo and scripted tests can send evidence (minh chứng).
"""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from bot.app import App
from bot.channels.attachments import media_type_for, suffix_for
from domain.i18n import _
from domain.messages import Attachment, Incoming, Reply, render_text
from domain.phones import normalize_phone
from domain.text import fold
from services.file_store import FileStore, FileTooLarge
from storage import accounts, outbox
from storage.campaigns import campaign_units, list_campaigns
from storage.models import ChannelAccount, InviteKind, OutboxMessage
from storage.transient import StillFailing

CHANNEL = "console"
OFFICE = "office"
FILE_COMMANDS = {"anh": "photo", "tep": "document"}
"""``/anh PATH`` sends a photo, ``/tep PATH`` a document (with or without diacritics)."""
_FILE_LINE = re.compile(r"^/(\S+)\s+(.+)$", re.DOTALL)


def file_command(text: str) -> tuple[str, Path] | None:
    """``("photo", path)`` for ``/anh PATH``, ``("document", path)`` for ``/tep PATH`` (the
    path may be quoted); None for any other line."""
    found = _FILE_LINE.match(text.strip())
    if found is None:
        return None
    kind = FILE_COMMANDS.get(fold(found.group(1)))
    if kind is None:
        return None
    return kind, Path(found.group(2).strip().strip("\"'")).expanduser()


def read_attachment(store: FileStore, kind: str, path: Path) -> Attachment:
    """The local file ``path`` stored as a photo or document. Raises ``OSError`` when it
    cannot be read and :class:`~services.file_store.FileTooLarge` over the limit."""
    if not path.is_file():
        raise FileNotFoundError(path)
    store.check_size(path.stat().st_size)
    media_type = media_type_for(path.name)
    with path.open("rb") as data:
        stored = store.save(data, suffix_for(media_type, path.name))
    return Attachment(
        kind=kind,
        path=stored.path,
        sha256=stored.sha256,
        media_type=media_type,
        file_name=path.name,
        size=stored.size,
    )


def identity(who: str) -> tuple[str, str | None]:
    """The console account id and verified phone for ``--as``: ``office``, a phone, or a name."""
    phone = normalize_phone(who)
    if phone:
        return f"phone:{phone}", phone
    return who.strip().lower() or "nguoi-dung", None


async def make_office(app: App, external_id: str) -> None:
    """Make the console account an office user (the terminal is the office's own machine)."""
    async with app.sessions() as session, session.begin():
        now = app.clock.now()
        account = await accounts.upsert_account(
            session, CHANNEL, external_id, external_id, "Văn phòng", now
        )
        reporter = await accounts.ensure_reporter(session, account, "Văn phòng", None, now)
        reporter.is_office = True


class ConsoleChat:
    """One person chatting in the terminal."""

    def __init__(self, app: App, who: str, out: TextIO) -> None:
        self.app = app
        self.external_id, self.phone = identity(who)
        self.out = out
        settings = app.settings
        self.store = FileStore(settings.evidence_dir, settings.evidence_max_bytes)

    async def send(self, text: str) -> None:
        """Process one typed line and print the bot's replies (``/anh PATH`` and ``/tep PATH``
        send a local file)."""
        attachment: Attachment | None = None
        wanted = file_command(text)
        if wanted is not None:  # refused here: nothing reaches the bot, as on a phone
            kind, path = wanted
            try:
                attachment = await asyncio.to_thread(read_attachment, self.store, kind, path)
            except FileTooLarge as error:
                print("Bot: " + error.user_message, file=self.out, flush=True)
                return
            except OSError:
                print(
                    "Bot: "
                    + _("Không đọc được tệp {path}. Hãy kiểm tra đường dẫn.").format(path=path),
                    file=self.out,
                    flush=True,
                )
                return
            text = ""
        incoming = Incoming(
            channel=CHANNEL,
            external_id=self.external_id,
            chat_id=self.external_id,
            message_id=uuid.uuid4().hex,
            text=text,
            display_name="" if self.phone else self.external_id,
            verified_phone=self.phone,
            attachment=attachment,
        )
        try:
            await self.app.pipeline.process(incoming)
        except StillFailing:
            print(
                "Bot: "
                + _(
                    "Cơ sở dữ liệu đang bận, tin nhắn này chưa được xử lý. Hãy gửi lại sau ít phút."
                ),
                file=self.out,
            )
            return
        await self._deliver()
        if await self.app.build_documents():  # a workbook asked for: built here, then sent
            await self._deliver()

    async def _deliver(self) -> None:
        await outbox.deliver_pending(
            self.app.sessions, CHANNEL, self._print, self.app.clock.now, chat_id=self.external_id
        )

    async def _print(self, message: OutboxMessage) -> None:
        reply = Reply.from_payload(message.payload)
        text = render_text(reply)
        if reply.request_phone and self.phone is None:
            text += "\n  " + _(
                "(Trên bảng điều khiển: chạy lại với --as SỐ_ĐIỆN_THOẠI để gửi số điện thoại.)"
            )
        if reply.document:
            text += "\n  " + _("[Tệp: {path}]").format(path=Path(reply.document.path).resolve())
        print("Bot: " + text.replace("\n", "\n     "), file=self.out, flush=True)


async def run_console(app: App, who: str, lines: Iterable[str] | None = None) -> None:
    """Chat as ``who``: from ``lines`` (a script) or, when None, from standard input."""
    chat = ConsoleChat(app, who, sys.stdout)
    if chat.external_id == OFFICE:
        await make_office(app, chat.external_id)
    if lines is not None:
        await _scripted(chat, lines)
    elif sys.stdin.isatty():
        await _interactive(chat)
    else:
        await _scripted(chat, sys.stdin)


async def _scripted(chat: ConsoleChat, lines: Iterable[str]) -> None:
    for line in lines:
        text = line.rstrip("\n")
        print(_("Bạn: ") + text, file=chat.out, flush=True)
        await chat.send(text)


async def sample_hint(app: App, external_id: str) -> str:
    """For a newcomer on the sample data: fresh invite codes to play a unit head or the office.

    Empty when the person is already bound or the database holds no sample campaign.
    """
    async with app.sessions() as session, session.begin():
        campaigns = [c for c in await list_campaigns(session) if c.is_sample]
        account = await session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == CHANNEL, ChannelAccount.external_id == external_id
            )
        )
        if not campaigns or (account is not None and account.reporter_id is not None):
            return ""
        units = await campaign_units(session, campaigns[0].id)
        now, day = app.clock.now(), timedelta(days=1)
        unit_code = await accounts.create_invite(session, InviteKind.UNIT, units[0], now, day)
        office_code = await accounts.create_invite(session, InviteKind.OFFICE, None, now, day)
    phone = units[0].contacts[0].phone if units[0].contacts else "office"
    return _(
        "Dữ liệu mẫu đã được nạp. Để thử: gõ /start {unit_code} để làm đại diện {unit}, "
        "hoặc /start {office_code} để làm văn phòng.\n"
        "(Hoặc chạy: reportbot chat --as {phone} / reportbot chat --as office)"
    ).format(
        unit_code=unit_code.code, unit=units[0].name, office_code=office_code.code, phone=phone
    )


async def _interactive(chat: ConsoleChat) -> None:
    print(
        _("Trò chuyện với bot báo cáo thi đua. Gõ /trogiup để xem hướng dẫn; Ctrl-D để thoát."),
        file=chat.out,
    )
    hint = await sample_hint(chat.app, chat.external_id)
    if hint:
        print(hint, file=chat.out)
    await chat.send("/start")
    while True:
        try:
            text = await asyncio.to_thread(input, _("Bạn: "))
        except (EOFError, KeyboardInterrupt):
            print(file=chat.out)
            return
        await chat.send(text)
