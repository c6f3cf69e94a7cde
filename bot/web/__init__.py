"""The one aiohttp web server of ``reportbot run`` (:mod:`bot.web.server`) and the office's web
page it serves (:mod:`bot.web.office`, issue 17)."""

from bot.web.server import WebServer, read_update

__all__ = ["WebServer", "read_update"]
