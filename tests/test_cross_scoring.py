"""Cross-scoring (``/chamcheo``) and the cluster head's table (``/tonghopcum``) through the real
pipeline on the Xuân Sơn sample (villages' cluster: Thôn Đông heads Thôn Đoài, Thôn Đồi Dư,
Tổ dân phố Xuân Hòa)."""

from __future__ import annotations

import uuid
from datetime import date

from bot.app import App
from domain.clock import ManualClock
from storage.models import ClusterRanking, OrgUnit, Score, ScoreSheet, SheetRole, SheetStatus
from tests.conftest import Person, vn_time
from tests.helpers import rows
from tests.test_self_scoring import SELF_DAY, photo

CROSS_DAY = date(2026, 7, 22)  # inside the sơ kết's cross-scoring window (21/07 - 28/07)
PHONES = {"dong": "0900000101", "doai": "0900000102", "doidu": "0900000103"}


async def self_score(person: Person, first: str) -> None:
    """Score every criterion (``first`` for I.1, the automatic 0 for I.2 (no figures), 8 for
    the others, 3 for the bonus, 0 for the penalty), with a photo where evidence is required,
    and submit."""
    await person.say("/chamdiem")
    for answer in (first, None, "đúng", "8", None, "8", "8", None, "8", None, "3", "0"):
        if answer is None:
            await photo(person, f"{uuid.uuid4().hex}.jpg")
        else:
            await person.say(answer)
    assert "✅ Đã nộp bảng tự chấm" in await person.say("nộp")


async def people(app: App, clock: ManualClock) -> dict[str, Person]:
    clock.current = vn_time(SELF_DAY)
    found = {key: Person(app, key, phone=phone) for key, phone in PHONES.items()}
    for person in found.values():
        await person.say("/start")
    return found


async def unit_id(app: App, code: str) -> int:
    return (await rows(app, OrgUnit, OrgUnit.code == code))[0].id


async def test_cross_scoring_with_reason_and_cluster_ranking(app: App, clock: ManualClock) -> None:
    team = await people(app, clock)
    await self_score(team["doai"], "25")
    await self_score(team["doidu"], "20")

    assert "Chưa đến thời gian chấm chéo" in await team["dong"].say("/chamcheo")
    clock.current = vn_time(CROSS_DAY)
    answer = await team["dong"].say("/chamcheo")
    assert "chấm chéo đơn vị nào trong cụm?" in answer
    assert "Thôn Đoài — chưa chấm" in answer and "Tổ dân phố Xuân Hòa" in answer
    assert "Văn phòng UBND" not in answer  # another cluster
    answer = await team["dong"].say("1")
    assert "Chấm chéo · Sơ kết 6 tháng đầu năm · Thôn Đoài" in answer
    assert "Đơn vị tự chấm: 25 điểm." in answer and "Minh chứng (1):" in answer
    assert ".jpg" in answer
    answer = await team["dong"].say("đồng ý")
    assert "Đã ghi — I.1: 25 điểm" in answer and "Đơn vị tự chấm: 0 điểm." in answer
    answer = await team["dong"].say("6")  # differs: the reason is required
    assert "Vì sao chấm 6 điểm cho I.2, khác điểm đơn vị tự chấm?" in answer
    answer = await team["dong"].say("Chưa đạt kế hoạch")
    assert "Đã ghi — I.2: 6 điểm (lý do: Chưa đạt kế hoạch)" in answer
    for _ in range(6):
        answer = await team["dong"].say("1")
    assert "Nộp bảng điểm này?" in answer and "Tổng: 66 điểm" in answer
    receipt = await team["dong"].say("nộp")
    assert "✅ Đã nộp phiếu chấm chéo Sơ kết 6 tháng đầu năm cho Thôn Đoài" in receipt

    doai = await unit_id(app, "THON_DOAI")
    dong = await unit_id(app, "THON_DONG")
    sheets = await rows(app, ScoreSheet, ScoreSheet.role == SheetRole.CROSS)
    assert [(s.org_unit_id, s.scorer_unit_id, s.status) for s in sheets] == [
        (doai, dong, SheetStatus.SUBMITTED)
    ]
    reasons = {s.points: s.reason for s in await rows(app, Score, Score.sheet_id == sheets[0].id)}
    assert reasons["6"] == "Chưa đạt kế hoạch" and reasons["25"] == ""

    # a peer who never self-scored: no reference, no reason needed
    answer = await team["dong"].script("/chamcheo", "3")
    assert "Đơn vị này chưa nộp bảng tự chấm." in answer and "Minh chứng: không có." in answer
    assert "Đã ghi — I.1: 10 điểm" in await team["dong"].say("10")
    assert "Điểm đã chấm được giữ; gõ /chamcheo" in await team["dong"].say("/huy")

    # a non-head is refused; the head ranks its cluster
    refused = await team["doai"].say("/tonghopcum")
    assert "chỉ dành cho đơn vị cụm trưởng" in refused
    table = await team["dong"].say("/tonghopcum")
    assert "Bảng điểm cụm — Sơ kết 6 tháng đầu năm:" in table
    assert "1. Thôn Đoài: tự chấm 60 · chấm chéo TB 66 (1 phiếu)" in table
    assert "2. Thôn Đồi Dư: tự chấm 55 · chấm chéo TB — (0 phiếu)" in table
    assert "Văn phòng UBND" not in table and "Hội Phụ nữ" not in table
    assert "mỗi số một lần" in await team["dong"].say("1 1 2")
    saved = await team["dong"].say("2 1 3 4")
    assert "✅ Đã lưu đề xuất xếp hạng của cụm:" in saved and "1. Thôn Đồi Dư" in saved
    ranks = {r.org_unit_id: r.rank for r in await rows(app, ClusterRanking)}
    assert ranks[doai] == 2 and ranks[await unit_id(app, "THON_DOI_DU")] == 1
    assert "Đã đề xuất xếp hạng: 2 1 3 4" in await team["dong"].say("/tonghopcum")
    assert "✅ Đã lưu" in await team["dong"].say("đồng ý")
    ranks = {r.org_unit_id: r.rank for r in await rows(app, ClusterRanking)}
    assert ranks[doai] == 1


async def test_unit_without_cluster_and_outside_window(app: App, clock: ManualClock) -> None:
    clock.current = vn_time(CROSS_DAY)
    async with app.sessions() as session, session.begin():
        unit = await session.get(OrgUnit, await unit_id(app, "THON_DOAI"))
        assert unit is not None
        unit.cluster_id = None
    loner = Person(app, "loner", phone=PHONES["doai"])
    await loner.say("/start")
    assert "không thuộc cụm thi đua nào" in await loner.say("/chamcheo")
    clock.current = vn_time(date(2026, 8, 1))
    assert "Chưa đến thời gian chấm chéo. Tổng kết năm: từ 21/01/2027" in await loner.say(
        "/chamcheo"
    )
