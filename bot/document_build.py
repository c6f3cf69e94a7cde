"""The build process the document worker starts (``python -m bot.document_build``).

Reads one JSON request on standard input (``order``, ``database_url``, ``busy_seconds``,
``driver``,
``now`` as aware ISO 8601, ``zone``, ``reports_dir``, ``locale``), builds the workbook from a
read-only engine of its own (``storage.db.create_engine(reading=True)``) and prints one JSON
line: ``{"filename", "path", "caption", "extra"}`` (``extra``: further documents, each
``{"filename", "path", "caption"}``: the proposal's Word record), or ``{"problem": "<Vietnamese message>"}`` for a
domain error (a full reports folder). Any other error: a traceback on standard error and exit
status 1. The process ends after one build, so its memory goes back to the system. It runs at a
lower priority than the bot (:data:`NICE`), so the bot's steps come first on a busy machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.i18n import use_locale
from services.document_jobs import Order, build
from storage.db import create_engine, session_factory

NICE = 10
"""How much lower than the bot the build runs (``os.nice``)."""


async def _build(request: dict[str, Any]) -> dict[str, Any]:
    engine = create_engine(
        request["database_url"],
        request["busy_seconds"],
        reading=True,
        driver=request.get("driver", "inline"),
    )
    try:
        built = await build(
            session_factory(engine),
            Order(**request["order"]),
            now=datetime.fromisoformat(request["now"]),
            zone=ZoneInfo(request["zone"]),
            reports_dir=Path(request["reports_dir"]),
        )
    except DomainError as error:
        return {"problem": str(error)}
    finally:
        await engine.dispose()
    return {
        "filename": built.document.filename,
        "path": built.document.path,
        "caption": built.caption,
        "extra": [
            {"filename": document.filename, "path": document.path, "caption": caption}
            for document, caption in built.extra
        ],
    }


def main() -> None:
    """Build what standard input asks for; print the answer as one JSON line."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # below the bot's priority: on a 2-core server a province build otherwise takes a CPU the
    # bot's steps need (bench/rush.py: p99 of other chats 3.1-4.5 s at the same priority,
    # 0.42-0.47 s at nice 10, the build 42-71 s -> 83 s)
    with contextlib.suppress(OSError):
        os.nice(NICE)
    request = json.loads(sys.stdin.read())
    use_locale(request.get("locale", "vi"))
    answer = asyncio.run(_build(request))
    print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
