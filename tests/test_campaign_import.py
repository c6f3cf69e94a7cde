"""Importing campaign specs into the database: create, update in place, refuse orphaning."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import App
from domain.campaign_spec import CampaignSpec
from reports.template import read_template, write_template
from samples import nga_nam_2023
from storage.campaigns import CampaignConflict, campaign_units, import_campaign
from storage.models import (
    Campaign,
    CampaignUnit,
    DataElement,
    Indicator,
    OrgUnit,
    Period,
    Reporter,
    Title,
    UnitContact,
)
from storage.values import Change, write_values
from tests.conftest import Person
from tests.helpers import SAMPLE, VILLAGE_SAMPLE, count, sample, typed_answer


def shifted() -> CampaignSpec:
    """The Ngã Năm sample as loaded for 2026 (same code, so re-imports update it)."""
    return replace(nga_nam_2023().shifted_to_year(2026), code=SAMPLE)


async def test_sample_is_loaded_with_everything(app: App) -> None:
    campaign = await sample(app)
    assert len(campaign.elements) == 26 and len(campaign.indicators) == 10
    assert [p.code for p in campaign.periods] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    q1 = campaign.periods[0]
    assert (q1.due_date.isoformat(), q1.lock_date.isoformat()) == ("2026-04-10", "2026-04-25")
    assert len(campaign.titles) == 4
    assert await count(app, CampaignUnit, CampaignUnit.campaign_id == campaign.id) == 8
    assert await count(app, UnitContact) >= 8


async def test_reimport_updates_in_place(app: App) -> None:
    before = await count(app, DataElement)
    spec = shifted()
    renamed = replace(spec, name="Tên mới", elements=spec.elements[:-1])  # drop the last (no data)
    async with app.sessions() as session, session.begin():
        result = await import_campaign(session, renamed, app.clock.now())
    assert not result.created
    campaign = await sample(app)
    assert campaign.name == "Tên mới"
    assert await count(app, DataElement) == before - 1
    assert await count(app, Period, Period.campaign_id == campaign.id) == 4
    assert await count(app, Title, Title.campaign_id == campaign.id) == 4


async def test_reimport_refuses_to_orphan_data(app: App) -> None:
    head = Person(app, "head", phone="0900000001")
    await head.say("/start")
    campaign = await sample(app)
    await head.say("/nhap")
    for position, element in enumerate(campaign.elements):
        await head.say(typed_answer(element, position))
    await head.say("1")
    spec = shifted()
    without_rice = tuple(e for e in spec.elements if e.code not in {"LUA_TONG", "TL_LUA_DAC_SAN"})
    without_p1 = tuple(u for u in spec.units if u.code != "P1")
    broken = replace(
        spec, elements=without_rice, units=without_p1, end=spec.end.replace(month=6, day=30)
    )
    with pytest.raises(CampaignConflict) as caught:
        async with app.sessions() as session, session.begin():
            await import_campaign(session, broken, app.clock.now())
    message = caught.value.user_message
    assert "LUA_TONG" in message and "P1" in message and "2026Q4" in message
    assert (
        await count(app, DataElement, DataElement.code == "LUA_TONG") == 2 - 1
    )  # one campaign has it
    assert await count(app, Indicator, Indicator.code == "TL_LUA_DAC_SAN") == 1


async def test_history_alone_also_protects_an_element(app: App) -> None:
    """A value entered and then cleared leaves only audit rows; they still block removal."""
    campaign = await sample(app)
    rice = next(e for e in campaign.elements if e.code == "LUA_TONG")
    async with app.sessions() as session, session.begin():
        reporter = Reporter(full_name="Cán bộ")
        session.add(reporter)
        await session.flush()
        unit_id = (await campaign_units(session, campaign.id))[0].id
        period_id = campaign.periods[3].id
        for value in ("5", None):
            await write_values(
                session, unit_id, period_id, [Change(rice.id, value)], reporter.id, app.clock.now()
            )
    spec = shifted()
    without_rice = tuple(e for e in spec.elements if e.code not in {"LUA_TONG", "TL_LUA_DAC_SAN"})
    with pytest.raises(CampaignConflict, match="LUA_TONG"):
        async with app.sessions() as session, session.begin():
            await import_campaign(session, replace(spec, elements=without_rice), app.clock.now())


async def _heads(app: App, code: str) -> set[str]:
    """Codes of the units marked cluster head in the campaign ``code``."""
    async with app.sessions() as session:
        found = await session.scalars(
            select(OrgUnit.code)
            .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
            .join(Campaign, Campaign.id == CampaignUnit.campaign_id)
            .where(Campaign.code == code, CampaignUnit.is_cluster_head)
        )
        return set(found)


def _policy(campaign: Campaign) -> tuple[object, ...]:
    return (
        list(campaign.remind_days_before),
        campaign.remind_on_due,
        campaign.remind_overdue_days,
        campaign.escalate_office_days,
        campaign.escalate_cluster_days,
    )


async def test_samples_are_loaded_with_the_default_policy_and_the_cluster_heads(app: App) -> None:
    village = await sample(app, VILLAGE_SAMPLE)
    assert _policy(village) == ([3, 1], True, 3, 2, 3)
    assert await _heads(app, VILLAGE_SAMPLE) == {"THON_DONG", "VP_UBND", "MTTQ"}
    assert await _heads(app, SAMPLE) == set()


async def test_template_reminder_policy_and_cluster_heads_are_stored(app: App) -> None:
    """What the office writes in the template is what the scheduler will read."""
    spec = shifted()
    units = tuple(
        replace(unit, is_cluster_head=unit.code in {"P2", "MY_QUOI"}) for unit in spec.units
    )
    edited = replace(
        spec,
        remind_days_before=(7, 2),
        remind_on_due=False,
        remind_overdue_days=5,
        escalate_office_days=1,
        escalate_cluster_days=4,
        units=units,
    )
    read = read_template(write_template(edited))
    assert read == edited
    async with app.sessions() as session, session.begin():
        await import_campaign(session, read, app.clock.now())
    assert _policy(await sample(app)) == ([7, 2], False, 5, 1, 4)
    assert await _heads(app, SAMPLE) == {"P2", "MY_QUOI"}

    # re-importing with no reminders before the due date and another head updates in place
    moved = replace(
        read,
        remind_days_before=(),
        units=tuple(replace(u, is_cluster_head=u.code == "P1") for u in read.units),
    )
    async with app.sessions() as session, session.begin():
        await import_campaign(session, read_template(write_template(moved)), app.clock.now())
    assert _policy(await sample(app)) == ([], False, 5, 1, 4)
    assert await _heads(app, SAMPLE) == {"P1"}
