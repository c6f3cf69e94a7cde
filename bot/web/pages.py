"""The office's pages (issue 17): campaigns, one campaign's periods, one period unit by unit,
one unit's figures and their history. Reads only; the middleware of :mod:`bot.web.office` has
already checked the session."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.app import App
from bot.web import views
from bot.web.charts import Bar, rate_bars
from bot.web.context import PREFIX, message_page, signed_in, the_app
from domain.clock import day
from domain.periods import period_name
from services.remind_now import remind_now
from services.reopen import MAX_DAYS, NotLocked, reopen_for_unit
from storage import campaigns as campaign_store
from storage.models import Campaign, OrgUnit, Period


def _app(request: web.Request) -> App:
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
    app = _app(request)
    chosen = await _campaign(request)
    async with app.sessions() as session:
        found = await session.get(OrgUnit, _number(request, "unit"))
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if found is None or found.id not in units:
            raise web.HTTPNotFound
        view = await views.unit_view(session, chosen, found, app.settings.zone)
    return {"view": view}


def _done(request: web.Request, title: str, text: str, back: str) -> web.Response:
    """The page after an action: what was done, in the bot's own words, and a way back."""
    return message_page(request, 200, title, text, back)


async def remind(request: web.Request) -> web.StreamResponse:
    """POST: remind the period's missing units now (``/nhacnho``'s rule: in the quiet hours
    they are reminded in the morning; a unit at most once a day)."""
    app = _app(request)
    chosen = await _campaign(request)
    wanted = _period(chosen, request)
    settings = app.settings
    async with app.sessions() as session, session.begin():
        answer = await remind_now(
            session,
            chosen,
            wanted,
            hours=settings.daily_hours,
            now=app.clock.now(),
            zone=settings.zone,
        )
    return _done(request, "Nhắc báo cáo", answer, _period_path(chosen, wanted))


async def reopen(request: web.Request) -> web.StreamResponse:
    """POST: reopen the locked period for one unit (``/mokhoa``'s rule) for some days."""
    app = _app(request)
    chosen = await _campaign(request)
    wanted = _period(chosen, request)
    form = await request.post()
    unit_text, days_text = str(form.get("unit", "")), str(form.get("days", ""))
    back = _period_path(chosen, wanted)
    if not (unit_text.isdigit() and days_text.isdigit() and 1 <= int(days_text) <= MAX_DAYS):
        return message_page(
            request, 400, "Mở lại kỳ", f"Số ngày mở lại phải từ 1 đến {MAX_DAYS}.", back
        )
    async with app.sessions() as session, session.begin():
        unit = await session.get(OrgUnit, int(unit_text))
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if unit is None or unit.id not in units:
            raise web.HTTPNotFound
        try:
            answer = await reopen_for_unit(
                session,
                chosen,
                wanted,
                unit,
                int(days_text),
                by_id=signed_in(request).reporter.id,
                now=app.clock.now(),
                today=app.today,
            )
        except NotLocked as refused:
            return message_page(request, 409, "Mở lại kỳ", refused.user_message, back)
    return _done(request, "Mở lại kỳ", answer, back)


def _period_path(campaign: Campaign, period: Period) -> str:
    return f"{PREFIX}/phong-trao/{campaign.id}/ky/{period.id}"
