"""The fake Zalo Bot Platform itself, driven with a plain aiohttp client (no bot code): one
update per getUpdates, 408 on an empty poll, 401 on a wrong token, violations, webhook delivery
with the secret header and both body shapes, scripted faults and the send rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.fake_zalo import (
    SECRET_HEADER,
    FakeZalo,
    bad_gateway,
    image_update,
    slow,
    text_update,
    too_many_requests,
)

USER = "6142494823001"
SECRET = "s3cret-for-tests"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client."""
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    zalo: FakeZalo,
    method: str,
    token: str | None = None,
    **params: Any,
) -> dict[str, Any]:
    """POST ``params`` as JSON to ``method``; the platform always answers HTTP 200 with JSON."""
    async with http.post(zalo.url(method, token), json=params) as answer:
        assert answer.status == 200
        body: dict[str, Any] = await answer.json()
        return body


async def test_get_updates_returns_one_update_at_a_time(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    first = text_update(USER, "/start", name="Nguyễn Văn An")
    await zalo.push(first)
    await zalo.push(image_update(USER, caption="ảnh"))
    answer = await call(http, zalo, "getUpdates", timeout=30)
    assert answer == {"ok": True, "result": first}
    message = answer["result"]["message"]
    assert message["from"] == {"id": USER, "display_name": "Nguyễn Văn An", "is_bot": False}
    assert message["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert isinstance(message["message_id"], str) and isinstance(message["date"], int)
    async with http.get(zalo.url("getUpdates"), params={"timeout": "5"}) as response:
        second = (await response.json())["result"]
    assert second["event_name"] == "message.image.received"
    assert "text" not in second["message"] and second["message"]["caption"] == "ảnh"
    assert not zalo.queue


async def test_an_empty_poll_times_out_with_408_within_max_poll(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    started = time.monotonic()
    answer = await call(http, zalo, "getUpdates", timeout="30")
    assert answer["ok"] is False and answer["error_code"] == 408
    assert time.monotonic() - started < 1.0


async def test_a_wrong_token_is_unauthorized_not_a_violation(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    answer = await call(http, zalo, "getMe", token="1:wrong")
    assert answer == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert zalo.unauthorized == 1
    me = await call(http, zalo, "getMe")
    assert me["result"]["account_name"] == "bot.thidua"
    assert isinstance(me["result"]["id"], str)


async def test_off_spec_calls_are_violations(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    bad: list[tuple[str, dict[str, Any]]] = [
        ("sendMessage", {"chat_id": USER, "text": "x", "parse_mode": "HTML"}),
        ("sendMessage", {"chat_id": USER, "text": "x" * 2001}),
        ("sendMessage", {"chat_id": USER, "text": "  "}),
        ("sendMessage", {"chat_id": 6142494823001, "text": "x"}),
        ("sendMessage", {"chat_id": USER}),
        ("setWebhook", {"url": "http://127.0.0.1:1/hook", "secret_token": "short"}),
        ("sendChatAction", {"chat_id": USER, "action": "recording"}),
        ("getUpdates", {"timeout": "soon"}),
        ("sendDocument", {"chat_id": USER, "document": "x"}),
    ]
    for method, params in bad:
        answer = await call(http, zalo, method, **params)
        assert answer["ok"] is False and answer["error_code"] == 400, (method, params)
    assert len(zalo.violations) == len(bad)
    assert zalo.calls == []
    zalo.violations.clear()
    ok = await call(http, zalo, "sendMessage", chat_id=USER, text="x" * 2000)
    assert set(ok["result"]) == {"message_id", "date"}
    assert isinstance(ok["result"]["message_id"], str)


async def test_a_second_poll_while_one_waits_is_a_violation(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    first = asyncio.create_task(call(http, zalo, "getUpdates", timeout=30))
    await asyncio.sleep(0.1)
    second = await call(http, zalo, "getUpdates", timeout=30)
    assert second["error_code"] == 400
    assert (await first)["error_code"] == 408
    assert zalo.violations == ["getUpdates: called while a previous getUpdates is waiting"]
    zalo.violations.clear()


async def test_webhook_delivery_with_secret_both_shapes_and_retries(
    zalo: FakeZalo, http: aiohttp.ClientSession, unused_tcp_port: int
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    statuses = [500]  # the receiver fails once, then accepts

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/zalo/webhook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}/zalo/webhook"
        answer = await call(http, zalo, "setWebhook", url=url, secret_token=SECRET)
        assert answer["result"]["url"] == url and isinstance(answer["result"]["updated_at"], int)
        assert (await call(http, zalo, "getWebhookInfo"))["result"]["url"] == url
        assert (await call(http, zalo, "getUpdates", timeout=1))["error_code"] == 409
        one, two = text_update(USER, "một"), text_update(USER, "hai")
        await zalo.push(one)  # bare (None alternates, bare first)
        await zalo.push(two)  # wrapped
        await zalo.wait_until_delivered(timeout=3)
        assert [secret for secret, _ in received] == [SECRET] * 3
        assert [body for _, body in received] == [one, one, {"ok": True, "result": two}]
        ids = [one["message"]["message_id"], two["message"]["message_id"]]
        assert zalo.webhook_deliveries == [(ids[0], 500), (ids[0], 200), (ids[1], 200)]
        assert zalo.webhook_dropped == []
        deleted = await call(http, zalo, "deleteWebhook")
        assert deleted["result"]["url"] == ""
        await zalo.push(text_update(USER, "ba"), wrapped=True)
        polled = await call(http, zalo, "getUpdates", timeout=1)
        assert polled["result"]["message"]["text"] == "ba"  # bare again for getUpdates
    finally:
        await runner.cleanup()


async def test_an_unreachable_webhook_is_retried_then_dropped(
    zalo: FakeZalo, unused_tcp_port: int
) -> None:
    zalo.set_webhook(f"http://127.0.0.1:{unused_tcp_port}/nobody", SECRET)
    message_id = await zalo.push(text_update(USER, "alo"))
    await zalo.wait_until_delivered(timeout=3)
    assert zalo.webhook_deliveries == [(message_id, 0)] * 4
    assert zalo.webhook_dropped == [message_id]


async def test_scripted_faults_and_the_send_rate(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    zalo.fail("sendMessage", too_many_requests(), bad_gateway(), slow(0.2))
    answer = await call(http, zalo, "sendMessage", chat_id=USER, text="1")
    assert answer == {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    async with http.post(zalo.url("sendMessage"), json={"chat_id": USER, "text": "2"}) as proxy:
        assert proxy.status == 502 and "html" in proxy.content_type
    started = time.monotonic()
    assert (await call(http, zalo, "sendMessage", chat_id=USER, text="3"))["ok"] is True
    assert time.monotonic() - started >= 0.2
    assert zalo.texts(USER) == ["3"] and len(zalo.attempts) == 3
    zalo.per_second = 2
    answers = [await call(http, zalo, "sendMessage", chat_id=USER, text=str(n)) for n in range(3)]
    assert [a.get("error_code") for a in answers] == [None, None, 429]
    assert zalo.rejected == 1
    assert await zalo.wait_for_text(USER, "1", timeout=0.1) == "1"
    assert zalo.texts_since(USER, 1) == ["0", "1"]
    with pytest.raises(AssertionError, match="got"):
        await zalo.wait_for_text(USER, "không có", timeout=0.05)
