"""The period calendar: DHIS2-style period ids, their dates and Vietnamese names.

Period ids follow DHIS2's ISO-like forms (DHIS2 docs, "Date and period format"): ``202403``
(monthly), ``2024Q1`` (quarterly), ``2024S1`` (six-monthly, January-June), ``2024`` (yearly).
Dates are calendar dates in Vietnam; the due date (hạn nộp) is ``due_days`` after the period's
last day and the lock date (khóa sổ) ``lock_days`` after the due date. A period is open for
entry from its first day up to and including its lock date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.campaign_spec import Frequency

_MONTHS_PER_PERIOD = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.SIX_MONTHLY: 6,
    Frequency.YEARLY: 12,
}


@dataclass(frozen=True)
class PeriodDates:
    """One reporting period: its id, first and last day, due date and lock date."""

    code: str
    start: date
    end: date
    due: date
    lock: date

    def is_open(self, today: date) -> bool:
        """True from the first day of the period to its lock date, both included."""
        return self.start <= today <= self.lock

    def is_late(self, today: date) -> bool:
        """True when a submission made on ``today`` is after the due date."""
        return today > self.due


def period_code(frequency: Frequency, start: date) -> str:
    """DHIS2 id of the period of ``frequency`` that starts on ``start`` (first day of a month)."""
    if frequency is Frequency.MONTHLY:
        return f"{start.year}{start.month:02d}"
    if frequency is Frequency.QUARTERLY:
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if frequency is Frequency.SIX_MONTHLY:
        return f"{start.year}S{(start.month - 1) // 6 + 1}"
    return str(start.year)


def period_name(code: str) -> str:
    """Vietnamese name of a period id: ``2024Q1`` -> "Quý 1/2024", ``2024S2`` -> "6 tháng cuối
    năm 2024", ``202403`` -> "Tháng 3/2024", ``2024`` -> "Năm 2024"."""
    if "Q" in code:
        year, quarter = code.split("Q")
        return f"Quý {quarter}/{year}"
    if "S" in code:
        year, half = code.split("S")
        return f"6 tháng {'đầu' if half == '1' else 'cuối'} năm {year}"
    if len(code) == 6:
        return f"Tháng {int(code[4:])}/{code[:4]}"
    return f"Năm {code}"


def periods_between(
    frequency: Frequency, start: date, end: date, due_days: int, lock_days: int
) -> list[PeriodDates]:
    """Every period of ``frequency`` that overlaps ``start``..``end``, in order.

    Periods are calendar-aligned (a quarter is always January-March, ...), as DHIS2's are, so a
    campaign starting on 15 August has the whole third quarter as its first quarterly period.
    """
    months = _MONTHS_PER_PERIOD[frequency]
    first_month = ((start.month - 1) // months) * months + 1
    cursor = date(start.year, first_month, 1)
    periods: list[PeriodDates] = []
    while cursor <= end:
        following = _add_months(cursor, months)
        last_day = following - timedelta(days=1)
        due = last_day + timedelta(days=due_days)
        periods.append(
            PeriodDates(
                code=period_code(frequency, cursor),
                start=cursor,
                end=last_day,
                due=due,
                lock=due + timedelta(days=lock_days),
            )
        )
        cursor = following
    return periods


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)
