"""Clocks: the time is injected everywhere so that tests and demos can fix the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class ShiftedClock:
    """The machine's clock moved by ``offset``: it starts at a chosen moment and runs on.

    Used by ``REPORTBOT_NOW`` (demos, training, tests of the running bot): the bot behaves as
    from that moment, reminders and deadlines included; and by ``REPORTBOT_TODAY``
    (:meth:`on_day`).
    """

    offset: timedelta

    @classmethod
    def starting_at(cls, start: datetime) -> ShiftedClock:
        """A clock that reads ``start`` (aware) now and advances in real time."""
        return cls(start - datetime.now(UTC))

    @classmethod
    def on_day(cls, day: date, zone: ZoneInfo) -> ShiftedClock:
        """A clock that reads ``day`` (in ``zone``) at the machine's current time of day, and
        runs on from there: past midnight it is the next day, never back to the start of
        ``day``. Used by ``--today`` / ``REPORTBOT_TODAY``: the bot behaves as on that day.
        """
        local_time = datetime.now(zone).time()
        return cls.starting_at(datetime.combine(day, local_time, zone))

    def now(self) -> datetime:
        """The machine's time plus the offset, aware, in UTC."""
        return datetime.now(UTC) + self.offset


@dataclass
class ManualClock:
    """A clock a test moves by hand."""

    current: datetime

    def now(self) -> datetime:
        """The time last set, in UTC."""
        return self.current.astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of ``moment`` for people in ``zone``."""
    return moment.astimezone(zone).date()


def day(value: date) -> str:
    """A date as Vietnamese people write it: ``05/01/2027``."""
    return value.strftime("%d/%m/%Y")


def moment(value: datetime) -> str:
    """A local time and date: ``10:32 21/11/2026``."""
    return value.strftime("%H:%M %d/%m/%Y")
