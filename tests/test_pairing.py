"""One person on both channels: pairing codes from ``/lienket``, carrying over an account's
units and office right, reminders to the account used last, and texts for channels without a
phone button (Zalo)."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from domain.messages import Incoming, Reply, render_text
from storage import outbox
from storage.campaigns import find_unit
from storage.models import (
    BindFailure,
    ChannelAccount,
    Invite,
    InviteKind,
    OutboxMessage,
    Reporter,
    ReporterUnit,
    Submission,
)
from storage.recipients import unit_recipients
from tests.conftest import Person
from tests.helpers import count, make_invite, rows, sample, typed_answer


async def bound(app: App, name: str, channel: str, unit_code: str | None = "P1") -> Person:
    """A person bound with an invite on ``channel`` (to ``unit_code``, or the office if None)."""
    person = Person(app, name, channel=channel)
    answer = await person.say(f"/start {await make_invite(app, unit_code)}")
    assert "Đã liên kết bạn với đơn vị" in answer or "quyền văn phòng" in answer
    return person


def pairing_code(answer: str) -> str:
    """The pairing code in the answer to ``/lienket``."""
    found = re.search(r"Mã liên kết của bạn: (\w+)", answer)
    assert found, answer
    return found[1]


async def submit(person: Person, app: App) -> str:
    """Enter every figure of the sample for the person's unit and confirm; the receipt."""
    campaign = await sample(app)
    assert "Chỉ tiêu 1/26" in await person.say("/nhap")
    for position, element in enumerate(campaign.elements):
        answer = await person.say(typed_answer(element, position))
    assert "Nộp báo cáo này?" in answer
    return await person.say("1")


async def account(app: App, person: Person) -> ChannelAccount:
    """The stored account of ``person`` on their channel."""
    found = await rows(
        app,
        ChannelAccount,
        ChannelAccount.channel == person.channel,
        ChannelAccount.external_id == person.name,
    )
    assert len(found) == 1
    return found[0]


async def test_telegram_person_links_zalo_and_submits_there(app: App) -> None:
    telegram = await bound(app, "An", "telegram")
    answer = await telegram.say("/lienket")
    code = pairing_code(answer)
    assert f"/lienket {code}" in answer and "30 phút" in answer and "một lần" in answer
    invite = (await rows(app, Invite, Invite.code == code))[0]
    assert invite.kind is InviteKind.LINK and invite.used_at is None

    zalo = Person(app, "an-zalo", channel="zalo")
    answer = await zalo.say(f"/lienket {code}")
    assert "Đã liên kết tài khoản này với An" in answer
    assert "Bạn đại diện cho: Phường 1" in answer and "ứng dụng bạn dùng gần nhất" in answer
    reporter_id = (await account(app, telegram)).reporter_id
    assert (await account(app, zalo)).reporter_id == reporter_id
    assert await count(app, Reporter) == 1
    used = (await rows(app, Invite, Invite.code == code))[0]
    assert used.used_by_reporter_id == reporter_id and used.used_at is not None

    receipt = await submit(zalo, app)
    assert "✅ Đã nhận báo cáo Quý 4/2026 của Phường 1" in receipt
    assert [s.submitted_by_id for s in await rows(app, Submission)] == [reporter_id]


async def test_new_account_links_with_the_bare_code(app: App) -> None:
    telegram = await bound(app, "Bình", "telegram", "P2")
    code = pairing_code(await telegram.say("liên kết"))  # the typed word, with diacritics
    newcomer = Person(app, "binh-zalo", channel="zalo")
    answer = await newcomer.say(code.lower())
    assert "Đã liên kết tài khoản này với Bình" in answer and "Phường 2" in answer
    assert "Chỉ tiêu 1/26" in await newcomer.say("nhap so lieu")


async def test_zalo_person_links_telegram(app: App) -> None:
    zalo = await bound(app, "Chi", "zalo", "P3")
    code = pairing_code(await zalo.say("lien ket"))
    telegram = Person(app, "chi-tg", channel="telegram")
    answer = await telegram.say(f"/start {code}")
    assert "Đã liên kết tài khoản này với Chi" in answer and "Phường 3" in answer
    assert (await account(app, telegram)).reporter_id == (await account(app, zalo)).reporter_id
    assert "Chỉ tiêu 1/26" in await telegram.say("/nhap")


async def test_unbound_person_gets_the_invite_question(app: App) -> None:
    stranger = Person(app, "stranger", channel="zalo")
    answer = await stranger.say("/lienket")
    assert "mã mời" in answer and "Mã liên kết của bạn" not in answer
    assert await count(app, Invite, Invite.kind == InviteKind.LINK) == 0


async def test_refused_pairing_codes_and_the_limit(app: App, clock: ManualClock) -> None:
    telegram = await bound(app, "Dung", "telegram")
    own = pairing_code(await telegram.say("/lienket"))
    answer = await telegram.say(f"/lienket {own}")
    assert "chính tài khoản này" in answer and f"/lienket {own}" in answer
    assert await count(app, BindFailure) == 0

    guesser = Person(app, "guesser", channel="zalo")
    expired = pairing_code(await telegram.say("/lienket"))
    clock.current += timedelta(minutes=31)
    answer = await guesser.say(f"/lienket {expired}")
    assert "đã hết hạn" in answer and "còn 4 lần thử" in answer

    taken = pairing_code(await telegram.say("/lienket"))
    zalo = Person(app, "dung-zalo", channel="zalo")
    assert "Đã liên kết tài khoản này với Dung" in await zalo.say(f"/lienket {taken}")
    answer = await zalo.say(f"/lienket {taken}")  # again, from the account it linked
    assert "đã được liên kết với bạn rồi" in answer
    answer = await guesser.say(f"/lienket {taken}")
    assert "đã được dùng" in answer and "còn 3 lần thử" in answer
    assert (await account(app, guesser)).reporter_id is None

    for attempt in range(3):
        assert "Mã không đúng" in await guesser.say(f"/lienket WRONG{attempt}XY")
    assert await count(app, BindFailure) == 5
    valid = pairing_code(await telegram.say("/lienket"))
    blocked = await guesser.say(valid)
    assert "sai mã 5 lần" in blocked and (await account(app, guesser)).reporter_id is None
    clock.current += timedelta(hours=1, minutes=1)  # the wrong codes are old now
    fresh = pairing_code(await telegram.say("/lienket"))
    assert "Đã liên kết tài khoản này với Dung" in await guesser.say(f"/start {fresh}")


async def test_an_account_of_someone_else_is_not_taken_over(app: App) -> None:
    """A code passed to someone already bound (as a trick, or by mistake) links nothing: their
    account, units and office rights stay theirs, the code stays usable, nothing is counted."""
    telegram = await bound(app, "Em", "telegram", "P1")
    zalo = await bound(app, "em-zalo", "zalo", "P2")
    await zalo.say(f"/start {await make_invite(app, None)}")
    old_id = (await account(app, zalo)).reporter_id
    new_id = (await account(app, telegram)).reporter_id
    code = pairing_code(await telegram.say("/lienket"))

    answer = await zalo.say(f"/lienket {code}")
    assert "không liên kết với người khác được" in answer and f"Mã {code} chưa bị dùng" in answer
    assert (await account(app, zalo)).reporter_id == old_id
    assert await count(app, ReporterUnit, ReporterUnit.reporter_id == new_id) == 1
    assert not (await rows(app, Reporter, Reporter.id == new_id))[0].is_office
    assert await count(app, BindFailure) == 0
    newcomer = Person(app, "em-moi", channel="zalo")
    assert "✅ Đã liên kết" in await newcomer.say(code)


async def test_no_pairing_code_in_a_group(app: App) -> None:
    office = Person(app, "van-phong", channel="telegram")
    await office.say(f"/start {await make_invite(app, None)}")
    incoming = Incoming(
        channel="telegram",
        external_id="van-phong",
        chat_id="-100123",
        message_id="group-1",
        text="/lienket",
        is_group=True,
        is_office_chat=True,
    )
    await app.pipeline.process(incoming)
    async with app.sessions() as session:
        texts = [
            message.payload["text"]
            for message in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == "-100123")
            )
        ]
    assert texts == ["Để lấy mã liên kết, hãy nhắn riêng cho bot (không gõ trong nhóm)."]
    assert await count(app, Invite, Invite.kind == InviteKind.LINK) == 0


async def test_one_code_used_by_many_at_once_links_one(app: App) -> None:
    """Six accounts send the same code in the same instant: one is linked, five are told it
    was used (the invite row is locked while a step uses it)."""
    telegram = await bound(app, "Lan", "telegram", "P1")
    code = pairing_code(await telegram.say("/lienket"))
    people = [Person(app, f"lan-{n}", channel="zalo") for n in range(6)]
    answers = await asyncio.gather(*(person.say(f"/lienket {code}") for person in people))
    assert sum("✅ Đã liên kết" in answer for answer in answers) == 1
    assert sum("đã được dùng" in answer for answer in answers) == 5
    owner = (await account(app, telegram)).reporter_id
    linked = await rows(app, ChannelAccount, ChannelAccount.reporter_id == owner)
    assert len(linked) == 2


async def test_reminders_go_to_the_account_used_last(app: App, clock: ManualClock) -> None:
    telegram = await bound(app, "Giang", "telegram")
    code = pairing_code(await telegram.say("/lienket"))
    clock.current += timedelta(minutes=1)
    zalo = Person(app, "giang-zalo", channel="zalo")
    await zalo.say(f"/lienket {code}")
    async with app.sessions() as session:
        unit = await find_unit(session, "P1")
        assert unit is not None
        unit_id = unit.id

    async def recipient_channel() -> str:
        async with app.sessions() as session:
            recipients = (await unit_recipients(session, [unit_id]))[unit_id]
        assert len(recipients) == 1  # one person, one chat
        return recipients[0].channel

    assert await recipient_channel() == "zalo"
    clock.current += timedelta(minutes=5)
    await telegram.say("/menu")
    assert await recipient_channel() == "telegram"
    clock.current += timedelta(minutes=5)
    await zalo.say("/trogiup")
    assert await recipient_channel() == "zalo"


async def text_only(app: App, text: str, **flags: bool) -> list[Reply]:
    """Send ``text`` as a Zalo user (no phone button); the replies."""
    incoming = Incoming(
        channel="zalo",
        external_id="zalo-user",
        chat_id="zalo-user",
        message_id=uuid.uuid4().hex,
        text=text,
        display_name="Hà",
        phone_button=False,
        **flags,
    )
    await app.pipeline.process(incoming)
    got: list[Reply] = []

    async def collect(message: OutboxMessage) -> None:
        got.append(Reply.from_payload(message.payload))

    await outbox.deliver_pending(app.sessions, "zalo", collect, app.clock.now, "zalo-user")
    return got


async def test_text_only_channel_mentions_no_button(app: App) -> None:
    for text, flags in [
        ("/start", {}),
        ("0900000001", {}),  # a typed phone at the code question
        ("", {"unverified_contact": True}),
        ("/trogiup", {}),
    ]:
        replies = await text_only(app, text, **flags)
        assert replies, text
        assert not any(reply.request_phone for reply in replies), text
        said = "\n".join(render_text(reply) for reply in replies)
        assert "nút" not in said and "số điện thoại gõ tay" not in said, said
        assert "mã mời" in said or "/lienket" in said, said
    telegram = Person(app, "tg-user", channel="telegram")
    await telegram.say("/start")
    assert telegram.replies[-1].request_phone and "bấm nút" in telegram.replies[-1].text
