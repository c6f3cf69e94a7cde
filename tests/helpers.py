"""Small helpers for tests that read what the dialogs stored."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from domain.campaign_spec import CampaignSpec, ElementSpec, Frequency, UnitSpec, ValueType
from samples import nga_nam_2023, xuan_son_2022
from storage import accounts
from storage.campaigns import find_campaign, find_unit, import_campaign, load_campaign
from storage.models import (
    Campaign,
    ChannelAccount,
    DataElement,
    InviteKind,
    OrgUnit,
    Reporter,
    ReporterUnit,
)

SAMPLE = "NGANAM2026"
VILLAGE_SAMPLE = "XUANSON2026"


async def sample(app: App, code: str = SAMPLE) -> Campaign:
    """The loaded sample campaign with elements, indicators, titles and periods."""
    async with app.sessions() as session:
        found = await find_campaign(session, code)
        assert found is not None
        return await load_campaign(session, found.id)


NUMERATORS = frozenset(
    element.numerator
    for spec in (nga_nam_2023(), xuan_son_2022())
    for element in spec.elements
    if element.is_indicator and element.numerator
)
"""Codes of the samples' elements that are an indicator's numerator."""


def typed_answer(element: DataElement, position: int) -> str:
    """A plausible answer as a village head would type it, for the element at ``position``:
    ``(position + 1) × 1.000``, a tenth of that for a numerator (never above its denominator,
    which the samples ask first)."""
    if element.value_type is ValueType.BOOLEAN:
        return "có"
    if element.value_type is ValueType.TEXT:
        return "Hoàn thành"
    if element.value_type is ValueType.PERCENTAGE:
        return "2,5"
    amount = (position + 1) * (100 if element.code in NUMERATORS else 1000)
    return f"{amount:,}".replace(",", ".")


async def count(app: App, model: Any, *where: Any) -> int:
    """Rows of ``model`` matching ``where``."""
    async with app.sessions() as session:
        result = await session.scalar(select(func.count()).select_from(model).where(*where))
        return int(result or 0)


async def rows(app: App, model: Any, *where: Any) -> list[Any]:
    """All rows of ``model`` matching ``where``."""
    async with app.sessions() as session:
        return list(await session.scalars(select(model).where(*where)))


async def make_invite(app: App, unit_code: str | None, *, days: int = 14) -> str:
    """Create an invite the way ``reportbot invite`` does; return its code."""
    async with app.sessions() as session, session.begin():
        unit = await find_unit(session, unit_code) if unit_code else None
        kind = InviteKind.UNIT if unit_code else InviteKind.OFFICE
        invite = await accounts.create_invite(
            session, kind, unit, app.clock.now(), timedelta(days=days)
        )
        return invite.code


async def campaign_with_people(
    sessions: async_sessionmaker[AsyncSession],
    units: int,
    first_user: int,
    now: datetime,
    code: str = "NHAC2026",
) -> None:
    """A quarterly 2026 campaign (due 10 days after each quarter, locked 15 days later) of
    ``units`` villages with one integer figure, each village with one head bound on Telegram
    (user and chat ids ``first_user``, ``first_user + 1``, …) and nothing reported yet."""
    spec = CampaignSpec(
        code=code,
        name=f"Phong trào thử nhắc báo cáo {code}",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        frequency=Frequency.QUARTERLY,
        due_days=10,
        lock_days=15,
        elements=(ElementSpec("HO", "Số hộ", "hộ", value_type=ValueType.INTEGER),),
        units=tuple(UnitSpec(f"T{i:05d}", f"Thôn {i}", "thôn") for i in range(units)),
    )
    async with sessions() as session, session.begin():
        await import_campaign(session, spec, now)
        unit_ids = {
            code: unit_id
            for code, unit_id in await session.execute(
                select(OrgUnit.code, OrgUnit.id).where(
                    OrgUnit.code.in_([u.code for u in spec.units])
                )
            )
        }
        heads = [Reporter(full_name=f"Trưởng thôn {i}", created_at=now) for i in range(units)]
        session.add_all(heads)
        await session.flush()
        for i, (head, unit) in enumerate(zip(heads, spec.units, strict=True)):
            user = str(first_user + i)
            session.add(
                ChannelAccount(
                    channel="telegram",
                    external_id=user,
                    chat_id=user,
                    display_name=head.full_name,
                    reporter_id=head.id,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            session.add(
                ReporterUnit(
                    reporter_id=head.id,
                    org_unit_id=unit_ids[unit.code],
                    bound_via="invite",
                    bound_at=now,
                )
            )
