"""Who may do what in a review (issue 16), one row per person and command through the real
pipeline on the Xuân Sơn sample with Thôn Đông and Thôn Đoài scored (``test_proposals_service.
seed``): a unit never sees another cluster's units or scores, only a cluster head gets its
cluster's table, only the office reviews and proposes, and someone not linked to a unit gets
nothing but the way to link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.app import App
from domain.clock import ManualClock
from storage.models import Approval, ClusterRanking, DocumentJob, ScoreSheet, SheetRole
from tests.conftest import Person, vn_time
from tests.helpers import rows
from tests.test_cross_scoring import CROSS_DAY
from tests.test_proposals_service import seed
from tests.test_report_commands import office_person
from tests.test_self_scoring import SELF_DAY

PHONES = {
    "village": "0900000102",  # Thôn Đoài, in the villages' cluster
    "village_head": "0900000101",  # Thôn Đông, heads the villages' cluster
    "department": "0900000106",  # Văn hóa và Đài truyền thanh xã, departments' cluster
    "department_head": "0900000105",  # Văn phòng UBND xã, heads the departments' cluster
}
VILLAGES = ("Thôn Đông", "Thôn Đoài", "Thôn Đồi Dư", "Tổ dân phố Xuân Hòa")
DEPARTMENTS = ("Văn phòng UBND xã", "Văn hóa và Đài truyền thanh xã")
ORGANISATIONS = ("Ủy ban MTTQ xã", "Hội Phụ nữ xã", "Đoàn Thanh niên xã")
NOT_LINKED = "Bạn chưa liên kết với đơn vị nào"
OFFICE_ONLY = "chỉ dành cho văn phòng"
HEADS_ONLY = "chỉ dành cho đơn vị cụm trưởng"


@dataclass(frozen=True)
class Case:
    """``who`` sends ``lines`` on ``day``; the last answer holds every text of ``shows`` and
    none of ``hides``."""

    who: str
    lines: tuple[str, ...]
    day: date
    shows: tuple[str, ...]
    hides: tuple[str, ...] = ()


CASES = [
    # self-scoring: one's own unit only
    Case("stranger", ("/chamdiem",), SELF_DAY, (NOT_LINKED,), VILLAGES),
    Case("village", ("/chamdiem",), SELF_DAY, ("Thôn Đoài", "Đã nộp lúc"), ("Thôn Đông",)),
    Case("department", ("/chamdiem",), SELF_DAY, ("Văn hóa và Đài truyền thanh xã",), VILLAGES),
    Case("office", ("/chamdiem",), SELF_DAY, (NOT_LINKED,), VILLAGES),
    # cross-scoring: the peers of one's own cluster only, their scores included
    Case("stranger", ("/chamcheo",), CROSS_DAY, (NOT_LINKED,), VILLAGES),
    Case(
        "village",
        ("/chamcheo",),
        CROSS_DAY,
        ("Thôn Đông", "Thôn Đồi Dư", "Tổ dân phố Xuân Hòa"),
        DEPARTMENTS + ORGANISATIONS,
    ),
    Case(
        "village",
        ("/chamcheo", "Văn phòng UBND xã"),  # another cluster's unit, named: not chosen
        CROSS_DAY,
        ("Hãy gõ số thứ tự",),
        ("Chấm chéo · ",),
    ),
    Case(
        "department",
        ("/chamcheo",),
        CROSS_DAY,
        ("Chấm chéo · Sơ kết 6 tháng đầu năm · Văn phòng UBND xã",),  # its only peer
        VILLAGES + ORGANISATIONS + ("103", "88"),
    ),
    # the cluster's table: its head only, its cluster only
    Case("village", ("/tonghopcum",), CROSS_DAY, (HEADS_ONLY,), ("103", "88")),
    Case("department", ("/tonghopcum",), CROSS_DAY, (HEADS_ONLY,), VILLAGES),
    Case(
        "village_head",
        ("/tonghopcum",),
        CROSS_DAY,
        ("Bảng điểm cụm", "Thôn Đoài: tự chấm 88"),
        DEPARTMENTS + ORGANISATIONS,
    ),
    Case(
        "department_head",
        ("/tonghopcum",),
        CROSS_DAY,
        ("Bảng điểm cụm", *DEPARTMENTS),
        VILLAGES + ORGANISATIONS + ("103", "88"),
    ),
    Case("office", ("/tonghopcum",), CROSS_DAY, (NOT_LINKED,), VILLAGES),
    # the office's review and proposal
    *(
        Case(who, (command,), CROSS_DAY, (answer,), ("103", "88"))
        for who, answer in (
            ("stranger", OFFICE_ONLY),
            ("village", OFFICE_ONLY),
            ("village_head", OFFICE_ONLY),
            ("department_head", OFFICE_ONLY),
        )
        for command in ("/duyet", "/binhxet", "/duyet XUANSON2026 SOKET")
    ),
    Case("office", ("/duyet XUANSON2026",), CROSS_DAY, ("Duyệt điểm", *VILLAGES, *DEPARTMENTS)),
]


async def person(app: App, who: str) -> Person:
    if who == "office":
        return await office_person(app)
    found = Person(app, who, phone=PHONES.get(who))
    if who in PHONES:
        await found.say("/start")
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.who}:{'+'.join(c.lines)}")
async def test_who_sees_and_does_what(app: App, clock: ManualClock, case: Case) -> None:
    await seed(app, clock.now())
    clock.current = vn_time(case.day)
    someone = await person(app, case.who)
    answer = await someone.script(*case.lines)
    for text in case.shows:
        assert text in answer
    for text in case.hides:
        assert text not in answer


async def test_nothing_decided_or_built_by_those_not_allowed(app: App, clock: ManualClock) -> None:
    """The refused commands above leave no trace: no approval, ranking, document or sheet."""
    await seed(app, clock.now())
    sheets = len(await rows(app, ScoreSheet))
    clock.current = vn_time(CROSS_DAY)
    for who in ("stranger", "village", "department"):
        someone = await person(app, who)
        await someone.script("/duyet", "1", "1", "/binhxet", "/tonghopcum", "1 2 3 4")
    assert await rows(app, Approval) == []
    assert await rows(app, DocumentJob) == []
    assert len(await rows(app, ClusterRanking)) == 1  # the seed's own
    assert len(await rows(app, ScoreSheet, ScoreSheet.role != SheetRole.OFFICE)) == sheets
