"""Picking from numbered choices, as people type on a phone: ``2``, ``2.``, the label itself
(with or without diacritics), or several at once (``1,3``, ``1 3``, ``1-3``)."""

from __future__ import annotations

import re

from domain.text import fold

_SEPARATORS = re.compile(r"[,;\s]+|\bva\b")
_RANGE = re.compile(r"^(\d+)-(\d+)$")


def pick(text: str, labels: list[str] | tuple[str, ...]) -> int | None:
    """Index (0-based) of the choice ``text`` names, or None when it names none or several.

    The folded text equal to a folded label picks it; else ``"2"``, ``"2."``, ``"số 2"`` pick
    the second; else the text must be the start of exactly one label.
    """
    folded_labels = [fold(label) for label in labels]
    whole = fold(text)
    if whole and whole in folded_labels:  # a label that is itself a number ("2025") wins
        return folded_labels.index(whole)
    folded = whole.removeprefix("so ").strip().rstrip(".)")
    if folded.isdigit():
        number = int(folded)
        return number - 1 if 1 <= number <= len(labels) else None
    if not folded:
        return None
    starts = [i for i, label in enumerate(folded_labels) if label.startswith(folded)]
    return starts[0] if len(starts) == 1 else None


def pick_many(text: str, count: int) -> list[int] | None:
    """0-based indexes of the numbers in ``text`` (``1,3``, ``1 3``, ``1-3``, ``1 và 3``).

    Returns None when a part is not a number from 1 to ``count``; duplicates are dropped and the
    order is ascending.
    """
    chosen: set[int] = set()
    for part in _SEPARATORS.split(fold(text)):
        if not part:
            continue
        span = _RANGE.match(part)
        low, high = (int(span[1]), int(span[2])) if span else (_int(part), _int(part))
        if low is None or high is None or not 1 <= low <= high <= count:
            return None
        chosen.update(range(low - 1, high))
    return sorted(chosen) if chosen else None


def _int(part: str) -> int | None:
    part = part.rstrip(".")
    return int(part) if part.isdigit() else None
