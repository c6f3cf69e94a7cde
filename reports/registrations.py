"""The registrations (đăng ký thi đua): a sheet of the consolidated workbook and a workbook of
its own (``/dangkythidua``).

One row per unit: an "x" under each title it aims for, its committed targets, when and by whom
it registered. The totals row counts the units per title.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.campaign_spec import ValueType
from reports.data import Column, RegistrationReport, RegistrationRow
from reports.excel import (
    HEAD,
    HEADER_ROWS,
    NUMBER_DEC,
    NUMBER_INT,
    NUMBER_YES_NO,
    TEXT,
    TEXT_CENTER,
    WHEN,
    Look,
    RowMaker,
    Styles,
    Target,
    add_sheet,
    merge,
    new_workbook,
    set_print,
    set_widths,
    total_look,
    write_header,
)

MARK = "x"
REGISTERED, NOT_REGISTERED = "Đã đăng ký", "Chưa đăng ký"


def write_registrations(report: RegistrationReport, target: Target) -> None:
    """Write the registrations workbook (one sheet, "Đăng ký thi đua") to ``target``."""
    book = new_workbook()
    write_registration_sheet(add_sheet(book, "Đăng ký thi đua"), Styles(book), report)
    book.save(target)


def _lead(report: RegistrationReport) -> list[str]:
    has_clusters = any(row.cluster for row in report.rows)
    return ["STT", "Cụm/khối", "Đơn vị"] if has_clusters else ["STT", "Đơn vị"]


def write_registration_sheet(
    sheet: WriteOnlyWorksheet, styles: Styles, report: RegistrationReport
) -> None:
    """Fill a sheet with the registrations: header block, two header rows, totals, units."""
    lead = _lead(report)
    titles, columns = list(report.titles), list(report.columns)
    tail = ["Tình trạng", "Thời gian đăng ký", "Người đăng ký"]
    lead_widths = [5, 16, 26] if len(lead) == 3 else [5, 28]
    widths = lead_widths + [12] * len(titles) + [14] * len(columns) + [14, 17, 22]
    set_widths(sheet, widths)
    first = HEADER_ROWS + 1
    sheet.freeze_panes = f"{get_column_letter(len(lead) + 1)}{first + 3}"
    width = set_print(sheet, (first, first + 1), widths, len(lead))
    sheet.row_dimensions[first + 1].height = 62
    header = report.header
    write_header(
        sheet,
        styles,
        width,
        issuing_body=header.issuing_body,
        title=header.title or "DANH SÁCH ĐĂNG KÝ THI ĐUA",
        lines=[header.campaign, header.period],
        generated_at=header.generated_at,
    )
    _head(sheet, styles, lead, titles, columns, tail)
    looks = (
        [TEXT_CENTER]
        + [TEXT] * (len(lead) - 1)
        + [TEXT_CENTER] * len(titles)
        + [_target_look(c) for c in columns]
        + [TEXT_CENTER, WHEN, TEXT]
    )
    maker = RowMaker(sheet, styles, looks)
    sheet.append(maker.row(_totals(report, lead), [total_look(look) for look in looks]))
    for number, row in enumerate(report.rows, 1):
        sheet.append(maker.row(_cells(number, row, lead, titles, report)))


def _target_look(column: Column) -> Look:
    if column.value_type is ValueType.INTEGER:
        return NUMBER_INT
    return NUMBER_YES_NO if column.value_type is ValueType.BOOLEAN else NUMBER_DEC


def _head(
    sheet: WriteOnlyWorksheet,
    styles: Styles,
    lead: list[str],
    titles: list[str],
    columns: list[Column],
    tail: list[str],
) -> None:
    row = HEADER_ROWS + 1
    top: list[object] = list(lead)
    below: list[object] = [None] * len(lead)
    for position in range(1, len(lead) + 1):
        merge(sheet, row, position, position, rows=2)
    if titles:
        merge(sheet, row, len(top) + 1, len(top) + len(titles))
        top += ["Danh hiệu đăng ký"] + [None] * (len(titles) - 1)
        below += titles
    if columns:
        merge(sheet, row, len(top) + 1, len(top) + len(columns))
        top += ["Chỉ tiêu cam kết"] + [None] * (len(columns) - 1)
        below += [_column_head(column) for column in columns]
    for position in range(len(top) + 1, len(top) + len(tail) + 1):
        merge(sheet, row, position, position, rows=2)
    top += tail
    below += [None] * len(tail)
    heads = RowMaker(sheet, styles, [HEAD] * len(top))
    sheet.append(heads.row(top))
    sheet.append(heads.row(below))


def _column_head(column: Column) -> str:
    return f"{column.name} ({column.measure_unit})" if column.measure_unit else column.name


def _totals(report: RegistrationReport, lead: list[str]) -> list[object]:
    cells: list[object] = [None] * len(lead)
    cells[-1] = "TỔNG SỐ ĐƠN VỊ"
    cells += [sum(title in row.titles for row in report.rows) for title in report.titles]
    cells += [None] * len(report.columns)
    registered = sum(row.registered_at is not None for row in report.rows)
    return [*cells, f"{registered}/{len(report.rows)} đã đăng ký", None, None]


def _cells(
    number: int,
    row: RegistrationRow,
    lead: list[str],
    titles: list[str],
    report: RegistrationReport,
) -> list[object]:
    cells: list[object] = [number, row.cluster, row.name] if len(lead) == 3 else [number, row.name]
    cells += [MARK if title in row.titles else None for title in titles]
    cells += [row.targets.get(column.code) for column in report.columns]
    status = REGISTERED if row.registered_at is not None else NOT_REGISTERED
    return [*cells, status, row.registered_at, row.registered_by or None]
