"""Telegram: whole conversations through the real ``reportbot run`` process against the fake
Bot API server, which checks every request against the Bot API spec."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.app import open_app
from bot.settings import Settings
from storage.models import (
    ChannelAccount,
    DataValue,
    OutboxMessage,
    OutboxStatus,
    ProcessedMessage,
    Registration,
    Submission,
)
from tests.bot_process import BotProcess
from tests.fake_telegram import (
    FakeTelegram,
    Fault,
    callback_update,
    contact_update,
    text_update,
)
from tests.helpers import count, make_invite, rows, sample, typed_answer

TOKEN = "123456:TEST-TOKEN"
HEAD, SECOND, OFFICE, STRANGER = 1001, 1002, 1009, 1003


@pytest.fixture
async def running(fake: FakeTelegram, prepared: str, tmp_path: Path) -> AsyncIterator[BotProcess]:
    base = f"http://127.0.0.1:{fake.port}"
    process = BotProcess(
        tmp_path, DATABASE_URL=prepared, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=base
    )
    await process.start()
    yield process
    code = await process.stop()
    assert code == 0, process.output()[-3000:]


async def tap(fake: FakeTelegram, user_id: int, needle: str, number: int) -> None:
    """Tap button ``number`` under the latest message to ``user_id`` that contains ``needle``."""
    message = fake.last_message(user_id, needle)
    buttons = [
        b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert f"c{number}" in buttons
    await fake.push(callback_update(user_id, message, f"c{number}"))


async def test_reporter_and_office_on_telegram(
    fake: FakeTelegram, running: BotProcess, prepared: str
) -> None:
    async with open_app(Settings(database_url=prepared)) as app:
        code = await make_invite(app, "P1")
        office_code = await make_invite(app, None)
        campaign = await sample(app)

    # binding by deep link (/start CODE) and by the person's own shared contact
    await fake.push(text_update(HEAD, f"/start {code}", name="Nguyễn <b>An</b>"))
    await fake.wait_for_text(HEAD, "Đã liên kết bạn với đơn vị: Phường 1")
    await fake.push(contact_update(SECOND, "+84 900 000 002"))
    await fake.wait_for_text(SECOND, "Bạn đại diện cho: Phường 2")
    await fake.push(text_update(STRANGER, "/start"))
    await fake.wait_for_text(STRANGER, "mã mời")
    phone_button = fake.sent(STRANGER)[-1]["reply_markup"]["keyboard"][0][0]
    assert phone_button["request_contact"] is True
    await fake.push(contact_update(STRANGER, "0900000003", contact_user_id=4242))  # someone else's
    await fake.wait_for_text(STRANGER, "chỉ nhận số điện thoại của chính bạn")

    # registration with buttons
    await fake.push(text_update(HEAD, "/dangky"))
    await fake.wait_for_text(HEAD, "Chọn danh hiệu thi đua tập thể")
    await tap(fake, HEAD, "Chọn danh hiệu thi đua tập thể", 2)  # toggles title 2 on
    await fake.wait_for_text(HEAD, "2. ☑ Tập thể lao động xuất sắc")
    await tap(fake, HEAD, "2. ☑ Tập thể lao động xuất sắc", 3)  # "Xong"
    await fake.wait_for_text(HEAD, "cam kết cho từng chỉ tiêu")
    await tap(fake, HEAD, "cam kết cho từng chỉ tiêu", 2)
    await fake.wait_for_text(HEAD, "Lưu đăng ký này?")
    await tap(fake, HEAD, "Lưu đăng ký này?", 1)
    await fake.wait_for_text(HEAD, "✅ Đã lưu đăng ký thi đua")

    # submission, then a correction with a reason
    await fake.push(text_update(HEAD, "/nhap"))
    for position, element in enumerate(campaign.elements):
        await fake.wait_for_text(HEAD, f"Chỉ tiêu {position + 1}/26")
        await fake.push(text_update(HEAD, typed_answer(element, position)))
    await fake.wait_for_text(HEAD, "Nộp báo cáo này?")
    await tap(fake, HEAD, "Nộp báo cáo này?", 1)
    await fake.wait_for_text(HEAD, "✅ Đã nhận báo cáo Quý 4/2026 của Phường 1")
    for text in ["/nhap", "1", "4", "45 tỷ", "nhập nhầm"]:
        await fake.push(text_update(HEAD, text))
    await fake.wait_for_text(HEAD, "✅ Đã sửa Thu ngân sách")

    # the office: its own command menu, progress; a reporter in a group is sent to a private chat
    await fake.push(text_update(OFFICE, f"/start {office_code}"))
    await fake.wait_for_text(OFFICE, "quyền văn phòng")
    await fake.push(text_update(OFFICE, "/tiendo"))
    await fake.wait_for_text(OFFICE, "Xem tiến độ phong trào nào?")
    await tap(fake, OFFICE, "Xem tiến độ phong trào nào?", 1)
    progress = await fake.wait_for_text(OFFICE, "Đã báo cáo: 1/8")
    assert "Chưa báo cáo (7)" in progress
    joined = text_update(SECOND, "", chat_id=-100555)
    del joined["message"]["text"]
    joined["message"]["new_chat_members"] = [{"id": 1004, "is_bot": False, "first_name": "Bình"}]
    await fake.push(joined)  # a service message: nothing said to the bot, no answer
    await fake.push(text_update(SECOND, "/nhap", chat_id=-100555))
    await fake.wait_for_text(-100555, "nhắn riêng cho bot")
    assert len(fake.texts(-100555)) == 1

    menus = [c.params for c in fake.calls if c.method == "setmycommands"]
    assert any(m.get("scope", {}).get("type") == "all_private_chats" for m in menus)
    office_menu = [m for m in menus if m.get("scope", {}).get("chat_id") == OFFICE]
    assert office_menu and office_menu[-1]["commands"][0]["command"] == "tiendo"
    assert all("parse_mode" not in call.params for call in fake.calls)  # plain text: no escaping
    callbacks = [c for c in fake.calls if c.method == "answercallbackquery"]
    assert len(callbacks) == 6  # every tap answered (titles: one toggle, then "Xong")

    async with open_app(Settings(database_url=prepared)) as app:
        assert await count(app, Submission) == 1
        assert await count(app, Registration) == 1
        assert await count(app, DataValue) == 26
        [second] = await rows(app, ChannelAccount, ChannelAccount.external_id == str(SECOND))
        assert second.chat_id == str(SECOND)  # a group message does not move the person


async def test_office_gets_workbooks_as_documents(
    fake: FakeTelegram, prepared: str, tmp_path: Path
) -> None:
    """/tonghop in a private chat and /dangkythidua in an office group: sendDocument uploads a
    real workbook with a Vietnamese caption and an ASCII file name."""
    async with open_app(Settings(database_url=prepared)) as app:
        office_code = await make_invite(app, None)
    group = -100777
    process = BotProcess(
        tmp_path,
        DATABASE_URL=prepared,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
        OFFICE_CHAT_IDS=str(group),
    )
    await process.start()
    try:
        await fake.push(text_update(OFFICE, f"/start {office_code}"))
        await fake.wait_for_text(OFFICE, "quyền văn phòng")
        await fake.push(text_update(OFFICE, "/tonghop"))
        await fake.wait_for_text(OFFICE, "Lập báo cáo tổng hợp cho phong trào nào?")
        await tap(fake, OFFICE, "Lập báo cáo tổng hợp cho phong trào nào?", 1)
        caption = await fake.wait_for_text(OFFICE, "📊 Báo cáo tổng hợp Quý 4/2026")
        assert "Đã báo cáo 0/8 đơn vị" in caption
        await fake.push(text_update(OFFICE, "/dangkythidua@thidua_bot XUANSON2026", chat_id=group))
        await fake.wait_for_text(group, "📋 Danh sách đăng ký thi đua")
    finally:
        assert await process.stop() == 0, process.output()[-3000:]

    [upload] = fake.documents(OFFICE)
    assert upload.filename == "Tong-hop-NGANAM2026-2026Q4.xlsx"
    book = load_workbook(io.BytesIO(upload.content))
    assert book.sheetnames[:2] == ["Tổng hợp", "Tiến độ"] and "Chi tiết" in book.sheetnames
    [in_group] = fake.documents(group)
    assert in_group.filename == "Dang-ky-thi-dua-XUANSON2026.xlsx"
    assert load_workbook(io.BytesIO(in_group.content)).sheetnames == ["Đăng ký thi đua"]
    menus = [c.params for c in fake.calls if c.method == "setmycommands"]
    office_menu = [m for m in menus if m.get("scope", {}).get("chat_id") == OFFICE][-1]
    names = [command["command"] for command in office_menu["commands"]]
    assert names[:3] == ["tiendo", "tonghop", "dangkythidua"]


async def test_updates_survive_a_kill_in_the_middle_of_a_burst(
    fake: FakeTelegram, prepared: str, tmp_path: Path
) -> None:
    """kill -9 during a burst of submissions: nothing Telegram handed over is lost, nothing is
    stored twice, and redelivered updates are dropped by update_id."""
    async with open_app(Settings(database_url=prepared)) as app:
        campaign = await sample(app)
    reporters = [(2001 + i, f"090000000{i + 1}") for i in range(8)]  # the eight sample units
    for user_id, phone in reporters:
        await fake.push(contact_update(user_id, phone))
        await fake.push(text_update(user_id, "/nhap"))
        for position, element in enumerate(campaign.elements):
            await fake.push(text_update(user_id, typed_answer(element, position)))
        await fake.push(text_update(user_id, "1"))
    total = len(fake.updates)
    fake.max_batch = 10  # Telegram may hand over fewer than asked: the kill lands mid-burst

    base = f"http://127.0.0.1:{fake.port}"
    process = BotProcess(
        tmp_path,
        DATABASE_URL=prepared,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=base,
        OUTBOX_LEASE_SECONDS="2",  # messages the killed bot was sending go out again 2 s later
    )
    await process.start()
    # watch the fake server, not the database, so the kill lands while the bot is busy writing:
    # five batches of 10 handed over (the first four confirmed) of the burst's 232 updates
    await _until(lambda: sum(c.method == "getupdates" for c in fake.calls) >= 5, process)
    await process.kill()
    async with open_app(Settings(database_url=prepared)) as app:
        killed_at = await count(app, ProcessedMessage)
        assert 0 < killed_at < total
        await process.start()
        await _until(lambda: len(fake.sent()) >= total, process)
        unsent = OutboxMessage.status != OutboxStatus.SENT
        while await count(app, OutboxMessage, unsent) or await count(app, ProcessedMessage) < total:
            await asyncio.sleep(0.2)
        assert await process.stop() == 0
        assert await count(app, ProcessedMessage) == total
        assert await count(app, OutboxMessage) == total  # one reply per update, none twice
        assert await count(app, Submission) == 8
        assert await count(app, DataValue) == 8 * 26
    for user_id, _phone in reporters:
        assert any("✅ Đã nhận báo cáo" in text for text in fake.texts(user_id))


async def _until(done: Callable[[], bool], process: BotProcess, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out; bot said:\n{process.output()[-3000:]}")


async def test_webhook_checks_the_secret(
    fake: FakeTelegram, prepared: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    base = f"http://127.0.0.1:{fake.port}"
    hook = f"http://127.0.0.1:{unused_tcp_port}"
    process = BotProcess(
        tmp_path,
        DATABASE_URL=prepared,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=base,
        PUBLIC_BASE_URL=hook,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(unused_tcp_port),
    )
    await process.start()
    try:
        deadline = time.monotonic() + 90
        while not fake.webhook and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert fake.webhook["url"] == f"{hook}/telegram/webhook"
        secret = fake.webhook["secret_token"]
        assert len(secret) >= 32
        update = {"update_id": 555, **text_update(HEAD, "/start")}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(fake.webhook["url"], json=update, headers=headers) as answer:
                    assert answer.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            async with http.post(fake.webhook["url"], json=update, headers=headers) as answer:
                assert answer.status == 200
            async with http.post(fake.webhook["url"], json=update, headers=headers) as answer:
                assert answer.status == 200  # a retry of the same update: dropped, still 200
            async with http.get(f"{hook}/health") as answer:
                assert answer.status == 200
            deep = "[" * 100_000 + "]" * 100_000
            bad_bodies = [
                deep.encode(),  # nested 100,000 deep
                b'{"update_id": 1, "x": ' + b"[" * 40 + b"]" * 40 + b"}",  # too deep
                b"not json",
                b"[1, 2, 3]",  # not an object
                b'{"update_id": "abc"}',  # not an update
                b"\xff\xfe",  # not UTF-8
            ]
            for body in bad_bodies:
                async with http.post(fake.webhook["url"], data=body, headers=headers) as answer:
                    assert answer.status == 400, body[:40]
            big = b'{"update_id": 1, "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
            async with http.post(fake.webhook["url"], data=big, headers=headers) as answer:
                assert answer.status == 413
        await fake.wait_for_text(HEAD, "mã mời")
        await asyncio.sleep(0.5)
        assert len(fake.texts(HEAD)) == 1
    finally:
        assert await process.stop() == 0
    assert "Traceback" not in process.output() and "RecursionError" not in process.output()
    assert "body is not" in process.output()  # one line each in the log
    async with open_app(Settings(database_url=prepared)) as app:
        assert len(await rows(app, ProcessedMessage, ProcessedMessage.channel == "telegram")) == 1


async def test_a_refused_token_stops_the_bot_with_a_clear_message(
    fake: FakeTelegram, prepared: str, tmp_path: Path
) -> None:
    unauthorized = Fault(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    fake.fail("setMyCommands", unauthorized)
    process = BotProcess(
        tmp_path,
        DATABASE_URL=prepared,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
    )
    await process.start()
    assert process.process is not None
    code = await asyncio.wait_for(process.process.wait(), timeout=60)
    output = process.output()
    assert code == 1, output
    assert "TELEGRAM_BOT_TOKEN" in output and "Traceback" not in output
    assert not [call for call in fake.calls if call.method == "getupdates"]
