"""Zalo: whole conversations through the real ``reportbot run`` process against the fake Zalo
Bot Platform (``tests/fake_zalo.py``, strict about the platform's shapes), by polling and by
webhook, with the workbook as a signed download link; and the faults: a refused token, 429,
time-outs, server errors, a forged webhook call, changed and expired links."""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.app import open_app
from bot.report_links import ReportLinks, derive_secret
from bot.settings import Settings
from domain.messages import Document
from storage.models import (
    Campaign,
    ChannelAccount,
    OrgUnit,
    ProcessedMessage,
    Registration,
    Submission,
)
from storage.recipients import unit_recipients
from tests.bot_process import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import text_update as telegram_text
from tests.fake_zalo import (
    SECRET_HEADER,
    TOKEN,
    FakeZalo,
    Fault,
    bad_gateway,
    server_error,
    slow,
    sticker_update,
    text_update,
    too_many_requests,
)
from tests.helpers import count, make_invite, rows, sample, typed_answer

HEAD, OFFICE, STRANGER = "6142494823001", "6142494823009", "6142494823003"
LINK = re.compile(r"https?://\S+/bao-cao/\S+")


def zalo_bot(tmp_path: Path, zalo: FakeZalo, database_url: str, **settings: str) -> BotProcess:
    """``reportbot run`` with Zalo only, quick polls and no per-chat pause."""
    defaults = {
        "DATABASE_URL": database_url,
        "ZALO_BOT_TOKEN": TOKEN,
        "ZALO_API_BASE": zalo.base_url,
        "ZALO_POLL_SECONDS": "1",
        "ZALO_CHAT_PER_SECOND": "1000",
    }
    return BotProcess(tmp_path, **{**defaults, **settings})


@pytest.fixture
async def polling(zalo: FakeZalo, prepared: str, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = zalo_bot(tmp_path, zalo, prepared)
    await process.start()
    yield process
    code = await process.stop()
    assert code == 0, process.output()[-3000:]


async def say(zalo: FakeZalo, user: str, text: str, needle: str, **options: str) -> str:
    """``user`` writes ``text``; wait for the bot's first new message containing ``needle``."""
    since = len(zalo.texts(user))
    await zalo.push(text_update(user, text, **options))  # type: ignore[arg-type]
    return await zalo.wait_for_text(user, needle, since=since)


async def reporter_round(zalo: FakeZalo, code: str, campaign: Campaign) -> None:
    """The head of Phường 1 binds by typing the invite code, registers and submits all 26
    figures, every choice answered by its number."""
    # binding by the invite code typed as the first message
    await say(zalo, HEAD, code, "Đã liên kết bạn với đơn vị: Phường 1", name="Nguyễn An")

    # registration: every choice is a numbered list answered by its number
    choose = await say(zalo, HEAD, "/dangky", "Chọn danh hiệu thi đua tập thể")
    assert "\n  1. " in choose and "\n  2. " in choose
    await say(zalo, HEAD, "2", "cam kết cho từng chỉ tiêu")
    await say(zalo, HEAD, "2", "Lưu đăng ký này?")
    await say(zalo, HEAD, "1", "✅ Đã lưu đăng ký thi đua")

    # submission of all 26 figures, then the confirmation by number
    await say(zalo, HEAD, "/nhap", "Chỉ tiêu 1/26")
    for position, element in enumerate(campaign.elements):
        needle = f"Chỉ tiêu {position + 2}/26" if position < 25 else "Nộp báo cáo này?"
        await say(zalo, HEAD, typed_answer(element, position), needle)
    await say(zalo, HEAD, "1", "✅ Đã nhận báo cáo Quý 4/2026 của Phường 1")


async def test_reporter_and_office_on_zalo_by_polling(
    zalo: FakeZalo, polling: BotProcess, prepared: str
) -> None:
    async with open_app(Settings(database_url=prepared)) as app:
        code = await make_invite(app, "P1")
        office_code = await make_invite(app, None)
        campaign = await sample(app)

    # a stranger is asked for a code, with no word of buttons or phone sharing
    question = await say(zalo, STRANGER, "/start", "mã mời", name="Người lạ")
    assert "nút" not in question and "số điện thoại" not in question
    sticker = sticker_update(STRANGER)
    await zalo.push(sticker)
    await zalo.wait_for_text(STRANGER, "chỉ đọc được tin nhắn chữ")

    await reporter_round(zalo, code, campaign)

    # the same message delivered twice is answered once
    before = len(zalo.texts(HEAD))
    for _ in range(2):
        await zalo.push(text_update(HEAD, "/trogiup", message_id="zalo-dup-1"))
    await zalo.wait_for_text(HEAD, "/nhap", since=before)
    await zalo.wait_until_delivered()
    await asyncio.sleep(0.5)
    assert len(zalo.texts(HEAD)) == before + 1

    # the office: progress, and the consolidated report as text with where to get the file
    await say(zalo, OFFICE, f"/start {office_code}", "quyền văn phòng")
    await say(zalo, OFFICE, "/tiendo", "Xem tiến độ phong trào nào?")
    progress = await say(zalo, OFFICE, "1", "Đã báo cáo: 1/8")
    assert "Chưa báo cáo (7)" in progress
    report = await say(zalo, OFFICE, "/tonghop NGANAM2026", "📊 Báo cáo tổng hợp Quý 4/2026")
    assert "Đã báo cáo 1/8 đơn vị" in report
    assert "Zalo không gửi được file" in report and "reportbot report NGANAM2026 2026Q4" in report
    assert not LINK.search(report)
    assert all(len(text) <= 2000 for text in zalo.texts(OFFICE))

    async with open_app(Settings(database_url=prepared)) as app:
        assert await count(app, Submission) == 1
        assert await count(app, Registration) == 1
        processed = await rows(app, ProcessedMessage, ProcessedMessage.channel == "zalo")
        assert len({row.message_id for row in processed}) == len(processed)
        assert "zalo-dup-1" in {row.message_id for row in processed}


async def test_webhook_and_report_links(
    zalo: FakeZalo, prepared: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    async with open_app(Settings(database_url=prepared)) as app:
        code = await make_invite(app, "P1")
        office_code = await make_invite(app, None)
        campaign = await sample(app)
    hook = f"http://127.0.0.1:{unused_tcp_port}"
    process = zalo_bot(
        tmp_path,
        zalo,
        prepared,
        PUBLIC_BASE_URL=hook,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(unused_tcp_port),
    )
    await process.start()
    try:
        assert await zalo.wait_for_webhook() == f"{hook}/zalo/webhook"
        secret = zalo.webhook_secret
        # the platform delivers wrapped and bare bodies; both are answered
        await zalo.push(text_update(OFFICE, f"/start {office_code}"), wrapped=True)
        await zalo.wait_for_text(OFFICE, "quyền văn phòng")
        await reporter_round(zalo, code, campaign)
        progress = await say(zalo, OFFICE, "/tiendo NGANAM2026", "Đã báo cáo: 1/8")
        assert "Chưa báo cáo (7)" in progress
        await zalo.push(text_update(OFFICE, "/tonghop NGANAM2026"), wrapped=False)
        report = await zalo.wait_for_text(OFFICE, "📊 Báo cáo tổng hợp Quý 4/2026")
        assert "Đã báo cáo 1/8 đơn vị" in report
        await zalo.push(text_update(OFFICE, "/dangkythidua NGANAM2026"))
        registrations = await zalo.wait_for_text(OFFICE, "📋 Danh sách đăng ký thi đua")
        await zalo.wait_until_delivered()
        assert all(status == 200 for _id, status in zalo.webhook_deliveries)

        link = _link(report)
        async with aiohttp.ClientSession() as http:
            async with http.get(link) as answer:
                assert answer.status == 200
                assert "Tong-hop-NGANAM2026-2026Q4.xlsx" in unquote(
                    answer.headers["Content-Disposition"]
                )
                book = load_workbook(io.BytesIO(await answer.read()))
                assert book.sheetnames[:2] == ["Tổng hợp", "Tiến độ"]
            await _refused_links(http, link, _link(registrations), tmp_path, process)
            await _forged_webhook_calls(http, f"{hook}/zalo/webhook", secret)
        await zalo.wait_for_text(STRANGER, "mã mời")
        await asyncio.sleep(0.5)
        assert len(zalo.texts(STRANGER)) == 1  # the forged calls got nothing, the retry neither
    finally:
        assert await process.stop() == 0, process.output()[-3000:]


def _link(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return found.group(0)


async def _refused_links(
    http: aiohttp.ClientSession, link: str, other: str, tmp_path: Path, process: BotProcess
) -> None:
    """A changed signature, another report's name and a genuine but expired link open nothing
    (expired by the bot's own clock)."""
    hook = process.env["PUBLIC_BASE_URL"]
    path, _sep, name = link.partition("?ten=")
    expires, signature, stored = path.split("/bao-cao/")[1].split("/")
    other_stored = other.partition("?")[0].rsplit("/", 1)[1]
    changed = [
        f"{hook}/bao-cao/{expires}/{signature[:-2]}xx/{stored}?ten={name}",
        f"{hook}/bao-cao/{int(expires) + 86400}/{signature}/{stored}?ten={name}",
        f"{hook}/bao-cao/{expires}/{signature}/{other_stored}?ten={name}",
        f"{hook}/bao-cao/{expires}/{signature}/{stored}?ten=Khac.xlsx",
    ]
    for url in changed:
        async with http.get(url) as answer:
            assert answer.status == 403, url
            assert "không đúng" in await answer.text()
    reports = tmp_path / "reports"
    links = ReportLinks(derive_secret(None, TOKEN), hook, reports)
    document = Document(unquote(name), str(reports / stored))
    expired, _when = links.url_for(document, process.clock.now() - timedelta(hours=25))
    async with http.get(expired) as answer:
        assert answer.status == 410
        assert "hết hạn" in await answer.text()
    fresh, _when = links.url_for(document, process.clock.now())
    async with http.get(fresh) as answer:
        assert answer.status == 200  # the same key and file: only the time was wrong


async def _forged_webhook_calls(http: aiohttp.ClientSession, url: str, secret: str) -> None:
    """Calls without the right secret are refused and processed not at all; the genuine one
    (bare body) is answered, and its retry is dropped."""
    forged = text_update(STRANGER, "/start", message_id="forged-1")
    for headers in ({}, {SECRET_HEADER: "wrong-secret"}, {SECRET_HEADER: secret[:-1]}):
        async with http.post(url, json=forged, headers=headers) as answer:
            assert answer.status == 403
    for body in (
        "not json",
        "[" * 100_000 + "]" * 100_000,
        "[1]",
        '{"a": ' + "[" * 40 + "]" * 40 + "}",
    ):
        async with http.post(url, data=body, headers={SECRET_HEADER: secret}) as answer:
            assert answer.status == 400  # not JSON, nested 100,000 deep, not an object, too deep
    genuine = text_update(STRANGER, "/start", message_id="genuine-1")
    for _ in range(2):
        async with http.post(url, json=genuine, headers={SECRET_HEADER: secret}) as answer:
            assert answer.status == 200


async def test_a_refused_token_stops_the_bot_with_a_clear_message(
    zalo: FakeZalo, prepared: str, tmp_path: Path
) -> None:
    process = zalo_bot(tmp_path, zalo, prepared, ZALO_BOT_TOKEN="999:wrong-token")
    await process.start()
    assert process.process is not None
    code = await asyncio.wait_for(process.process.wait(), timeout=60)
    output = process.output()
    assert code == 1, output
    assert "ZALO_BOT_TOKEN" in output and "401" in output
    assert "Traceback" not in output
    assert zalo.unauthorized >= 1 and zalo.calls_of("getUpdates") == []


async def test_rate_limits_timeouts_and_server_errors(
    zalo: FakeZalo, prepared: str, tmp_path: Path
) -> None:
    """A 429 pauses sending and the reply still arrives once; a poll or a send without an
    answer in time is given up and retried; a 500 is retried; nothing the person said is
    lost."""
    async with open_app(Settings(database_url=prepared)) as app:
        code = await make_invite(app, "P1")
    process = zalo_bot(tmp_path, zalo, prepared, ZALO_REQUEST_TIMEOUT="1")
    zalo.fail("getUpdates", slow(6), server_error(), too_many_requests(), bad_gateway())
    await process.start()
    try:

        def polls() -> list[float]:
            return [call.at for call in zalo.attempts if call.method == "getUpdates"]

        await zalo.wait_until(lambda: len(polls()) >= 5, 60, "five polls")  # past every fault
        # the slow poll was given up after 1 s of poll + 1 s of time-out, well before its
        # answer (6 s); then 1 s back-off after it, 2 s after the 500, 5 s after the 429
        first, second, third, fourth = polls()[:4]
        assert second - first < 4.5
        assert fourth - third >= 4
        started = time.monotonic()
        zalo.fail("sendMessage", too_many_requests())
        await say(zalo, HEAD, code, "Đã liên kết bạn với đơn vị: Phường 1")
        assert time.monotonic() - started >= 4  # waited out the 429 (5 s)
        assert len(zalo.texts(HEAD)) == 1

        zalo.fail("sendMessage", server_error(), server_error())
        await say(zalo, HEAD, "/trogiup", "/nhap")
        assert len(zalo.texts(HEAD)) == 2

        zalo.fail("sendMessage", slow(3))  # accepted by the server, answered too late
        await say(zalo, HEAD, "/donvi", "Phường 1")
        await asyncio.sleep(3)
        # at least once: without an idempotency key a send that timed out is sent again
        assert 3 <= len(zalo.texts(HEAD)) <= 4
    finally:
        assert await process.stop() == 0, process.output()[-3000:]
    assert "Traceback" not in process.output()


async def test_a_token_revoked_while_running_stops_the_bot_clearly(
    zalo: FakeZalo, prepared: str, tmp_path: Path
) -> None:
    process = zalo_bot(tmp_path, zalo, prepared)
    await process.start()
    await zalo.wait_for_call("getUpdates", count=2, timeout=60)
    zalo.fail("getUpdates", Fault(401, "Unauthorized"))
    assert process.process is not None
    code = await asyncio.wait_for(process.process.wait(), timeout=60)
    output = process.output()
    assert code == 1 and "ZALO_BOT_TOKEN" in output and "Traceback" not in output


async def test_one_person_on_telegram_and_zalo_in_one_process(
    zalo: FakeZalo, fake: FakeTelegram, prepared: str, tmp_path: Path
) -> None:
    """Both tokens set: one process serves both platforms. A head bound on Telegram links
    Zalo with a pairing code and submits from Zalo; reminders then follow the app used last."""
    async with open_app(Settings(database_url=prepared)) as app:
        code = await make_invite(app, "P1")
    process = zalo_bot(
        tmp_path,
        zalo,
        prepared,
        TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        TELEGRAM_CHAT_PER_SECOND="1000",
    )
    await process.start()
    try:
        on_telegram = 1001
        await fake.push(telegram_text(on_telegram, f"/start {code}", name="Nguyễn An"))
        await fake.wait_for_text(on_telegram, "Đã liên kết bạn với đơn vị: Phường 1")
        await fake.push(telegram_text(on_telegram, "/lienket"))
        issued = await fake.wait_for_text(on_telegram, "Mã liên kết của bạn")
        pairing = re.search(r"/lienket ([A-Z0-9]{8})", issued)
        assert pairing, issued
        linked = await say(zalo, HEAD, f"/lienket {pairing.group(1)}", "✅ Đã liên kết")
        assert "Phường 1" in linked
        await say(zalo, HEAD, "/nhap", "Chỉ tiêu 1/26")
    finally:
        assert await process.stop() == 0, process.output()[-3000:]

    async with open_app(Settings(database_url=prepared)) as app:
        accounts = await rows(app, ChannelAccount, ChannelAccount.reporter_id.is_not(None))
        people = {account.channel: account.reporter_id for account in accounts}
        assert people["telegram"] == people["zalo"]
        [unit] = await rows(app, OrgUnit, OrgUnit.code == "P1")
        async with app.sessions() as session:
            [recipient] = (await unit_recipients(session, [unit.id]))[unit.id]
        assert (recipient.channel, recipient.chat_id) == ("zalo", HEAD)
