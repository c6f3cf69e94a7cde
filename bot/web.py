"""The one aiohttp web server of ``reportbot run`` (DESIGN.md, "bot/"): the channels' webhooks,
the signed report downloads and a health check, on ``WEB_HOST:WEB_PORT`` behind the reverse
proxy that answers at ``PUBLIC_BASE_URL``."""

from __future__ import annotations

import logging

from aiohttp import web

log = logging.getLogger(__name__)


class WebServer:
    """Collects routes, then serves them until :meth:`stop`; ``GET /health`` answers ``ok``."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.app = web.Application()
        self.app.router.add_get("/health", _health)
        self._runner: web.AppRunner | None = None

    def add(self, routes: list[web.RouteDef]) -> None:
        """Add routes (before :meth:`start`: the router is frozen once serving)."""
        self.app.router.add_routes(routes)

    async def start(self) -> None:
        """Listen on ``host:port``; raises OSError when the port is taken."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.warning("web server on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _health(_request: web.Request) -> web.Response:
    return web.Response(text="ok")
