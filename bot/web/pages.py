"""The office's pages (issue 17): campaigns, one campaign's periods, one period unit by unit,
one unit's figures and their history. Reads only; the middleware of :mod:`bot.web.office` has
already checked the session."""

from __future__ import annotations

import re
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.web import views
from bot.web.charts import Bar, rate_bars
from bot.web.context import the_app
from domain.clock import day
from domain.periods import period_name
from services.reopen import MAX_DAYS
from storage import campaigns as campaign_store
from storage.models import Campaign, OrgUnit, Period

_ID = re.compile(r"[0-9]{1,9}")
"""A row id in a path or a form: ASCII digits, few enough for any database's integer."""


def row_id(text: str) -> int | None:
    """``text`` as a row id, or None (``"²"`` and 20-digit numbers are not ids)."""
    return int(text) if _ID.fullmatch(text) else None


def number_in(request: web.Request, name: str) -> int:
    """The row id in the path's part ``name``; 404 when it is not one."""
    found = row_id(request.match_info[name])
    if found is None:
        raise web.HTTPNotFound
    return found


async def campaign_of(request: web.Request) -> Campaign:
    """The campaign of the request's path (loaded); 404 when there is none."""
    app = the_app(request)
    async with app.sessions() as session:
        found = await session.get(Campaign, number_in(request, "campaign"))
        if found is None:
            raise web.HTTPNotFound
        return await app.campaigns.get(session, found.id)


def period_of(campaign: Campaign, request: web.Request) -> Period:
    """The campaign's period named in the path; 404 when it has no such period."""
    wanted = number_in(request, "period")
    found = next((p for p in campaign.periods if p.id == wanted), None)
    if found is None:
        raise web.HTTPNotFound
    return found


@aiohttp_jinja2.template("campaigns.html")
async def campaigns(request: web.Request) -> dict[str, Any]:
    """Every campaign with its current periods' rates."""
    app = the_app(request)
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
    app = the_app(request)
    chosen = await campaign_of(request)
    async with app.sessions() as session:
        units = len(await campaign_store.campaign_units(session, chosen.id))
        lines = await views.period_lines(session, chosen, units, app.today)
    return {"campaign": chosen, "units": units, "lines": lines, "day": day}


@aiohttp_jinja2.template("period.html")
async def period(request: web.Request) -> dict[str, Any]:
    """One period: rates by cluster (chart), the units' table, the missing units."""
    app = the_app(request)
    chosen = await campaign_of(request)
    wanted = period_of(chosen, request)
    async with app.sessions() as session:
        view = await views.period_view(session, chosen, wanted, app.settings.zone)
    chart = rate_bars(
        [Bar(c.name, c.reporting, c.timely) for c in view.clusters],
        ("Đã báo cáo", "Đúng hạn"),
    )
    total = len(view.units)
    return {
        "view": view,
        "locked": app.today > wanted.lock_date,
        "collecting": wanted.start_date <= app.today <= wanted.lock_date,
        "reopen_days": app.settings.reopen_days,
        "max_days": MAX_DAYS,
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
    app = the_app(request)
    chosen = await campaign_of(request)
    async with app.sessions() as session:
        found = await session.get(OrgUnit, number_in(request, "unit"))
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if found is None or found.id not in units:
            raise web.HTTPNotFound
        view = await views.unit_view(session, chosen, found, app.settings.zone)
    return {"view": view}
