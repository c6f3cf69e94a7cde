"""The Zalo adapter's pure parts: reading updates, rendering replies as text, signed links,
and what the sender is told about each Zalo error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.channels.zalo.api import (
    ZaloAPIError,
    ZaloBotAPI,
    ZaloNetworkError,
    ZaloTooManyRequests,
    ZaloUnauthorized,
)
from bot.channels.zalo.channel import MAX_TEXT, ZaloChannel, delivery_error, how_to_get
from bot.channels.zalo.ingest import from_update, unwrap
from bot.channels.zalo.webhook import webhook_secret
from bot.errors import ConfigurationError
from bot.report_links import (
    DOCX,
    XLSX,
    LinkExpired,
    LinkRefused,
    ReportGone,
    ReportLinks,
    derive_secret,
    download_route,
)
from bot.sender import PermanentFailure, RecipientGone, RetryLater, TemporaryFailure
from domain.messages import Document, Reply

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
STORED = "tong-hop-NGANAM2026-2026Q4-20261121T020000-0a1b2c3d.xlsx"


def update(text: str = "/start", **message: object) -> dict[str, object]:
    """A text update exactly as the platform sends it (``../shared/specs/README.md``)."""
    return {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m1",
            "date": 1763690400000,
            "text": text,
            "from": {"id": "u1", "display_name": "Chị Lan", "is_bot": False},
            "chat": {"id": "u1", "chat_type": "PRIVATE"},
            **message,
        },
    }


def test_a_text_update_becomes_an_incoming_message() -> None:
    incoming = from_update(update("/nhap"))
    assert incoming is not None
    assert (incoming.channel, incoming.external_id, incoming.chat_id) == ("zalo", "u1", "u1")
    assert (incoming.message_id, incoming.text, incoming.display_name) == ("m1", "/nhap", "Chị Lan")
    assert not incoming.phone_button and not incoming.is_group and not incoming.unsupported


def test_photos_stickers_groups_and_bots() -> None:
    photo = {**update(), "event_name": "message.image.received"}
    photo["message"] = {**photo["message"], "text": None, "caption": "12"}  # type: ignore[dict-item]
    assert from_update(photo).text == "12"  # type: ignore[union-attr]
    sticker = {**update(), "event_name": "message.sticker.received"}
    assert from_update(sticker).unsupported  # type: ignore[union-attr]
    group = update("chào", chat={"id": "g1", "chat_type": "GROUP"})
    incoming = from_update(group)
    assert incoming is not None and incoming.is_group and incoming.chat_id == "g1"
    group_sticker = {**update(chat={"id": "g1", "chat_type": "GROUP"})}
    group_sticker["event_name"] = "message.sticker.received"
    assert from_update(group_sticker) is None
    assert from_update(update(**{"from": {"id": "b", "is_bot": True}})) is None
    assert from_update(update(message_id="")) is None
    assert from_update({"event_name": "message.text.received"}) is None
    assert from_update(update(**{"from": "u1"})) is None  # malformed: no crash, no message
    assert from_update(update(chat=["u1"])) is not None  # the sender's own chat then
    assert from_update(update(message_id="m" * 65)) is None  # longer than the database keeps


def test_webhook_bodies_wrapped_or_bare() -> None:
    bare = update()
    assert unwrap(bare) == bare
    assert unwrap({"ok": True, "result": bare}) == bare
    assert unwrap([bare]) is None


def test_zalo_errors_for_the_sender() -> None:
    throttled = delivery_error(ZaloTooManyRequests("sendMessage", 429, ""))
    assert isinstance(throttled, RetryLater) and throttled.retry_after is None
    assert isinstance(delivery_error(ZaloNetworkError("sendMessage: timeout")), TemporaryFailure)
    assert isinstance(delivery_error(ZaloAPIError("sendMessage", 500, "x")), TemporaryFailure)
    assert isinstance(delivery_error(ZaloUnauthorized("sendMessage", 401, "")), TemporaryFailure)
    assert isinstance(delivery_error(ZaloAPIError("sendMessage", 403, "")), RecipientGone)
    assert isinstance(delivery_error(ZaloAPIError("sendMessage", 400, "")), PermanentFailure)


def test_webhook_secret_rules() -> None:
    derived = webhook_secret(None, "123:abc")
    assert derived == webhook_secret(None, "123:abc") and 8 <= len(derived) <= 256
    assert webhook_secret(SecretStr("mot-bi-mat-dai"), "123:abc") == "mot-bi-mat-dai"
    with pytest.raises(ConfigurationError):
        webhook_secret(SecretStr("ngan"), "123:abc")
    with pytest.raises(ConfigurationError):
        derive_secret("qua-ngan", "123:abc")  # REPORT_LINK_SECRET under 16 characters


def links(folder: Path, hours: float = 24) -> ReportLinks:
    return ReportLinks(
        derive_secret(None, "123:abc"), "https://xa.example.vn/", folder, timedelta(hours=hours)
    )


def workbook(folder: Path) -> Document:
    path = folder / STORED
    path.write_bytes(b"PK fake workbook")
    return Document("Tong-hop-NGANAM2026-2026Q4.xlsx", str(path))


def parts(url: str) -> tuple[str, str, str, str]:
    """(expires, signature, stored name, download name) of a link."""
    path, _sep, query = url.partition("?ten=")
    expires, signature, stored = path.split("/bao-cao/")[1].split("/")
    return expires, signature, stored, query


def test_a_link_opens_its_report_until_it_expires(tmp_path: Path) -> None:
    maker = links(tmp_path)
    url, expires = maker.url_for(workbook(tmp_path), NOW)
    assert url.startswith("https://xa.example.vn/bao-cao/")
    assert expires == NOW + timedelta(hours=24)
    assert maker.open(*parts(url), NOW + timedelta(hours=23)) == (tmp_path / STORED).resolve()
    with pytest.raises(LinkExpired):
        maker.open(*parts(url), NOW + timedelta(hours=24))


def test_a_changed_link_opens_nothing(tmp_path: Path) -> None:
    maker = links(tmp_path)
    other = tmp_path / STORED.replace("0a1b2c3d", "99999999")
    other.write_bytes(b"another report")
    expires, signature, stored, name = parts(maker.url_for(workbook(tmp_path), NOW)[0])
    later = str(int(expires) + 3600)
    for tampered in (
        (later, signature, stored, name),  # a longer life
        (expires, signature, other.name, name),  # another report
        (expires, signature[:-1] + "A", stored, name),
        (expires, signature, stored, "Khac.xlsx"),
        (expires, signature, "../../etc/passwd", name),
        ("soon", signature, stored, name),
        ("²" * 3, signature, stored, name),
        ("9" * 5000, signature, stored, name),
    ):
        with pytest.raises(LinkRefused) as refused:
            maker.open(*tampered, NOW)
        assert type(refused.value) is LinkRefused
    stranger = ReportLinks(derive_secret("mot-bi-mat-khac-dai", ""), "https://x.vn", tmp_path)
    with pytest.raises(LinkRefused):
        stranger.open(expires, signature, stored, name, NOW)


def test_a_pruned_report_and_foreign_files(tmp_path: Path) -> None:
    maker = links(tmp_path)
    document = workbook(tmp_path)
    url, _expires = maker.url_for(document, NOW)
    Path(document.path).unlink()
    with pytest.raises(ReportGone):
        maker.open(*parts(url), NOW)
    with pytest.raises(ValueError):
        maker.url_for(Document("x.xlsx", str(tmp_path / "ghi-chu.xlsx")), NOW)
    with pytest.raises(ValueError):
        maker.url_for(Document("x.xlsx", str(tmp_path.parent / STORED)), NOW)


def channel(links: ReportLinks | None) -> ZaloChannel:
    return ZaloChannel(ZaloBotAPI("123:abc", "http://127.0.0.1:9"), links, lambda: NOW)


def test_choices_are_numbered_and_documents_become_links(tmp_path: Path) -> None:
    text = channel(None).text_of(Reply("Chọn đơn vị:", choices=("Thôn 1", "Thôn 2")))
    assert text == "Chọn đơn vị:\n  1. Thôn 1\n  2. Thôn 2"
    reply = Reply("📊 Báo cáo tổng hợp", document=workbook(tmp_path))
    with_link = channel(links(tmp_path)).text_of(reply)
    assert "https://xa.example.vn/bao-cao/" in with_link
    assert "chỉ mở được báo cáo này" in with_link
    assert "đến 09:00 22/11/2026" in with_link  # Vietnam time (NOW is 02:00 UTC on the 21st)
    without = channel(None).text_of(reply)
    assert "http" not in without
    assert "/tonghop NGANAM2026 2026Q4" in without
    assert "reportbot report NGANAM2026 2026Q4" in without


def test_how_to_get_each_workbook() -> None:
    assert how_to_get("Dang-ky-thi-dua-XUANSON2026.xlsx") == (
        "/dangkythidua XUANSON2026",
        "reportbot registrations XUANSON2026",
    )
    assert how_to_get("Tong-hop-TT-2026-2026S2.xlsx") == (
        "/tonghop TT-2026 2026S2",
        "reportbot report TT-2026 2026S2",
    )


def test_long_texts_are_cut_at_line_breaks() -> None:
    lines = [f"{n}. Thôn số {n} — chưa báo cáo, gọi 09{n:08d}" for n in range(120)]
    text = channel(None).text_of(Reply("\n".join(lines)))
    from domain.messages import split_text

    pieces = split_text(text, MAX_TEXT)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_TEXT for piece in pieces)
    assert "\n".join(pieces) == text


@pytest.mark.parametrize(
    ("stored", "name", "media_type"),
    [
        (STORED, "Tong-hop-NGANAM2026-2026Q4.xlsx", XLSX),
        (
            "bien-ban-XUANSON2026-SK-20261121T020000-0a1b2c3d.docx",
            "Bien-ban-binh-xet.docx",
            DOCX,
        ),
    ],
)
async def test_a_link_serves_its_file_with_the_right_type(
    tmp_path: Path, stored: str, name: str, media_type: str
) -> None:
    """A Word document behind a link goes as a Word document (the phone opens it with the
    right program), a workbook as a workbook."""
    (tmp_path / stored).write_bytes(b"PK fake office file")
    maker = links(tmp_path)
    url, _expires = maker.url_for(Document(name, str(tmp_path / stored)), NOW)
    application = web.Application()
    application.add_routes([download_route(maker, lambda: NOW)])
    async with TestClient(TestServer(application)) as client:
        answer = await client.get(url.removeprefix("https://xa.example.vn"))
        assert answer.status == 200
        assert answer.headers["Content-Type"] == media_type
        assert name in unquote(answer.headers["Content-Disposition"])
        assert await answer.read() == b"PK fake office file"
