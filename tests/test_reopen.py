"""Locked periods and ``/mokhoa``: the office reopens a period for one unit for a few days,
through the real pipeline (the sample campaigns shifted to 2026; today is 21/11/2026, so
Quý 3/2026 of NGANAM2026 is locked since 25/10/2026 and Quý 4/2026 is open)."""

from __future__ import annotations

from datetime import date

from bot.app import App
from domain.clock import ManualClock
from storage.models import OutboxMessage, PeriodReopening, Submission
from tests.conftest import TODAY, Person, vn_time
from tests.helpers import count, make_invite, rows, sample, typed_answer

P1_PHONE = "0900000001"
P2_PHONE = "0900000002"
LOCKED = "đã khóa sổ sau ngày 25/10/2026"


async def office_person(app: App, name: str = "clerk") -> Person:
    office = Person(app, name)
    assert "quyền văn phòng" in await office.say(f"/start {await make_invite(app, None)}")
    return office


async def unit_person(app: App, name: str, phone: str) -> Person:
    person = Person(app, name, phone=phone)
    await person.say("/start")
    return person


async def notices(app: App, chat_id: str) -> list[str]:
    """The texts queued for ``chat_id`` (delivered or not)."""
    found = await rows(app, OutboxMessage, OutboxMessage.chat_id == chat_id)
    return [m.payload["text"] for m in found]


async def start_q3_draft(app: App, clock: ManualClock, head: Person, answers: int) -> None:
    """While Quý 3 is still open (20/10/2026), type the first ``answers`` figures of Quý 3."""
    campaign = await sample(app)
    clock.current = vn_time(date(2026, 10, 20))
    answer = await head.say("/nhap")
    assert "1. Quý 3/2026 (hạn nộp 10/10/2026)" in answer
    await head.say("1")
    for position, element in enumerate(campaign.elements[:answers]):
        await head.say(typed_answer(element, position))
    clock.current = vn_time(TODAY)


async def finish_draft(app: App, head: Person, done: int) -> str:
    """Answer the figures after the first ``done`` ones, then confirm; the receipt text."""
    campaign = await sample(app)
    for position, element in enumerate(campaign.elements[done:], done):
        await head.say(typed_answer(element, position))
    return await head.say("1")


async def test_reopen_by_conversation_lets_only_that_unit_submit_late(
    app: App, clock: ManualClock
) -> None:
    head = await unit_person(app, "p2", P2_PHONE)
    other = await unit_person(app, "p1", P1_PHONE)
    await start_q3_draft(app, clock, head, 2)

    refused = await head.say("3.000")  # the lock date passed while typing
    assert LOCKED in refused and "liên hệ văn phòng" in refused
    answer = await head.say("/nhap")  # Quý 3 is no longer offered: straight into Quý 4
    assert "Quý 4/2026 · Phường 2" in answer and "1. Quý 3" not in answer
    assert "chưa nộp báo cáo Quý 3/2026, kỳ này đã khóa sổ sau ngày 25/10/2026" in answer
    await head.say("/huy")

    office = await office_person(app)
    answer = await office.say("/mokhoa")
    assert "Mở lại kỳ báo cáo của phong trào nào?" in answer
    assert "1. " in answer and "Ngã Năm" in answer.split("1. ")[1].split("\n")[0]
    answer = await office.say("1")
    assert "Mở lại kỳ nào? (các kỳ đã khóa sổ, mới nhất trước)" in answer
    assert "1. Quý 3/2026 (khóa sổ 25/10/2026)" in answer
    assert "3. Quý 1/2026 (khóa sổ 25/04/2026)" in answer and "Quý 4" not in answer
    answer = await office.say("1")
    assert "Mở lại kỳ Quý 3/2026 cho đơn vị nào?" in answer
    assert "1. Phường 1 (chưa nộp)" in answer and "2. Phường 2 (chưa nộp)" in answer
    answer = await office.say("Phường 9")
    assert "Hãy gõ số thứ tự hoặc mã của đơn vị." in answer
    answer = await office.say("2")
    assert "Mở lại trong bao nhiêu ngày" in answer and "3 ngày (đến hết ngày 24/11/2026)" in answer
    assert "Số ngày mở lại phải là số nguyên từ 1 đến 60." in await office.say("99")
    answer = await office.say("ok")
    assert "cho đơn vị Phường 2 đến hết ngày 24/11/2026 (3 ngày)?" in answer
    assert "1. Đồng ý mở lại" in answer
    done = await office.say("1")
    assert "✅ Đã mở lại kỳ Quý 3/2026 cho đơn vị Phường 2 đến hết ngày 24/11/2026." in done
    assert "Đã nhắn tin báo cho 1 người của đơn vị." in done
    [reopening] = await rows(app, PeriodReopening)
    assert reopening.until == date(2026, 11, 24)

    notice = (
        "Văn phòng đã mở lại kỳ Quý 3/2026 ([MẪU] Phong trào thi đua yêu nước năm 2026 thị xã "
        "Ngã Năm) cho đơn vị Phường 2 đến hết ngày 24/11/2026. Gõ /nhap để nộp số liệu."
    )
    assert notice in await notices(app, "p2")
    assert notice not in await notices(app, "p1")

    answer = await head.say("/nhap")
    assert notice in answer  # delivered with the next reply
    assert "1. Quý 3/2026 (mở lại đến 24/11/2026)" in answer
    assert "2. Quý 4/2026 (hạn nộp 10/01/2027)" in answer
    answer = await head.say("1")
    assert "Kỳ Quý 3/2026 được văn phòng mở lại cho đơn vị đến hết ngày 24/11/2026." in answer
    assert "Tiếp tục bản nháp: đã nhập 2/26 chỉ tiêu." in answer  # the draft survived
    receipt = await finish_draft(app, head, 2)
    assert "✅ Đã nhận báo cáo Quý 3/2026 của Phường 2." in receipt and "(trễ hạn)" in receipt
    [submission] = await rows(app, Submission)
    assert submission.is_late

    answer = await other.say("/nhap")  # Phường 1 stays locked: only Quý 4 for it
    assert "Quý 4/2026 · Phường 1" in answer and "1. Quý 3" not in answer
    assert "chưa nộp báo cáo Quý 3/2026, kỳ này đã khóa sổ" in answer

    clock.current = vn_time(date(2026, 11, 25))  # the day after the reopening's last day
    answer = await head.say("/nhap")
    assert "Quý 4/2026 · Phường 2" in answer and "Chọn kỳ báo cáo" not in answer


async def test_reopening_runs_out_then_is_extended(app: App, clock: ManualClock) -> None:
    head = await unit_person(app, "p2", P2_PHONE)
    office = await office_person(app)
    answer = await office.say("/mokhoa P2 2026Q3 1")  # straight to the confirmation
    assert "Mở lại kỳ Quý 3/2026 (" in answer
    assert "cho đơn vị Phường 2 đến hết ngày 22/11/2026 (1 ngày)?" in answer
    assert "✅ Đã mở lại kỳ Quý 3/2026 cho đơn vị Phường 2 đến hết ngày 22/11/2026." in (
        await office.say("1")
    )

    campaign = await sample(app)
    typed = [typed_answer(element, n) for n, element in enumerate(campaign.elements)]
    answer = await head.script("/nhap", "1")
    assert "Chỉ tiêu 1/26" in answer and "Quý 3/2026 · Phường 2" in answer
    await head.say(typed[0])
    clock.current = vn_time(date(2026, 11, 22), 20)  # the last day still counts
    assert "Chỉ tiêu 3/26" in await head.say(typed[1])
    clock.current = vn_time(date(2026, 11, 23), 7)
    refused = await head.say(typed[2])
    assert LOCKED in refused and "liên hệ văn phòng" in refused

    answer = await office.script("/mokhoa P2 2026Q3", "5")  # reopen again: extended
    assert "đến hết ngày 28/11/2026 (5 ngày)?" in answer
    done = await office.say("1")
    assert "✅ Đã mở lại kỳ Quý 3/2026 cho đơn vị Phường 2 đến hết ngày 28/11/2026." in done
    assert "(Lần mở lại trước đến hết ngày 22/11/2026.)" in done
    [reopening] = await rows(app, PeriodReopening)
    assert reopening.until == date(2026, 11, 28)

    kept = await office.script("/mokhoa 2 2026Q3 P2", "1")  # asks for less: never shortened
    assert "đã được mở lại cho đơn vị Phường 2 đến hết ngày 28/11/2026" in kept
    assert "muộn hơn ngày bạn chọn (25/11/2026): giữ nguyên, không rút ngắn." in kept
    assert (await rows(app, PeriodReopening))[0].until == date(2026, 11, 28)
    assert len([t for t in await notices(app, "p2") if t.startswith("Văn phòng đã mở")]) == 2

    answer = await head.script("/nhap", "1")
    assert "Tiếp tục bản nháp: đã nhập 2/26 chỉ tiêu." in answer
    assert "(trễ hạn)" in await finish_draft(app, head, 2)


async def test_shortcut_words_in_any_order_and_bad_ones(app: App) -> None:
    office = await office_person(app)
    answer = await office.say("/mokhoa 5 2026s1 thon_dong")  # the unit tells the campaign
    assert "Mở lại kỳ 6 tháng đầu năm 2026 (" in answer and "Xuân Sơn" in answer
    assert "cho đơn vị Thôn Đông đến hết ngày 26/11/2026 (5 ngày)?" in answer
    done = await office.say("đồng ý")
    assert "cho đơn vị Thôn Đông đến hết ngày 26/11/2026." in done
    assert "Đơn vị chưa có ai nhận được tin nhắn của bot" in done  # nobody bound yet

    answer = await office.say("/mokhoa XX 2026Q4 99")
    assert "Kỳ Quý 4/2026 chưa khóa sổ (hạn khóa sổ 25/01/2027), các đơn vị vẫn nhập được." in (
        answer
    )
    assert "Không tìm thấy đơn vị XX trong phong trào này." in answer
    assert "Số ngày mở lại phải là số nguyên từ 1 đến 60." in answer
    assert "Mở lại kỳ nào?" in answer  # falls back to the questions
    answer = await office.script("1", "P3", "7")
    assert "cho đơn vị Phường 3 đến hết ngày 28/11/2026 (7 ngày)?" in answer
    answer = await office.say("2")  # change the days
    assert "Mở lại trong bao nhiêu ngày" in answer
    assert "(2 ngày)?" in await office.say("2 ngày")
    assert "Đã hủy, chưa mở lại kỳ nào." in await office.say("3")
    assert await count(app, PeriodReopening) == 1


async def test_submitted_units_come_last_and_aliases(app: App, clock: ManualClock) -> None:
    head = await unit_person(app, "p1", P1_PHONE)
    clock.current = vn_time(date(2026, 10, 20))
    await head.script("/nhap", "1")
    assert "(trễ hạn)" in await finish_draft(app, head, 0)  # Quý 3, due 10/10
    clock.current = vn_time(TODAY)

    office = await office_person(app)
    answer = await office.say("mở khóa sổ")
    assert "Mở lại kỳ báo cáo của phong trào nào?" in answer
    answer = await office.script("1", "1")
    assert "1. Phường 2 (chưa nộp)" in answer and "8. Phường 1 (đã nộp)" in answer
    await office.script("8", "ok", "1")
    answer = await office.script("/mokhoa NGANAM2026 2026Q3")
    assert "1. Phường 2 (chưa nộp)" in answer
    assert "8. Phường 1 (đã nộp, đang mở lại đến 24/11/2026)" in answer
    answer = await head.say("/nhap")  # submitted and reopened: it may correct a figure
    assert "1. Quý 4/2026 (hạn nộp 10/01/2027)" in answer  # the one still to submit first
    assert "2. Quý 3/2026 (mở lại đến 24/11/2026)" in answer
    answer = await head.say("2")
    assert "Kỳ này đã nộp lúc" in answer and "1. Sửa một chỉ tiêu" in answer


async def test_only_the_office_may_reopen(app: App) -> None:
    head = await unit_person(app, "p2", P2_PHONE)
    stranger = Person(app, "stranger")
    for person in (head, stranger):
        for text in ("/mokhoa", "/mokhoa P2 2026Q3 5", "mo khoa", "mokhoa"):
            answer = await person.say(text)
            assert "chỉ dành cho văn phòng" in answer, (text, answer)
            assert "Quý" not in answer and "Phường" not in answer
    assert await count(app, PeriodReopening) == 0
    assert "/mokhoa" not in await head.say("/trogiup")

    office = await office_person(app)
    help_text = await office.say("/trogiup")
    assert "/mokhoa — mở lại kỳ đã khóa sổ cho một đơn vị trong vài ngày" in help_text
    assert "/nhacnho — nhắc ngay các đơn vị chưa báo cáo" in help_text
    menu = await office.say("/menu")
    assert "Mở lại kỳ đã khóa sổ" in menu


async def test_campaign_without_locked_periods(app: App, clock: ManualClock) -> None:
    office = await office_person(app)
    clock.current = vn_time(date(2026, 3, 1))  # nothing locked yet
    answer = await office.say("/mokhoa NGANAM2026")
    assert "chưa có kỳ báo cáo nào khóa sổ." in answer
