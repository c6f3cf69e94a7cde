"""A whole review round through the real pipeline (issue 16), on SQLite and PostgreSQL: a
cluster of four villages registers people for an individual title, scores itself with photos as
evidence, cross-scores its peers, the head ranks the cluster, the office returns one unit's
scores, the unit corrects them, the office approves all four, every unit gets its own card and
rank (never another unit's detail), and the proposal comes out as a workbook and a Word record.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import docx
from openpyxl import load_workbook

from bot.app import App
from domain.campaign_spec import (
    CampaignSpec,
    CriterionSpec,
    ElementSpec,
    Frequency,
    ReviewSpec,
    TitleKind,
    TitleSpec,
    UnitSpec,
    ValueType,
)
from domain.clock import ManualClock
from domain.scoring import CriterionKind
from storage.campaigns import import_campaign
from storage.models import (
    Approval,
    ApprovalStatus,
    ClusterRanking,
    Evidence,
    Nominee,
    ScoreAudit,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)
from tests.conftest import TODAY, Person, vn_time
from tests.helpers import rows
from tests.test_report_commands import documents, office_person
from tests.test_self_scoring import photo

CODE = "CUMTHON2026"
CLUSTER = "Cụm 1"
START, END = TODAY - timedelta(days=60), TODAY + timedelta(days=40)
SELF_DAY, CROSS_DAY, REVIEW_DAY = (
    TODAY + timedelta(days=1),
    TODAY + timedelta(days=6),
    TODAY + (timedelta(days=12)),
)
VILLAGES = {  # key: (unit code, name, phone); the first heads the cluster
    "an": ("AN_PHU", "Thôn An Phú", "0912000001"),
    "binh": ("BINH_MINH", "Thôn Bình Minh", "0912000002"),
    "cat": ("CAT_TUONG", "Thôn Cát Tường", "0912000003"),
    "dong": ("DONG_TAM", "Thôn Đồng Tâm", "0912000004"),
}
OWN = {"an": ("55", "35", "5"), "binh": ("50", "30", "2"), "cat": ("45", "30", "0")} | {
    "dong": ("58", "38", "5")
}
"""Self-scores per village: C1 (of 60, evidence required), C2 (of 40), B (bonus, of 5)."""


def spec() -> CampaignSpec:
    """One cluster of four villages, three criteria, one review of the whole campaign with
    self 30% + cross 30% + office 40%, two collective titles and one individual title."""
    return CampaignSpec(
        code=CODE,
        name="Thi đua xây dựng nông thôn mới cụm thôn",
        start=START,
        end=END,
        frequency=Frequency.WHOLE,
        issuing_body="Hội đồng Thi đua - Khen thưởng xã An Bình",
        elements=(ElementSpec("HO", "Số hộ đạt gia đình văn hóa", "hộ", ValueType.INTEGER),),
        units=tuple(
            UnitSpec(code, name, "thôn", CLUSTER, (phone,), (f"Trưởng {name}",), key == "an")
            for key, (code, name, phone) in VILLAGES.items()
        ),
        titles=(
            TitleSpec("TTLDTT", "Tập thể lao động tiên tiến", min_score=Decimal(80)),
            TitleSpec("TTLDXS", "Tập thể lao động xuất sắc", min_score=Decimal(90)),
            TitleSpec("LDTT", "Lao động tiên tiến", TitleKind.INDIVIDUAL, min_score=Decimal(80)),
        ),
        criteria=(
            CriterionSpec("C1", "Hoàn thành nhiệm vụ", "", Decimal(60), evidence_required=True),
            CriterionSpec("C2", "Phong trào văn hóa", "", Decimal(40)),
            CriterionSpec("B", "Điểm thưởng", "", Decimal(5), CriterionKind.BONUS),
        ),
        reviews=(
            ReviewSpec(
                "TK",
                "Tổng kết đợt thi đua",
                "CADOT",
                SELF_DAY,
                SELF_DAY + timedelta(days=4),
                CROSS_DAY,
                CROSS_DAY + timedelta(days=4),
                REVIEW_DAY,
                "tự chấm 30%, chấm chéo 30%, văn phòng 40%",
            ),
        ),
    )


async def self_score(person: Person, points: tuple[str, str, str]) -> str:
    """``/chamdiem``: C1 with a photo as its evidence, C2, the bonus, then submit; the receipt."""
    await person.say("/chamdiem")
    assert "cần minh chứng" in await person.say(points[0])
    assert "📎 Đã nhận minh chứng cho tiêu chí C1 (1 tệp)" in await photo(
        person, f"{uuid.uuid4().hex}.jpg"
    )
    await person.say(points[1])
    assert "Nộp bảng điểm này?" in await person.say(points[2])
    return await person.say("nộp")


async def cross_score(person: Person, peer: str, answers: tuple[str, ...]) -> str:
    """``/chamcheo`` for ``peer`` (its name), the answers per criterion, then submit."""
    listing = await person.say("/chamcheo")
    number = next(line for line in listing.splitlines() if peer in line).split(".")[0].strip()
    assert "Đơn vị tự chấm:" in await person.say(number)
    for answer in answers:
        await person.say(answer)
    return await person.say("nộp")


async def test_a_whole_round_for_a_cluster_of_four(app: App, clock: ManualClock) -> None:
    async with app.sessions() as session, session.begin():
        await import_campaign(session, spec(), clock.now())
    team = {key: Person(app, key, phone=phone) for key, (_c, _n, phone) in VILLAGES.items()}
    for person in team.values():
        await person.say("/start")

    # registration: collective titles, and people for the individual title
    await team["an"].script("/dangky", "1", "4", "Nguyễn Văn An, trưởng thôn", "xong")
    assert "✅ Đã lưu đăng ký" in await team["an"].say("1")
    assert "✅ Đã lưu đăng ký" in await team["binh"].script("/dangky", "1", "1")
    await team["dong"].script("/dangky", "1,2", "4", "Lê Thị Hoa", "xong")
    assert "✅ Đã lưu đăng ký" in await team["dong"].say("1")
    assert [n.full_name for n in await rows(app, Nominee)] == ["Nguyễn Văn An", "Lê Thị Hoa"]

    # self-scoring with photos as evidence
    clock.current = vn_time(SELF_DAY)
    for key, points in OWN.items():
        receipt = await self_score(team[key], points)
        assert f"✅ Đã nộp bảng tự chấm Tổng kết đợt thi đua của {VILLAGES[key][1]}" in receipt
    assert len(await rows(app, Evidence)) == 4

    # cross-scoring: a rotation, and one peer who disagrees on C1 with a reason
    clock.current = vn_time(CROSS_DAY)
    agree = ("đồng ý", "đồng ý", "đồng ý")
    for scorer, peer in (("an", "binh"), ("binh", "cat"), ("cat", "dong"), ("dong", "an")):
        receipt = await cross_score(team[scorer], VILLAGES[peer][1], agree)
        assert f"✅ Đã nộp phiếu chấm chéo Tổng kết đợt thi đua cho {VILLAGES[peer][1]}" in receipt
    receipt = await cross_score(
        team["binh"], "Thôn An Phú", ("50", "Biên bản thiếu chữ ký", "đồng ý", "đồng ý")
    )
    assert "Tổng điểm: 90" in receipt
    table = await team["an"].say("/tonghopcum")
    assert "Bảng điểm cụm — Tổng kết đợt thi đua:" in table
    assert "✅ Đã lưu đề xuất xếp hạng" in await team["an"].say("4 1 2 3")
    assert len(await rows(app, ClusterRanking)) == 4

    # the office: return Cát Tường's scores, approve the others
    clock.current = vn_time(REVIEW_DAY)
    office = await office_person(app)
    listing = await office.say(f"/duyet {CODE}")
    assert "3. Thôn Cát Tường — đã nộp" in listing
    detail = await office.say("3")
    assert "📋 Thôn Cát Tường — Tổng kết đợt thi đua (đã nộp)" in detail
    assert "C1. Hoàn thành nhiệm vụ: 45/60 — 📎 1 minh chứng" in detail
    assert "Lý do trả lại" in await office.say("2")
    answer = await office.say("Tiêu chí C1 chấm thiếu: biên bản đủ 5/6 nội dung")
    assert "↩️ Đã trả lại điểm của Thôn Cát Tường" in answer
    assert "Lý do: Tiêu chí C1 chấm thiếu" in await team["cat"].inbox()
    for number in ("1", "2", "4"):
        await office.say(number)
        assert "✅ Đã duyệt và khóa điểm" in await office.say("1")
    cards = {key: await team[key].inbox() for key in ("an", "binh", "dong")}
    assert "Xếp hạng: xếp hạng sau khi duyệt xong." in cards["an"]
    assert "Tổng: tự chấm 95; chấm chéo 92,5; văn phòng 95." in cards["an"]
    assert "Cá nhân được đề nghị: Nguyễn Văn An — Lao động tiên tiến." in cards["an"]
    for key, card in cards.items():
        others = [name for other, (_c, name, _p) in VILLAGES.items() if other != key]
        assert f"🏅 Kết quả chấm điểm thi đua — {VILLAGES[key][1]}" in card
        assert not any(name in card for name in others)  # never another unit's detail

    # Cát Tường corrects and resubmits: back to the office marked "đã sửa"
    answer = await team["cat"].say("/chamdiem")
    assert "Văn phòng đã trả lại bảng điểm để sửa" in answer
    assert "Đã ghi — C1: 50 điểm" in await team["cat"].say("sửa 1 50 vì bổ sung biên bản")
    assert "đã sửa theo yêu cầu của văn phòng" in await team["cat"].say("nộp")
    assert "3. Thôn Cát Tường — đã sửa" in await office.say(f"/duyet {CODE}")
    assert "(đã sửa)" in await office.say("3")
    assert "✅ Đã duyệt và khóa điểm của Thôn Cát Tường" in await office.say("1")
    assert {a.status for a in await rows(app, Approval)} == {ApprovalStatus.APPROVED}
    assert {s.status for s in await rows(app, ScoreSheet, ScoreSheet.role == SheetRole.SELF)} == {
        SheetStatus.APPROVED
    }
    [audit] = await rows(app, ScoreAudit)
    assert (audit.old_points, audit.new_points, audit.reason) == ("45", "50", "bổ sung biên bản")

    # the last approval ranks everyone: Cát Tường's card, and a rank note to the others
    card = await team["cat"].inbox()
    assert "Điểm cuối cùng: 78,5." in card and "Xếp hạng: 4/4." in card
    ranks = {key: await team[key].inbox() for key in ("an", "binh", "dong")}
    assert "Thôn Đồng Tâm: điểm cuối cùng 101, xếp hạng 1/4." in ranks["dong"]
    assert "Thôn An Phú: điểm cuối cùng 94,25, xếp hạng 2/4." in ranks["an"]
    assert "Thôn Bình Minh: điểm cuối cùng 82, xếp hạng 3/4." in ranks["binh"]
    assert (
        "Danh hiệu đề nghị: Tập thể lao động tiên tiến, Tập thể lao động xuất sắc."
        in (ranks["dong"])
    )
    assert "Thôn An Phú" not in ranks["dong"]

    # the proposal: ranking, titles, people, the workbook and the Word record
    answer = await office.say(f"/binhxet {CODE}")
    assert "Đã duyệt 4/4 đơn vị" in answer
    assert "1. Thôn Đồng Tâm — 101 điểm" in answer
    book_reply, record_reply = documents(office)
    assert book_reply.document is not None and record_reply.document is not None
    book = load_workbook(book_reply.document.path)
    cells = [c for row in book["Xếp hạng"].iter_rows(values_only=True) for c in row]
    order = [c for c in cells if isinstance(c, str) and c.startswith("Thôn ")]
    assert order == ["Thôn Đồng Tâm", "Thôn An Phú", "Thôn Bình Minh", "Thôn Cát Tường"]
    proposed = [c for row in book["Đề nghị khen thưởng"].iter_rows(values_only=True) for c in row]
    assert "Tập thể lao động tiên tiến (3 đơn vị)" in proposed
    assert "Tập thể lao động xuất sắc (1 đơn vị)" in proposed
    assert "Lao động tiên tiến (2 cá nhân)" in proposed
    assert "Nguyễn Văn An (trưởng thôn) — Thôn An Phú" in proposed
    evidence = [c for row in book["Minh chứng"].iter_rows(values_only=True) for c in row]
    assert sum(1 for c in evidence if isinstance(c, str) and c.startswith("evidence/")) == 4
    record = docx.Document(record_reply.document.path)
    text = "\n".join(p.text for p in record.paragraphs)
    assert "- Tập thể lao động xuất sắc: 1 đơn vị (Thôn Đồng Tâm)." in text
    assert "- Lao động tiên tiến: 2 cá nhân (Nguyễn Văn An (trưởng thôn) — Thôn An Phú; " in text
