"""A typed figure next to what the unit committed to and what its peers reported (issue 15's
lean step reads both in fewer statements): the question shows the committed target, a figure far
above the other units' is asked back, and the peers' figures read once per transaction are kept
current as values are written in it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from domain.campaign_spec import CampaignSpec, ElementSpec, Frequency, UnitSpec, ValueType
from domain.clock import ManualClock
from storage import peers, values
from storage.campaigns import find_unit, import_campaign
from storage.models import (
    DataElement,
    Period,
    Registration,
    RegistrationTarget,
    Reporter,
)
from storage.peers import SHARED, PeerCache
from tests.conftest import Person

CODE = "SOHO2026"
PHONE = "0914000005"


def _spec() -> CampaignSpec:
    return CampaignSpec(
        code=CODE,
        name="Phong trào gia đình văn hóa",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        frequency=Frequency.QUARTERLY,
        due_days=10,
        lock_days=15,
        elements=(ElementSpec("HO", "Số hộ văn hóa", "hộ", value_type=ValueType.INTEGER),),
        units=tuple(
            UnitSpec(f"X{n}", f"Xóm {n}", "xóm", phones=((PHONE,) if n == 5 else ()))
            for n in range(1, 6)
        ),
    )


async def _setup(app: App, clock: ManualClock) -> tuple[int, int, dict[int, int]]:
    """The campaign, Xóm 1-4 with 100-130 households stored for 2026Q4, Xóm 5 committed to
    120; (element id, period id, unit number -> unit id)."""
    async with app.sessions() as session, session.begin():
        campaign_id = (await import_campaign(session, _spec(), clock.now())).campaign_id
        element = await session.scalar(
            select(DataElement.id).where(DataElement.campaign_id == campaign_id)
        )
        period = await session.scalar(
            select(Period.id).where(Period.campaign_id == campaign_id, Period.code == "2026Q4")
        )
        assert element is not None and period is not None
        units: dict[int, int] = {}
        for n in range(1, 6):
            unit = await find_unit(session, f"X{n}")
            assert unit is not None
            units[n] = unit.id
        clerk = Reporter(full_name="Cán bộ xã")
        session.add(clerk)
        await session.flush()
        for n in range(1, 5):
            change = values.Change(element, str(90 + 10 * n))
            await values.write_values(session, units[n], period, [change], clerk.id, clock.now())
        registration = Registration(
            campaign_id=campaign_id, org_unit_id=units[5], registered_by_id=clerk.id
        )
        session.add(registration)
        await session.flush()
        session.add(
            RegistrationTarget(
                registration_id=registration.id, data_element_id=element, value="120"
            )
        )
    return element, period, units


async def test_the_question_shows_the_commitment_and_a_far_figure_is_asked(
    app: App, clock: ManualClock
) -> None:
    await _setup(app, clock)
    head = Person(app, "xom-5", phone=PHONE)
    await head.say("/start")
    question = await head.say(f"/nhap {CODE}")
    assert "Xóm 5" in question and "Đơn vị đã cam kết: 120 hộ" in question
    asked = await head.say("5000")
    assert "lớn hơn rất nhiều so với các đơn vị khác (phần lớn quanh mức 1" in asked
    assert "Số này đúng không?" in asked


async def test_peers_kept_current_after_a_write_in_the_same_transaction(
    app: App, clock: ManualClock
) -> None:
    element, period, units = await _setup(app, clock)
    async with app.sessions() as session, session.begin():
        before = await peers.peer_figures(session, period, [element])
        assert before[element].median_without(units[5]) == (Decimal(115), 4)
        again = await peers.peer_figures(session, period, [element])
        assert again[element].median_without(units[1]) == (Decimal(120), 3)  # its own left out
        clerk = await session.scalar(select(Reporter.id).limit(1))
        assert clerk is not None
        change = values.Change(element, "4000")
        await values.write_values(session, units[1], period, [change], clerk, clock.now())
        after = await peers.peer_figures(session, period, [element])
        assert after[element].median_without(units[5]) == (Decimal(125), 4)  # 110 120 130 4000
        everything = await peers.peer_figures(session, period)
        assert everything[element].median_without(units[5]) == (Decimal(125), 4)
        await values.write_values(
            session, units[5], period, [values.Change(element, "7")], clerk, clock.now()
        )
        assert everything[element].median_without(units[4]) == (Decimal(115), 4)  # 7 110 120 4000
        assert everything[element].median_without(units[5]) == (Decimal(125), 4)
    async with app.sessions() as session, session.begin():  # a new transaction reads again
        fresh = await peers.peer_figures(session, period, [element])
        assert fresh[element].median_without(units[4]) == (Decimal(115), 4)


async def test_the_process_keeps_committed_figures_and_sees_another_process_change(
    app: App, clock: ManualClock
) -> None:
    element, period, units = await _setup(app, clock)
    ticks = [0.0]
    sessions = async_sessionmaker(
        app.engine, expire_on_commit=False, info={SHARED: PeerCache(600, lambda: ticks[0])}
    )
    other_process = async_sessionmaker(
        app.engine, expire_on_commit=False, info={SHARED: PeerCache()}
    )
    reads: list[str] = []

    def count_reads(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().startswith("SELECT data_value.data_element_id"):
            reads.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", count_reads)

    async def median_for(unit: int) -> tuple[Decimal | None, int]:
        async with sessions() as session, session.begin():
            return (await peers.peer_figures(session, period))[element].median_without(unit)

    async def write(
        factory: async_sessionmaker[AsyncSession], unit: int, value: str | None
    ) -> None:
        async with factory() as session, session.begin():
            clerk = await session.scalar(select(Reporter.id).limit(1))
            assert clerk is not None
            change = values.Change(element, value)
            await values.write_values(session, units[unit], period, [change], clerk, clock.now())

    try:
        assert await median_for(units[5]) == (Decimal(115), 4)  # 100 110 120 130
        assert await median_for(units[1]) == (Decimal(120), 3)
        assert len(reads) == 1  # read once, then kept
        async with sessions() as session, session.begin():
            clerk = await session.scalar(select(Reporter.id).limit(1))
            assert clerk is not None
            change = values.Change(element, "4000")
            await values.write_values(session, units[1], period, [change], clerk, clock.now())
            seen = await peers.peer_figures(session, period, [element])
            assert seen[element].median_without(units[5]) == (Decimal(125), 4)
            await session.rollback()
        assert await median_for(units[5]) == (Decimal(115), 4)  # the 4000 forgotten
        reads.clear()
        await write(sessions, 1, "4000")
        assert await median_for(units[5]) == (Decimal(125), 4)  # 110 120 130 4000
        assert reads == []  # this process's own commit kept, nothing read again
        await write(other_process, 2, "5000")  # another process, its own cache
        assert await median_for(units[5]) == (Decimal("2065"), 4)  # 120 130 4000 5000
        assert len(reads) == 1  # its change seen at once: read again
        await write(other_process, 2, None)  # a deletion is a change too
        assert await median_for(units[5]) == (Decimal(130), 3)  # 120 130 4000
        await write(other_process, 3, "7000")  # then this process writes without a look
        await write(sessions, 4, "8000")
        assert await median_for(units[5]) == (Decimal(7000), 3)  # 4000 7000 8000
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", count_reads)


async def test_values_of_savepoints_reach_the_process_figures_only_once_committed(
    app: App, clock: ManualClock
) -> None:
    element, period, units = await _setup(app, clock)

    async def median() -> tuple[Decimal | None, int]:
        async with app.sessions() as session, session.begin():
            return (await peers.peer_figures(session, period))[element].median_without(units[5])

    async def write_in_savepoint(value: str, keep: bool, commit: bool) -> None:
        async with app.sessions() as session:
            await session.begin()
            clerk = await session.scalar(select(Reporter.id).limit(1))
            assert clerk is not None
            savepoint = await session.begin_nested()
            change = values.Change(element, value)
            await values.write_values(session, units[1], period, [change], clerk, clock.now())
            await (savepoint.commit() if keep else savepoint.rollback())
            await (session.commit() if commit else session.rollback())

    assert await median() == (Decimal(115), 4)  # 100 110 120 130
    await write_in_savepoint("9000", keep=True, commit=False)  # released, then all undone
    assert await median() == (Decimal(115), 4)
    await write_in_savepoint("9000", keep=False, commit=True)  # undone inside a commit
    assert await median() == (Decimal(115), 4)
    await write_in_savepoint("9000", keep=True, commit=True)
    assert await median() == (Decimal(125), 4)  # 110 120 130 9000
