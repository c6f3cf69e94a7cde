"""The printable invite sheet of a campaign (issue 17): for every unit (or only those nobody
has linked yet), a card per representative with the unit's name, the person, a fresh
single-use invite code, the Telegram deep link and its QR code (segno, an inline SVG: nothing
fetched from elsewhere), and what to send on Zalo — the way a clerk onboards 30 villages in one
meeting. Codes are made when the sheet is made (a POST with the session's CSRF token), valid
``REPORTBOT_INVITE_DAYS``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp_jinja2
import segno
from aiohttp import web
from sqlalchemy import select

from bot.web.context import the_app
from bot.web.pages import campaign_of
from domain.clock import day
from storage import accounts
from storage import campaigns as campaign_store
from storage.models import InviteKind, ReporterUnit


@dataclass(frozen=True)
class InviteCard:
    """One card of the sheet."""

    unit: str
    cluster: str
    person: str
    phone: str
    code: str
    link: str
    qr: str


def telegram_link(bot_username: str, code: str) -> str:
    """The Telegram deep link that starts the bot with ``code`` ("" without the bot's name;
    Bot API: "Deep linking")."""
    return f"https://t.me/{bot_username}?start={code}" if bot_username else ""


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an inline ``<svg>`` (error correction M, 4 modules of margin)."""
    return str(segno.make(text, error="m").svg_inline(scale=3, border=4))


@aiohttp_jinja2.template("invites_form.html")
async def invites_form(request: web.Request) -> dict[str, Any]:
    """The form that makes the sheet."""
    app = the_app(request)
    campaign = await campaign_of(request)
    async with app.sessions() as session:
        units = await campaign_store.campaign_units(session, campaign.id)
        linked = await _linked(session, [u.id for u in units])
    return {
        "campaign": campaign,
        "units": len(units),
        "unlinked": sum(1 for u in units if u.id not in linked),
        "days": app.settings.invite_days,
    }


async def invites_sheet(request: web.Request) -> web.StreamResponse:
    """POST: make the codes and show the sheet, ready to print."""
    app = the_app(request)
    campaign = await campaign_of(request)
    form = await request.post()
    only_unlinked = form.get("chi_chua_lien_ket") == "1"
    settings = app.settings
    now = app.clock.now()
    cards: list[InviteCard] = []
    async with app.sessions() as session, session.begin():
        units = await campaign_store.campaign_units(session, campaign.id)
        linked = await _linked(session, [u.id for u in units]) if only_unlinked else set()
        for unit in units:
            if unit.id in linked:
                continue
            people = [(c.name, c.phone) for c in unit.contacts] or [("", "")]
            for name, phone in people:
                invite = await accounts.create_invite(
                    session, InviteKind.UNIT, unit, now, timedelta(days=settings.invite_days)
                )
                link = telegram_link(settings.telegram_bot_username, invite.code)
                cards.append(
                    InviteCard(
                        unit=unit.name,
                        cluster=unit.cluster.name if unit.cluster else "",
                        person=name,
                        phone=phone,
                        code=invite.code,
                        link=link,
                        qr=qr_svg(link or f"/start {invite.code}"),
                    )
                )
    expires = day((now + timedelta(days=settings.invite_days)).astimezone(settings.zone).date())
    context = {
        "campaign": campaign,
        "cards": cards,
        "expires": expires,
        "has_bot_name": bool(settings.telegram_bot_username),
    }
    return aiohttp_jinja2.render_template("invites.html", request, context)


async def _linked(session: Any, unit_ids: list[int]) -> set[int]:
    """Units someone is linked to already."""
    if not unit_ids:
        return set()
    rows = await session.scalars(
        select(ReporterUnit.org_unit_id).where(ReporterUnit.org_unit_id.in_(unit_ids)).distinct()
    )
    return set(rows)
