"""Logging of the running bot: human-readable lines (the default) or one JSON object a line
(``LOG_FORMAT=json``) for a log collector, on standard error, at ``REPORTBOT_LOG_LEVEL``.

The standard library only: a record's structured fields travel in ``extra={"fields": {...}}``
and become keys of the JSON object (and ``key=value`` pairs after the message in the text
format). At INFO nothing personal is logged: no phone number, figure or message text
(:func:`log_update` takes only the channel, the conversation step, the latency and the outcome).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

updates = logging.getLogger("reportbot.updates")
"""One INFO line per processed update (:func:`log_update`)."""


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields a record was logged with (``extra={"fields": ...}``), or {}."""
    fields = getattr(record, "fields", None)
    return dict(fields) if isinstance(fields, dict) else {}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``time`` (UTC, ISO 8601 with milliseconds), ``level``,
    ``logger``, ``message``, the record's structured fields, and ``exception`` (the formatted
    traceback) when one is attached. Non-ASCII text is kept as is (UTF-8)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(record_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``2026-11-21 09:00:00,123 INFO name: message key=value ...``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The usual line, with the structured fields appended as ``key=value``."""
        line = super().format(record)
        fields = record_fields(record)
        if not fields:
            return line
        head, newline, rest = line.partition("\n")  # a traceback stays below the line
        pairs = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{head} {pairs}{newline}{rest}"


def configure(level: str, style: Literal["text", "json"] = "text") -> None:
    """Send every log record at ``level`` or above to standard error, formatted as ``style``.
    Replaces the root logger's handlers (calling it twice does not double the lines)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if style == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def log_update(channel: str, step: str, latency: float, outcome: str) -> None:
    """One INFO line for an update the pipeline has finished with: its ``channel``
    (``telegram``, ``zalo``, ``console``), the conversation ``step`` the person is at afterwards
    (``flow/step``, ``idle`` when none), the ``latency`` in seconds from the start of the
    processing to its commit, and the ``outcome`` (``processed``, ``duplicate``, ``failed``:
    rolled back and apologised for, ``retry``: left for the channel to deliver again)."""
    if not updates.isEnabledFor(logging.INFO):
        return
    fields = {
        "event": "update",
        "channel": channel,
        "step": step,
        "latency_ms": round(latency * 1000, 1),
        "outcome": outcome,
    }
    updates.info("update %s", outcome, extra={"fields": fields})
