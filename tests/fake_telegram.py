"""A fake Telegram Bot API server on 127.0.0.1 for tests (aiohttp).

Every request is checked against ``../shared/specs/telegram-bot-api.min.json``: the method
must exist, its required fields be present and no unknown field be sent; anything else is a
recorded violation and a 400. ``getUpdates`` follows the Bot API's offset rules (an update is
confirmed once a call asks for a higher offset; without an offset the earliest unconfirmed
update comes first). Faults can be scripted per method: an HTTP status with a body (429 with
``retry_after``, 500, 403 ...), or a delay longer than the client's time-out.

Files people send: :meth:`FakeTelegram.add_file` keeps a file's bytes and gives the ``file_id``
a photo or document update names (:func:`photo_update`, :func:`document_update`); ``getFile``
answers its ``File`` (``file_path``; 400 "file is too big" over 20 MB, as the Bot API does) and
``GET /file/bot<token>/<file_path>`` serves the bytes. Download faults are scripted with
``fail("download", ...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.timeline import START

MESSAGE_DATE = int(START.timestamp())
"""The date of every message the fake makes: the test clock's start (tests/timeline.py), never
the machine's clock (the bot does not read it, but a test must not depend on the real date)."""

SPEC = Path(__file__).resolve().parents[2] / "shared" / "specs" / "telegram-bot-api.min.json"
BOT_ID = 7000000001
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bots can download files of up to 20 MB (Bot API, getFile)


def load_spec() -> dict[str, Any]:
    """The Bot API methods from the shared spec, keyed by lower-case method name."""
    methods = json.loads(SPEC.read_text(encoding="utf-8"))["methods"]
    return {name.lower(): method for name, method in methods.items()}


@dataclass
class Fault:
    """One scripted answer instead of the normal one."""

    status: int = 500
    body: dict[str, Any] = field(
        default_factory=lambda: {
            "ok": False,
            "error_code": 500,
            "description": "Internal Server Error",
        }
    )
    delay: float = 0.0


def too_many_requests(retry_after: int) -> Fault:
    """A 429 with ``retry_after`` as Telegram sends it."""
    return Fault(
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        },
    )


def bad_request(description: str) -> Fault:
    """A 400 with ``description`` (as "Bad Request: file is too big")."""
    return Fault(400, {"ok": False, "error_code": 400, "description": description})


def forbidden() -> Fault:
    """A 403: the user blocked the bot."""
    return Fault(
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )


@dataclass
class Upload:
    """A file the bot uploaded (multipart), as received: form field, file name, bytes."""

    field: str
    filename: str
    content: bytes


@dataclass
class StoredFile:
    """A file people can send: its ids, its path on the file server, its bytes and the size
    announced."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    size: int


@dataclass
class Call:
    """One request the bot made: method and its (decoded) parameters."""

    method: str
    params: dict[str, Any]
    at: float
    uploads: list[Upload] = field(default_factory=list)


class FakeTelegram:
    """The server's state: queued updates, recorded calls, scripted faults, rate limit."""

    def __init__(self) -> None:
        self.spec = load_spec()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # every update_id below this is confirmed
        self.webhook: dict[str, Any] = {}
        self.per_second: float | None = None  # enforce a send rate: beyond it answer 429
        self.max_batch: int | None = None  # hand over at most this many updates a call
        self.rejected = 0
        self.messages: list[dict[str, Any]] = []
        self.closing = False
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000)
        self._new_update = asyncio.Condition()
        self._sent_times: deque[float] = deque()
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.files: dict[str, StoredFile] = {}  # file_id -> the file
        self.downloads: list[str] = []  # file paths served, in order

    # ----------------------------------------------------------------- server lifecycle

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1; returns the base URL for TELEGRAM_API_BASE."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        """Stop serving (long polls in progress answer at once)."""
        self.closing = True
        async with self._new_update:
            self._new_update.notify_all()
        if self.runner is not None:
            await self.runner.cleanup()

    # ----------------------------------------------------------------- scripting

    async def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        async with self._new_update:
            self._new_update.notify_all()
        return update_id

    def add_file(self, content: bytes, name: str = "photo.jpg", size: int | None = None) -> str:
        """Keep a file people can send; returns its ``file_id``. ``size``: the ``file_size``
        to announce instead of the real one (a file too big without sending its bytes)."""
        number = len(self.files) + 1
        file_id = f"AgACAgIAAxkBAAI{number:06d}"
        folder = "photos" if name.endswith(".jpg") else "documents"
        self.files[file_id] = StoredFile(
            file_id=file_id,
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{folder}/file_{number}{Path(name).suffix}",
            content=content,
            size=len(content) if size is None else size,
        )
        return file_id

    def fail(self, method: str, *faults: Fault) -> None:
        """Answer the next calls of ``method`` with these faults, in order (``"download"``:
        the next file downloads)."""
        self.faults[method.lower()].extend(faults)

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Parameters of every successful sendMessage/sendDocument, optionally to one chat."""
        return [
            call.params
            for call in self.calls
            if call.method in ("sendmessage", "senddocument")
            and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
        ]

    def documents(self, chat_id: int | str) -> list[Upload]:
        """The files sent with sendDocument to a chat (name and bytes), in order."""
        return [
            upload
            for call in self.calls
            if call.method == "senddocument" and str(call.params.get("chat_id")) == str(chat_id)
            for upload in call.uploads
        ]

    def texts(self, chat_id: int | str) -> list[str]:
        """The texts (or captions) sent to a chat, in order."""
        return [str(p.get("text") or p.get("caption") or "") for p in self.sent(chat_id)]

    async def wait_for_text(self, chat_id: int | str, needle: str, timeout: float = 90.0) -> str:
        """Wait until a message containing ``needle`` was sent to ``chat_id``; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in self.texts(chat_id):
                if needle in text:
                    return text
            await asyncio.sleep(0.05)
        raise AssertionError(f"no message with {needle!r} to {chat_id}; got {self.texts(chat_id)}")

    # ----------------------------------------------------------------- request handling

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """``GET /file/bot<token>/<file_path>``: a file's bytes, as Telegram serves them."""
        path = request.match_info["path"]
        if self.faults["download"]:
            fault = self.faults["download"].popleft()
            await asyncio.sleep(fault.delay)
            if fault.status != 200:
                return web.json_response(fault.body, status=fault.status)
        for stored in self.files.values():
            if stored.file_path == path:
                self.downloads.append(path)
                return web.Response(body=stored.content, content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        uploads: list[Upload] = []
        params = _attach(await _params(request, uploads))
        if method not in self.spec:
            return self._violation(f"unknown method {method}")
        problem = self._check_fields(method, params)
        if problem:
            return self._violation(problem)
        if self.faults[method]:
            fault = self.faults[method].popleft()
            await asyncio.sleep(fault.delay)
            if fault.status != 200:
                return web.json_response(fault.body, status=fault.status)
        if method in ("sendmessage", "senddocument") and self._over_rate():
            self.rejected += 1
            return web.json_response(too_many_requests(1).body, status=429)
        self.calls.append(Call(method, params, time.monotonic(), uploads))
        result = await self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    def _violation(self, problem: str) -> web.Response:
        self.violations.append(problem)
        return web.json_response(
            {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}, status=400
        )

    def _check_fields(self, method: str, params: dict[str, Any]) -> str | None:
        fields = {f["name"]: f for f in self.spec[method].get("fields", [])}
        unknown = sorted(set(params) - set(fields))
        missing = sorted(n for n, f in fields.items() if f["required"] and n not in params)
        if unknown or missing:
            return f"{method}: unknown fields {unknown}, missing required {missing}"
        return None

    def _over_rate(self) -> bool:
        return over_rate(self._sent_times, self.per_second)

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getupdates":
            return await self._get_updates(params)
        if method == "getme":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Bot thi đua",
                "username": "thidua_bot",
            }
        if method in ("sendmessage", "senddocument"):
            return self._message(params)
        if method == "getfile":
            return self._file(str(params["file_id"]))
        if method == "setwebhook":
            self.webhook = params
        if method == "deletewebhook":
            self.webhook = {}
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        self.confirmed = max(self.confirmed, offset)
        limit = int(params.get("limit", 100) or 100)
        timeout = float(params.get("timeout", 0) or 0)
        deadline = time.monotonic() + timeout
        while True:
            pending = [u for u in self.updates if u["update_id"] >= self.confirmed][:limit]
            pending = pending[: self.max_batch] if self.max_batch else pending
            left = deadline - time.monotonic()
            if pending or left <= 0 or self.closing:
                return pending
            async with self._new_update:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout=min(left, 0.5))

    def _file(self, file_id: str) -> dict[str, Any]:
        stored = self.files.get(file_id)
        if stored is None:
            raise web.HTTPBadRequest(
                text=json.dumps(
                    {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
                ),
                content_type="application/json",
            )
        if stored.size > DOWNLOAD_LIMIT:
            raise web.HTTPBadRequest(
                text=json.dumps(
                    {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
                ),
                content_type="application/json",
            )
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": MESSAGE_DATE,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot thi đua"},
        }
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        if "document" in params:
            message["document"] = {
                "file_id": "f1",
                "file_unique_id": "u1",
                "file_name": params["document"],
            }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages.append(message)
        return message

    def last_message(self, chat_id: int, needle: str = "") -> dict[str, Any]:
        """The latest message sent to ``chat_id`` (containing ``needle``), as the bot got it."""
        for message in reversed(self.messages):
            text = message.get("text") or message.get("caption") or ""
            if message["chat"]["id"] == chat_id and needle in text:
                return message
        raise AssertionError(f"no message to {chat_id} with {needle!r}")


def over_rate(sent_times: deque[float], per_second: float | None) -> bool:
    """True when one more send now would exceed ``per_second`` in the last second (a sliding
    window, as platforms count); otherwise the send is recorded in ``sent_times``."""
    if per_second is None:
        return False
    now = time.monotonic()
    while sent_times and now - sent_times[0] >= 1.0:
        sent_times.popleft()
    if len(sent_times) >= per_second:
        return True
    sent_times.append(now)
    return False


async def _params(request: web.Request, uploads: list[Upload]) -> dict[str, Any]:
    """Request parameters, JSON-decoded where the Bot API expects JSON-serialised values; an
    uploaded file's parameter is its file name, and the file itself goes to ``uploads``."""
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
    else:
        form = await request.post()
        raw = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                uploads.append(Upload(key, value.filename, value.file.read()))
                raw[key] = value.filename
            else:
                raw[key] = value
    return {key: _decode(value) for key, value in raw.items()}


def _attach(params: dict[str, Any]) -> dict[str, Any]:
    """Fold uploaded files into the fields that point at them (``attach://<name>``), as the
    Bot API does for multipart uploads."""
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), value)
    return params


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# --------------------------------------------------------------------- update builders

_message_ids = itertools.count(1)


def user(user_id: int, name: str = "Người dùng") -> dict[str, Any]:
    """A Telegram user object."""
    return {"id": user_id, "is_bot": False, "first_name": name}


def text_update(
    user_id: int, text: str, *, chat_id: int | None = None, name: str = "Người dùng"
) -> dict[str, Any]:
    """A text message from ``user_id`` (in their private chat unless ``chat_id`` is a group)."""
    chat = chat_id if chat_id is not None else user_id
    return {
        "message": {
            "message_id": next(_message_ids),
            "date": MESSAGE_DATE,
            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup", "title": "Nhóm"},
            "from": user(user_id, name),
            "text": text,
        }
    }


def contact_update(
    user_id: int, phone: str, *, contact_user_id: int | None = None
) -> dict[str, Any]:
    """A shared contact; ``contact_user_id`` other than the sender makes it a forwarded one."""
    owner = user_id if contact_user_id is None else contact_user_id
    return {
        "message": {
            "message_id": next(_message_ids),
            "date": MESSAGE_DATE,
            "chat": {"id": user_id, "type": "private"},
            "from": user(user_id),
            "contact": {"phone_number": phone, "first_name": "An", "user_id": owner},
        }
    }


def callback_update(user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    """A tap on an inline button of a message the bot sent (as returned by sendMessage)."""
    return {
        "callback_query": {
            "id": str(next(_message_ids)),
            "from": user(user_id),
            "chat_instance": "ci",
            "message": message,
            "data": data,
        }
    }


def photo_update(
    fake: FakeTelegram,
    user_id: int,
    content: bytes,
    *,
    caption: str | None = None,
    chat_id: int | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """A photo message: three sizes as Telegram sends them (thumbnails first, all kept by the
    fake), the largest one ``content`` (announced as ``size`` if given)."""
    chat = chat_id if chat_id is not None else user_id
    sizes = []
    for number, (width, height) in enumerate(((90, 67), (320, 240), (1280, 960))):
        small = number < 2
        data = content[: 16 * (number + 1)] if small else content
        file_id = fake.add_file(data, "photo.jpg", None if small else size)
        stored = fake.files[file_id]
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": stored.size,
            }
        )
    sizes.insert(0, sizes.pop(1))  # the order is not to be relied on: the largest is chosen
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": MESSAGE_DATE,
        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup", "title": "Nhóm"},
        "from": user(user_id),
        "photo": sizes,
    }
    if caption is not None:
        message["caption"] = caption
    return {"message": message}


def document_update(
    fake: FakeTelegram,
    user_id: int,
    content: bytes,
    file_name: str,
    mime_type: str,
    *,
    caption: str | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """A document message (a file sent as a file) with its name and media type."""
    file_id = fake.add_file(content, file_name, size)
    stored = fake.files[file_id]
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": MESSAGE_DATE,
        "chat": {"id": user_id, "type": "private"},
        "from": user(user_id),
        "document": {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.size,
        },
    }
    if caption is not None:
        message["caption"] = caption
    return {"message": message}
