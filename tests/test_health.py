"""Issue 14, item 4: ``GET /health`` reports the database, the free space of the reports
folder and each channel's last receive and send, and answers 503 when one is failing."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.app import App
from bot.health import Health
from bot.web import WebServer
from storage.db import create_engine


async def _get(port: int) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/health") as answer,
    ):
        return answer.status, await answer.json()


async def test_health_reports_each_part_and_fails_with_it(
    app: App, reports_dir: Path, unused_tcp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    health = Health()
    server = WebServer("127.0.0.1", unused_tcp_port, lambda: health.report(app.engine, reports_dir))
    await server.start()
    try:
        status, body = await _get(unused_tcp_port)
        assert status == 200 and body["status"] == "ok" and body["database"] == "ok"
        assert isinstance(body["disk_free_mb"], int) and body["disk_free_mb"] > 0

        receiving = health.part("telegram.receive", app.clock.now)
        sending = health.part("telegram.send", app.clock.now)
        receiving.ok()
        sending.failed("TemporaryFailure: 502 Bad Gateway")
        status, body = await _get(unused_tcp_port)
        assert status == 503 and body["status"] == "failing"
        parts = body["parts"]
        assert isinstance(parts, dict)
        assert parts["telegram.receive"]["ok"] is True
        assert parts["telegram.send"]["ok"] is False
        assert parts["telegram.send"]["reason"] == "TemporaryFailure: 502 Bad Gateway"
        sending.ok()  # it works again
        assert (await _get(unused_tcp_port))[0] == 200

        monkeypatch.setattr("bot.health.MIN_FREE_BYTES", 1 << 62)  # a full disk
        status, body = await _get(unused_tcp_port)
        assert status == 503
    finally:
        await server.stop()


async def test_a_database_out_of_reach_is_failing(reports_dir: Path) -> None:
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        healthy, body = await Health().report(engine, reports_dir)
    finally:
        await engine.dispose()
    assert not healthy and str(body["database"]).startswith("failing")
