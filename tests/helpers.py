"""Small helpers for tests that read what the dialogs stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from domain.campaign_spec import ValueType
from storage import accounts
from storage.campaigns import find_campaign, find_unit, load_campaign
from storage.models import Campaign, DataElement, InviteKind

SAMPLE = "NGANAM2026"
VILLAGE_SAMPLE = "XUANSON2026"


async def sample(app: App, code: str = SAMPLE) -> Campaign:
    """The loaded sample campaign with elements, indicators, titles and periods."""
    async with app.sessions() as session:
        found = await find_campaign(session, code)
        assert found is not None
        return await load_campaign(session, found.id)


def typed_answer(element: DataElement, position: int) -> str:
    """A plausible answer as a village head would type it, for the element at ``position``."""
    if element.value_type is ValueType.BOOLEAN:
        return "có"
    if element.value_type is ValueType.TEXT:
        return "Hoàn thành"
    if element.value_type is ValueType.PERCENTAGE:
        return "2,5"
    return f"{(position + 1) * 1000:,}".replace(",", ".")


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
