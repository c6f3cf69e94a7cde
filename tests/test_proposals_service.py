"""The commendation proposal read from the database (``services.proposals``) and written by
``reportbot proposals CAMPAIGN REVIEW -o FILE``: the Xuân Sơn sample's sơ kết with two villages
scored, cross-scored and approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import docx
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App, open_app
from bot.settings import Settings
from domain.clock import ManualClock
from services.proposals import find_review, proposal_documents
from storage import reviews
from storage.campaigns import find_unit
from storage.models import (
    ApprovalStatus,
    ClusterRanking,
    Evidence,
    Nominee,
    Registration,
    RegistrationTitle,
    Reporter,
    SheetRole,
    Title,
)
from tests.conftest import TODAY, ZONE, vn_time
from tests.helpers import VILLAGE_SAMPLE, sample
from tests.test_report_cli import reportbot

ADVANCED = "Tập thể lao động tiên tiến"
OWN = {
    "THON_DONG": {"I.1": "28", "I.2": "15", "I.3": "10", "II.1": "15", "II.2": "15", "II.3": "15"}
    | {"III.1": "5", "III.2": "0"},  # 103
    "THON_DOAI": {"I.1": "25", "I.2": "12", "I.3": "10", "II.1": "14", "II.2": "15", "II.3": "12"}
    | {"III.1": "0", "III.2": "0"},  # 88
}
EVIDENCE_PATH = "evidence/ab/abcdef.jpg"
PEOPLE = {
    "THON_DONG": [("LDTT", "Nguyễn Văn An", "Trưởng thôn"), ("CSTDCS", "Lê Thị Bình", "")],
    "THON_DOAI": [("LDTT", "Trần Văn Cường", "Bí thư chi bộ")],
}


@dataclass(frozen=True)
class Seeded:
    """Ids of what :func:`seed` stored."""

    campaign_id: int
    review_id: int
    office_id: int
    units: dict[str, int]
    criteria: dict[str, int]


async def seed(app: App, now: datetime, *, approve: bool = False) -> Seeded:
    """Thôn Đông (103) and Thôn Đoài (88) self-scored and submitted, each cross-scored by the
    other (Thôn Đoài gives Thôn Đông 20 instead of 28 on I.1, with a reason), one evidence
    file, the cluster head's rank, both registered for "Tập thể lao động tiên tiến", each
    naming people for individual titles (:data:`PEOPLE`); approved by the office if
    ``approve``."""
    campaign = await sample(app, VILLAGE_SAMPLE)
    async with app.sessions() as session, session.begin():
        review = await find_review(session, campaign.id, "SOKET")
        assert review is not None
        criteria = {c.code: c.id for c in await reviews.criteria_of(session, campaign.id)}
        office = Reporter(full_name="Văn phòng xã", is_office=True)
        session.add(office)
        await session.flush()
        units: dict[str, int] = {}
        for code in ("THON_DONG", "THON_DOAI", "THON_DOI_DU"):
            unit = await find_unit(session, code)
            assert unit is not None
            units[code] = unit.id

        async def sheet(scored: str, scorer: str, points: dict[str, str], role: SheetRole) -> None:
            made = await reviews.open_sheet(
                session, review.id, units[scored], role, units[scorer], now
            )
            given = [
                reviews.Points(
                    criteria[c], p, reason="Chưa đủ minh chứng" if p != OWN[scored][c] else ""
                )
                for c, p in points.items()
            ]
            await reviews.put_points(session, made, given, office.id, now)
            await reviews.submit_sheet(session, made, office.id, now)

        for code, points in OWN.items():
            await sheet(code, code, points, SheetRole.SELF)
        await sheet("THON_DONG", "THON_DOAI", OWN["THON_DONG"] | {"I.1": "20"}, SheetRole.CROSS)
        await sheet("THON_DOAI", "THON_DONG", OWN["THON_DOAI"], SheetRole.CROSS)
        session.add(
            Evidence(
                review_id=review.id,
                org_unit_id=units["THON_DONG"],
                criterion_id=criteria["I.1"],
                path=EVIDENCE_PATH,
                sha256="ab" * 32,
                media_type="image/jpeg",
                channel="console",
                sent_by_id=office.id,
                sent_at=now,
            )
        )
        session.add(
            ClusterRanking(
                review_id=review.id,
                org_unit_id=units["THON_DONG"],
                rank=1,
                proposed_by_id=office.id,
            )
        )
        advanced = await session.scalar(
            select(Title).where(Title.campaign_id == campaign.id, Title.code == "TTLDTT")
        )
        assert advanced is not None
        for code in OWN:
            registration = Registration(
                campaign_id=campaign.id, org_unit_id=units[code], registered_by_id=office.id
            )
            session.add(registration)
            await session.flush()
            session.add(RegistrationTitle(registration_id=registration.id, title_id=advanced.id))
            for order, (title_code, full_name, position) in enumerate(PEOPLE[code]):
                title = await session.scalar(
                    select(Title).where(Title.campaign_id == campaign.id, Title.code == title_code)
                )
                assert title is not None
                session.add(
                    Nominee(
                        registration_id=registration.id,
                        title_id=title.id,
                        full_name=full_name,
                        position=position,
                        sort_order=order,
                    )
                )
        if approve:
            for code in OWN:
                await reviews.decide(
                    session, review.id, units[code], ApprovalStatus.APPROVED, office.id, now
                )
        return Seeded(campaign.id, review.id, office.id, units, criteria)


async def test_the_report_ranks_approved_units_with_their_points(
    app: App, clock: ManualClock
) -> None:
    seeded = await seed(app, clock.now(), approve=True)
    campaign = await sample(app, VILLAGE_SAMPLE)
    async with app.sessions() as session, session.begin():
        review = await find_review(session, seeded.campaign_id, "soket")
        assert review is not None
        office = await reviews.office_sheet(
            session, review.id, seeded.units["THON_DOI_DU"], seeded.office_id, clock.now()
        )  # started for a unit that never scored itself: empty, and not counted as approved
        assert office.status.value == "submitted"
        made = await proposal_documents(session, campaign, review, clock.now(), ZONE)
    report = made.report
    assert report.header.issuing_body == "Hội đồng Thi đua - Khen thưởng xã Xuân Sơn"
    assert report.header.period.startswith("Sơ kết 6 tháng đầu năm (01/01/")
    assert report.weights == "tự chấm 30%, chấm chéo 30%, văn phòng 40%"
    assert [c.code for c in report.criteria][:2] == ["I.1", "I.2"]
    assert report.criteria[-1].kind == "điểm trừ"
    first, second = report.rows[:2]
    assert (first.name, first.rank, first.final) == ("Thôn Đông", 1, Decimal("100.60"))
    assert (first.own, first.cross, first.cross_count) == (Decimal(103), Decimal(95), 1)
    assert first.titles == (ADVANCED,) and first.approved
    assert first.points["I.1"] == Decimal(28) and first.cluster == "Cụm thôn"
    assert (second.name, second.rank, second.final) == ("Thôn Đoài", 2, Decimal("88.00"))
    assert all(row.rank is None for row in report.rows[2:])
    assert len(report.rows) == 11
    assert ADVANCED in report.titles and report.tied == {}
    assert report.person_titles == ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"]
    assert [(p.label(), p.title, p.final, p.proposed) for p in report.people] == [
        ("Nguyễn Văn An (Trưởng thôn) — Thôn Đông", "Lao động tiên tiến", Decimal("100.60"), True),
        ("Lê Thị Bình — Thôn Đông", "Chiến sĩ thi đua cơ sở", Decimal("100.60"), True),
        ("Trần Văn Cường (Bí thư chi bộ) — Thôn Đoài", "Lao động tiên tiến", Decimal("88"), True),
    ]
    [evidence] = report.evidence
    assert evidence.unit == "Thôn Đông" and evidence.criterion.startswith("I.1. ")
    assert evidence.link == EVIDENCE_PATH  # relative to the data folder (see services.proposals)
    assert made.signing.issuing_body == report.header.issuing_body
    assert made.day is not None and made.day.month == 8


async def test_reportbot_proposals_writes_the_workbook_and_the_record(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url)
    clock = ManualClock(vn_time(TODAY))
    async with open_app(settings, load_samples=True, clock=clock) as application:
        await seed(application, clock.now(), approve=True)
    out = tmp_path / "de-nghi.xlsx"
    result = reportbot(database_url, tmp_path, "proposals", "XUANSON2026", "soket", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Đã lưu bảng đề nghị khen thưởng: {out}" in result.stdout
    assert "Đã duyệt 2/11 đơn vị" in result.stdout
    book = load_workbook(out)
    assert book.sheetnames == [
        "Xếp hạng",
        "Điểm theo tiêu chí",
        "Đề nghị khen thưởng",
        "Minh chứng",
    ]
    proposed = [c for row in book["Đề nghị khen thưởng"].iter_rows(values_only=True) for c in row]
    assert "Thôn Đông" in proposed and "Thôn Đoài" in proposed
    assert "Lao động tiên tiến (2 cá nhân)" in proposed
    assert "Nguyễn Văn An (Trưởng thôn) — Thôn Đông" in proposed
    record = docx.Document(str(out.with_suffix(".docx")))
    text = "\n".join(p.text for p in record.paragraphs)
    assert f"- {ADVANCED}: 2 đơn vị (Thôn Đông, Thôn Đoài)." in text
    assert (
        "- Lao động tiên tiến: 2 cá nhân (Nguyễn Văn An (Trưởng thôn) — Thôn Đông; "
        "Trần Văn Cường (Bí thư chi bộ) — Thôn Đoài)." in text
    )
    people = [[c.text for c in row.cells] for t in record.tables for row in t.rows]
    assert ["1", "Lê Thị Bình", "", "Thôn Đông"] in people
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG XÃ XUÂN SƠN" in "\n".join(
        cell.text for table in record.tables for row in table.rows for cell in row.cells
    )

    unknown = reportbot(database_url, tmp_path, "proposals", "XUANSON2026", "NOPE")
    assert unknown.returncode == 1
    assert "Các đợt: SOKET, TONGKET" in unknown.stderr
