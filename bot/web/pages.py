"""The office's pages (issue 17): campaigns, one campaign's periods, one period unit by unit,
one unit's figures and their history. Reads only; the middleware of :mod:`bot.web.office` has
already checked the session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp_jinja2
from aiohttp import web

from bot.web import views
from bot.web.charts import Bar, rate_bars
from domain.clock import day
from domain.periods import period_name
from storage import campaigns as campaign_store
from storage.models import Campaign, OrgUnit, Period

if TYPE_CHECKING:
    from bot.app import App


def _app(request: web.Request) -> App:
    from bot.web.office import the_app  # the sub-application module imports this one

    return the_app(request)


def _number(request: web.Request, name: str) -> int:
    text = request.match_info[name]
    if not text.isdigit():
        raise web.HTTPNotFound
    return int(text)


async def _campaign(request: web.Request) -> Campaign:
    app = _app(request)
    async with app.sessions() as session:
        found = await session.get(Campaign, _number(request, "campaign"))
        if found is None:
            raise web.HTTPNotFound
        return await app.campaigns.get(session, found.id)


def _period(campaign: Campaign, request: web.Request) -> Period:
    wanted = _number(request, "period")
    found = next((p for p in campaign.periods if p.id == wanted), None)
    if found is None:
        raise web.HTTPNotFound
    return found


@aiohttp_jinja2.template("campaigns.html")
async def campaigns(request: web.Request) -> dict[str, Any]:
    """Every campaign with its current periods' rates."""
    app = _app(request)
    today = app.today
    found = []
    async with app.sessions() as session:
        for listed in await campaign_store.list_campaigns(session):
            campaign = await app.campaigns.get(session, listed.id)
            units = len(await campaign_store.campaign_units(session, campaign.id))
            lines = await views.period_lines(session, campaign, units, today)
            found.append((campaign, units, [line for line in lines if line.is_open]))
    return {"campaigns": found, "day": day}


@aiohttp_jinja2.template("campaign.html")
async def campaign(request: web.Request) -> dict[str, Any]:
    """A campaign's periods with due and lock dates, reporting and on-time rates."""
    app = _app(request)
    chosen = await _campaign(request)
    async with app.sessions() as session:
        units = len(await campaign_store.campaign_units(session, chosen.id))
        lines = await views.period_lines(session, chosen, units, app.today)
    return {"campaign": chosen, "units": units, "lines": lines, "day": day}


@aiohttp_jinja2.template("period.html")
async def period(request: web.Request) -> dict[str, Any]:
    """One period: rates by cluster (chart), the units' table, the missing units."""
    app = _app(request)
    chosen = await _campaign(request)
    wanted = _period(chosen, request)
    async with app.sessions() as session:
        view = await views.period_view(session, chosen, wanted, app.settings.zone)
    chart = rate_bars(
        [Bar(c.name, c.reporting, c.timely) for c in view.clusters],
        ("Đã báo cáo", "Đúng hạn"),
    )
    total = len(view.units)
    return {
        "view": view,
        "name": period_name(wanted.code),
        "chart": chart,
        "rate": views.percent(views.rate(view.reported, total)),
        "total": total,
        "day": day,
    }


@aiohttp_jinja2.template("unit.html")
async def unit(request: web.Request) -> dict[str, Any]:
    """One unit: its figures over the periods, each change (old → new, who, when, why), its
    registration."""
    app = _app(request)
    chosen = await _campaign(request)
    async with app.sessions() as session:
        found = await session.get(OrgUnit, _number(request, "unit"))
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if found is None or found.id not in units:
            raise web.HTTPNotFound
        view = await views.unit_view(session, chosen, found, app.settings.zone)
    return {"view": view}
