"""A person bound twice to a unit is listed once in /tiendo and in the notices that reuse its
lines (issue 13, item 4): the merge rule, and the whole dialog through the real pipeline."""

from __future__ import annotations

from bot.app import App
from services.progress import missing_lines, period_progress
from storage.models import OrgUnit, Reporter, ReporterUnit
from storage.values import Representative, UnitProgress, distinct_people
from tests.conftest import Person
from tests.helpers import make_invite, rows, sample

P1_PHONE = "0900000001"
AN = "Nguyễn Văn An"


def test_the_same_phone_is_one_person() -> None:
    people = [
        Representative(AN, "0900000001"),
        Representative("Anh An", "+84 900 000 001"),
        Representative("Trần Thị Bình", "0900000002"),
    ]
    assert distinct_people(people) == [
        Representative(AN, "0900000001"),
        Representative("Trần Thị Bình", "0900000002"),
    ]


def test_a_name_without_a_phone_joins_the_same_name() -> None:
    people = [
        Representative("Nguyen Van An", ""),
        Representative(AN, "0900000001"),
        Representative(AN, ""),
    ]
    assert distinct_people(people) == [Representative("Nguyen Van An", "0900000001")]


def test_reachable_when_any_account_is_and_others_are_kept() -> None:
    people = [
        Representative(AN, "0900000001", reachable=False),
        Representative(AN, "0900000001", reachable=True),
        Representative(AN, "0900000009", reachable=False),  # another phone: kept apart
        Representative("Lê Văn Cường", ""),
        Representative("Lê Văn Cường 2", ""),
    ]
    assert distinct_people(people) == [
        Representative(AN, "0900000001", reachable=True),
        Representative(AN, "0900000009", reachable=False),
        Representative("Lê Văn Cường", ""),
        Representative("Lê Văn Cường 2", ""),
    ]
    assert distinct_people([]) == []


def test_missing_lines_list_a_person_once() -> None:
    unit = OrgUnit(code="P1", name="Phường 1")
    row = UnitProgress(
        unit,
        None,
        [Representative(AN, P1_PHONE), Representative(AN, P1_PHONE, reachable=False)],
    )
    assert missing_lines([row]) == [f"1. Phường 1 — {AN} {P1_PHONE}"]


async def _bound_twice(app: App) -> None:
    """One village head binds Phường 1 from two accounts by the same phone, and once more
    with an invite code under her own name: three reporter rows for one person."""
    telegram = Person(app, "head-telegram", phone=P1_PHONE, channel="telegram")
    console = Person(app, "head-console", phone=P1_PHONE)
    assert "Phường 1" in await telegram.say("/start")
    assert "Phường 1" in await console.say("/start")
    zalo = Person(app, AN, channel="zalo")
    assert "Phường 1" in await zalo.say(f"/start {await make_invite(app, 'P1')}")
    unit = (await rows(app, OrgUnit, OrgUnit.code == "P1"))[0]
    bindings = await rows(app, ReporterUnit, ReporterUnit.org_unit_id == unit.id)
    assert len(bindings) == 3
    assert len({b.reporter_id for b in bindings}) == 3


async def test_tiendo_lists_a_person_bound_twice_once(app: App) -> None:
    await _bound_twice(app)
    office = Person(app, "clerk")
    await office.say(f"/start {await make_invite(app, None)}")

    progress = await office.script("/tiendo", "1")

    line = next(line for line in progress.splitlines() if "Phường 1" in line)
    assert line == f"1. Phường 1 — {AN} {P1_PHONE}"
    assert len(await rows(app, Reporter, Reporter.phone == P1_PHONE)) == 2


async def test_period_progress_gives_the_notices_each_person_once(app: App) -> None:
    """The automatic period report and the cluster notices read ``period_progress``."""
    await _bound_twice(app)
    campaign = await sample(app)
    period = next(p for p in campaign.periods if p.code == "2026Q4")
    async with app.sessions() as session:
        rows_ = await period_progress(session, campaign, period)
    first = next(row for row in rows_ if row.unit.code == "P1")
    assert first.representatives == [Representative(AN, P1_PHONE)]
