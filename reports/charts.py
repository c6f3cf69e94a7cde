"""Sheet "Biểu đồ": the share of targets met per unit and the reporting rate per cluster.

Under the administrative header block, the two charts one above the other, as wide as the
printed page; below them the two small tables they read (columns A-B and D-F), so the numbers
behind every bar are visible and can be copied.
"""

from __future__ import annotations

import math

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from reports.data import ConsolidatedReport
from reports.excel import (
    HEAD,
    HEADER_ROWS,
    NUMBER_PCT,
    TEXT,
    RowMaker,
    Styles,
    set_print,
    set_widths,
    write_header,
)
from reports.progress import tallies
from reports.totals import Ranking

CHART_UNITS = 50
"""At most this many units (the best ranked) are drawn; the table lists them all."""

WIDTHS = (30, 16, 3, 26, 16, 16)
"""Columns A-F: 107 characters, about 23.5 cm at 100%, what one A4 landscape page holds."""
CHART_WIDTH = 23.0  # cm, the tables' width
ROW_CM = 0.53
"""A row of the default height (15 points) in centimetres."""
BAR_CM = 0.6
"""Height per unit bar in centimetres: each unit's name stays readable beside its bar."""
PAGE_CM = 17.0
"""The tallest chart one A4 landscape page holds at :data:`SCALE` (17.6 cm between the
margins)."""
SCALE = 95
"""Print scale (%): a fixed one, since a sheet fitted to its width ignores manual breaks."""


def add_charts(
    sheet: WriteOnlyWorksheet, styles: Styles, report: ConsolidatedReport, ranks: Ranking
) -> None:
    """Write the header block, both bar charts and, below them, both tables on ``sheet``."""
    ranked = sorted(
        (
            (rank, unit.name, share)
            for unit, share, rank in zip(report.units, ranks.shares, ranks.ranks, strict=True)
            if rank is not None and share is not None
        ),
        key=lambda item: item[0],
    )
    groups = tallies(report.units)
    set_widths(sheet, WIDTHS)
    set_print(sheet, None, WIDTHS)
    write_header(
        sheet,
        styles,
        len(WIDTHS),
        issuing_body=report.header.issuing_body,
        title="BIỂU ĐỒ KẾT QUẢ THI ĐUA",
        lines=[report.header.campaign, f"Kỳ báo cáo: {report.header.period}"],
        generated_at=report.header.generated_at,
        signing=report.header.signing,
    )
    drawn = min(len(ranked), CHART_UNITS)
    achievement = _achievement_chart(drawn) if ranked else None
    rates = _rate_chart()
    # page 1: the header and the (short) rates chart; then the units' chart on a page of its
    # own; then the tables
    rates_at = HEADER_ROWS + 2
    units_at = rates_at + _rows(rates.height)
    table = units_at + (_rows(achievement.height) if achievement else 0)  # the tables' head
    _print_in_pages(sheet, [units_at - 1, table - 1] if achievement else [table - 1])
    for _blank in range(HEADER_ROWS, table - 1):
        sheet.append([])
    looks = [TEXT, NUMBER_PCT, TEXT, TEXT, NUMBER_PCT, NUMBER_PCT]
    head = ["Đơn vị", "Tỷ lệ chỉ tiêu đạt", None, "Cụm/khối", "Tỷ lệ báo cáo", "Tỷ lệ đúng hạn"]
    sheet.append(RowMaker(sheet, styles, [HEAD, HEAD, TEXT, HEAD, HEAD, HEAD]).row(head))
    maker = RowMaker(sheet, styles, looks, fit=True)
    for index in range(max(len(ranked), len(groups))):
        cells: list[object] = [None] * 6
        if index < len(ranked):
            cells[0], cells[1] = ranked[index][1], ranked[index][2]
        if index < len(groups):
            group = groups[index]
            cells[3:6] = [group.name, group.reporting_rate, group.timeliness]
        sheet.append(maker.row(cells))
    if achievement is not None:
        values = Reference(sheet, min_col=2, min_row=table, max_row=table + drawn)
        achievement.add_data(values, titles_from_data=True)
        names = Reference(sheet, min_col=1, min_row=table + 1, max_row=table + drawn)
        achievement.set_categories(names)
        sheet.add_chart(achievement, f"A{units_at}")
    values = Reference(sheet, min_col=5, max_col=6, min_row=table, max_row=table + len(groups))
    rates.add_data(values, titles_from_data=True)
    rates.set_categories(
        Reference(sheet, min_col=4, min_row=table + 1, max_row=table + len(groups))
    )
    sheet.add_chart(rates, f"A{rates_at}")


def _print_in_pages(sheet: WriteOnlyWorksheet, after_rows: list[int]) -> None:
    """A new printed page after each of ``after_rows`` (1-based), at :data:`SCALE`."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = SCALE
    for row in after_rows:
        sheet.row_breaks.append(Break(id=row))


def _rows(height_cm: float) -> int:
    """Rows a chart ``height_cm`` tall covers, and one to spare below it."""
    return math.ceil(height_cm / ROW_CM) + 1


def _labelled(chart: BarChart) -> BarChart:
    """Both axes shown, every category labelled, each bar's value written on it."""
    chart.style = 10
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # LibreOffice and Excel otherwise skip names that crowd
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    chart.dataLabels.numFmt = "0%"
    chart.width = CHART_WIDTH
    return chart


def _achievement_chart(count: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: unit names stay readable
    chart.title = "Tỷ lệ chỉ tiêu đạt theo đơn vị"
    chart.y_axis.title = "Tỷ lệ chỉ tiêu đạt"
    chart.x_axis.scaling.orientation = "maxMin"  # best ranked at the top
    chart.legend = None
    _labelled(chart)
    chart.height = min(max(8.0, BAR_CM * count + 3), PAGE_CM)
    return chart


def _rate_chart() -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = "Tỷ lệ báo cáo và đúng hạn"
    _labelled(chart)
    chart.legend.position = "b"
    chart.height = 9.0
    return chart
