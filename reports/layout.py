"""Table layout shared by the unit tables (Tổng hợp, Lũy kế, Đăng ký thi đua): the leading
columns (STT, Cụm/khối, Đơn vị) and the two header rows under the header block."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports.excel import HEAD, HEADER_ROWS, TEXT, TEXT_CENTER, Look, RowMaker, Styles, merge

NO_CLUSTER = "(Không thuộc cụm/khối)"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

Group = tuple[str, Sequence[str]]
"""A header group: its label on the top row, over one label per column on the second row."""


def lead_columns(clusters: Iterable[str]) -> list[str]:
    """STT, Cụm/khối (only when some unit is in a cluster) and Đơn vị."""
    return ["STT", "Cụm/khối", "Đơn vị"] if any(clusters) else ["STT", "Đơn vị"]


def lead_values(number: int, cluster: str, name: str, lead: Sequence[str]) -> list[object]:
    """The leading cells of a unit's row."""
    return [number, cluster, name] if len(lead) == 3 else [number, name]


def lead_looks(lead: Sequence[str]) -> list[Look]:
    """Looks of the leading cells."""
    return [TEXT_CENTER] + [TEXT] * (len(lead) - 1)


def lead_widths(lead: Sequence[str]) -> list[float]:
    """Widths of the leading columns."""
    return [5, 16, 26] if len(lead) == 3 else [5, 28]


def write_two_row_head(
    sheet: WriteOnlyWorksheet,
    styles: Styles,
    lead: Sequence[str],
    groups: Iterable[Group],
    tail: Sequence[str],
) -> None:
    """The table's two header rows right under the header block: ``lead`` and ``tail`` labels
    span both rows; each group's label spans its columns on the top row."""
    row = HEADER_ROWS + 1
    top: list[object] = list(lead)
    below: list[object] = [None] * len(lead)
    for label, labels in groups:
        merge(sheet, row, len(top) + 1, len(top) + len(labels))
        top += [label] + [None] * (len(labels) - 1)
        below += list(labels)
    top += list(tail)
    below += [None] * len(tail)
    for position in [*range(1, len(lead) + 1), *range(len(top) - len(tail) + 1, len(top) + 1)]:
        merge(sheet, row, position, position, rows=2)
    heads = RowMaker(sheet, styles, [HEAD] * len(top))
    sheet.append(heads.row(top))
    sheet.append(heads.row(below))


@dataclass(frozen=True)
class Cluster:
    """A cluster's block of a unit table: its numeral (I, II…), its name and the positions of
    its units in the report's unit list."""

    numeral: str
    name: str
    members: list[int]


def clusters_of(names: Sequence[str]) -> list[Cluster]:
    """Units grouped by cluster (cụm/khối) in the order clusters first appear, each unit's
    order kept: ``names`` is each unit's cluster name ("" for none). Empty when no unit is in
    a cluster (the table then lists units as they come, without subtotals)."""
    if not any(names):
        return []
    members: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        members.setdefault(name, []).append(index)
    return [
        Cluster(numeral(number), name or NO_CLUSTER, indexes)
        for number, (name, indexes) in enumerate(members.items(), 1)
    ]


def numeral(number: int) -> str:
    """``number`` (1…) as a Roman numeral, the way an administrative table numbers its parts
    (I, II, …, XIV); beyond 39 in Arabic figures."""
    if number >= 40:
        return str(number)
    tens, units = divmod(number, 10)
    return "X" * tens + (ROMAN[units - 1] if units else "")
