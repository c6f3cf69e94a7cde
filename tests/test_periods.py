"""The period calendar: DHIS2 ids, names, and the whole-campaign period ("cả đợt")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.campaign_spec import Frequency
from domain.periods import (
    WHOLE_CAMPAIGN,
    is_period_word,
    period_code,
    period_name,
    period_span,
    periods_between,
)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("2024Q1", "Quý 1/2024"),
        ("2024S2", "6 tháng cuối năm 2024"),
        ("202403", "Tháng 3/2024"),
        ("2024", "Năm 2024"),
        ("CADOT", "Cả đợt"),
        ("cadot", "Cả đợt"),
    ],
)
def test_period_names(code: str, name: str) -> None:
    assert period_name(code) == name


def test_a_short_campaign_has_one_period_from_its_start_to_its_end() -> None:
    """Seed 001: launched in May, one final report by 15/8/2024 (the anniversary)."""
    (only,) = periods_between(Frequency.WHOLE, date(2024, 5, 10), date(2024, 8, 15), 5, 10)
    assert only.code == WHOLE_CAMPAIGN == period_code(Frequency.WHOLE, date(2024, 5, 10))
    assert (only.start, only.end) == (date(2024, 5, 10), date(2024, 8, 15))
    assert (only.due, only.lock) == (date(2024, 8, 20), date(2024, 8, 30))
    assert only.is_open(date(2024, 5, 10)) and not only.is_open(date(2024, 5, 9))
    assert only.is_late(date(2024, 8, 21)) and not only.is_late(date(2024, 8, 20))


def test_a_calendar_quarter_runs_past_a_short_campaign() -> None:
    """Why "cả đợt" exists: the quarterly rhythm gives the whole third quarter."""
    quarters = periods_between(Frequency.QUARTERLY, date(2024, 5, 10), date(2024, 8, 15), 5, 10)
    assert [p.code for p in quarters] == ["2024Q2", "2024Q3"]
    assert quarters[-1].end == date(2024, 9, 30)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=0, max_value=400),
)
def test_the_whole_campaign_id_is_never_a_dhis2_id(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    for frequency in Frequency:
        for period in periods_between(frequency, start, end, 0, 0):
            dhis2 = period.code[:4].isdigit()
            assert dhis2 != (period.code == WHOLE_CAMPAIGN)
            assert len(period.code) <= 10  # Period.code is String(10)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("2026Q3", True), ("202603", True), ("CADOT", True), ("cả đợt", True), ("ca dot", True)],
)
def test_period_words(word: str, expected: bool) -> None:
    assert is_period_word(word) is expected


@pytest.mark.parametrize("word", ["NGANAM2026", "Q3", "dot", "cả"])
def test_other_words_are_not_periods(word: str) -> None:
    assert not is_period_word(word)


@pytest.mark.parametrize(
    ("code", "span"),
    [
        ("2026S1", (date(2026, 1, 1), date(2026, 6, 30))),
        ("2026S2", (date(2026, 7, 1), date(2026, 12, 31))),
        ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
        ("2026Q3", (date(2026, 7, 1), date(2026, 9, 30))),
        ("202602", (date(2026, 2, 1), date(2026, 2, 28))),
        ("cadot", (date(2024, 5, 10), date(2024, 8, 15))),
        ("2026Q5", None),
        ("202613", None),
        ("nam nay", None),
    ],
)
def test_a_review_covers_the_span_of_its_period(code: str, span: tuple[date, date] | None) -> None:
    assert period_span(code, date(2024, 5, 10), date(2024, 8, 15)) == span
