"""The consolidated workbook of one campaign period (báo cáo tổng hợp): plain rows in, .xlsx out.

Sheets, in order: "Tổng hợp" (every unit's figures against targets, totals, ranking),
"Tiến độ" (reporting rate and timeliness, the units still missing with their phones),
"Lũy kế" (year-to-date figures period by period; only for campaigns with cumulative
elements), "Đăng ký thi đua", "Chi tiết" (one row per value, with an autofilter, for pivot
tables) and "Biểu đồ" (charts).

Totals are values, not formulas: openpyxl cannot store a formula's result, and the phone
previews office staff open a file in (Telegram, Zalo) show an uncomputed formula as empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.campaign_spec import ValueType
from reports.charts import add_charts
from reports.data import Column, ConsolidatedReport, ReportStatus, UnitRow, Value
from reports.excel import (
    HEAD,
    HEADER_ROWS,
    NUMBER_DEC,
    NUMBER_INT,
    NUMBER_PCT,
    NUMBER_YES_NO,
    TEXT,
    TEXT_CENTER,
    WHEN,
    Look,
    RowMaker,
    Styles,
    Target,
    add_sheet,
    new_workbook,
    page_breaks,
    set_print,
    set_widths,
    shown_width,
    subtotal_look,
    total_look,
    write_header,
    write_signature,
)
from reports.layout import (
    Cluster,
    Group,
    clusters_of,
    lead_columns,
    lead_looks,
    lead_values,
    lead_widths,
    write_two_row_head,
)
from reports.progress import write_progress
from reports.registrations import column_title, write_registration_sheet
from reports.totals import Ranking, Result, column_total, ranking, shows_target, unit_results

TOTAL_LABEL = "TỔNG CỘNG"
MET, NOT_MET = "Đạt", "Chưa đạt"


def write_consolidated(report: ConsolidatedReport, target: Target) -> None:
    """Write the consolidated workbook of ``report`` to ``target`` (a path or binary file).

    Streams: ``report.details`` is consumed once and never held. Raises only what openpyxl
    or the file system raise (OSError for an unwritable path).
    """
    book = new_workbook()
    styles = Styles(book)
    ranks = ranking(report.columns, report.units)
    write_summary(add_sheet(book, "Tổng hợp"), styles, report, ranks)
    write_progress(add_sheet(book, "Tiến độ"), styles, report)
    if any(column.cumulative for column in report.columns):
        write_cumulative(add_sheet(book, "Lũy kế"), styles, report)
    write_registration_sheet(add_sheet(book, "Đăng ký thi đua"), styles, report.registrations)
    write_details(add_sheet(book, "Chi tiết"), styles, report)
    add_charts(add_sheet(book, "Biểu đồ"), styles, report, ranks)
    book.save(target)


# --------------------------------------------------------------------------- Tổng hợp


@dataclass(frozen=True)
class _Layout:
    """Where things go on sheet "Tổng hợp": the leading columns and each column's block."""

    lead: list[str]  # STT, Cụm/khối (when there are clusters), Đơn vị
    columns: Sequence[Column]
    targeted: list[bool]  # per column: value, target and % (True) or the value alone

    @property
    def width(self) -> int:
        return len(self.lead) + sum(3 if t else 1 for t in self.targeted) + len(_TAIL)


_TAIL = ("Tình trạng", "Thời gian nộp", "Người nộp", "Tỷ lệ chỉ tiêu đạt", "Xếp hạng")
_TAIL_LOOKS = (TEXT_CENTER, WHEN, TEXT, NUMBER_PCT, Look("0", horizontal="center"))


def value_look(column: Column) -> Look:
    """How a column's values look: whole numbers, decimals, yes/no or text."""
    if column.value_type is ValueType.BOOLEAN:
        return NUMBER_YES_NO
    if column.value_type is ValueType.TEXT:
        return TEXT
    if column.value_type is ValueType.INTEGER:
        return NUMBER_INT
    return NUMBER_DEC


def write_summary(
    sheet: WriteOnlyWorksheet, styles: Styles, report: ConsolidatedReport, ranks: Ranking
) -> None:
    """Sheet "Tổng hợp": header block, two header rows, the totals row, then the units — by
    cluster (cụm/khối) when there are clusters, each cluster under a subtotal row whose shares
    are recomputed from the cluster's sums like the grand total's — and the signatures."""
    lead = lead_columns(u.cluster for u in report.units)
    layout = _Layout(lead, report.columns, [shows_target(c, report.units) for c in report.columns])
    looks = _row_looks(layout)
    total = _total_row(report.units, layout)
    first_page, widths = _summary_setup(sheet, layout, _fitting(total, looks))
    header = report.header
    write_header(
        sheet,
        styles,
        first_page,
        issuing_body=header.issuing_body,
        title=header.title,
        lines=[header.campaign, f"Kỳ báo cáo: {header.period}"],
        generated_at=header.generated_at,
        signing=header.signing,
    )
    _write_table_head(sheet, styles, layout)
    maker = RowMaker(sheet, styles, looks, fit=True)
    sheet.append(maker.row(total, [total_look(k) for k in looks]))
    groups = clusters_of([unit.cluster for unit in report.units])
    order: list[tuple[Cluster | None, list[UnitRow], list[int]]] = [
        (group, [report.units[i] for i in group.members], group.members) for group in groups
    ] or [(None, list(report.units), list(range(len(report.units))))]
    number = 0
    for group, units, members in order:
        if group is not None:
            row = _total_row(units, layout, group)
            sheet.append(maker.row(row, [subtotal_look(k) for k in looks]))
        for index, unit in zip(members, units, strict=True):
            number += 1
            share, rank = ranks.shares[index], ranks.ranks[index]
            sheet.append(maker.row(_unit_row(number, unit, layout, share, rank)))
    rows = len(report.units) + len(groups)
    _highlight_shortfalls(sheet, layout, rows)
    last = HEADER_ROWS + 3 + rows  # two head rows, the totals, the clusters and units
    # under the last printed page's columns (right of the repeated ones): the page signed
    breaks = page_breaks(widths, len(layout.lead), _blocks(layout))
    skip = breaks[-1] if breaks else len(layout.lead)
    write_signature(sheet, styles, widths[skip:], header.signing, last + 1, skip)


def _blocks(layout: _Layout) -> list[int]:
    """The column groups printed whole: each element's (value, target, %), then the tail."""
    return [3 if targeted else 1 for targeted in layout.targeted] + [len(_TAIL)]


def _fitting(cells: Sequence[object], looks: Sequence[Look]) -> list[float]:
    """Per column, the width (characters) the totals row's figure needs as shown: the
    grand total of a sum is its column's widest figure, and a figure wider than its column
    would print as "###"."""
    return [shown_width(cell, look) for cell, look in zip(cells, looks, strict=True)]


def _summary_setup(
    sheet: WriteOnlyWorksheet, layout: _Layout, needed: Sequence[float]
) -> tuple[int, list[float]]:
    """Widths (at least ``needed``), frozen panes and printing of "Tổng hợp": the first
    printed page's column count and every column's width."""
    widths = lead_widths(layout.lead)
    for column, targeted in zip(layout.columns, layout.targeted, strict=True):
        base = 24 if column.value_type is ValueType.TEXT else 13
        widths += [base, 12, 9] if targeted else [base]
    widths += [13, 16, 20, 11, 8]
    widths = [max(width, need) for width, need in zip(widths, needed, strict=True)]
    blocks = _blocks(layout)
    set_widths(sheet, widths)
    first_table_row = HEADER_ROWS + 1
    sheet.freeze_panes = f"{get_column_letter(len(layout.lead) + 1)}{first_table_row + 3}"
    first_page = set_print(
        sheet, (first_table_row, first_table_row + 1), widths, len(layout.lead), blocks
    )
    sheet.row_dimensions[first_table_row].height = 78
    sheet.row_dimensions[first_table_row + 1].height = 30
    return first_page, widths


def _write_table_head(sheet: WriteOnlyWorksheet, styles: Styles, layout: _Layout) -> None:
    groups: list[Group] = []
    for column, targeted in zip(layout.columns, layout.targeted, strict=True):
        unit = f"({column.measure_unit})" if column.measure_unit else ""
        below = [f"Thực hiện {unit}".strip(), "Chỉ tiêu", "% đạt"] if targeted else [unit]
        groups.append((column.name, below))
    write_two_row_head(sheet, styles, layout.lead, groups, _TAIL)


def _row_looks(layout: _Layout) -> list[Look]:
    looks = lead_looks(layout.lead)
    for column, targeted in zip(layout.columns, layout.targeted, strict=True):
        look = value_look(column)
        looks += [look, look, NUMBER_PCT] if targeted else [look]
    return looks + list(_TAIL_LOOKS)


def _cells(results: list[Result], targeted: list[bool]) -> list[object]:
    cells: list[object] = []
    for result, with_target in zip(results, targeted, strict=True):
        cells.append(result.value)
        if with_target:
            cells += [result.target, _achieved(result)]
    return cells


def _achieved(result: Result) -> object:
    """The % achieved, or "Đạt"/"Chưa đạt" where a percentage is undefined (a target of 0)."""
    if result.achievement is not None:
        return result.achievement
    if result.met is None:
        return None
    return MET if result.met else NOT_MET


def _unit_row(
    number: int, unit: UnitRow, layout: _Layout, share: Decimal | None, rank: int | None
) -> list[object]:
    results = unit_results(layout.columns, unit)
    tail = [unit.status.value, unit.submitted_at, unit.submitted_by or None, share, rank]
    return (
        lead_values(number, unit.cluster, unit.name, layout.lead)
        + _cells(results, layout.targeted)
        + tail
    )


def _total_row(
    units: Sequence[UnitRow], layout: _Layout, group: Cluster | None = None
) -> list[object]:
    """The totals of ``units`` (all of them, or one cluster's under its numeral and name),
    recomputed from their sums by each element's aggregation (:func:`column_total`)."""
    reported = [u.values for u in units if u.status is not ReportStatus.MISSING]
    whole = group is None
    results = [column_total(c, reported, len(units), whole=whole) for c in layout.columns]
    lead: list[object] = [None] * len(layout.lead)
    if group is None:
        lead[-1] = TOTAL_LABEL
    else:
        lead[0], lead[-1] = group.numeral, group.name
    tail = [f"{len(reported)}/{len(units)} đã báo cáo", None, None, None, None]
    return lead + _cells(results, layout.targeted) + tail


def _highlight_shortfalls(sheet: WriteOnlyWorksheet, layout: _Layout, unit_count: int) -> None:
    """Show a % achieved under 100% in red (a conditional format, so it follows edits)."""
    first = HEADER_ROWS + 3
    last = first + unit_count
    position = len(layout.lead)
    red = CellIsRule(operator="lessThan", formula=["1"], font=Font(color="C00000"))
    for targeted in layout.targeted:
        position += 3 if targeted else 1
        if targeted:
            letter = get_column_letter(position)
            sheet.conditional_formatting.add(f"{letter}{first}:{letter}{last}", red)


# --------------------------------------------------------------------------- Lũy kế


def write_cumulative(sheet: WriteOnlyWorksheet, styles: Styles, report: ConsolidatedReport) -> None:
    """Sheet "Lũy kế": each cumulative element's year-to-date figure, period by period; units
    by cluster under subtotal rows, as on "Tổng hợp"."""
    columns = [c for c in report.columns if c.cumulative]
    periods = list(report.periods)
    lead = lead_columns(u.cluster for u in report.units)
    widths = lead_widths(lead) + [12] * (len(columns) * len(periods))
    set_widths(sheet, widths)
    first_table_row = HEADER_ROWS + 1
    sheet.freeze_panes = f"{get_column_letter(len(lead) + 1)}{first_table_row + 3}"
    blocks = [len(periods)] * len(columns)
    width = set_print(sheet, (first_table_row, first_table_row + 1), widths, len(lead), blocks)
    sheet.row_dimensions[first_table_row].height = 62
    write_header(
        sheet,
        styles,
        width,
        issuing_body=report.header.issuing_body,
        title="BẢNG LŨY KẾ THỰC HIỆN CHỈ TIÊU THI ĐUA",
        lines=[report.header.campaign, f"Lũy kế đến hết {report.period.name}"],
        generated_at=report.header.generated_at,
        signing=report.header.signing,
    )
    names = [period.name for period in periods]
    write_two_row_head(sheet, styles, lead, [(column_title(c), names) for c in columns], ())
    looks = lead_looks(lead) + [value_look(c) for c in columns for _p in periods]
    maker = RowMaker(sheet, styles, looks, fit=True)
    by_unit = [
        [_period_values(u, report.period.code, p.code) for p in periods] for u in report.units
    ]

    def totals(members: Sequence[int]) -> list[object]:
        return [
            column_total(c, [by_unit[m][i] for m in members if by_unit[m][i]], len(members)).value
            for c in columns
            for i in range(len(periods))
        ]  # values only: this sheet shows no targets

    lead_cells: list[object] = [None] * len(lead)
    lead_cells[-1] = TOTAL_LABEL
    everyone = range(len(report.units))
    sheet.append(maker.row(lead_cells + totals(everyone), [total_look(k) for k in looks]))
    groups: list[Cluster | None] = [*clusters_of([unit.cluster for unit in report.units])]
    number = 0
    for group in groups or [None]:
        members = group.members if group else list(everyone)
        if group is not None:
            cells: list[object] = [None] * len(lead)
            cells[0], cells[-1] = group.numeral, group.name
            sheet.append(maker.row(cells + totals(members), [subtotal_look(k) for k in looks]))
        for index in members:
            number += 1
            unit, values = report.units[index], by_unit[index]
            figures = [values[i].get(c.code) for c in columns for i in range(len(periods))]
            sheet.append(maker.row(lead_values(number, unit.cluster, unit.name, lead) + figures))


def _period_values(unit: UnitRow, current: str, code: str) -> Mapping[str, Value]:
    """A unit's values of period ``code`` (this period's only when it has reported)."""
    if code == current:
        return unit.values if unit.status is not ReportStatus.MISSING else {}
    return unit.history.get(code, {})


# --------------------------------------------------------------------------- Chi tiết

_DETAIL_HEAD = (
    "Cụm/khối",
    "Đơn vị",
    "Kỳ báo cáo",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Giá trị",
    "Người nhập",
    "Thời gian nhập",
    "Số lần sửa",
    "Lý do sửa gần nhất",
)
_DETAIL_LOOKS = (
    TEXT,
    TEXT,
    TEXT_CENTER,
    TEXT,
    TEXT_CENTER,
    NUMBER_DEC,
    TEXT,
    WHEN,
    NUMBER_INT,
    TEXT,
)


_VALUE = _DETAIL_HEAD.index("Giá trị")
DETAIL_WIDTHS = (14, 20, 18, 34, 10, 13, 18, 16, 7, 22)
"""Columns of "Chi tiết": 172 characters, one A4 landscape page wide at about 75% (it was 215,
shrunk to an unreadable 55%); long names wrap and their rows grow."""


def _is_whole(value: object) -> bool:
    """A count or any whole figure: shown without decimals ("410", not "410,00")."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return value == int(value)


def write_details(sheet: WriteOnlyWorksheet, styles: Styles, report: ConsolidatedReport) -> None:
    """Sheet "Chi tiết": a plain table from row 1 with an autofilter, ready for a pivot table.

    Text values sit in the numeric "Giá trị" column as text; yes/no values are 1/0.
    """
    widths = DETAIL_WIDTHS
    set_widths(sheet, widths)
    sheet.freeze_panes = "A2"
    set_print(sheet, (1, 1), widths)
    heads = RowMaker(sheet, styles, [HEAD] * len(_DETAIL_HEAD))
    sheet.row_dimensions[1].height = 32
    sheet.append(heads.row(_DETAIL_HEAD))
    maker = RowMaker(sheet, styles, _DETAIL_LOOKS, fit=True)
    whole = list(_DETAIL_LOOKS)
    whole[_VALUE] = NUMBER_INT
    count = 0
    for detail in report.details:
        count += 1
        sheet.append(
            maker.row(
                (
                    detail.cluster,
                    detail.unit,
                    detail.period,
                    detail.element,
                    detail.measure_unit,
                    detail.value,
                    detail.entered_by,
                    detail.entered_at,
                    detail.changes,
                    detail.last_reason or None,
                ),
                whole if _is_whole(detail.value) else None,
            )
        )
    last_column = get_column_letter(len(_DETAIL_HEAD))
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
