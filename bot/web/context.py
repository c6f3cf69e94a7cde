"""What every page of the office's web page shares (issue 17): the bot application behind a
request, the signed-in office user, the ``/web`` prefix, and the short message page."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.app import App
from services.web_access import SignedIn

PREFIX = "/web"
APP_KEY = web.AppKey("reportbot_app", App)
SIGNED_IN = web.RequestKey("signed_in", SignedIn)


def the_app(request: web.Request) -> App:
    """The bot application behind a request."""
    return request.app[APP_KEY]


def signed_in(request: web.Request) -> SignedIn:
    """The office user of a request that passed the sign-in check (:mod:`bot.web.office`)."""
    return request[SIGNED_IN]


def message_page(
    request: web.Request, status: int, title: str, text: str, back: str = ""
) -> web.Response:
    """A short Vietnamese page with ``title``, ``text`` (line breaks kept) and a link back."""
    return aiohttp_jinja2.render_template(
        "message.html", request, {"title": title, "text": text, "back": back}, status=status
    )
