"""The other units' median kept by :class:`domain.peers.PeerFigures` equals
:func:`statistics.median` of the others' values after any sequence of writes (issue 15: the
paste step no longer reads every unit's values to compute it)."""

from __future__ import annotations

from decimal import Decimal
from statistics import median

from hypothesis import given
from hypothesis import strategies as st

from domain.peers import PeerFigures, as_number
from storage.peers import PeerCache

_VALUES = st.one_of(
    st.none(),
    st.integers(-50, 50).map(str),
    st.decimals(-100, 100, places=2).map(str),
    st.sampled_from(["Có", "", "NaN", "Infinity", "1e3"]),
)
_WRITES = st.lists(st.tuples(st.integers(1, 8), _VALUES), max_size=40)


def _expected(stored: dict[int, str | None], unit: int) -> tuple[Decimal | None, int]:
    numbers = [n for u, v in stored.items() if u != unit and (n := as_number(v)) is not None]
    return (Decimal(median(numbers)) if numbers else None), len(numbers)


@given(first=_WRITES, later=_WRITES)
def test_the_median_of_the_others_matches_a_full_recount(
    first: list[tuple[int, str | None]], later: list[tuple[int, str | None]]
) -> None:
    stored = dict(first)
    figures = PeerFigures.of(stored.items())
    for unit, value in later:
        figures.put(unit, value)
        stored[unit] = value
    for unit in range(0, 10):
        assert figures.median_without(unit) == _expected(stored, unit)


def test_text_blank_and_non_finite_values_are_not_figures() -> None:
    assert [as_number(v) for v in (None, "", "Có", "NaN", "-Infinity")] == [None] * 5
    assert as_number("1.5e2") == Decimal(150)
    figures = PeerFigures.of([(1, "Có"), (2, "4"), (3, None), (4, "6")])
    assert figures.median_without(9) == (Decimal(5), 2)
    assert figures.median_without(2) == (Decimal(6), 1)
    assert PeerFigures().median_without(1) == (None, 0)


def test_a_period_is_kept_while_used_and_read_again_when_changed_elsewhere() -> None:
    ticks = [0.0]
    cache = PeerCache(idle_seconds=600, clock=lambda: ticks[0])
    first = cache.period(7, stamp=10)
    first.elements[1] = PeerFigures.of([(1, "5")])
    assert cache.period(7, stamp=10) is first  # nothing changed: kept
    cache.apply([(7, 1, 2, "9")], {7: 12}, {7: 10})  # this process committed audit id 12
    assert cache.period(7, stamp=12) is first and first.stamp == 12
    assert first.elements[1].median_without(1) == (Decimal(9), 1)
    assert cache.period(7, stamp=12) is first  # a stamp older than the cache's: still kept
    assert cache.period(7, stamp=13) is not first  # changed by another process: read again
    stale = cache.period(7, stamp=13)
    cache.apply([(7, 1, 2, "3")], {7: 15}, {7: 14})  # it wrote after seeing change 14, unread
    assert cache.period(7, stamp=15) is not stale  # dropped: read again, 14 included
    ticks[0] = 599.0
    kept = cache.period(7, stamp=13)
    ticks[0] = 1198.0
    assert cache.period(8, stamp=0) is not None and cache.period(7, stamp=13) is kept
    ticks[0] = 1800.0
    cache.period(8, stamp=0)
    assert cache.period(7, stamp=13) is not kept  # unused for 600 s: dropped
