"""``/duyet`` and ``/binhxet`` through the real pipeline on the console: return with a reason
(the unit told), correction ("đã sửa"), an office edit (audited), approval (locked, the score
card to that unit only), the proposal documents, and a reporter refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from bot.app import App
from domain.campaign_spec import UnitSpec
from domain.clock import ManualClock
from storage import reviews
from storage.campaigns import import_campaign
from storage.models import (
    Approval,
    ApprovalStatus,
    DocumentJob,
    ScoreAudit,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)
from tests.conftest import Person, vn_time
from tests.helpers import rows
from tests.test_proposals_service import ADVANCED, seed
from tests.test_report_commands import documents, office_person
from tests.test_review_round import CODE as ROUND_CODE
from tests.test_review_round import SELF_DAY as ROUND_SELF_DAY
from tests.test_review_round import spec as round_spec

DONG_PHONE, DOAI_PHONE = "0900000101", "0900000102"


async def heads(app: App) -> tuple[Person, Person]:
    dong = Person(app, "dong", phone=DONG_PHONE)
    doai = Person(app, "doai", phone=DOAI_PHONE)
    for person in (dong, doai):
        await person.say("/start")
        await person.inbox()
    return dong, doai


async def test_return_correct_edit_approve_and_the_score_card(app: App, clock: ManualClock) -> None:
    seeded = await seed(app, clock.now())
    dong, doai = await heads(app)
    dong_id = seeded.units["THON_DONG"]
    office = await office_person(app)

    listing = await office.say("/duyet XUANSON2026")
    assert "Duyệt điểm Sơ kết 6 tháng đầu năm" in listing
    assert "1. Thôn Đông — đã nộp" in listing and "3. Thôn Đồi Dư — chưa nộp" in listing
    detail = await office.say("1")
    assert "📋 Thôn Đông — Sơ kết 6 tháng đầu năm (đã nộp)" in detail
    assert "I.1. Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong kỳ: 28/30 — 📎 1 minh chứng" in (
        detail
    )
    assert "- Thôn Đoài: 95 điểm" in detail
    assert "I.1: 20 (tự chấm 28) — lý do: Chưa đủ minh chứng" in detail
    assert "Cụm trưởng đề xuất xếp hạng: 1" in detail
    assert "Hãy gõ số thứ tự: 1 duyệt" in await office.say("xyz")  # asked again

    assert "Lý do trả lại điểm của Thôn Đông" in await office.say("2")
    answer = await office.say("Thiếu ảnh minh chứng tiêu chí II.1")
    assert "↩️ Đã trả lại điểm của Thôn Đông. Đã báo cho 1 người" in answer
    assert "1. Thôn Đông — trả lại" in answer
    told = await dong.inbox()
    assert "Văn phòng trả lại điểm tự chấm của Thôn Đông" in told
    assert "Lý do: Thiếu ảnh minh chứng tiêu chí II.1" in told
    assert await doai.inbox() == ""  # another unit hears nothing
    [returned] = await rows(app, Approval, Approval.org_unit_id == dong_id)
    assert returned.status is ApprovalStatus.RETURNED
    assert "chưa nộp điểm tự chấm" in await office.script("1", "1")  # not back yet: no approval

    async with app.sessions() as session, session.begin():  # the unit corrects and resubmits
        own = await reviews.find_sheet(session, seeded.review_id, dong_id, SheetRole.SELF, dong_id)
        assert own is not None and own.status is SheetStatus.RETURNED
        await reviews.submit_sheet(session, own, seeded.office_id, clock.now())
    detail = await office.say("1")
    assert "(đã sửa)" in detail and "Lần trả lại trước: Thiếu ảnh" in detail

    assert "Sửa điểm tiêu chí nào?" in await office.say("3")
    assert "Điểm văn phòng cho tiêu chí I.1 (từ 0 đến 30)?" in await office.say("1")
    assert "chỉ chấm từ 0 đến 30" in await office.say("35")
    assert "Lý do sửa điểm" in await office.say("25")
    assert "Sửa điểm phải có lý do" in await office.say("ok")
    edited = await office.say("Minh chứng chỉ đủ 5/6 chỉ tiêu")
    assert "✏️ Đã sửa tiêu chí I.1: 28 → 25 (Minh chứng chỉ đủ 5/6 chỉ tiêu)." in edited
    assert "Văn phòng đã sửa:" in edited and "I.1: 28 → 25" in edited
    [sheet] = await rows(app, ScoreSheet, ScoreSheet.role == SheetRole.OFFICE)
    assert sheet.org_unit_id == dong_id and sheet.scorer_unit_id == dong_id
    [audit] = await rows(app, ScoreAudit, ScoreAudit.sheet_id == sheet.id)
    assert (audit.old_points, audit.new_points) == ("28", "25")
    assert audit.reason == "Minh chứng chỉ đủ 5/6 chỉ tiêu" and audit.changed_by_id is not None

    approved = await office.say("1")
    assert "✅ Đã duyệt và khóa điểm của Thôn Đông. Đã gửi kết quả cho 1 người" in approved
    assert "1. Thôn Đông — đã duyệt" in approved
    [decision] = await rows(app, Approval, Approval.org_unit_id == dong_id)
    assert decision.status is ApprovalStatus.APPROVED
    card = await dong.inbox()
    assert "🏅 Kết quả chấm điểm thi đua — Thôn Đông" in card
    assert "I.1. Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong kỳ: 28 / 20 / 25" in card
    assert "Tổng: tự chấm 103; chấm chéo 95; văn phòng 100." in card
    assert "Xếp hạng: xếp hạng sau khi duyệt xong." in card
    assert "Thôn Đoài" not in card
    assert await doai.inbox() == ""
    assert "đã được duyệt và khóa" in await office.script("1", "1")
    async with app.sessions() as session, session.begin():
        own = await reviews.find_sheet(session, seeded.review_id, dong_id, SheetRole.SELF, dong_id)
        assert own is not None and own.status is SheetStatus.APPROVED
        with pytest.raises(reviews.SheetLocked):
            await reviews.put_points(session, own, [], seeded.office_id, clock.now())


async def test_binhxet_sends_the_workbook_and_the_record(
    app: App, clock: ManualClock, reports_dir: Path
) -> None:
    await seed(app, clock.now(), approve=True)
    office = await office_person(app)
    answer = await office.say("/binhxet XUANSON2026")
    assert "🏅 Bình xét Sơ kết 6 tháng đầu năm" in answer
    assert "Đã duyệt 2/11 đơn vị; còn chờ duyệt 9." in answer
    assert "1. Thôn Đông — 100,6 điểm" in answer and "2. Thôn Đoài — 88 điểm" in answer
    assert f"- {ADVANCED}: 2" in answer
    assert "⏳ Đang lập bảng xếp hạng" in answer
    book_reply, record_reply = documents(office)
    assert book_reply.document is not None and record_reply.document is not None
    assert book_reply.document.filename == "De-nghi-khen-thuong-XUANSON2026-SOKET.xlsx"
    assert record_reply.document.filename == "Bien-ban-binh-xet-XUANSON2026-SOKET.docx"
    for reply in (book_reply, record_reply):
        assert reply.document is not None
        assert Path(reply.document.path).parent == reports_dir.resolve()
    book = load_workbook(book_reply.document.path)
    ranking = [row for row in book["Xếp hạng"].iter_rows(values_only=True)]
    dong = next(row for row in ranking if "Thôn Đông" in row)
    assert ADVANCED in dong
    record = docx.Document(record_reply.document.path)
    text = "\n".join(p.text for p in record.paragraphs)
    assert f"- {ADVANCED}: 2 đơn vị (Thôn Đông, Thôn Đoài)." in text
    [job] = await rows(app, DocumentJob)
    assert job.kind.startswith("proposals:")


async def test_a_reporter_cannot_review_or_propose(app: App, clock: ManualClock) -> None:
    await seed(app, clock.now())
    dong, _doai = await heads(app)
    for command in ("/duyet", "/binhxet", "/duyet XUANSON2026 SOKET"):
        answer = await dong.say(command)
        assert "chỉ dành cho văn phòng" in answer
        assert "Thôn Đoài" not in answer
    assert await rows(app, Approval) == []
    assert await rows(app, DocumentJob) == []


async def test_a_long_list_comes_in_pages(app: App, clock: ManualClock) -> None:
    """25 units: ten a page with "Trang sau" / "Trang trước"; a number picks on the page shown,
    a name on any page; after a decision the office is back on the same page."""
    units = tuple(
        UnitSpec(f"T{n:02}", f"Tổ {n:02}", "tổ", "Cụm 1", (f"09130000{n:02}",))
        for n in range(1, 26)
    )
    async with app.sessions() as session, session.begin():
        await import_campaign(session, replace(round_spec(), units=units), clock.now())
    clock.current = vn_time(ROUND_SELF_DAY)
    office = await office_person(app)
    first = await office.say(f"/duyet {ROUND_CODE}")
    assert "Trang 1/3" in first and "10. Tổ 10 — chưa nộp" in first
    assert "11. Trang sau ▶" in first and "Tổ 11" not in first and "Trang trước" not in first
    second = await office.say("Trang sau")
    assert "Trang 2/3" in second and "1. Tổ 11 — chưa nộp" in second
    assert "11. Trang sau ▶" in second and "12. ◀ Trang trước" in second
    assert "📋 Tổ 13 —" in await office.say("3")
    assert "chưa nộp điểm tự chấm" in await office.say("1")  # not submitted: back to the list
    assert "Trang 2/3" in office.replies[-1].text
    assert "📋 Tổ 25 —" in await office.say("Tổ 25")
    assert "Trang 2/3" in await office.say("4")  # "Chọn đơn vị khác": the page it was on
    assert "Trang 1/3" in await office.say("12")
    assert "Trang 2/3" in await office.say("Trang sau")
    assert "Trang 3/3" in await office.say("11")
    assert "Hãy gõ số thứ tự của đơn vị" in await office.say("9")  # not on this page
