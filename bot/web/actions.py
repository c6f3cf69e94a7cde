"""The period page's actions (issue 17): remind the missing units now (``/nhacnho``'s rule,
:mod:`services.remind_now`) and reopen a locked period for one unit (``/mokhoa``'s,
:mod:`services.reopen`); both answer with the bot's own words and a way back."""

from __future__ import annotations

from aiohttp import web

from bot.web.context import PREFIX, message_page, signed_in, the_app
from bot.web.pages import campaign_of, period_of, row_id
from services.remind_now import remind_now
from services.reopen import MAX_DAYS, NotLocked, reopen_for_unit
from storage import campaigns as campaign_store
from storage.models import Campaign, OrgUnit, Period


def _done(request: web.Request, title: str, text: str, back: str) -> web.Response:
    """The page after an action: what was done, in the bot's own words, and a way back."""
    return message_page(request, 200, title, text, back)


async def remind(request: web.Request) -> web.StreamResponse:
    """POST: remind the period's missing units now (``/nhacnho``'s rule: in the quiet hours
    they are reminded in the morning; a unit at most once a day)."""
    app = the_app(request)
    chosen = await campaign_of(request)
    wanted = period_of(chosen, request)
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
    app = the_app(request)
    chosen = await campaign_of(request)
    wanted = period_of(chosen, request)
    form = await request.post()
    unit_id, days = row_id(str(form.get("unit", ""))), row_id(str(form.get("days", "")))
    back = _period_path(chosen, wanted)
    if unit_id is None or days is None or not 1 <= days <= MAX_DAYS:
        return message_page(
            request, 400, "Mở lại kỳ", f"Chọn đơn vị và số ngày mở lại (từ 1 đến {MAX_DAYS}).", back
        )
    async with app.sessions() as session, session.begin():
        unit = await session.get(OrgUnit, unit_id)
        units = {u.id for u in await campaign_store.campaign_units(session, chosen.id)}
        if unit is None or unit.id not in units:
            raise web.HTTPNotFound
        try:
            answer = await reopen_for_unit(
                session,
                chosen,
                wanted,
                unit,
                days,
                by_id=signed_in(request).reporter.id,
                now=app.clock.now(),
                today=app.today,
            )
        except NotLocked as refused:
            return message_page(request, 409, "Mở lại kỳ", refused.user_message, back)
    return _done(request, "Mở lại kỳ", answer, back)


def _period_path(campaign: Campaign, period: Period) -> str:
    return f"{PREFIX}/phong-trao/{campaign.id}/ky/{period.id}"
