"""Table layout shared by the unit tables (Tổng hợp, Lũy kế, Đăng ký thi đua): the leading
columns (STT, Cụm/khối, Đơn vị) and the two header rows under the header block."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports.excel import HEAD, HEADER_ROWS, TEXT, TEXT_CENTER, Look, RowMaker, Styles, merge

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
