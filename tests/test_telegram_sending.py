"""The outbox sender with the Telegram channel against the fake Bot API: 429 with retry_after,
500s, time-outs, 403, bad requests, order within a chat, long texts, buttons, the overall pace
against a server counting in a 1-second window."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.telegram.channel import MAX_TEXT, TelegramChannel, make_bot
from bot.channels.telegram.ingest import _choice_label
from bot.sender import OutboxSender, Pacing, WindowLimiter
from domain.messages import Document, Reply, render_text, split_text
from handlers.choices import pick
from storage import accounts, outbox
from storage.models import ChannelAccount, OutboxMessage, OutboxStatus
from tests.fake_telegram import FakeTelegram, Fault, forbidden, too_many_requests
from tests.helpers import rows

CHAT = "5001"


@pytest.fixture
async def sender(app: App, fake: FakeTelegram) -> AsyncIterator[OutboxSender]:
    bot = make_bot("1:TEST", f"http://127.0.0.1:{fake.port}", timeout=0.5)
    channel = TelegramChannel(bot, chat_per_second=1000)
    pacing = Pacing(per_second=1000, base_backoff=0.05, max_backoff=0.2, max_attempts=4)
    yield OutboxSender(app.sessions, channel, app.clock.now, pacing)
    await bot.session.close()


async def enqueue(app: App, *replies: Reply, chat_id: str = CHAT) -> None:
    async with app.sessions() as session, session.begin():
        account = await accounts.upsert_account(
            session, "telegram", chat_id, chat_id, "An", app.clock.now()
        )
        accounts.enqueue(
            session,
            "telegram",
            chat_id,
            account.id,
            [r.to_payload() for r in replies],
            app.clock.now(),
        )


async def drain(app: App, sender: OutboxSender, rounds: int = 200) -> None:
    """Run rounds until nothing is pending or sending, moving the clock past every back-off."""
    for _ in range(rounds):
        await sender.send_due()
        waiting = await rows(
            app,
            OutboxMessage,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        )
        if not waiting:
            return
        app.clock.current += timedelta(seconds=1)  # type: ignore[attr-defined]
    raise AssertionError("outbox never drained")


async def outbox_rows(app: App) -> list[OutboxMessage]:
    return sorted(await rows(app, OutboxMessage), key=lambda row: row.id)


async def test_429_waits_retry_after_and_delivers(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    fake.fail("sendMessage", too_many_requests(1))
    await enqueue(app, Reply("Xin chào"))
    started = time.monotonic()
    await drain(app, sender)
    assert time.monotonic() - started >= 0.9  # the whole channel paused for retry_after
    [row] = await outbox_rows(app)
    assert row.status is OutboxStatus.SENT and row.attempts == 2
    assert fake.texts(CHAT) == ["Xin chào"]


async def test_server_errors_and_timeouts_are_retried(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    fake.fail("sendMessage", Fault(500), Fault(502), Fault(200, delay=1.0))  # the last: a time-out
    await enqueue(app, Reply("Nhắc báo cáo"))
    await drain(app, sender)
    [row] = await outbox_rows(app)
    assert row.status is OutboxStatus.SENT and row.attempts == 4
    assert fake.texts(CHAT) == ["Nhắc báo cáo"]


async def test_failures_are_kept_with_their_reason(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    fake.fail("sendMessage", *[Fault(500)] * 4)
    await enqueue(app, Reply("Lần 1"))
    fake_bad = Fault(
        400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )
    await drain(app, sender)
    fake.fail("sendMessage", fake_bad)
    await enqueue(app, Reply("Lần 2"), chat_id="5002")
    await drain(app, sender)
    first, second = await outbox_rows(app)
    assert first.status is OutboxStatus.FAILED and first.attempts == 4
    assert "Internal Server Error" in (first.last_error or "")
    assert second.status is OutboxStatus.FAILED and second.attempts == 1
    assert "chat not found" in (second.last_error or "")


async def test_blocked_bot_marks_the_account_inactive(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    fake.fail("sendMessage", forbidden())
    await enqueue(app, Reply("Nhắc báo cáo"))
    await drain(app, sender)
    [row] = await outbox_rows(app)
    assert row.status is OutboxStatus.FAILED and "blocked" in (row.last_error or "")
    [account] = await rows(app, ChannelAccount, ChannelAccount.external_id == CHAT)
    assert account.is_active is False


async def test_a_chat_keeps_its_order_across_retries(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    fake.fail("sendMessage", Fault(500))
    await enqueue(app, Reply("một"), Reply("hai"), Reply("ba"))
    await enqueue(app, Reply("khác"), chat_id="5009")
    await drain(app, sender)
    assert fake.texts(CHAT) == ["một", "hai", "ba"]
    assert fake.texts("5009") == ["khác"]


async def test_long_texts_buttons_and_phone_request(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    long_text = "\n".join(f"{n}. Đơn vị số {n} — Nguyễn Văn An 0900000001" for n in range(1, 200))
    await enqueue(
        app,
        Reply(long_text),
        Reply("Chọn một:", ("Có", "Không")),
        Reply("Gửi số điện thoại", request_phone=True),
        Reply("Đã xong", command_menu="office"),
    )
    await drain(app, sender)
    sent = fake.sent(CHAT)
    parts = [p["text"] for p in sent[: len(split_text(long_text, MAX_TEXT))]]
    assert len(parts) >= 2 and all(len(p) <= MAX_TEXT for p in parts)
    assert "\n".join(parts) == long_text  # cut only at line breaks, nothing lost
    choice = sent[len(parts)]
    buttons = choice["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in buttons] == [["c1"], ["c2"]]
    assert "1. Có" in choice["text"]
    phone = sent[len(parts) + 1]["reply_markup"]["keyboard"][0][0]
    assert phone["request_contact"] is True
    menus = [c.params for c in fake.calls if c.method == "setmycommands"]
    assert menus[-1]["scope"] == {"type": "chat", "chat_id": int(CHAT)}


def test_split_text_keeps_everything() -> None:
    assert split_text("ngắn", 10) == ["ngắn"]
    assert split_text("a\nb\nc", 3) == ["a\nb", "c"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    words = "một hai ba bốn năm sáu"
    assert " ".join(split_text(words, 8)) == words


async def test_a_failed_part_does_not_resend_the_parts_before(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    text = "\n".join(["a" * 4000, "b" * 4000, "c" * 100])
    fake.fail("sendMessage", Fault(200), Fault(500))  # the first part passes, the second fails
    await enqueue(app, Reply(text))
    await drain(app, sender)
    starts = [t[0] for t in fake.texts(CHAT)]
    assert starts == ["a", "b", "c"]  # part "a" went out once, "b" again after the failure
    [row] = await outbox_rows(app)
    assert row.status is OutboxStatus.SENT and row.payload["parts_sent"] == 1


async def test_a_menu_failure_does_not_hold_back_the_message(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    fake.fail(
        "setMyCommands", Fault(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
    )
    await enqueue(app, Reply("Chào văn phòng", command_menu="office"))
    await drain(app, sender)
    assert fake.texts(CHAT) == ["Chào văn phòng"]


async def test_a_busy_chat_does_not_starve_the_others(
    app: App, fake: FakeTelegram, sender: OutboxSender
) -> None:
    await enqueue(app, *[Reply(f"tin {n}") for n in range(120)], chat_id="6001")
    await enqueue(app, Reply("Đến lượt tôi"), chat_id="6002")
    await sender.send_due()
    assert fake.texts("6002") == ["Đến lượt tôi"]


async def test_documents_are_uploaded(
    app: App, fake: FakeTelegram, sender: OutboxSender, tmp_path: Path
) -> None:
    workbook = tmp_path / "tong-hop.xlsx"
    workbook.write_bytes(b"PK fake workbook")
    await enqueue(
        app, Reply("Báo cáo tổng hợp Quý 4/2026", document=Document("tong-hop.xlsx", str(workbook)))
    )
    await drain(app, sender)
    [sent] = fake.sent(CHAT)
    assert sent["document"] == "tong-hop.xlsx" and sent["caption"] == "Báo cáo tổng hợp Quý 4/2026"


def test_choices_are_read_from_the_full_text() -> None:
    labels = (
        "Phong trào thi đua yêu nước năm 2025 của thị xã Ngã Năm, tỉnh Sóc Trăng, giai đoạn I",
        "Phong trào thi đua yêu nước năm 2025 của thị xã Ngã Năm, tỉnh Sóc Trăng, giai đoạn II",
    )
    text = render_text(Reply("Chọn:", labels))
    assert _choice_label(text, "c2") == labels[1]
    assert pick(_choice_label(text, "c2"), labels) == 1
    years = render_text(Reply("Năm nào?", ("2025", "2026")))
    assert pick(_choice_label(years, "c1"), ("2025", "2026")) == 0
    assert pick("2", ("2025", "2026")) == 1


async def test_two_senders_never_overtake_each_other_in_a_chat(app: App) -> None:
    """A second sender (another process) must not take a chat's later messages while the
    first is sending its earlier ones. On PostgreSQL the second claims while the first's claim
    is still uncommitted (its snapshot sees those rows as waiting, SKIP LOCKED hides them); on
    SQLite, which has one writer, right after it."""
    await enqueue(app, *[Reply(f"tin {n}") for n in range(10)])
    now, lease = app.clock.now(), timedelta(minutes=2)
    concurrent = app.engine.dialect.name == "postgresql"
    async with app.sessions() as first, first.begin():
        taken = await outbox.claim(first, "telegram", now, lease, limit=3, per_chat=5)
        if concurrent:
            async with app.sessions() as second, second.begin():
                overtaking = await outbox.claim(
                    second, "telegram", now, lease, limit=100, per_chat=5
                )
    if not concurrent:
        async with app.sessions() as second, second.begin():
            overtaking = await outbox.claim(second, "telegram", now, lease, limit=100, per_chat=5)
    assert [row.payload["text"] for row in taken] == [f"tin {n}" for n in range(3)]
    assert overtaking == []


async def test_the_overall_pace_never_trips_a_one_second_window(
    app: App, fake: FakeTelegram
) -> None:
    """A burst to many chats at the configured rate gets no 429 from a server that counts
    accepted messages in a sliding 1-second window (a leaky bucket of the same rate lets a
    first burst of ``per_second`` go, then one every 1/per_second: up to twice the limit in
    the first second)."""
    per_second, chats = 10, 25
    fake.per_second = per_second
    bot = make_bot("1:TEST", f"http://127.0.0.1:{fake.port}", timeout=5)
    sender = OutboxSender(
        app.sessions,
        TelegramChannel(bot, chat_per_second=1000),
        app.clock.now,
        Pacing(per_second=per_second),
    )
    for n in range(chats):
        await enqueue(app, Reply(f"🔔 Nhắc báo cáo {n}"), chat_id=str(7000 + n))
    await drain(app, sender)
    await bot.session.close()
    assert fake.rejected == 0
    received = sorted(call.at for call in fake.calls if call.method == "sendmessage")
    assert len(received) == chats
    assert sorted(str(p["chat_id"]) for p in fake.sent()) == sorted(
        str(7000 + n) for n in range(chats)
    )
    for first in received:  # however the windows are placed, never more than per_second
        assert sum(first <= at < first + 1.0 for at in received) <= per_second


def test_window_limiter_rates() -> None:
    assert (WindowLimiter.per_second(30).count, WindowLimiter.per_second(30).period) == (30, 1.0)
    assert (WindowLimiter.per_second(0.5).count, WindowLimiter.per_second(0.5).period) == (1, 2.0)
    below = WindowLimiter.per_second(2.5)  # 2 every 0.8 s, never 3 in a second
    assert (below.count, below.period) == (2, 0.8)


async def test_window_limiter_counts_a_send_until_a_period_after_its_end() -> None:
    limiter = WindowLimiter(3, period=60.0)
    loop = asyncio.get_running_loop()
    inside: list[int] = []
    release = asyncio.Event()

    async def send() -> None:
        async with limiter.slot():
            inside.append(1)
            await release.wait()

    sends = [asyncio.create_task(send()) for _ in range(3)]  # a burst of 3 goes at once
    for _ in range(100):
        if len(inside) == 3:
            break
        await asyncio.sleep(0.01)
    assert len(inside) == 3 and limiter.free(loop.time()) == 0
    fourth = asyncio.create_task(send())
    release.set()
    await asyncio.gather(*sends)
    ended = loop.time()
    assert not fourth.done()  # the slots cool for a period after their sends ended
    assert limiter.free(ended) == 0
    assert limiter.free(ended + 60.0) == 3
    fourth.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await fourth


async def test_a_chat_waiting_for_its_pace_does_not_hold_back_another(
    app: App, fake: FakeTelegram
) -> None:
    """One chat's second message waits a second for the chat's pace (1 a second); another
    chat's answer committed meanwhile goes out at once, not after that chat's round."""
    bot = make_bot("1:TEST", f"http://127.0.0.1:{fake.port}", timeout=0.5)
    channel = TelegramChannel(bot, chat_per_second=1)
    sender = OutboxSender(app.sessions, channel, app.clock.now, Pacing(per_second=1000))
    await enqueue(app, Reply("một"), Reply("hai"), chat_id="5101")
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    try:
        await fake.wait_for_text("5101", "một")
        await enqueue(app, Reply("ba"), chat_id="5102")
        sender.wake()
        await fake.wait_for_text("5102", "ba")
        assert fake.texts("5101") == ["một"]  # still waiting for its pace
        await fake.wait_for_text("5101", "hai")
    finally:
        stop.set()
        await running
        await bot.session.close()
    assert [row.status for row in await outbox_rows(app)] == [OutboxStatus.SENT] * 3


async def test_a_chat_still_being_sent_is_not_claimed_again_after_its_lease(app: App) -> None:
    """A row whose lease ran out while its sender still waits (a long 429 pause) is not taken
    again by that sender beside the first send: the chats it is sending to are skipped."""
    await enqueue(app, Reply("một"), chat_id="5201")
    await enqueue(app, Reply("hai"), chat_id="5202")
    now, lease = app.clock.now(), timedelta(minutes=2)
    async with app.sessions() as session, session.begin():
        first = await outbox.claim(session, "telegram", now, lease, limit=100)
    assert sorted(row.chat_id for row in first) == ["5201", "5202"]
    later = now + lease + timedelta(seconds=1)  # both leases ran out
    async with app.sessions() as session, session.begin():
        again = await outbox.claim(session, "telegram", later, lease, 100, skip_chats={"5201"})
    assert [row.chat_id for row in again] == ["5202"]
