"""``storage.report_rows``: the report rows read back from what real conversations stored."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from bot.app import App
from domain.campaign_spec import Aggregation, ValueType
from domain.clock import ManualClock
from reports.consolidated import write_consolidated
from reports.data import ConsolidatedReport, DetailRow, ReportStatus
from samples import nga_nam_2023
from storage import report_rows
from storage.models import Campaign, DataElement, Period
from storage.report_rows import (
    consolidated_report,
    registrations_report,
    report_columns,
    typed_value,
)
from tests.conftest import TODAY, ZONE, Person, vn_time
from tests.helpers import VILLAGE_SAMPLE, sample, typed_answer

P1_PHONE, P2_PHONE = "0900000001", "0900000002"


async def submit(person: Person, campaign: Campaign, *choose: str) -> str:
    """Answer every element (after the period choice ``choose`` if asked) and confirm."""
    await person.script("/nhap", *choose)
    for position, element in enumerate(campaign.elements):
        await person.say(typed_answer(element, position))
    return await person.say("1")


async def correct_budget(person: Person, amount: str, reason: str) -> None:
    """Correct element 4 (budget revenue) of the submitted current period, with a reason."""
    answer = await person.script("/nhap", "1", "4", amount, reason)
    assert "✅ Đã sửa Thu ngân sách" in answer


def period(campaign: Campaign, code: str) -> Period:
    return next(p for p in campaign.periods if p.code == code)


async def build(app: App, campaign: Campaign, code: str) -> ConsolidatedReport:
    async with app.sessions() as session:
        return await consolidated_report(
            session, campaign, period(campaign, code), app.clock.now(), ZONE
        )


async def test_consolidated_rows_from_real_conversations(app: App, clock: ManualClock) -> None:
    campaign = await sample(app)
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    answer = await head.script("/dangky", "1, 2", "1", "13.500", "50 tỷ", "2,5", "3", "1")
    assert "✅ Đã lưu đăng ký thi đua" in answer

    clock.current = vn_time(period(campaign, "2026Q3").due_date)  # Q3 and Q4 open, Q3 on time
    assert "Quý 3/2026" in await submit(head, campaign, "1")
    clock.current = vn_time(TODAY)
    assert "Quý 4/2026" in await submit(head, campaign)
    await correct_budget(head, "4.500", "nhập nhầm")  # year-to-date: not below Q3's 4.000
    await correct_budget(head, "4.600", "bổ sung số liệu")

    clock.current = vn_time(period(campaign, "2026Q4").due_date + timedelta(days=1), hour=14)
    second = Person(app, "second", phone=P2_PHONE)
    await second.say("/start")
    assert "trễ hạn" in await submit(second, campaign)

    report = await build(app, campaign, "2026Q4")

    assert report.header.title == "BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA"
    assert report.header.period == "Quý 4/2026 (01/10/2026 - 31/12/2026)"
    assert report.header.campaign == campaign.name
    assert report.header.issuing_body == campaign.issuing_body
    assert report.header.generated_at == clock.current.astimezone(ZONE).replace(tzinfo=None)
    assert report.header.generated_at.hour == 14
    assert (report.period.code, report.period.name) == ("2026Q4", "Quý 4/2026")
    assert [p.code for p in report.periods] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]

    units = {u.code: u for u in report.units}
    assert [u.name for u in report.units][:3] == ["Phường 1", "Phường 2", "Phường 3"]
    p1, p2, p3 = units["P1"], units["P2"], units["P3"]
    assert (p1.status, p2.status, p3.status) == (
        ReportStatus.ON_TIME,
        ReportStatus.LATE,
        ReportStatus.MISSING,
    )
    assert p1.cluster and p1.cluster == p2.cluster
    assert p1.submitted_by == "Nguyễn Văn An" and p1.submitted_at is not None
    assert p2.submitted_at is not None and p2.submitted_at.hour == 14  # Vietnam time, naive
    assert p2.submitted_at.tzinfo is None
    assert p3.submitted_at is None and p3.values == {} and p3.submitted_by == ""
    assert [c.phone for c in p3.contacts] == ["0900000003"] and p3.contacts[0].name

    assert p1.values["LUA_TONG"] == Decimal(1000)
    assert p1.values["THU_NGAN_SACH"] == Decimal(4600)  # corrected twice
    assert p1.values["CHUAN_Y_TE"] == Decimal(1)  # yes/no as 1/0
    assert p1.values["GIAM_HO_NGHEO"] == Decimal("2.5")
    assert all(isinstance(v, Decimal) for v in p1.values.values())
    assert len(p1.values) == 26 and "TL_BHYT" not in p1.values  # indicators are computed
    assert p1.targets == {
        "THUY_SAN": Decimal(13500),
        "THU_NGAN_SACH": Decimal(50),
        "GIAM_HO_NGHEO": Decimal("2.5"),
        "GIAM_HO_KHMER_NGHEO": Decimal(3),
    }
    assert p2.targets == {}
    assert set(p1.history) == {"2026Q3"}
    assert p1.history["2026Q3"]["THU_NGAN_SACH"] == Decimal(4000)
    assert p2.history == {}

    details = list(report.details)
    assert len(details) == 3 * 26  # P1 in Q3 and Q4, P2 in Q4
    assert [d.period for d in details[:26]] == ["Quý 3/2026"] * 26
    budget = [d for d in details if d.element == "Thu ngân sách" and d.period == "Quý 4/2026"]
    assert [(d.unit, d.value, d.changes, d.last_reason) for d in budget] == [
        ("Phường 1", Decimal(4600), 2, "bổ sung số liệu"),
        ("Phường 2", Decimal(4000), 0, ""),
    ]
    assert budget[0].entered_by == "Nguyễn Văn An" and budget[0].measure_unit == "tỷ đồng"
    assert budget[0].entered_at.tzinfo is None and budget[0].entered_at.hour == 9
    assert sum(d.changes for d in details) == 2

    registrations = report.registrations
    assert registrations.header.title == "DANH SÁCH ĐĂNG KÝ THI ĐUA"
    assert registrations.header.period == ""
    assert list(registrations.titles) == [t.name for t in campaign.titles[2:]]  # collective
    assert [c.code for c in registrations.columns] == [
        "THUY_SAN",
        "THU_NGAN_SACH",
        "GIAM_HO_NGHEO",
        "GIAM_HO_KHMER_NGHEO",
    ]
    rows = {r.code: r for r in registrations.rows}
    assert len(rows) == 8
    assert rows["P1"].titles == frozenset(registrations.titles)
    assert rows["P1"].targets == p1.targets
    assert rows["P1"].registered_by == "Nguyễn Văn An"
    assert rows["P1"].registered_at is not None and rows["P1"].registered_at.hour == 9
    assert rows["P2"].registered_at is None and rows["P2"].titles == frozenset()


async def test_columns_follow_the_template(app: App) -> None:
    campaign = await sample(app)
    columns = report_columns(campaign)
    assert [c.code for c in columns] == [e.code for e in nga_nam_2023().elements]
    by_code = {c.code: c for c in columns}
    insured = by_code["TL_BHYT"]
    assert insured.is_indicator and insured.aggregation is Aggregation.RATIO
    assert (insured.numerator, insured.denominator, insured.factor) == ("BHYT", "DAN_SO", 100)
    assert insured.target == Decimal("95.15") and insured.value_type is ValueType.PERCENTAGE
    poor = by_code["GIAM_HO_NGHEO"]
    assert poor.aggregation is Aggregation.WEIGHTED_MEAN and poor.weight == "TONG_HO"
    assert by_code["LUA_TONG"].cumulative and not by_code["TRUONG"].cumulative
    assert by_code["THUY_SAN"].target == Decimal(12500)
    assert by_code["CHUAN_Y_TE"].value_type is ValueType.BOOLEAN


async def test_registrations_report_alone(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    async with app.sessions() as session:
        report = await registrations_report(session, campaign, app.clock.now(), ZONE)
    assert report.header.campaign == campaign.name
    assert len(report.rows) == 11 and all(r.registered_at is None for r in report.rows)
    assert list(report.titles) == [t.name for t in campaign.titles if t.kind.value == "collective"]
    assert report.rows[0].cluster  # the village sample's units sit in clusters


async def test_queries_do_not_grow_with_units(app: App) -> None:
    """A fixed number of statements whatever the number of units (8 and 11 here)."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    town, villages = await sample(app), await sample(app, VILLAGE_SAMPLE)
    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    try:
        await build(app, town, "2026Q4")
        town_count = len(statements)
        statements.clear()
        await build(app, villages, "2026S2")
        village_count = len(statements)
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", count)
    assert town_count == village_count <= 15, statements


def test_typed_values() -> None:
    assert typed_value("12500", ValueType.NUMBER) == Decimal(12500)
    assert typed_value("1", ValueType.BOOLEAN) == Decimal(1)
    assert typed_value("95.15", ValueType.PERCENTAGE) == Decimal("95.15")
    assert typed_value("=1+1", ValueType.TEXT) == "=1+1"
    assert typed_value("12", ValueType.TEXT) == "12"
    assert typed_value("không rõ", ValueType.NUMBER) == "không rõ"
    assert typed_value("NaN", ValueType.NUMBER) == "NaN"  # never a non-finite number
    assert typed_value("Infinity", ValueType.NUMBER) == "Infinity"


async def test_a_value_deleted_and_entered_again_counts_every_change(app: App) -> None:
    from storage.models import DataElement, OrgUnit, Reporter
    from storage.values import Change, write_values

    campaign = await sample(app)
    element = campaign.elements[3]
    q4 = period(campaign, "2026Q4")
    async with app.sessions() as session, session.begin():
        unit = await session.scalar(select(OrgUnit).where(OrgUnit.code == "P1"))
        person = Reporter(full_name="Nguyễn Văn An")
        session.add(person)
        await session.flush()
        assert unit is not None and isinstance(element, DataElement)
        now = app.clock.now()
        for value, reason in (("10", ""), (None, "xóa nhầm"), ("12", "nhập lại"), ("13", "")):
            change = Change(element.id, value, reason)
            await write_values(session, unit.id, q4.id, [change], person.id, now)
    report = await build(app, campaign, "2026Q4")
    (detail,) = [d for d in report.details if d.element == element.name]
    assert (detail.value, detail.changes, detail.last_reason) == (Decimal(13), 3, "nhập lại")


# --------------------------------------------------------------------------- streamed values

FILLED_UNITS = ("P1", "P2", "P3")


async def fill(app: App, campaign: Campaign) -> int:
    """Every element of P1, P2 and P3 for Q3 and Q4 written straight to storage (P3's Q4 budget
    then deleted, P1's Q4 rice corrected twice, once with a reason), P1 and P2 submitted for Q4.
    Returns how many values are stored."""
    from storage.models import OrgUnit, Reporter
    from storage.values import Change, submit, write_values

    elements = [e for e in campaign.elements if isinstance(e, DataElement)]
    now = app.clock.now()
    async with app.sessions() as session, session.begin():
        people = [Reporter(full_name=f"Người nhập {code}") for code in FILLED_UNITS]
        session.add_all(people)
        await session.flush()
        units = {
            code: unit_id
            for code, unit_id in await session.execute(
                select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(FILLED_UNITS))
            )
        }
        for number, (code, person) in enumerate(zip(FILLED_UNITS, people, strict=True)):
            for hours, quarter in enumerate(("2026Q3", "2026Q4")):
                changes = [
                    Change(e.id, _stored(e, position, number))
                    for position, e in enumerate(elements)
                ]
                at = now - timedelta(days=30, hours=hours - number)
                await write_values(
                    session, units[code], period(campaign, quarter).id, changes, person.id, at
                )
        q4 = period(campaign, "2026Q4").id
        rice, budget = _element(campaign, "LUA_TONG"), _element(campaign, "THU_NGAN_SACH")
        for value, reason in (("111", ""), ("222", "nhập nhầm")):
            await write_values(
                session, units["P1"], q4, [Change(rice.id, value, reason)], people[0].id, now
            )
        await write_values(
            session, units["P3"], q4, [Change(budget.id, None, "")], people[2].id, now
        )
        for code, person in zip(FILLED_UNITS[:2], people[:2], strict=True):
            await submit(session, units[code], q4, person.id, now, is_late=False)
    return len(FILLED_UNITS) * 2 * len(elements) - 1


def _element(campaign: Campaign, code: str) -> DataElement:
    return next(e for e in campaign.elements if e.code == code)


def _stored(element: DataElement, position: int, unit: int) -> str:
    if element.value_type is ValueType.BOOLEAN:
        return str(unit % 2)
    if element.value_type is ValueType.TEXT:
        return f"Hoàn thành {unit}"
    return f"{position * 1000 + unit}.5"


def snapshot(report: ConsolidatedReport) -> tuple[list[Any], list[DetailRow]]:
    """The report's rows as plain dicts and lists, for comparing two reads."""
    units = [
        (
            u.code,
            u.status,
            dict(u.values),
            {code: dict(found) for code, found in u.history.items()},
            dict(u.targets),
        )
        for u in report.units
    ]
    return units, list(report.details)


async def test_values_read_chunk_by_chunk_give_the_same_report(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = await sample(app)
    stored = await fill(app, campaign)
    whole = snapshot(await build(app, campaign, "2026Q4"))

    units, details = whole
    assert len(details) == stored  # 3 units x 2 quarters x 26 elements, one deleted
    by_code = {code: (values, history) for code, _status, values, history, _t in units}
    p1_values, p1_history = by_code["P1"]
    assert p1_values["LUA_TONG"] == Decimal(222) and p1_history["2026Q3"]["LUA_TONG"] == Decimal(
        "0.5"
    )
    assert "THU_NGAN_SACH" not in by_code["P3"][0] and len(by_code["P3"][0]) == 25
    assert by_code["VINH_QUOI"] == ({}, {})
    rice = [d for d in details if d.element == _element(campaign, "LUA_TONG").name]
    assert [(d.unit, d.period, d.changes, d.last_reason) for d in rice][-1] == (
        "Phường 3",
        "Quý 4/2026",
        0,
        "",
    )
    assert (rice[3].unit, rice[3].value, rice[3].changes, rice[3].last_reason) == (
        "Phường 1",
        Decimal(222),
        2,
        "nhập nhầm",
    )

    chunks: list[int] = []
    take = report_rows._Taker.take

    def counted(taker: report_rows._Taker, rows: Sequence[Any]) -> None:
        chunks.append(len(rows))
        take(taker, rows)

    monkeypatch.setattr(report_rows._Taker, "take", counted)
    for size in (1, 7, 26):  # one value a chunk; chunks that split a unit's values; a unit's worth
        chunks.clear()
        monkeypatch.setattr(report_rows, "VALUE_CHUNK", size)
        assert snapshot(await build(app, campaign, "2026Q4")) == whole, size
        assert sum(chunks) == stored and max(chunks) == size
        assert len(chunks) == -(-stored // size)  # every chunk full but the last


async def test_a_report_outlives_its_session(app: App, tmp_path: Path) -> None:
    """What the bot does: rows read in a session, the workbook written from a worker thread
    after the session is closed; the details can be listed more than once."""
    campaign = await sample(app)
    stored = await fill(app, campaign)
    report = await build(app, campaign, "2026Q4")
    details = await asyncio.to_thread(list, report.details)
    assert len(details) == stored and list(report.details) == details
    path = tmp_path / "tong-hop.xlsx"
    await asyncio.to_thread(write_consolidated, report, path)
    rows = list(load_workbook(path, read_only=True)["Chi tiết"].values)
    assert len(rows) == stored + 1 and rows[1][1] == "Phường 1" and rows[-1][1] == "Phường 3"

    p1 = next(u for u in report.units if u.code == "P1")
    assert isinstance(p1.values, Mapping) and "LUA_TONG" in p1.values and "TL_BHYT" not in p1.values
    assert p1.values.get("TL_BHYT") is None and p1.values.get("NO_SUCH", 0) == 0
    assert set(p1.values) == {e.code for e in campaign.elements}
    assert len(p1.values) == 26 and set(p1.history) == {"2026Q3"} and len(p1.history) == 1
    assert "2026Q2" not in p1.history and "2026Q4" not in p1.history
    assert repr(p1.values).startswith("{") and eval(repr(p1.values)) == dict(p1.values)
