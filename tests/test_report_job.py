"""The automatic period report: the workbook and the missing units go to every office chat."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import update

from bot.app import App
from domain.messages import Reply
from services.office_reports import push_period_report
from storage.models import ChannelAccount, OutboxMessage
from tests.conftest import Person
from tests.helpers import make_invite, rows, sample

P1_PHONE = "0900000001"


async def push(app: App, reports_dir: Path, groups: frozenset[str] = frozenset()) -> int:
    campaign = await sample(app)
    period = next(p for p in campaign.periods if p.code == "2026Q4")
    async with app.sessions() as session, session.begin():
        sent = await push_period_report(
            session, campaign, period, now=app.clock.now(), office_chats=groups
        )
    assert app.settings.reports_dir == reports_dir
    await app.build_documents()  # the document worker's part
    return sent


async def queued(app: App, chat_id: str) -> list[Reply]:
    found = await rows(app, OutboxMessage, OutboxMessage.chat_id == chat_id)
    return [Reply.from_payload(m.payload) for m in sorted(found, key=lambda m: m.id)]


async def test_report_goes_to_every_office_account(app: App, reports_dir: Path) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    first, second, gone = Person(app, "clerk1"), Person(app, "clerk2"), Person(app, "clerk3")
    for person in (first, second, gone):
        await person.say(f"/start {await make_invite(app, None)}")
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.external_id == "clerk3")
            .values(is_active=False)  # blocked the bot
        )
    before = {chat: len(await queued(app, chat)) for chat in ("head", "clerk1", "clerk3")}

    assert await push(app, reports_dir) == 2

    for person in (first, second):
        document, missing = (await queued(app, person.name))[-2:]
        assert document.document is not None
        assert "📊 Báo cáo tổng hợp Quý 4/2026" in document.text
        assert "Báo cáo tự động sau hạn nộp 10/01/2027" in document.text
        assert document.document.filename == "Tong-hop-NGANAM2026-2026Q4.xlsx"
        assert "Chưa báo cáo (8):" in missing.text and "Phường 2 — " in missing.text
    paths = {r.document.path for r in await queued(app, "clerk1") if r.document}
    [path] = paths
    assert Path(path).parent == reports_dir.resolve()
    assert "Tổng hợp" in load_workbook(path, read_only=True).sheetnames
    assert len(await queued(app, "head")) == before["head"]  # reporters get nothing
    assert len(await queued(app, "clerk3")) == before["clerk3"]
    delivered = await first.say("/menu")  # the console delivers what is queued for the chat
    assert "📊 Báo cáo tổng hợp Quý 4/2026" in delivered and "Chưa báo cáo (8)" in delivered


async def test_report_goes_to_the_office_groups(app: App, reports_dir: Path) -> None:
    """Telegram groups replace the personal chats of office users on Telegram; an office user
    on Zalo (no office groups there) still gets it in their own chat."""
    clerk = Person(app, "clerk", channel="telegram")
    await clerk.say(f"/start {await make_invite(app, None)}")
    on_zalo = Person(app, "zalo-clerk", channel="zalo")
    await on_zalo.say(f"/start {await make_invite(app, None)}")
    before = len(await queued(app, "clerk"))
    assert await push(app, reports_dir, frozenset({"-100200", "-100100"})) == 3
    for group in ("-100100", "-100200"):
        found = await rows(app, OutboxMessage, OutboxMessage.chat_id == group)
        assert [m.channel for m in found] == ["telegram", "telegram"]
        assert found[0].account_id is None and "document" in found[0].payload
    assert len(await queued(app, "clerk")) == before  # groups replace personal chats
    found = await rows(app, OutboxMessage, OutboxMessage.chat_id == "zalo-clerk")
    assert [m.channel for m in found][-2:] == ["zalo", "zalo"]
    assert "document" in found[-2].payload


async def test_nobody_to_send_to(app: App, reports_dir: Path) -> None:
    before = len(await rows(app, OutboxMessage))
    assert await push(app, reports_dir) == 0
    assert len(await rows(app, OutboxMessage)) == before
    assert not reports_dir.exists()  # no workbook built for nobody
