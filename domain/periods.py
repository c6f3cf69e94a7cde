"""The period calendar: DHIS2-style period ids, their dates and Vietnamese names.

Period ids follow DHIS2's ISO-like forms (DHIS2 docs, "Date and period format"): ``202403``
(monthly), ``2024Q1`` (quarterly), ``2024S1`` (six-monthly, January-June), ``2024`` (yearly).
Dates are calendar dates in Vietnam; the due date (hạn nộp) is ``due_days`` after the period's
last day and the lock date (khóa sổ) ``lock_days`` after the due date. A period is open for
entry from its first day up to and including its lock date.

A campaign of frequency "cả đợt" (``Frequency.WHOLE``) has one period, id ``CADOT``
(:data:`WHOLE_CAMPAIGN`), running from the campaign's start to its end; its due and lock dates
count from the campaign's end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.campaign_spec import Frequency
from domain.i18n import _
from domain.text import fold

WHOLE_CAMPAIGN = "CADOT"
"""The id of the one period of a "cả đợt" campaign. Letters only: a DHIS2 period id always
starts with a four-digit year (DHIS2 docs, "Date and period format"), so this one can never be
taken for one, and it fits ``Period.code`` (10 characters). Stable: the same for every such
campaign, which has exactly one period."""

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
    """DHIS2 id of the period of ``frequency`` that starts on ``start`` (first day of a month);
    :data:`WHOLE_CAMPAIGN` for a whole-campaign period."""
    if frequency is Frequency.WHOLE:
        return WHOLE_CAMPAIGN
    if frequency is Frequency.MONTHLY:
        return f"{start.year}{start.month:02d}"
    if frequency is Frequency.QUARTERLY:
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if frequency is Frequency.SIX_MONTHLY:
        return f"{start.year}S{(start.month - 1) // 6 + 1}"
    return str(start.year)


def period_name(code: str) -> str:
    """Vietnamese name of a period id: ``2024Q1`` -> "Quý 1/2024", ``2024S2`` -> "6 tháng cuối
    năm 2024", ``202403`` -> "Tháng 3/2024", ``2024`` -> "Năm 2024", ``CADOT`` -> "Cả đợt"."""
    if code.upper() == WHOLE_CAMPAIGN:
        return _("Cả đợt")
    if "Q" in code:
        year, quarter = code.split("Q")
        return _("Quý {quarter}/{year}").format(quarter=quarter, year=year)
    if "S" in code:
        year, half = code.split("S")
        if half == "1":
            return _("6 tháng đầu năm {year}").format(year=year)
        return _("6 tháng cuối năm {year}").format(year=year)
    if len(code) == 6:
        return _("Tháng {month}/{year}").format(month=int(code[4:]), year=code[:4])
    return _("Năm {year}").format(year=code)


def periods_between(
    frequency: Frequency, start: date, end: date, due_days: int, lock_days: int
) -> list[PeriodDates]:
    """Every period of ``frequency`` that overlaps ``start``..``end``, in order.

    Periods are calendar-aligned (a quarter is always January-March, ...), as DHIS2's are, so a
    campaign starting on 15 August has the whole third quarter as its first quarterly period.
    A whole-campaign frequency gives the one period ``start``..``end``.
    """
    if frequency is Frequency.WHOLE:
        due = end + timedelta(days=due_days)
        return [PeriodDates(WHOLE_CAMPAIGN, start, end, due, due + timedelta(days=lock_days))]
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


def is_period_word(word: str) -> bool:
    """True when ``word``, typed after a command (``/tonghop NGANAM 2026Q3``), names a period:
    a DHIS2 id (it starts with a four-digit year) or the whole campaign (``CADOT``, "cả đợt"
    typed with or without diacritics and spaces)."""
    return word[:4].isdigit() or fold(word).replace(" ", "").upper() == WHOLE_CAMPAIGN


_DHIS2_ID = re.compile(r"(\d{4})(?:(\d{2})|Q([1-4])|S([12]))?")


def period_span(code: str, campaign_start: date, campaign_end: date) -> tuple[date, date] | None:
    """First and last day of period ``code`` (a review's span: ``2026S1``, ``2026``, ``CADOT``
    for the whole campaign given by ``campaign_start``..``campaign_end``). None for an id that is
    not one of the forms above."""
    if code.upper() == WHOLE_CAMPAIGN:
        return campaign_start, campaign_end
    matched = _DHIS2_ID.fullmatch(code.upper())
    if matched is None:
        return None
    year, month, quarter, half = matched.groups()
    if month is not None:
        if not 1 <= int(month) <= 12:
            return None
        first, months = int(month), 1
    elif quarter is not None:
        first, months = (int(quarter) - 1) * 3 + 1, 3
    elif half is not None:
        first, months = (int(half) - 1) * 6 + 1, 6
    else:
        first, months = 1, 12
    start = date(int(year), first, 1)
    return start, _add_months(start, months) - timedelta(days=1)
