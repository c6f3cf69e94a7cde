"""Whole dialogs through the real pipeline on a temporary database, checking the rows."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from storage import outbox
from storage.models import (
    BindFailure,
    DataValue,
    DataValueAudit,
    OutboxMessage,
    ProcessedMessage,
    Registration,
    RegistrationTarget,
    RegistrationTitle,
    Reporter,
    ReporterUnit,
    Submission,
)
from tests.conftest import TODAY, Person, vn_time
from tests.helpers import VILLAGE_SAMPLE, count, make_invite, rows, sample, typed_answer

P1_PHONE = "0900000001"


async def submit_all(person: Person, app: App) -> str:
    """Answer every data element of the sample, then confirm; return the receipt text."""
    campaign = await sample(app)
    answer = await person.say("/nhap")
    assert "Chỉ tiêu 1/26" in answer
    for position, element in enumerate(campaign.elements):
        answer = await person.say(typed_answer(element, position))
    assert "Nộp báo cáo này?" in answer
    return await person.say("1")


async def test_village_head_binds_registers_and_submits(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    greeting = await head.say("/start")
    assert "Bạn đại diện cho: Phường 1" in greeting

    answer = await head.script("/dangky", "1, 2", "1")
    assert "Chỉ tiêu cam kết 1/" in answer
    answer = await head.script("13.500", "50 tỷ", "bỏ qua", "quay lại", "2,5")
    answer = await head.script("3")
    assert "Lưu đăng ký này?" in answer and "Tập thể lao động xuất sắc" in answer
    assert "✅ Đã lưu đăng ký thi đua" in await head.say("1")

    campaign = await sample(app)
    registration = (await rows(app, Registration))[0]
    assert registration.campaign_id == campaign.id
    titles = {t.title_id for t in await rows(app, RegistrationTitle)}
    assert titles == {campaign.titles[2].id, campaign.titles[3].id}  # the two collective titles
    targets = {t.data_element_id: t.value for t in await rows(app, RegistrationTarget)}
    by_code = {e.code: e.id for e in campaign.elements}
    # 13.500 tấn, 50 tỷ, skipped then back to it with 2,5; then "3" for the Khmer row
    assert targets == {
        by_code["THUY_SAN"]: "13500",
        by_code["THU_NGAN_SACH"]: "50",
        by_code["GIAM_HO_NGHEO"]: "2.5",
        by_code["GIAM_HO_KHMER_NGHEO"]: "3",
    }

    receipt = await submit_all(head, app)
    assert "✅ Đã nhận báo cáo Quý 4/2026 của Phường 1" in receipt
    assert "đúng hạn" in receipt and "Mã biên nhận" in receipt
    values = {v.data_element_id: v.value for v in await rows(app, DataValue)}
    assert values[by_code["LUA_TONG"]] == "1000"
    assert values[by_code["CHUAN_Y_TE"]] == "1"
    assert values[by_code["GIAM_HO_NGHEO"]] == "2.5"
    assert len(values) == 26
    assert await count(app, DataValueAudit) == 26
    submission = (await rows(app, Submission))[0]
    assert not submission.is_late


async def test_office_sees_progress_and_others_are_refused(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    refused = await head.say("/tiendo")
    assert "chỉ dành cho văn phòng" in refused and "Phường" not in refused.replace("Phường 1", "")

    await submit_all(head, app)
    office = Person(app, "clerk")
    code = await make_invite(app, None)
    assert "quyền văn phòng" in await office.say(f"/start {code}")
    answer = await office.say("/tiendo")
    assert "Xem tiến độ phong trào nào?" in answer  # two sample campaigns
    progress = await office.say("1")
    assert "Đã báo cáo: 1/8 đơn vị (12,5%)" in progress
    assert "Đúng hạn: 1 · Trễ hạn: 0" in progress
    assert "Chưa báo cáo (7):" in progress and "Phường 2" in progress and "0900000002" in progress


async def test_invite_code_binding_and_limits(app: App, clock: ManualClock) -> None:
    code = await make_invite(app, "P2")
    first = Person(app, "first")
    assert "Đã liên kết bạn với đơn vị: Phường 2" in await first.say(code.lower())
    second = Person(app, "second")
    answer = await second.say(f"/start {code}")
    assert "đã được người khác sử dụng" in answer

    expired = await make_invite(app, "P3", days=1)
    clock.current += timedelta(days=2)
    assert "đã hết hạn" in await Person(app, "late").say(f"/start {expired}")

    guesser = Person(app, "guesser")
    for attempt in range(4):
        answer = await guesser.say(f"/start WRONG{attempt}XY")
        assert "Mã không đúng" in answer
    answer = await guesser.say("/start WRONG9XY")
    assert "Mã không đúng" in answer
    valid = await make_invite(app, "P3")
    blocked = await guesser.say(f"/start {valid}")
    assert "sai mã 5 lần" in blocked and "thử lại sau" in blocked
    clock.current += timedelta(hours=1, minutes=1)
    assert "Phường 3" in await guesser.say(f"/start {valid}")


async def test_typed_phone_is_not_trusted(app: App) -> None:
    stranger = Person(app, "stranger")
    await stranger.say("/start")
    answer = await stranger.say(P1_PHONE)
    assert "không liên kết bằng số điện thoại gõ tay" in answer
    assert await count(app, ReporterUnit) == 0
    unknown = await stranger.say("hi", phone="0999999999")
    assert "chưa có trong danh sách" in unknown


async def test_bad_input_keeps_the_draft_and_asks_again(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    first = await head.say("/nhap")
    await head.say("1.200")
    question = await head.say("800")  # now at element 3
    assert "Chỉ tiêu 3/26" in question
    for bad in ["", "x" * 5000, "🌾🌾", "'; drop table data_value; --", "12.5.3", "-5", "/dangky"]:
        answer = await head.say(bad)
        assert "Chỉ tiêu 3/26" in answer, (bad, answer)
    assert "Chỉ tiêu 1/26" in first
    answer = await head.say("/huy")
    assert "giữ trong bản nháp" in answer
    resumed = await head.say("nhap so lieu")
    assert "đã nhập 2/26" in resumed and "Chỉ tiêu 3/26" in resumed
    assert await count(app, DataValue) == 0  # nothing saved before confirmation


async def test_integer_and_share_rules(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.script("/nhap", "1000", "800", "3000", "4")
    assert "phải là số nguyên" in await head.say("12,5")  # number of schools
    await head.script("10", "8", "100", "90", "100", "99", "100", "98", "100", "50")
    answer = await head.say("có")  # commune health standard: boolean
    assert "Đã ghi — Xã, phường đạt chuẩn quốc gia về y tế: Có" in answer
    await head.script("có", "10.000", "9.500", "6.000", "4.000", "3.500", "3.000", "2.000")
    assert "không được lớn hơn 100%" in await head.say("120")


async def test_unusual_values_are_confirmed(app: App, clock: ManualClock) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    campaign = await sample(app)
    q3 = next(p for p in campaign.periods if p.code == "2026Q3")
    clock.current = vn_time(q3.due_date)
    assert "Chọn kỳ báo cáo" in await head.say("/nhap")  # the third and fourth quarters are open
    assert "Quý 3/2026 · Phường 1" in await head.say("1")
    for position, element in enumerate(campaign.elements):
        await head.say(typed_answer(element, position))
    await head.say("1")
    clock.current = vn_time(TODAY)
    await head.say("/nhap")
    answer = await head.say("500")  # rice, year-to-date, was 1.000
    assert "lũy kế" in answer and "thấp hơn kỳ trước" in answer
    answer = await head.say("2")  # type again
    assert "Chỉ tiêu 1/26" in answer
    answer = await head.say("1.500")
    assert "Chỉ tiêu 2/26" in answer
    answer = await head.say("50.000")  # 25x last quarter's 2.000
    assert "lớn hơn 5 lần" in answer
    answer = await head.say("1")  # asked once, confirmed
    assert "Đã ghi — Sản lượng lúa đặc sản, lúa thơm: 50.000 tấn" in answer
    assert "Chỉ tiêu 3/26" in answer


async def test_correcting_a_submitted_value_records_the_reason(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await submit_all(head, app)
    answer = await head.say("/nhap")
    assert "Kỳ này đã nộp" in answer and "Sửa một chỉ tiêu" in answer
    await head.script("1", "4")  # edit element 4: budget revenue
    answer = await head.say("45 tỷ")
    assert "Lý do sửa" in answer
    answer = await head.say("nhập nhầm")
    assert "✅ Đã sửa Thu ngân sách: 4.000 tỷ đồng → 45 tỷ đồng" in answer
    audits = await rows(app, DataValueAudit, DataValueAudit.reason == "nhập nhầm")
    assert len(audits) == 1 and audits[0].old_value == "4000" and audits[0].new_value == "45"


async def test_locked_period_refuses_values(app: App, clock: ManualClock) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    campaign = await sample(app)
    q4 = next(p for p in campaign.periods if p.code == "2026Q4")
    await head.say("/nhap")
    for position, element in enumerate(campaign.elements):
        await head.say(typed_answer(element, position))
    clock.current = vn_time(q4.lock_date + timedelta(days=1))
    answer = await head.say("1")
    assert "đã khóa sổ" in answer and "liên hệ văn phòng" in answer
    assert await count(app, DataValue) == 0


async def test_late_submission_is_marked_late(app: App, clock: ManualClock) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    campaign = await sample(app)
    q4 = next(p for p in campaign.periods if p.code == "2026Q4")
    clock.current = vn_time(q4.due_date + timedelta(days=1))
    receipt = await submit_all(head, app)
    assert "trễ hạn" in receipt
    assert (await rows(app, Submission))[0].is_late


async def test_duplicate_message_is_dropped(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say("/nhap")
    first = await head.say("1.000", message_id="same-id")
    again = await head.say("1.000", message_id="same-id")
    assert "Chỉ tiêu 2/26" in first and again == ""
    async with app.sessions() as session:
        sent = list(await session.scalars(select(OutboxMessage)))
    assert len(sent) == 3


async def test_person_with_two_units_chooses(app: App) -> None:
    code = await make_invite(app, "THON_DONG")
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say(f"/start {code}")
    answer = await head.say("/donvi")
    assert "Bạn làm việc cho đơn vị nào?" in answer
    answer = await head.say("2")
    assert "Đang làm việc cho" in answer
    answer = await head.say("/dangky")
    assert "Đã hết hạn đăng ký thi đua (31/03/2026)" in answer  # the village sample's deadline
    reporter = (await rows(app, Reporter))[0]
    assert len(await rows(app, ReporterUnit, ReporterUnit.reporter_id == reporter.id)) == 2


async def test_unknown_input_and_help(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    answer = await head.say("xin chào bot")
    assert "chưa hiểu" in answer and "1. Nhập số liệu" in answer
    answer = await head.say("1")
    assert "Chỉ tiêu 1/26" in answer
    help_text = await head.say("/trogiup")
    assert "/nhap" in help_text and "Chỉ tiêu 1/26" in help_text
    assert "Không có lệnh /abc" in await head.say("/abc")


async def test_unbound_person_is_guided(app: App) -> None:
    stranger = Person(app, "stranger")
    assert "mã mời" in await stranger.say("nhap so lieu")
    assert "mã mời" in await stranger.say("hello")


async def test_values_use_measure_units(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.script("/nhap", "1.000", "800", "12.500")
    answer = await head.say("45.000 triệu")
    assert "Đã ghi — Thu ngân sách: 45.000 triệu đồng = 45 tỷ đồng" in answer
    campaign = await sample(app, VILLAGE_SAMPLE)
    assert campaign.is_sample and campaign.name.startswith("[MẪU]")
    assert Decimal(campaign.elements[0].sort_order) == 0


async def test_console_newcomer_gets_sample_codes(app: App) -> None:
    from bot.channels.console import sample_hint

    hint = await sample_hint(app, "newcomer")
    unit_code = re.search(r"/start (\w+) để làm đại diện Phường 1", hint)
    office_code = re.search(r"/start (\w+) để làm văn phòng", hint)
    assert unit_code and office_code
    newcomer = Person(app, "newcomer")
    assert "Phường 1" in await newcomer.say(f"/start {unit_code[1]}")
    assert await sample_hint(app, "newcomer") == ""  # bound now: no more codes


async def test_review_regressions(app: App, clock: ManualClock) -> None:
    """Paths found in review: chatter is not a wrong code, yes/no by number, two reporters of
    one unit, an unchanged correction, "quay lại" at the summary, the check step's context."""
    newcomer = Person(app, "newcomer")
    for word in ["alo", "xin chào", "ai đó", "hello", "ok", "gì vậy"]:
        assert "mã mời" in await newcomer.say(word)
    assert await count(app, BindFailure) == 0

    first = Person(app, "first", phone=P1_PHONE)
    second = Person(app, "second")
    await first.say("/start")
    await second.say(f"/start {await make_invite(app, 'P1')}")
    campaign = await sample(app)
    for person in (first, second):
        await person.say("/nhap")
        for position, element in enumerate(campaign.elements):
            answer = await person.say(
                "2" if element.code == "TYT_BAC_SI" else typed_answer(element, position)
            )
    assert "16. Trạm y tế có bác sĩ: Không" in answer
    assert "Chỉ tiêu 26/26" in await second.say("quay lại")
    assert "Nộp báo cáo này?" in await second.say("giữ")
    assert "✅ Đã nhận báo cáo" in await first.say("1")
    answer = await second.say("1")
    assert "đã có người khác của đơn vị nộp" in answer and "Kỳ này đã nộp" in answer
    assert await count(app, Submission) == 1

    answer = await second.script("1", "1")  # correct element 1 to the value it already has
    answer = await second.say("1.000")
    assert "Giá trị không thay đổi" in answer
    assert await count(app, DataValueAudit, DataValueAudit.reason != "") == 0


async def test_check_step_keeps_its_question(app: App, clock: ManualClock) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    campaign = await sample(app)
    q3 = next(p for p in campaign.periods if p.code == "2026Q3")
    clock.current = vn_time(q3.due_date)
    await head.script("/nhap", "1")
    for position, element in enumerate(campaign.elements):
        await head.say(typed_answer(element, position))
    await head.say("1")
    clock.current = vn_time(TODAY)
    await head.say("/nhap")
    question = await head.say("50.000")  # 50x last quarter's 1.000
    assert "lớn hơn 5 lần" in question
    again = await head.say("/trogiup")
    assert "lớn hơn 5 lần" in again and "Đúng, giữ số này" in again
    answer = await head.say("1.100")  # a new number answers the question directly
    assert "Đã ghi — Tổng sản lượng lúa: 1.100 tấn" in answer and "Chỉ tiêu 2/26" in answer


async def test_a_failing_step_rolls_back_and_apologises(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction per message: a crash inside a step leaves nothing half-saved (also on
    SQLite, where the processed id is written in a savepoint) and the person gets an answer."""
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.script("/nhap", "1.000")

    async def broken(ctx: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("bot.pipeline.handle", broken)
    answer = await head.say("800", message_id="crash-1")
    assert "Xin lỗi, bot gặp lỗi" in answer
    monkeypatch.undo()
    assert await count(app, ProcessedMessage, ProcessedMessage.message_id == "crash-1") == 1
    resumed = await head.say("800")
    assert "Đã ghi — Sản lượng lúa đặc sản, lúa thơm: 800 tấn" in resumed
    assert "Chỉ tiêu 3/26" in resumed


async def test_progress_shows_who_blocked_the_bot(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    async with app.sessions() as session, session.begin():
        await outbox.deactivate_chat(session, "console", "head")
    office = Person(app, "clerk")
    await office.say(f"/start {await make_invite(app, None)}")
    progress = await office.script("/tiendo", "1")
    assert "1. Phường 1 — Nguyễn Văn An 0900000001 (đã chặn bot)" in progress
