"""A fake Zalo Bot Platform server on 127.0.0.1 for tests (aiohttp).

It follows the "Zalo Bot Platform facts" of ``../shared/specs/README.md``: routes
``/bot<TOKEN>/<method>`` (GET or POST; parameters from a JSON body, a form or the query string),
every answer is HTTP 200 with ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
"description": "..."}``, ids are strings, ``getUpdates`` takes only ``timeout`` and answers ONE
update (the oldest queued one, removed as it is returned) or error 408 when none came in time.
After ``setWebhook`` the queued updates are POSTed one at a time, in order, to the webhook URL
with the secret in ``X-Bot-Api-Secret-Token``, the body bare or wrapped in ``{ok, result}``.

The fake is strict: an unknown method or parameter, a missing required one, a wrong type or
length (an empty or blank text, a text over 2000 characters, a non-string ``chat_id``, a secret
outside 8-256 characters ...) or a ``getUpdates`` sent while another one is still waiting is a
recorded violation (``violations``), answered ``error_code`` 400. A wrong token is answered 401
and only counted (``unauthorized``). Faults can be scripted per method: an ``ok: false`` answer
(429, 500 ...), a delay before the answer, or a proxy's HTTP 502 with an HTML body.

Images people send: :meth:`FakeZalo.add_image` serves bytes at ``/media/<name>`` on the fake and
returns the URL that an image update (:func:`image_update`: ``event_name``
"message.image.received", the URL in ``message.photo`` as the platform's documentation and
open-source clients read it, optionally a ``caption``) carries; :meth:`FakeZalo.fail_image`
scripts HTTP errors of the next downloads. Zalo delivers no documents, so there is no document
update.

Choices of the fake where the platform's documentation says nothing: ``getUpdates`` while a
webhook is set answers ``error_code`` 409; ``getUpdates`` without ``timeout`` waits ``max_poll``
seconds; ``sendChatAction`` answers ``result: {}``; a rate limit (``per_second``) answers 429 with
no retry hint; an unknown method is answered 400 like any other violation.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.fake_telegram import over_rate

TOKEN = "12345689:fake-zalo-token"
BOT_ID = "2912345678901234567"
MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = ("typing", "upload_photo")
SENDS = ("sendMessage", "sendPhoto", "sendSticker")  # the methods ``per_second`` counts


def now_ms() -> int:
    """The current time in epoch milliseconds, as Zalo stamps messages."""
    return int(time.time() * 1000)


# --------------------------------------------------------------------- faults


@dataclass
class Fault:
    """One scripted answer instead of the normal one.

    ``error_code`` set: after ``delay`` seconds, answer HTTP 200 ``{"ok": false, "error_code",
    "description"}`` (nothing happens, nothing is sent). ``error_code`` None: a slow call, see
    :func:`slow`. ``status`` other than 200: answer that HTTP status with the non-JSON ``body``
    (a proxy in front of the platform), whatever ``error_code`` says.
    """

    error_code: int | None = 500
    description: str = "Internal Server Error"
    delay: float = 0.0
    status: int = 200
    body: str = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def too_many_requests(delay: float = 0.0) -> Fault:
    """``ok: false`` with error_code 429 (Zalo gives no retry hint)."""
    return Fault(429, "Too Many Requests", delay)


def server_error(delay: float = 0.0) -> Fault:
    """``ok: false`` with error_code 500."""
    return Fault(500, "Internal Server Error", delay)


def slow(seconds: float) -> Fault:
    """The normal answer, ``seconds`` late. A send takes effect at once (it shows in ``sent``
    even when the client gave up waiting, as a real message would be delivered); a getUpdates
    starts waiting for an update only after the delay, so no update is lost to the time-out."""
    return Fault(None, "", seconds)


def bad_gateway(delay: float = 0.0) -> Fault:
    """HTTP 502 with an HTML body, as a proxy answers when the platform is down."""
    return Fault(502, "Bad Gateway", delay, status=502)


# --------------------------------------------------------------------- parameter checks

Check = Callable[[Any], str | None]


def _string(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if not value:
        return "must not be empty"
    return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if not value.strip():
        return "must not be empty or blank"
    if len(value) > MAX_TEXT:
        return f"has {len(value)} characters, more than {MAX_TEXT}"
    return None


def _url(value: Any) -> str | None:
    problem = _string(value)
    if problem:
        return problem
    if not str(value).startswith(("http://", "https://")):
        return f"{value!r} is not an http(s) URL"
    return None


def _secret(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if not 8 <= len(value) <= 256:
        return f"has {len(value)} characters, not 8-256"
    return None


def _timeout(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return f"must be a number of seconds, got {type(value).__name__}"
    try:
        seconds = float(value)
    except ValueError:
        return f"{value!r} is not a number of seconds"
    if not 0 <= seconds < float("inf"):
        return f"{value!r} is not a number of seconds"
    return None


def _caption(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if len(value) > MAX_TEXT:
        return f"has {len(value)} characters, more than {MAX_TEXT}"
    return None


def _action(value: Any) -> str | None:
    return None if value in CHAT_ACTIONS else f"{value!r} is not one of {CHAT_ACTIONS}"


@dataclass(frozen=True)
class Method:
    """The parameters a method accepts (with their checks) and those it requires."""

    fields: dict[str, Check]
    required: frozenset[str] = frozenset()


METHODS: dict[str, Method] = {
    "getMe": Method({}),
    "getUpdates": Method({"timeout": _timeout}),
    "setWebhook": Method(
        {"url": _url, "secret_token": _secret}, frozenset({"url", "secret_token"})
    ),
    "deleteWebhook": Method({}),
    "getWebhookInfo": Method({}),
    "sendMessage": Method({"chat_id": _string, "text": _text}, frozenset({"chat_id", "text"})),
    "sendPhoto": Method(
        {"chat_id": _string, "photo": _url, "caption": _caption}, frozenset({"chat_id", "photo"})
    ),
    "sendSticker": Method(
        {"chat_id": _string, "sticker": _string}, frozenset({"chat_id", "sticker"})
    ),
    "sendChatAction": Method(
        {"chat_id": _string, "action": _action}, frozenset({"chat_id", "action"})
    ),
}


def check_params(method: str, params: dict[str, Any]) -> str | None:
    """What is wrong with a call's parameters (None when nothing is)."""
    spec = METHODS[method]
    unknown = sorted(set(params) - set(spec.fields))
    missing = sorted(spec.required - set(params))
    if unknown or missing:
        return f"unknown parameters {unknown}, missing required {missing}"
    for name, value in params.items():
        problem = spec.fields[name](value)
        if problem:
            return f"{name} {problem}"
    return None


# --------------------------------------------------------------------- the server


@dataclass
class Call:
    """One request the bot made: method, its parameters, when (monotonic), and the result."""

    method: str
    params: dict[str, Any]
    at: float
    result: Any = None


@dataclass
class Queued:
    """An update waiting for getUpdates or for webhook delivery, and its webhook body shape."""

    update: dict[str, Any]
    wrapped: bool

    @property
    def message_id(self) -> str:
        """The update's ``message.message_id`` ("" when it has none)."""
        return str(self.update.get("message", {}).get("message_id", ""))


class FakeZalo:
    """The server's state: queued updates, webhook, recorded calls, scripted faults, rate limit.

    ``token`` is the one valid bot token; ``max_poll`` caps how long a getUpdates waits
    (whatever ``timeout`` it asks for) so tests stay fast; with ``strict_chats`` a send to a
    chat no pushed update came from is a violation too.
    """

    def __init__(
        self, token: str = TOKEN, *, max_poll: float = 2.0, strict_chats: bool = False
    ) -> None:
        self.token = token
        self.max_poll = max_poll
        self.strict_chats = strict_chats
        self.calls: list[Call] = []  # answered normally (ok: true, or getUpdates' 408)
        self.attempts: list[Call] = []  # every valid authorised call, faulted ones included
        self.violations: list[str] = []
        self.unauthorized = 0
        self.rejected = 0  # sends refused by ``per_second``
        self.per_second: float | None = None  # enforce a send rate: beyond it answer 429
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.queue: deque[Queued] = deque()
        self.chats: set[str] = set()  # chat ids pushed updates came from
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_updated_at = now_ms()
        self.webhook_deliveries: list[tuple[str, int]] = []  # (message_id, HTTP status or 0)
        self.webhook_dropped: list[str] = []  # message ids given up after the retries
        self.webhook_retries = 3
        self.webhook_retry_delay = 0.2
        self.webhook_timeout = 5.0
        self.closing = False
        self.port = 0
        self.runner: web.AppRunner | None = None
        self._ids = itertools.count(900_000_001)
        self._alternate = itertools.cycle((False, True))
        self._changed = asyncio.Condition()
        self._sent_times: deque[float] = deque()
        self._poll: web.Request | None = None
        self._delivering = False
        self._deliverer: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self.images: dict[str, tuple[bytes, str]] = {}  # name -> bytes, content type
        self.image_faults: deque[int] = deque()  # HTTP statuses of the next image downloads
        self.image_downloads: list[str] = []  # names served, in order

    # ----------------------------------------------------------------- server lifecycle

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1; returns the base URL (``http://127.0.0.1:<port>``,
        to which the client appends ``/bot<TOKEN>/<method>``)."""
        app = web.Application()
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_get("/media/{name}", self._image)
        self.runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = int(self.runner.addresses[0][1])
        self._http = aiohttp.ClientSession()
        self._deliverer = asyncio.create_task(self._deliver_forever())
        return self.base_url

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` once started."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, method: str, token: str | None = None) -> str:
        """The full URL of ``method`` (with the valid token unless another is given)."""
        return f"{self.base_url}/bot{self.token if token is None else token}/{method}"

    async def stop(self) -> None:
        """Stop delivering and serving (long polls and delays in progress answer at once)."""
        self.closing = True
        await self._notify()
        if self._deliverer is not None:
            self._deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliverer
        if self._http is not None:
            await self._http.close()
        if self.runner is not None:
            await self.runner.cleanup()

    # ----------------------------------------------------------------- scripting

    async def push(self, update: dict[str, Any], *, wrapped: bool | None = None) -> str:
        """Queue an update (for getUpdates, or for the webhook when one is set); returns its
        message id. ``wrapped`` chooses the webhook body: ``{"ok": true, "result": update}``
        (True), the bare update (False), or by turns, bare first (None)."""
        queued = Queued(update, next(self._alternate) if wrapped is None else wrapped)
        chat = update.get("message", {}).get("chat", {}).get("id")
        if isinstance(chat, str):
            self.chats.add(chat)
        self.queue.append(queued)
        await self._notify()
        return queued.message_id

    def fail(self, method: str, *faults: Fault) -> None:
        """Answer the next calls of ``method`` with these faults, in order (one call each)."""
        if method not in METHODS:
            raise ValueError(f"no such Zalo method: {method!r}")
        self.faults[method].extend(faults)

    def add_image(self, content: bytes, content_type: str = "image/jpeg") -> str:
        """Serve ``content`` as an image people sent; returns its URL (on the fake)."""
        name = f"photo-{len(self.images) + 1}.jpg"
        self.images[name] = (content, content_type)
        return f"{self.base_url}/media/{name}"

    def fail_image(self, *statuses: int) -> None:
        """Answer the next image downloads with these HTTP statuses, in order."""
        self.image_faults.extend(statuses)

    async def _image(self, request: web.Request) -> web.Response:
        if self.image_faults:
            return web.Response(status=self.image_faults.popleft(), text="error")
        found = self.images.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404, text="not found")
        self.image_downloads.append(request.match_info["name"])
        return web.Response(body=found[0], content_type=found[1])

    def set_webhook(self, url: str, secret: str) -> None:
        """Set the webhook as if the bot had called setWebhook (not recorded as a call)."""
        self.webhook_url, self.webhook_secret = url, secret
        self.webhook_updated_at = now_ms()

    # ----------------------------------------------------------------- inspection

    def calls_of(self, method: str) -> list[Call]:
        """The calls of ``method`` that were answered normally, in order."""
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Parameters of every successful sendMessage, optionally only those to one chat."""
        return [
            call.params
            for call in self.calls_of("sendMessage")
            if chat_id is None or call.params.get("chat_id") == chat_id
        ]

    def texts(self, chat_id: str) -> list[str]:
        """The texts sent with sendMessage to a chat, in order."""
        return [str(params["text"]) for params in self.sent(chat_id)]

    def texts_since(self, chat_id: str, index: int) -> list[str]:
        """The texts sent to a chat after the first ``index`` ones (``index = len(texts(...))``
        taken before an action gives what the action caused)."""
        return self.texts(chat_id)[index:]

    def photos(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Parameters of every successful sendPhoto, optionally only those to one chat."""
        return [
            call.params
            for call in self.calls_of("sendPhoto")
            if chat_id is None or call.params.get("chat_id") == chat_id
        ]

    async def wait_for_text(
        self, chat_id: str, needle: str, timeout: float = 90.0, *, since: int = 0
    ) -> str:
        """Wait until a text containing ``needle`` was sent to ``chat_id`` (among the texts from
        index ``since`` on); return it, or raise AssertionError listing what was sent."""
        deadline = time.monotonic() + timeout
        while True:
            for text in self.texts_since(chat_id, since):
                if needle in text:
                    return text
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no message with {needle!r} to {chat_id}; got {self.texts(chat_id)}"
                )
            await asyncio.sleep(0.02)

    async def wait_for_texts(self, chat_id: str, count: int, timeout: float = 90.0) -> list[str]:
        """Wait until at least ``count`` texts were sent to ``chat_id``; return them all."""
        await self.wait_until(
            lambda: len(self.texts(chat_id)) >= count,
            timeout,
            lambda: f"{count} texts to {chat_id}; got {self.texts(chat_id)}",
        )
        return self.texts(chat_id)

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 90.0) -> Call:
        """Wait until ``method`` was answered normally ``count`` times; return the last call."""
        await self.wait_until(
            lambda: len(self.calls_of(method)) >= count,
            timeout,
            lambda: f"{count} calls of {method}; got {[c.method for c in self.calls]}",
        )
        return self.calls_of(method)[-1]

    async def wait_for_webhook(self, timeout: float = 90.0) -> str:
        """Wait until a webhook is set; return its URL."""
        await self.wait_until(lambda: bool(self.webhook_url), timeout, lambda: "a webhook")
        return self.webhook_url

    async def wait_until_delivered(self, timeout: float = 90.0) -> None:
        """Wait until every queued update was taken: by getUpdates, or by the webhook (each
        delivered or dropped)."""
        await self.wait_until(
            lambda: not self.queue and not self._delivering,
            timeout,
            lambda: f"an empty queue; {len(self.queue)} updates left",
        )

    async def wait_until(
        self, condition: Callable[[], bool], timeout: float, what: Callable[[], str]
    ) -> None:
        """Poll ``condition`` every 20 ms; after ``timeout`` seconds raise AssertionError
        ``"waited for <what()>"``."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                raise AssertionError(f"waited {timeout} s for {what()}")
            await asyncio.sleep(0.02)

    # ----------------------------------------------------------------- request handling

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            self.unauthorized += 1
            return _error(401, "Unauthorized")
        params = await _params(request)
        if isinstance(params, str):
            return self._violation(f"{method}: {params}")
        if method not in METHODS:
            return self._violation(f"unknown method {method!r}")
        problem = check_params(method, params) or self._check_chat(params)
        if problem:
            return self._violation(f"{method}: {problem}")
        call = Call(method, params, time.monotonic())
        self.attempts.append(call)
        if method != "getUpdates":
            return await self._answer(call)
        if self.webhook_url:
            return _error(409, "Conflict: a webhook is active; call deleteWebhook first")
        if self._poll is not None and not _gone(self._poll):
            return self._violation("getUpdates: called while a previous getUpdates is waiting")
        self._poll = request
        try:
            return await self._answer(call, request)
        finally:
            if self._poll is request:
                self._poll = None

    async def _answer(self, call: Call, poll: web.Request | None = None) -> web.StreamResponse:
        late = 0.0
        if self.faults[call.method]:
            fault = self.faults[call.method].popleft()
            if fault.status != 200:
                await self._sleep(fault.delay)
                return web.Response(status=fault.status, text=fault.body, content_type="text/html")
            if fault.error_code is not None:
                await self._sleep(fault.delay)
                return _error(fault.error_code, fault.description)
            late = fault.delay
        if call.method in SENDS and self._over_rate():
            self.rejected += 1
            return _error(429, "Too Many Requests")
        self.calls.append(call)
        if poll is not None:
            await self._sleep(late)
            return await self._get_update(call, poll)
        call.result = await self._result(call.method, call.params)
        await self._sleep(late)
        return web.json_response({"ok": True, "result": call.result})

    def _violation(self, problem: str) -> web.Response:
        self.violations.append(problem)
        return _error(400, f"Bad Request: {problem}")

    def _check_chat(self, params: dict[str, Any]) -> str | None:
        chat = params.get("chat_id")
        if self.strict_chats and chat is not None and chat not in self.chats:
            return f"chat_id {chat!r} is not a chat that wrote to the bot"
        return None

    def _over_rate(self) -> bool:
        return over_rate(self._sent_times, self.per_second)

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "account_name": "bot.thidua",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        if method == "setWebhook":
            self.set_webhook(params["url"], params["secret_token"])
            await self._notify()
        elif method == "deleteWebhook":
            self.set_webhook("", "")
            await self._notify()
        if method in ("setWebhook", "deleteWebhook", "getWebhookInfo"):
            return {"url": self.webhook_url, "updated_at": self.webhook_updated_at}
        if method in SENDS:
            return {"message_id": str(next(self._ids)), "date": now_ms()}
        return {}  # sendChatAction

    async def _get_update(self, call: Call, request: web.Request) -> web.Response:
        seconds = float(call.params.get("timeout", self.max_poll))
        deadline = time.monotonic() + min(seconds, self.max_poll)
        while not self.closing and self._poll is request and not _gone(request):
            if self.queue and not self.webhook_url:
                queued = self.queue.popleft()
                call.result = queued.update
                return web.json_response({"ok": True, "result": queued.update})
            left = deadline - time.monotonic()
            if left <= 0:
                break
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=min(left, 0.1))
        return _error(408, "Request timeout")

    # ----------------------------------------------------------------- webhook delivery

    async def _deliver_forever(self) -> None:
        while not self.closing:
            if not (self.webhook_url and self.queue):
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), timeout=0.1)
                continue
            queued = self.queue.popleft()
            self._delivering = True
            try:
                await self._deliver(queued)
            finally:
                self._delivering = False

    async def _deliver(self, queued: Queued) -> None:
        """POST one update until a 2xx, at most ``1 + webhook_retries`` times; a webhook
        deleted in between puts it back at the head of the queue."""
        assert self._http is not None
        body = {"ok": True, "result": queued.update} if queued.wrapped else queued.update
        for attempt in range(1 + self.webhook_retries):
            if attempt:
                await self._sleep(self.webhook_retry_delay)
            if not self.webhook_url or self.closing:
                self.queue.appendleft(queued)
                return
            status = 0
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self._http.post(
                    self.webhook_url,
                    json=body,
                    headers={SECRET_HEADER: self.webhook_secret},
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as answer:
                    status = answer.status
                    await answer.read()
            self.webhook_deliveries.append((queued.message_id, status))
            if 200 <= status < 300:
                return
        self.webhook_dropped.append(queued.message_id)

    # ----------------------------------------------------------------- helpers

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, cut short when the server stops."""
        deadline = time.monotonic() + seconds
        while not self.closing and time.monotonic() < deadline:
            await asyncio.sleep(min(0.05, deadline - time.monotonic()))


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description})


def _gone(request: web.Request) -> bool:
    """Whether the client of a (long-poll) request has gone away."""
    transport = request.transport
    return transport is None or transport.is_closing()


async def _params(request: web.Request) -> dict[str, Any] | str:
    """The request's parameters (query string, then a JSON object or form body), or what is
    wrong with the body."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        raw = await request.read()
        if not raw.strip():
            return params
        try:
            body = json.loads(raw)
        except ValueError:
            return "the body is not valid JSON"
        if not isinstance(body, dict):
            return "the JSON body is not an object"
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if not isinstance(value, str):
                return f"file upload in {key!r} (Zalo takes URLs, not uploads)"
            params[key] = value
    elif await request.read():
        return f"unsupported content type {request.content_type!r}"
    return params


# --------------------------------------------------------------------- update builders

_message_ids = itertools.count(1)


def _message(
    event: str,
    user_id: str,
    *,
    name: str,
    chat_id: str | None,
    group: bool,
    message_id: str | None,
    content: dict[str, Any],
) -> dict[str, Any]:
    return {
        "event_name": event,
        "message": {
            "message_id": message_id if message_id is not None else f"msg{next(_message_ids)}",
            "date": now_ms(),
            **content,
            "from": {"id": user_id, "display_name": name, "is_bot": False},
            "chat": {
                "id": chat_id if chat_id is not None else user_id,
                "chat_type": "GROUP" if group else "PRIVATE",
            },
        },
    }


def text_update(
    user_id: str,
    text: str,
    *,
    name: str = "Người dùng",
    chat_id: str | None = None,
    group: bool = False,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A "message.text.received" update from ``user_id`` (in their private chat unless
    ``chat_id``/``group`` say otherwise). A fresh unique message id unless ``message_id`` is
    given (give one twice to deliver a duplicate)."""
    return _message(
        "message.text.received",
        user_id,
        name=name,
        chat_id=chat_id,
        group=group,
        message_id=message_id,
        content={"text": text},
    )


def image_update(
    user_id: str,
    photo: str = "https://photo.example.vn/anh.jpg",
    *,
    caption: str | None = None,
    name: str = "Người dùng",
    chat_id: str | None = None,
    group: bool = False,
    message_id: str | None = None,
    field: str = "photo",
) -> dict[str, Any]:
    """A "message.image.received" update: the picture's URL in ``photo`` (or in ``field``, e.g.
    ``photo_url`` as some payloads name it), an optional caption, no text."""
    content: dict[str, Any] = {field: photo}
    if caption is not None:
        content["caption"] = caption
    return _message(
        "message.image.received",
        user_id,
        name=name,
        chat_id=chat_id,
        group=group,
        message_id=message_id,
        content=content,
    )


def sticker_update(
    user_id: str,
    sticker: str = "sticker-1",
    *,
    name: str = "Người dùng",
    chat_id: str | None = None,
    group: bool = False,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A "message.sticker.received" update (a sticker id, no text)."""
    return _message(
        "message.sticker.received",
        user_id,
        name=name,
        chat_id=chat_id,
        group=group,
        message_id=message_id,
        content={"sticker": sticker},
    )
