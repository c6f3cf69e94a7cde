"""Photos and documents reach the conversations as evidence (issue 16, item 3): the file store,
each channel's intake against the fake servers (Telegram photo and document, too big, transient
and permanent download failures; Zalo image; console ``/anh`` and ``/tep``), and a unit head
sending a photo at a criterion that requires evidence through the real bot process."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.types import Update

from bot.app import App, open_app
from bot.channels.attachments import MAX_ATTEMPTS, DownloadFailed
from bot.channels.console import ConsoleChat, file_command
from bot.channels.telegram.channel import make_bot
from bot.channels.telegram.ingest import Ingest
from bot.channels.zalo.api import ZaloBotAPI
from bot.channels.zalo.files import ZaloFiles
from bot.channels.zalo.ingest import process_update
from bot.settings import Settings
from domain.clock import ManualClock
from domain.messages import Incoming
from services.file_store import FileStore, FileTooLarge
from storage.models import Evidence
from tests.bot_process import BotProcess
from tests.conftest import vn_time
from tests.fake_telegram import (
    FakeTelegram,
    Fault,
    contact_update,
    document_update,
    photo_update,
    text_update,
)
from tests.fake_zalo import TOKEN as ZALO_TOKEN
from tests.fake_zalo import FakeZalo, image_update, sticker_update
from tests.helpers import count, rows
from tests.test_self_scoring import DONG, SELF_DAY
from tests.timeline import clock_setting

TOKEN = "123456:TEST-TOKEN"
USER = 4001
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # large enough to differ from thumbnails
PDF = b"%PDF-1.4\n" + b"bien ban hop\n" * 100


def stored_files(root: Path) -> list[Path]:
    """The files of an evidence store (without its temporary folder)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp")


# --------------------------------------------------------------------- the file store


def test_store_is_content_addressed_and_atomic(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "data" / "evidence", max_bytes=10_000)
    first = store.save(JPEG[:5000], ".JPG")
    again = store.save(io.BytesIO(JPEG[:5000]), "jpg")
    assert first == again  # the same content twice: one file
    assert first.sha256 == hashlib.sha256(JPEG[:5000]).hexdigest() and first.size == 5000
    assert first.path == f"evidence/{first.sha256[:2]}/{first.sha256}.jpg"
    assert store.path_of(first.path) == tmp_path / "data" / first.path
    with store.open(first.path) as data:
        assert data.read() == JPEG[:5000]
    assert stored_files(store.root) == [store.path_of(first.path)]
    assert list(store.tmp_dir.iterdir()) == []  # nothing half-written left behind
    sha = hashlib.sha256(b"x").hexdigest()
    assert store.save(b"x", "../../etc/passwd").path == f"evidence/{sha[:2]}/{sha}"  # no suffix
    with pytest.raises(FileTooLarge) as refused:
        store.save(b"0" * 10_001, ".pdf")
    assert "Tệp quá lớn" in refused.value.user_message
    assert list(store.tmp_dir.iterdir()) == []
    for bad in ("../secret", "evidence/../x", "/etc/passwd", "reports/ab/" + "a" * 64):
        with pytest.raises(ValueError):
            store.path_of(bad)


def test_too_big_is_told_in_vietnamese() -> None:
    message = FileTooLarge(20 * 1024 * 1024, 25 * 1024 * 1024).user_message
    assert message.startswith("Tệp quá lớn (25 MB): bot chỉ nhận ảnh và tệp minh chứng đến 20 MB")
    assert "1,5 MB" in FileTooLarge(int(1.5 * 1024 * 1024)).user_message


# --------------------------------------------------------------------- Telegram


@dataclass
class TelegramIntake:
    fake: FakeTelegram
    bot: Bot
    store: FileStore
    ingest: Ingest

    async def receive(self, update: dict[str, Any]) -> Incoming | None:
        parsed = Update.model_validate({"update_id": 1, **update}, context={"bot": self.bot})
        return await self.ingest.incoming(parsed)


@pytest.fixture
async def telegram(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[TelegramIntake]:
    bot = make_bot(TOKEN, f"http://127.0.0.1:{fake.port}")
    store = FileStore(tmp_path / "evidence", max_bytes=1024 * 1024)
    ingest = Ingest(cast(Any, None), cast(Any, None), frozenset(), bot, store)
    yield TelegramIntake(fake, bot, store, ingest)
    await bot.session.close()


@pytest.mark.parametrize(
    ("case", "kind", "media_type", "file_name", "suffix"),
    [
        ("photo", "photo", "image/jpeg", "", ".jpg"),
        ("pdf", "document", "application/pdf", "Biên bản họp.pdf", ".pdf"),
        (
            "word",
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "bao-cao.docx",
            ".docx",
        ),
        ("image as file", "document", "image/png", "anh-hoat-dong.png", ".png"),
    ],
)
async def test_telegram_photo_and_documents(
    telegram: TelegramIntake, case: str, kind: str, media_type: str, file_name: str, suffix: str
) -> None:
    content = JPEG if kind == "photo" else PDF + case.encode()
    if kind == "photo":
        update = photo_update(telegram.fake, USER, content, caption="ảnh hội nghị")
    else:
        update = document_update(telegram.fake, USER, content, file_name, media_type)
    incoming = await telegram.receive(update)
    assert incoming is not None and incoming.attachment is not None and not incoming.unsupported
    attachment = incoming.attachment
    assert (attachment.kind, attachment.media_type, attachment.file_name) == (
        kind,
        media_type,
        file_name,
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content) and attachment.path.endswith(suffix)
    assert telegram.store.path_of(attachment.path).read_bytes() == content
    assert incoming.text == ("ảnh hội nghị" if kind == "photo" else "")
    assert len(telegram.fake.downloads) == 1  # one size of a photo: the largest
    [get_file] = [c for c in telegram.fake.calls if c.method == "getfile"]
    largest = telegram.fake.files[get_file.params["file_id"]]
    assert largest.content == content


@pytest.mark.parametrize(
    ("case", "announced", "cap", "expected_calls", "told"),
    [
        ("announced over the store's limit", 2 * 1024 * 1024, 1024 * 1024, 0, "Tệp quá lớn (2 MB)"),
        (
            "over Telegram's 20 MB: getFile answers 400",
            25 * 1024 * 1024,
            50 * 1024 * 1024,
            1,
            "bot chỉ tải được tệp đến 20 MB",
        ),
        ("announced small, bytes over the limit", 100, 1000, 1, "Tệp quá lớn"),
    ],
)
async def test_telegram_file_refused_for_good(
    telegram: TelegramIntake, case: str, announced: int, cap: int, expected_calls: int, told: str
) -> None:
    telegram.store.max_bytes = cap
    update = document_update(
        telegram.fake, USER, PDF, "to.pdf", "application/pdf", caption="12", size=announced
    )
    incoming = await telegram.receive(update)
    assert incoming is not None and incoming.attachment is None and not incoming.unsupported
    assert told in incoming.refusal, (case, incoming.refusal)
    assert incoming.text == "12"  # kept on the message, but the router never reads it
    assert len([c for c in telegram.fake.calls if c.method == "getfile"]) == expected_calls
    assert stored_files(telegram.store.root) == []
    assert telegram.fake.violations == []


async def test_telegram_transient_failure_is_retried(telegram: TelegramIntake) -> None:
    update = photo_update(telegram.fake, USER, JPEG)
    telegram.fake.fail("getFile", Fault(502))
    telegram.fake.fail("download", Fault(503))
    for _attempt in range(2):  # the batch stays unconfirmed: fetched and tried again
        with pytest.raises(DownloadFailed) as failed:
            await telegram.receive(update)
        assert not failed.value.permanent
    incoming = await telegram.receive(update)
    assert incoming is not None and incoming.attachment is not None
    # a file that keeps failing is given up after MAX_ATTEMPTS: the person is told
    broken = photo_update(telegram.fake, USER, JPEG + b"!")
    telegram.fake.fail("download", *[Fault(500)] * MAX_ATTEMPTS)
    for _attempt in range(MAX_ATTEMPTS - 1):
        with pytest.raises(DownloadFailed):
            await telegram.receive(broken)
    incoming = await telegram.receive(broken)
    assert incoming is not None and incoming.attachment is None
    assert "không tải được" in incoming.refusal


async def test_telegram_stickers_and_group_photos(telegram: TelegramIntake) -> None:
    sticker = text_update(USER, "")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "su1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    incoming = await telegram.receive(sticker)
    assert incoming is not None and incoming.unsupported and incoming.attachment is None
    group = photo_update(telegram.fake, USER, JPEG, chat_id=-100555)
    assert await telegram.receive(group) is None  # nothing said to the bot, nothing fetched
    assert telegram.fake.downloads == []


# --------------------------------------------------------------------- Zalo


class Recorder:
    """Stands in for the pipeline: keeps what it is handed."""

    def __init__(self) -> None:
        self.got: list[Incoming] = []

    async def process(self, incoming: Incoming) -> bool:
        self.got.append(incoming)
        return True


@pytest.fixture
async def zalo_files(zalo: FakeZalo, tmp_path: Path) -> AsyncIterator[ZaloFiles]:
    api = ZaloBotAPI(ZALO_TOKEN, zalo.base_url)
    yield ZaloFiles(api, FileStore(tmp_path / "evidence", max_bytes=1024 * 1024))
    await api.close()


@pytest.mark.parametrize(
    ("case", "field", "content", "faults", "cap", "outcome"),
    [
        ("image, URL in photo", "photo", JPEG, (), None, "attached"),
        ("image, URL in photo_url", "photo_url", JPEG + b"2", (), None, "attached"),
        ("a 503 first, then the image", "photo", JPEG + b"3", (503,), None, "attached"),
        ("gone (404)", "photo", JPEG, (404,), None, "không tải được"),
        ("too big", "photo", JPEG, (), 1000, "Tệp quá lớn"),
    ],
)
async def test_zalo_image(
    zalo: FakeZalo,
    zalo_files: ZaloFiles,
    case: str,
    field: str,
    content: bytes,
    faults: tuple[int, ...],
    cap: int | None,
    outcome: str,
) -> None:
    if cap is not None:
        zalo_files.store.max_bytes = cap
    zalo.fail_image(*faults)
    update = image_update("u1", zalo.add_image(content), caption="8", field=field)
    recorder = Recorder()
    done = await process_update(cast(Any, recorder), update, asyncio.Event(), zalo_files)
    assert done, case
    [incoming] = recorder.got
    if outcome == "attached":
        assert incoming.attachment is not None and not incoming.unsupported
        assert (incoming.attachment.kind, incoming.attachment.media_type) == ("photo", "image/jpeg")
        assert incoming.attachment.sha256 == hashlib.sha256(content).hexdigest()
        assert zalo_files.store.path_of(incoming.attachment.path).read_bytes() == content
        assert incoming.text == "8"
    else:
        assert incoming.attachment is None and outcome in incoming.refusal, case
        assert stored_files(zalo_files.store.root) == []


async def test_zalo_webhook_transient_failure_raises(zalo: FakeZalo, zalo_files: ZaloFiles) -> None:
    """Without a stop event (a webhook call) a transient failure is raised: answered 500, the
    platform delivers again; stickers stay unsupported and fetch nothing."""
    zalo.fail_image(502)
    update = image_update("u1", zalo.add_image(JPEG))
    recorder = Recorder()
    with pytest.raises(DownloadFailed):
        await process_update(cast(Any, recorder), update, None, zalo_files)
    assert recorder.got == []
    await process_update(cast(Any, recorder), update, None, zalo_files)
    assert recorder.got[-1].attachment is not None
    await process_update(cast(Any, recorder), sticker_update("u1"), None, zalo_files)
    assert recorder.got[-1].unsupported and recorder.got[-1].attachment is None
    assert zalo.image_downloads == ["photo-1.jpg"]


# --------------------------------------------------------------------- console


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/anh /tmp/a.jpg", ("photo", Path("/tmp/a.jpg"))),
        ("/ảnh  '/tmp/b c.jpg'", ("photo", Path("/tmp/b c.jpg"))),
        ("/tep /tmp/bien-ban.pdf", ("document", Path("/tmp/bien-ban.pdf"))),
        ("/TỆP bao-cao.docx", ("document", Path("bao-cao.docx"))),
        ("/anh", None),
        ("/chamdiem", None),
        ("anh /tmp/a.jpg", None),
    ],
)
def test_console_file_lines(line: str, expected: tuple[str, Path] | None) -> None:
    assert file_command(line) == expected


@pytest.fixture
async def scoring_app(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(database_url=database_url).model_copy(
        update={"reports_dir": tmp_path / "reports", "evidence_dir": tmp_path / "evidence"}
    )
    async with open_app(settings, load_samples=True, clock=clock) as application:
        yield application


async def test_console_anh_sends_evidence(
    scoring_app: App, clock: ManualClock, tmp_path: Path
) -> None:
    clock.current = vn_time(SELF_DAY)
    photo = tmp_path / "hội nghị.jpg"
    photo.write_bytes(JPEG)
    big = tmp_path / "lon.pdf"
    big.write_bytes(b"0" * 100)
    out = io.StringIO()
    chat = ConsoleChat(scoring_app, DONG, out)
    for line in ["/start", "/chamdiem", f"/anh {photo}", f"/anh {photo}"]:
        await chat.send(line)
    chat.store.max_bytes = 50
    await chat.send(f"/tep {big}")
    await chat.send(f"/tep {tmp_path / 'khong-co.pdf'}")
    transcript = out.getvalue()
    assert "📎 Đã nhận minh chứng cho tiêu chí I.1 (1 tệp)" in transcript
    assert "Tệp này đã gửi rồi. Tiêu chí I.1 có 1 minh chứng." in transcript
    assert "Tệp quá lớn" in transcript and "Không đọc được tệp" in transcript
    [evidence] = await rows(scoring_app, Evidence)
    assert evidence.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert (evidence.file_name, evidence.media_type, evidence.channel) == (
        "hội nghị.jpg",
        "image/jpeg",
        "console",
    )
    store = FileStore(tmp_path / "evidence")
    assert store.path_of(evidence.path).read_bytes() == JPEG
    assert stored_files(store.root) == [store.path_of(evidence.path)]


# --------------------------------------------------------------------- end to end


async def test_photo_evidence_through_the_telegram_bot(
    fake: FakeTelegram, prepared: str, tmp_path: Path
) -> None:
    """A bound unit head in the self-scoring window sends a photo at a criterion that requires
    evidence: the Evidence row holds the file's SHA-256 and the file is on disk; the same photo
    again is one file and one row; a file too big is refused and the person told."""
    evidence_dir = tmp_path / "data" / "evidence"
    process = BotProcess(
        tmp_path,
        DATABASE_URL=prepared,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        EVIDENCE_DIR=str(evidence_dir),
        EVIDENCE_MAX_BYTES=str(1024 * 1024),
        REPORTBOT_SCHEDULER="false",
        REPORTBOT_NOW=clock_setting(vn_time(SELF_DAY)),
    )
    await process.start()
    try:
        await fake.push(contact_update(USER, DONG))
        await fake.wait_for_text(USER, "Thôn Đông", timeout=90)  # a loaded machine starts slowly
        await fake.push(text_update(USER, "/chamdiem"))
        await fake.wait_for_text(USER, "Cần minh chứng (đã gửi 0 tệp)")
        await fake.push(photo_update(fake, USER, JPEG))
        await fake.wait_for_text(USER, "📎 Đã nhận minh chứng cho tiêu chí I.1 (1 tệp)")
        await fake.push(photo_update(fake, USER, JPEG))  # the same photo, sent again
        await fake.wait_for_text(USER, "Tệp này đã gửi rồi. Tiêu chí I.1 có 1 minh chứng.")
        before = len(fake.texts(USER))
        await fake.push(photo_update(fake, USER, JPEG, size=5 * 1024 * 1024))
        await _wait_for_more(fake, USER, before)
        await fake.push(text_update(USER, "25"))
        await fake.wait_for_text(USER, "Đã ghi — I.1: 25 điểm")
    finally:
        code = await process.stop()
    assert code == 0, process.output()[-3000:]
    assert "Tiêu chí I.1 có 2" not in "\n".join(fake.texts(USER))
    async with open_app(Settings(database_url=prepared)) as app:
        [evidence] = await rows(app, Evidence)
        assert await count(app, Evidence) == 1
    assert evidence.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert (evidence.channel, evidence.media_type, evidence.size) == (
        "telegram",
        "image/jpeg",
        len(JPEG),
    )
    store = FileStore(evidence_dir)
    assert store.path_of(evidence.path).read_bytes() == JPEG
    assert stored_files(evidence_dir) == [store.path_of(evidence.path)]
    assert len(fake.downloads) == 2  # the too-big photo was never downloaded


async def _wait_for_more(fake: FakeTelegram, chat: int, before: int, timeout: float = 20) -> None:
    """Wait until ``chat`` got more than ``before`` messages."""
    for _tick in range(int(timeout / 0.05)):
        if len(fake.texts(chat)) > before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no answer to {chat}; got {fake.texts(chat)}")
