"""The other units' figures of one data element in one period, kept sorted so that the median
a figure is compared with (:data:`domain.plausibility.MEDIAN_FACTOR`) costs a lookup instead of
a read and a sort of every unit's value at each step.

At a province's deadline (3,000 units × 15 elements) a pasted report compared each figure with
45,000 values read and converted again for every paste (issue 15, ``bench/rush.py``); a
:class:`PeerFigures` per element is read once and kept current as values are written
(:mod:`storage.peers`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from decimal import Decimal


def as_number(value: str | None) -> Decimal | None:
    """A stored canonical value as a finite number; None for a blank, text or non-finite."""
    if value is None:
        return None
    try:
        number = Decimal(value)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


class PeerFigures:
    """Every unit's numeric value of one element: org unit id -> value, and the values sorted.

    :meth:`median_without` gives the median of the others' values, excluding one unit's own,
    in O(1) after an O(log n) search; :meth:`put` keeps both current in O(n) (a list insert of
    a few thousand values). Non-numeric values (text, blanks) are not kept.
    """

    __slots__ = ("_of", "_sorted")

    def __init__(self) -> None:
        self._of: dict[int, Decimal] = {}
        self._sorted: list[Decimal] = []

    @classmethod
    def of(cls, values: Iterable[tuple[int, str | None]]) -> PeerFigures:
        """The figures of (org unit id, canonical value) pairs, one pair per unit."""
        figures = cls()
        for org_unit_id, value in values:
            number = as_number(value)
            if number is not None:
                figures._of[org_unit_id] = number
        figures._sorted = sorted(figures._of.values())
        return figures

    def copy(self) -> PeerFigures:
        """An independent copy (a transaction's writes stay out of the shared figures)."""
        figures = PeerFigures()
        figures._of = dict(self._of)
        figures._sorted = list(self._sorted)
        return figures

    def put(self, org_unit_id: int, value: str | None) -> None:
        """Record ``org_unit_id``'s canonical value (None or text: it has none)."""
        old = self._of.pop(org_unit_id, None)
        if old is not None:
            del self._sorted[bisect_left(self._sorted, old)]
        number = as_number(value)
        if number is not None:
            self._of[org_unit_id] = number
            insort(self._sorted, number)

    def median_without(self, org_unit_id: int) -> tuple[Decimal | None, int]:
        """(median of the other units' values, how many other units have one); the median of
        an even count is the mean of the middle two, as :func:`statistics.median`; (None, 0)
        when no other unit has a value."""
        own = self._of.get(org_unit_id)
        skip = len(self._sorted) if own is None else bisect_left(self._sorted, own)
        count = len(self._sorted) - (own is not None)
        if count == 0:
            return None, 0

        def nth(k: int) -> Decimal:
            return self._sorted[k if k < skip else k + 1]

        middle = count // 2
        if count % 2:
            return nth(middle), count
        return (nth(middle - 1) + nth(middle)) / 2, count
