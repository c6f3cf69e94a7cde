"""Structured logs (issue 19, point 4): ``LOG_FORMAT=json`` gives one JSON object a line, and
the pipeline logs one INFO line per update it finished with (channel, step, latency, outcome)
with nothing personal in it: no phone number, figure or message text."""

from __future__ import annotations

import io
import json
import logging
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bot import logs
from bot.app import App
from domain.messages import Incoming
from tests.conftest import Person

PHONE = "0900000001"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the root logger writes at INFO with the JSON formatter, as ``configure`` sets it
    up (restored afterwards)."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    logs.configure("INFO", "json")
    [handler] = root.handlers
    assert isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr
    handler.setStream(stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def updates_in(stream: io.StringIO) -> list[dict[str, Any]]:
    """The update lines among the JSON lines written (every line must parse)."""
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in entries if entry.get("event") == "update"]


def message(text: str, message_id: str) -> Incoming:
    return Incoming(
        channel="zalo",
        external_id="head",
        chat_id="head",
        message_id=message_id,
        text=text,
        display_name="Nguyễn Văn An",
        verified_phone=PHONE,
    )


async def test_one_json_line_per_update_without_personal_data(
    app: App, json_lines: io.StringIO
) -> None:
    head = Person(app, "head", phone=PHONE)
    await head.say("/start")
    await head.say("/nhap")
    await head.say("1.250")
    await head.say("13,5 tỷ", message_id="lap-lai")
    await head.say("13,5 tỷ", message_id="lap-lai")  # delivered again: dropped

    lines = updates_in(json_lines)
    assert [line["outcome"] for line in lines] == [
        "processed",
        "processed",
        "processed",
        "processed",
        "duplicate",
    ]
    for line in lines:
        assert line["level"] == "INFO" and line["logger"] == "reportbot.updates"
        assert line["channel"] == "console"
        assert isinstance(line["latency_ms"], float) and 0 <= line["latency_ms"] < 60_000
        assert line["time"].endswith("+00:00")
    # bound by phone and shown the menu; then asked figure after figure; the duplicate: no step
    assert [line["step"] for line in lines] == [
        "menu/main",
        "nhap/value",
        "nhap/value",
        "nhap/value",
        "idle",
    ]

    written = json_lines.getvalue()
    for personal in (PHONE, "1.250", "1250", "13,5", "Nguyễn", "/nhap", "head"):
        assert personal not in written, personal


async def test_a_batch_logs_each_of_its_updates(app: App, json_lines: io.StringIO) -> None:
    batch = [message("/start", uuid.uuid4().hex), message("/trogiup", uuid.uuid4().hex)]
    assert await app.pipeline.process_batch(batch) == [True, True]
    lines = updates_in(json_lines)
    assert [(line["channel"], line["outcome"]) for line in lines] == [
        ("zalo", "processed"),
        ("zalo", "processed"),
    ]
    assert lines[0]["latency_ms"] == lines[1]["latency_ms"]  # one transaction
    assert PHONE not in json_lines.getvalue()


def test_the_text_format_keeps_the_fields_readable() -> None:
    record = logging.LogRecord(
        "reportbot.updates", logging.INFO, __file__, 1, "update %s", ("processed",), None
    )
    record.fields = {"channel": "telegram", "step": "idle", "latency_ms": 3.5}
    line = logs.TextFormatter().format(record)
    assert line.endswith(
        "INFO reportbot.updates: update processed channel=telegram step=idle latency_ms=3.5"
    )
    assert json.loads(logs.JsonFormatter().format(record))["latency_ms"] == 3.5


def test_nothing_is_logged_below_info(app: App) -> None:
    """At the default WARNING level the update lines cost nothing and say nothing."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        logs.configure("WARNING", "json")
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        logs.log_update("telegram", "idle", 0.01, "processed")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    assert stream.getvalue() == ""
