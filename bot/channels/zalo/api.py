"""A small client of the Zalo Bot Platform HTTP API, on aiohttp.

Facts (``../shared/specs/README.md``, from the platform's public docs and open-source clients,
2026): requests go to ``<base>/bot<TOKEN>/<method>``; every answer is HTTP 200 with
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": "..."}``;
``getUpdates`` takes only ``timeout`` and returns ONE update, or error 408 when none came in
time (a normal empty poll). There is no Python library we would trust for it, so this module
is the whole protocol: one POST with a JSON body per call, errors turned into exceptions.

The token is part of every URL, so no error raised here carries a URL (aiohttp's would).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout

DEFAULT_TIMEOUT = 30.0  # seconds for a request other than a long poll


class ZaloError(Exception):
    """A call to the Zalo Bot API failed."""


class ZaloNetworkError(ZaloError):
    """No usable answer: connection refused or reset, time-out, a proxy's non-JSON page."""


class ZaloAPIError(ZaloError):
    """The platform answered ``ok: false``: ``error_code`` and ``description`` as it sent them."""

    def __init__(self, method: str, error_code: int, description: str) -> None:
        super().__init__(f"{method}: {error_code} {description}".strip())
        self.method = method
        self.error_code = error_code
        self.description = description


class ZaloUnauthorized(ZaloAPIError):
    """Error 401: the token is wrong or revoked (a configuration error, not worth retrying)."""


class ZaloTooManyRequests(ZaloAPIError):
    """Error 429: too many requests; wait before the next one."""


class ZaloPollTimeout(ZaloAPIError):
    """Error 408 from ``getUpdates``: nothing arrived during the poll (not a failure)."""


_ERRORS: dict[int, type[ZaloAPIError]] = {
    401: ZaloUnauthorized,
    408: ZaloPollTimeout,
    429: ZaloTooManyRequests,
}


@dataclass
class ZaloBotAPI:
    """The Bot API of one Zalo bot: ``token`` as issued by Zalo Bot Manager, ``base`` the
    server (``https://bot-api.zaloplatforms.com``, or a fake one in tests).

    Each method returns the call's ``result`` and raises :class:`ZaloAPIError` (a subclass for
    401, 408, 429) or :class:`ZaloNetworkError`. The HTTP session is opened on first use;
    :meth:`close` closes it.
    """

    token: str
    base: str
    timeout: float = DEFAULT_TIMEOUT
    _session: ClientSession | None = field(default=None, repr=False)

    async def call(self, method: str, params: dict[str, Any], timeout: float | None = None) -> Any:
        """POST ``params`` as JSON to ``method``; the ``result`` of an ``ok`` answer."""
        url = f"{self.base.rstrip('/')}/bot{self.token}/{method}"
        limit = ClientTimeout(total=timeout or self.timeout)
        try:
            async with self.session.post(url, json=params, timeout=limit) as response:
                text = (await response.read()).decode("utf-8", errors="replace")
        except (ClientError, TimeoutError, OSError) as error:
            raise ZaloNetworkError(f"{method}: {type(error).__name__}") from None
        return _result(method, text)

    @property
    def session(self) -> ClientSession:
        """The HTTP session, opened on first use."""
        if self._session is None or self._session.closed:
            self._session = ClientSession()
        return self._session

    async def close(self) -> None:
        """Close the HTTP session (idempotent)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (``id``, ``account_name`` ...); a 401 means a wrong token."""
        result: dict[str, Any] = await self.call("getMe", {})
        return result

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        """The next update (the platform gives one per call), waiting up to ``timeout``
        seconds on the server; empty when none came (error 408). The HTTP request is allowed
        the client's ``timeout`` more than the poll."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout + self.timeout
            )
        except ZaloPollTimeout:
            return []
        return _updates(result)

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Have Zalo POST updates to ``url`` with ``secret_token`` in the header
        ``X-Bot-Api-Secret-Token`` (8-256 characters)."""
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        """Stop webhook delivery (``getUpdates`` works only without a webhook)."""
        await self.call("deleteWebhook", {})

    async def send_message(self, chat_id: str, text: str) -> None:
        """Send ``text`` (1-2000 characters) to ``chat_id``."""
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})


def _result(method: str, text: str) -> Any:
    """The ``result`` of an answer body, or the error it carries."""
    try:
        body = json.loads(text)
    except ValueError:
        raise ZaloNetworkError(f"{method}: answer is not JSON") from None
    if not isinstance(body, dict) or "ok" not in body:
        raise ZaloNetworkError(f"{method}: answer has no 'ok'")
    if body["ok"]:
        return body.get("result")
    code = _int(body.get("error_code"))
    error = _ERRORS.get(code, ZaloAPIError)
    raise error(method, code, str(body.get("description") or ""))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _updates(result: Any) -> list[dict[str, Any]]:
    """``getUpdates`` gives one update object; a list (as Telegram's) is taken whole."""
    items = result if isinstance(result, list) else [result]
    return [item for item in items if isinstance(item, dict) and item]
