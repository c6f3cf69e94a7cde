"""Self-scoring (``/chamdiem``) through the real pipeline on the Xuân Sơn sample: typed points,
automatic criteria, evidence, the draft sheet, submission, a return and its correction."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from domain.messages import Attachment, Incoming
from storage import reviews as review_store
from storage.campaigns import find_unit
from storage.models import (
    ApprovalStatus,
    Criterion,
    Evidence,
    Period,
    Reporter,
    Review,
    Score,
    ScoreAudit,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)
from storage.values import Change, write_values
from tests.conftest import Person, vn_time
from tests.helpers import VILLAGE_SAMPLE, rows, sample

DONG = "0900000101"  # Thôn Đông, head of the villages' cluster
DOAI = "0900000102"  # Thôn Đoài
SELF_DAY = date(2026, 7, 12)  # inside the sơ kết's self-scoring window (11/07 - 20/07)


async def photo(person: Person, name: str, caption: str = "") -> str:
    """Send a photo the channel adapter already saved (evidence); return the replies."""
    sha = uuid.uuid5(uuid.NAMESPACE_URL, name).hex * 2
    incoming = Incoming(
        channel=person.channel,
        external_id=person.name,
        chat_id=person.name,
        message_id=uuid.uuid4().hex,
        text=caption,
        display_name=person.name,
        attachment=Attachment("photo", f"evidence/{sha[:2]}/{sha}.jpg", sha, "image/jpeg", name, 9),
    )
    await person.app.pipeline.process(incoming)
    return await person.inbox()


async def head_of(app: App, clock: ManualClock, phone: str, name: str = "head") -> Person:
    """A village head bound by phone, the clock in the self-scoring window."""
    clock.current = vn_time(SELF_DAY)
    person = Person(app, name, phone=phone)
    await person.say("/start")
    return person


async def criteria(app: App) -> dict[str, Criterion]:
    campaign = await sample(app, VILLAGE_SAMPLE)
    async with app.sessions() as session:
        return {c.code: c for c in await review_store.criteria_of(session, campaign.id)}


async def self_sheet(app: App, unit_code: str = "THON_DONG") -> ScoreSheet:
    async with app.sessions() as session:
        unit = await find_unit(session, unit_code)
        assert unit is not None
        found = await session.scalar(
            select(ScoreSheet).where(
                ScoreSheet.org_unit_id == unit.id, ScoreSheet.role == SheetRole.SELF
            )
        )
        assert found is not None
        return found


async def points(app: App, sheet_id: int) -> dict[str, str]:
    """criterion code -> stored points of a sheet."""
    by_id = {c.id: code for code, c in (await criteria(app)).items()}
    return {
        by_id[s.criterion_id]: s.points for s in await rows(app, Score, Score.sheet_id == sheet_id)
    }


async def figures(app: App, unit_code: str, values: dict[str, str]) -> None:
    """Store the unit's 2026S1 figures (element code -> value) as if submitted."""
    campaign = await sample(app, VILLAGE_SAMPLE)
    by_code = {e.code: e.id for e in campaign.elements}
    async with app.sessions() as session, session.begin():
        unit = await find_unit(session, unit_code)
        period = await session.scalar(
            select(Period).where(Period.campaign_id == campaign.id, Period.code == "2026S1")
        )
        reporter = await session.scalar(select(Reporter).limit(1))
        assert unit and period and reporter
        changes = [Change(by_code[code], value) for code, value in values.items()]
        await write_values(session, unit.id, period.id, changes, reporter.id, vn_time(SELF_DAY))


async def test_self_scoring_whole_round(app: App, clock: ManualClock) -> None:
    head = await head_of(app, clock, DONG)
    await figures(app, "THON_DONG", {"NHAN_KHAU": "1000", "BHYT": "900"})
    answer = await head.say("/chamdiem")
    assert "Tiêu chí 1/8 (I.1)" in answer and "Tối đa 30 điểm · điểm chuẩn" in answer
    assert "Cần minh chứng (đã gửi 0 tệp)" in answer
    # points typed the Vietnamese way; evidence still missing: asked for it
    answer = await head.say("25,5 điểm")
    assert "Đã ghi — I.1: 25,5 điểm" in answer and "cần minh chứng" in answer
    assert "bỏ qua" not in answer.split("Đã ghi")[-1] or "không bỏ qua" in answer
    refused = await head.say("bỏ qua")
    assert "không bỏ qua được" in refused
    answer = await photo(head, "bien-ban.jpg")
    assert "📎 Đã nhận minh chứng cho tiêu chí I.1 (1 tệp)" in answer
    # the automatic criterion: 900/1000 = 90% of the 95% plan
    assert "Tiêu chí 2/8 (I.2)" in answer and "Điểm tự động: 14,21 điểm" in answer
    assert "Đạt 94,74% kế hoạch" in answer
    # changed: a reason is asked, then stored with the computed points
    answer = await head.say("15")
    assert "Vì sao chấm 15 điểm cho I.2" in answer
    assert "Hãy ghi lý do" in await head.say("ok")
    answer = await head.say("Số liệu quý 2 bổ sung sau")
    assert "Đã ghi — I.2: 15 điểm (lý do: Số liệu quý 2 bổ sung sau)" in answer
    # out of range, without diacritics, asked again; nothing stored wrong
    answer = await head.say("12 diem")
    assert "chỉ chấm từ 0 đến 10 điểm" in answer and "Tiêu chí 3/8 (I.3)" in answer
    sheet = await self_sheet(app)
    assert "I.3" not in await points(app, sheet.id)
    answer = await head.say("9.5 diem")
    assert "Đã ghi — I.3: 9,5 điểm" in answer
    # /huy keeps the sheet; /chamdiem goes on at the first criterion without points
    assert "Điểm đã chấm được giữ" in await head.say("/huy")
    answer = await head.say("/chamdiem")
    assert "Tiếp tục bản nháp: đã chấm 3/8 tiêu chí" in answer and "(II.1)" in answer
    await photo(head, "van-hoa.jpg")
    await photo(head, "van-hoa.jpg")  # the same file again counts once
    answer = await head.say("14")
    assert "(II.2)" in answer
    answer = await head.say("lùi")
    assert "(II.1)" in answer and "Đang ghi: 14 điểm" in answer
    answer = await head.say("giữ")
    assert "(II.2)" in answer
    await head.say("15")
    answer = await photo(head, "phong-trao.jpg", caption="13")
    assert "Đã ghi — II.3: 13 điểm" in answer and "(III.1)" in answer
    answer = await head.say("bỏ qua")
    assert "không bỏ qua được" in answer
    await photo(head, "mo-hinh.jpg")
    answer = await head.say("5")
    assert "(III.2)" in answer and "điểm trừ" in answer
    summary = await head.say("0")
    assert "Tổng: 97 điểm" in summary and "Nộp bảng điểm này?" in summary
    receipt = await head.say("nộp")
    assert "✅ Đã nộp bảng tự chấm Sơ kết 6 tháng đầu năm của Thôn Đông" in receipt
    assert "Tổng điểm: 97" in receipt and "Mã biên nhận: SOKET-" in receipt

    sheet = await self_sheet(app)
    assert sheet.status is SheetStatus.SUBMITTED
    stored = await points(app, sheet.id)
    assert stored["I.1"] == "25.5" and stored["I.3"] == "9.5" and stored["III.2"] == "0"
    by_code = await criteria(app)
    auto = (await rows(app, Score, Score.criterion_id == by_code["I.2"].id))[0]
    assert (auto.points, auto.computed, auto.reason) == ("15", "14.21", "Số liệu quý 2 bổ sung sau")
    evidence = await rows(app, Evidence)
    assert sorted(e.file_name for e in evidence) == [
        "bien-ban.jpg",
        "mo-hinh.jpg",
        "phong-trao.jpg",
        "van-hoa.jpg",
    ]
    assert await rows(app, ScoreAudit) == []  # a draft's changes are not audited

    # after submission: a correction asks its reason and is audited
    answer = await head.say("/chamdiem")
    assert "Đã nộp lúc" in answer and "Sửa gì nữa không?" in answer
    answer = await head.say("sửa 3 8")
    assert "Lý do sửa điểm I.3 thành 8 điểm?" in answer
    answer = await head.say("chấm nhầm")
    assert "Đã ghi — I.3: 8 điểm" in answer and "Tổng: 95,5 điểm" in answer
    audit = await rows(app, ScoreAudit)
    assert [(a.old_points, a.new_points, a.reason) for a in audit] == [("9.5", "8", "chấm nhầm")]


async def test_automatic_points_accepted_in_one_word(app: App, clock: ManualClock) -> None:
    head = await head_of(app, clock, DOAI)
    await figures(app, "THON_DOAI", {"NHAN_KHAU": "1000", "BHYT": "960"})
    await head.say("/chamdiem")
    await head.say("20")
    answer = await photo(head, "a.jpg")
    assert "Đạt 96% kế hoạch (từ 100% trở lên)" not in answer
    assert "Điểm tự động: 15 điểm" in answer
    answer = await head.say("đúng")
    assert "Đã ghi — I.2: 15 điểm" in answer and "lý do" not in answer
    sheet = await self_sheet(app, "THON_DOAI")
    score = await rows(app, Score, Score.sheet_id == sheet.id)
    assert {(s.points, s.computed, s.reason) for s in score} >= {("15", "15", "")}


async def test_no_target_means_scored_by_hand(app: App, clock: ManualClock) -> None:
    head = await head_of(app, clock, DOAI)  # no figures at all: 0 points by the rule
    await head.say("/chamdiem")
    await head.say("20")
    answer = await photo(head, "a.jpg")
    assert "Chưa có số liệu để tính: 0 điểm." in answer


async def test_windows_closed_and_not_yet(app: App, clock: ManualClock) -> None:
    head = await head_of(app, clock, DOAI)
    clock.current = vn_time(date(2026, 7, 5))
    assert "Chưa đến thời gian tự chấm. Sơ kết 6 tháng đầu năm: từ 11/07/2026" in await head.say(
        "/chamdiem"
    )
    clock.current = vn_time(date(2026, 11, 21))
    assert "Chưa đến thời gian tự chấm. Tổng kết năm: từ 11/01/2027" in await head.say("/chamdiem")
    clock.current = vn_time(date(2027, 2, 1))
    assert "Đã hết thời gian tự chấm của Tổng kết năm" in await head.say("/chamdiem")


async def test_returned_sheet_corrected_and_approved_locked(app: App, clock: ManualClock) -> None:
    head = await head_of(app, clock, DOAI)
    await head.say("/chamdiem")
    for answer in ("20", None, "đúng", "8", None, "10", "10", None, "3", None, "0", "0"):
        if answer is None:
            await photo(head, f"{uuid.uuid4().hex}.jpg")
        else:
            await head.say(answer)
    assert "✅ Đã nộp" in await head.say("1")
    sheet = await self_sheet(app, "THON_DOAI")
    async with app.sessions() as session, session.begin():
        office = await session.scalar(select(Reporter).limit(1))
        assert office is not None
        await review_store.decide(
            session,
            sheet.review_id,
            sheet.org_unit_id,
            ApprovalStatus.RETURNED,
            office.id,
            vn_time(date(2026, 7, 25)),
            "Tiêu chí I.3 chấm quá cao",
        )
    clock.current = vn_time(date(2026, 7, 26))  # the window is over, the office asked
    answer = await head.say("/chamdiem")
    assert "Văn phòng đã trả lại bảng điểm để sửa. Lý do: Tiêu chí I.3 chấm quá cao" in answer
    answer = await head.say("sửa 3 6 vì văn phòng yêu cầu")
    assert "Đã ghi — I.3: 6 điểm (lý do: văn phòng yêu cầu)" in answer
    receipt = await head.say("nộp")
    assert "đã sửa theo yêu cầu của văn phòng" in receipt
    sheet = await self_sheet(app, "THON_DOAI")
    assert sheet.status is SheetStatus.CORRECTED
    assert [(a.old_points, a.new_points) for a in await rows(app, ScoreAudit)] == [("8", "6")]

    async with app.sessions() as session, session.begin():
        office = await session.scalar(select(Reporter).limit(1))
        assert office is not None
        await review_store.decide(
            session,
            sheet.review_id,
            sheet.org_unit_id,
            ApprovalStatus.APPROVED,
            office.id,
            vn_time(date(2026, 7, 27)),
        )
    clock.current = vn_time(SELF_DAY)
    assert "đã được văn phòng duyệt nên không sửa được nữa" in await head.say("/chamdiem")


async def test_review_is_per_campaign(app: App) -> None:
    """The sample's reviews exist for the shifted year (what the other tests rely on)."""
    async with app.sessions() as session:
        reviews = list(await session.scalars(select(Review).order_by(Review.self_start)))
    assert [r.code for r in reviews][:2] == ["SOKET", "TONGKET"]
    assert reviews[0].self_start == date(2026, 7, 11)
    assert Decimal(1) == 1
