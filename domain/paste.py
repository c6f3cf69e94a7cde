"""A whole report pasted in one message: which line goes to which data element.

Issue 13, "the fast path": a reporter may paste every figure at once, one per line, in the order
the bot asks them, or as ``tên hoặc số thứ tự: giá trị`` ("4: 13 tỷ", "Tổng số trường học: 12").
Lines are never joined: each non-empty line is one answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.text import fold

# "4: 13 tỷ", "4 = 13", "4) 13", "4. 13" (a dot only with a space after it: "4.500" is a number)
_BY_NUMBER = re.compile(
    r"^\s*(?:(?:số|so|chỉ tiêu|chi tieu|ct)\s*)?(\d{1,3})\s*(?:[:=)]|\.\s)\s*(.+)$", re.IGNORECASE
)
# "Tổng số trường học: 12"
_BY_NAME = re.compile(r"^\s*([^:]{2,}?)\s*:\s*(.+)$")
# A leading bullet or dash the person typed before a value ("- 12.500", "• 300").
_BULLET = re.compile(r"^\s*[-•*+–]\s+")


@dataclass(frozen=True)
class PastedLine:
    """One line of a pasted message.

    ``line`` is its 1-based number among the message's lines; ``text`` the answer part (what
    follows a ``label:``, else the whole line); ``element`` the 0-based index of the data element
    the line named, or None when it names none (it then goes in the order asked).
    """

    line: int
    text: str
    element: int | None
    unknown_label: str = ""


@dataclass(frozen=True)
class Placed:
    """A line and the 0-based element it goes to; None when there were more lines than
    elements, or when the line's label names no element or several (``unknown_label``): such
    a line is never put on an element by its order."""

    line: int
    text: str
    element: int | None
    unknown_label: str = ""


def is_paste(text: str) -> bool:
    """True when ``text`` holds more than one non-empty line."""
    return sum(1 for line in text.splitlines() if line.strip()) > 1


def split_lines(text: str, names: Sequence[str]) -> list[PastedLine]:
    """The non-empty lines of ``text``, each with the element it names, if any.

    A line names an element by its number (``4: 13 tỷ``, ``4) 13``, ``4. 13``, 1 to
    ``len(names)``) or by a label before a colon that is, or is part of, exactly one element's
    name, with or without diacritics (``Tổng số trường học: 12``, ``truong hoc: 12``). A
    label that names no element or several is kept in ``unknown_label``: that line goes
    nowhere rather than onto the element its order would give.
    """
    folded_names = [fold(name) for name in names]
    lines: list[PastedLine] = []
    for number, raw in enumerate((line for line in text.splitlines() if line.strip()), 1):
        line = _BULLET.sub("", raw).strip()
        lines.append(_named(number, line, folded_names))
    return lines


def _named(number: int, line: str, names: list[str]) -> PastedLine:
    by_number = _BY_NUMBER.match(line)
    if by_number and 1 <= int(by_number[1]) <= len(names):
        return PastedLine(number, by_number[2].strip(), int(by_number[1]) - 1)
    by_name = _BY_NAME.match(line)
    if by_name:
        label = fold(by_name[1])
        found = [i for i, name in enumerate(names) if name == label or label in name]
        exact = [i for i, name in enumerate(names) if name == label]
        chosen = exact or found
        if len(chosen) == 1:
            return PastedLine(number, by_name[2].strip(), chosen[0])
        if any(ch.isalpha() for ch in label):
            return PastedLine(number, line, None, unknown_label=by_name[1].strip())
    return PastedLine(number, line, None)


def place(
    lines: Sequence[PastedLine], start: int, count: int, filled: frozenset[int] = frozenset()
) -> list[Placed]:
    """Give every line its element: a named line its own, the others in order from ``start``
    (0-based), skipping elements that a named line took and those in ``filled`` (already
    answered); lines past the last element get None. When the same element is given twice,
    the later line wins (it is listed after)."""
    named = {line.element for line in lines if line.element is not None}
    free = iter([i for i in range(start, count) if i not in named and i not in filled])
    return [
        Placed(line.line, line.text, line.element)
        if line.element is not None
        else Placed(line.line, line.text, None, line.unknown_label)
        if line.unknown_label
        else Placed(line.line, line.text, next(free, None))
        for line in lines
    ]
