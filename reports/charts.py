"""Sheet "Biểu đồ": the share of targets met per unit and the reporting rate per cluster.

The charts read two small tables on the same sheet (columns A-B and D-F), so the numbers
behind every bar are visible and can be copied.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports.data import ConsolidatedReport
from reports.excel import HEAD, NUMBER_PCT, TEXT, RowMaker, Styles, set_print, set_widths
from reports.progress import tallies
from reports.totals import Ranking

CHART_UNITS = 50
"""At most this many units (the best ranked) are drawn; the table lists them all."""


def add_charts(
    sheet: WriteOnlyWorksheet, styles: Styles, report: ConsolidatedReport, ranks: Ranking
) -> None:
    """Write both tables and both bar charts on ``sheet``."""
    ranked = sorted(
        (
            (rank, unit.name, share)
            for unit, share, rank in zip(report.units, ranks.shares, ranks.ranks, strict=True)
            if rank is not None and share is not None
        ),
        key=lambda item: item[0],
    )
    groups = tallies(report.units)
    widths = [28, 14, 3, 24, 14, 14]
    set_widths(sheet, widths)
    set_print(sheet, None, widths)
    looks = [TEXT, NUMBER_PCT, TEXT, TEXT, NUMBER_PCT, NUMBER_PCT]
    head = ["Đơn vị", "Tỷ lệ chỉ tiêu đạt", None, "Cụm/khối", "Tỷ lệ báo cáo", "Tỷ lệ đúng hạn"]
    sheet.append(RowMaker(sheet, styles, [HEAD, HEAD, TEXT, HEAD, HEAD, HEAD]).row(head))
    maker = RowMaker(sheet, styles, looks)
    for index in range(max(len(ranked), len(groups))):
        cells: list[object] = [None] * 6
        if index < len(ranked):
            cells[0], cells[1] = ranked[index][1], ranked[index][2]
        if index < len(groups):
            group = groups[index]
            cells[3:6] = [group.name, group.reporting_rate, group.timeliness]
        sheet.append(maker.row(cells))
    if ranked:
        sheet.add_chart(_achievement_chart(sheet, min(len(ranked), CHART_UNITS)), "H2")
    sheet.add_chart(_rate_chart(sheet, len(groups)), "H40" if ranked else "H2")


def _achievement_chart(sheet: WriteOnlyWorksheet, count: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: unit names stay readable
    chart.style = 10
    chart.title = "Tỷ lệ chỉ tiêu đạt theo đơn vị"
    chart.y_axis.title = "Tỷ lệ chỉ tiêu đạt"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.scaling.orientation = "maxMin"  # best ranked at the top
    data = Reference(sheet, min_col=2, min_row=1, max_row=count + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=count + 1))
    chart.legend = None
    chart.width = 18
    chart.height = max(7.5, 0.55 * count)
    return chart


def _rate_chart(sheet: WriteOnlyWorksheet, count: int) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.style = 10
    chart.title = "Tỷ lệ báo cáo và đúng hạn"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    data = Reference(sheet, min_col=5, max_col=6, min_row=1, max_row=count + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=4, min_row=2, max_row=count + 1))
    chart.width = 18
    chart.height = 9
    return chart
