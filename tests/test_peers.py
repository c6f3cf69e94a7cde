"""The other units' median kept by :class:`domain.peers.PeerFigures` equals
:func:`statistics.median` of the others' values after any sequence of writes (issue 15: the
paste step no longer reads every unit's values to compute it)."""

from __future__ import annotations

from decimal import Decimal
from statistics import median

from hypothesis import given
from hypothesis import strategies as st

from domain.peers import PeerFigures, as_number

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
