"""The one aiohttp web server of ``reportbot run`` (DESIGN.md, "bot/"): the channels' webhooks,
the signed report downloads and a health check, on ``WEB_HOST:WEB_PORT`` behind the reverse
proxy that answers at ``PUBLIC_BASE_URL``."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body accepted (aiohttp answers 413 beyond it): a chat update is a few
kilobytes; Telegram and Zalo never send more than a fraction of this."""
MAX_DEPTH = 32
"""The deepest nesting of objects and lists a webhook body may have: real updates nest about
six deep; a body nested thousands deep would exhaust the parser's recursion."""


async def read_update(request: web.Request) -> dict[str, Any] | None:
    """The webhook body as a JSON object, or None (logged in one line) when it is not one:
    not JSON, not an object, or nested deeper than :data:`MAX_DEPTH`. Never raises for a bad
    body (a body over :data:`MAX_BODY_BYTES` is refused by aiohttp with 413)."""
    raw = await request.read()
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        log.warning("webhook %s: body is not JSON (%s bytes): %s", request.path, len(raw), error)
        return None
    if not isinstance(body, dict) or _too_deep(body):
        log.warning("webhook %s: body is not a sane update (%s bytes)", request.path, len(raw))
        return None
    return body


def _too_deep(value: Any) -> bool:
    """True when ``value`` nests objects or lists deeper than :data:`MAX_DEPTH` (iterative)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        children = current.values() if isinstance(current, dict) else current
        if isinstance(current, dict | list):
            pending += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return False


Check = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]


class WebServer:
    """Collects routes, then serves them until :meth:`stop`. ``GET /health`` answers 200 with
    ``check``'s details as JSON when healthy, 503 when not (``ok`` without a check)."""

    def __init__(self, host: str, port: int, check: Check | None = None) -> None:
        self.host = host
        self.port = port
        self.check = check
        self.app = web.Application(client_max_size=MAX_BODY_BYTES)
        self.app.router.add_get("/health", self._health)
        self._runner: web.AppRunner | None = None

    def add(self, routes: list[web.RouteDef]) -> None:
        """Add routes (before :meth:`start`: the router is frozen once serving)."""
        self.app.router.add_routes(routes)

    def mount(self, prefix: str, site: web.Application) -> None:
        """Serve the sub-application ``site`` under ``prefix`` (before :meth:`start`)."""
        self.app.add_subapp(prefix, site)

    async def start(self) -> None:
        """Listen on ``host:port``; raises OSError when the port is taken."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("web server on %s:%d", self.host, self.port)

    async def _health(self, _request: web.Request) -> web.Response:
        if self.check is None:
            return web.Response(text="ok")
        healthy, details = await self.check()
        return web.json_response(details, status=200 if healthy else 503)

    async def stop(self) -> None:
        """Stop listening (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
