"""The one "now" of the test suite.

Every test lives on :data:`TODAY` in Vietnam, whatever the machine's date: in-process tests
through a ``ManualClock`` at :func:`vn_time`, and everything else (``Settings()`` built by a
test, ``reportbot`` subprocesses, the bot process) through ``REPORTBOT_NOW`` =
:data:`START`, which ``tests/conftest.py`` puts in the environment for the whole session. A
test that needs "now" while a bot process runs asks that process's clock
(``BotProcess.clock``), never the machine's. Only the fake servers keep real time, where they
measure rates, and timing assertions use ``time.monotonic``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# A day inside the fourth quarter of the shifted sample (reporting open, before the due date).
TODAY = date(2026, 11, 21)


def vn_time(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` in Vietnam, as aware UTC."""
    return datetime.combine(day, time(hour, minute), ZONE).astimezone(UTC)


START = vn_time(TODAY)
"""Where the clocks of processes started by tests begin (``REPORTBOT_NOW``)."""


def clock_setting(moment: datetime = START) -> str:
    """``moment`` as a ``REPORTBOT_NOW`` value (ISO 8601 with its offset)."""
    return moment.isoformat()
