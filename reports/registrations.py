"""The registrations (đăng ký thi đua): a sheet of the consolidated workbook and a workbook of
its own (``/dangkythidua``).

One row per unit: an "x" under each title it aims for, its committed targets, when and by whom
it registered. The totals row counts the units per title.

When any unit names people for individual titles or models and initiatives, two columns of
wrapped text follow the targets: "Cá nhân đăng ký" (one line a person: "Nguyễn Văn An (trưởng
thôn) — Lao động tiên tiến") and "Mô hình, sáng kiến" ("Dân vận khéo: mô tả"); the totals row
counts the people and the models. They stay with their unit on the printed page, where a
second sheet would have to repeat the unit on every line.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.campaign_spec import ValueType
from reports.data import (
    Column,
    InitiativeLine,
    NomineeLine,
    RegistrationReport,
    RegistrationRow,
)
from reports.excel import (
    HEADER_ROWS,
    NUMBER_DEC,
    NUMBER_INT,
    NUMBER_YES_NO,
    PAGE_WIDTH,
    TEXT,
    TEXT_CENTER,
    WHEN,
    Look,
    RowMaker,
    Styles,
    Target,
    add_sheet,
    new_workbook,
    set_print,
    set_widths,
    total_look,
    write_header,
)
from reports.layout import (
    Group,
    lead_columns,
    lead_looks,
    lead_values,
    lead_widths,
    write_two_row_head,
)

MARK = "x"
REGISTERED, NOT_REGISTERED = "Đã đăng ký", "Chưa đăng ký"


def write_registrations(report: RegistrationReport, target: Target) -> None:
    """Write the registrations workbook (one sheet, "Đăng ký thi đua") to ``target``."""
    book = new_workbook()
    write_registration_sheet(add_sheet(book, "Đăng ký thi đua"), Styles(book), report)
    book.save(target)


def write_registration_sheet(
    sheet: WriteOnlyWorksheet, styles: Styles, report: RegistrationReport
) -> None:
    """Fill a sheet with the registrations: header block, two header rows, totals, units."""
    lead = lead_columns(row.cluster for row in report.rows)
    titles, columns = list(report.titles), list(report.columns)
    named = _has_named(report)
    tail = [*(NAMED if named else ()), "Tình trạng", "Thời gian đăng ký", "Người đăng ký"]
    widths = lead_widths(lead) + [12] * len(titles) + [14] * len(columns) + [14, 17, 22]
    if named:
        at = len(widths) - 3
        widths[at:at] = _named_widths(PAGE_WIDTH - sum(widths))
    set_widths(sheet, widths)
    first = HEADER_ROWS + 1
    sheet.freeze_panes = f"{get_column_letter(len(lead) + 1)}{first + 3}"
    blocks = [len(titles)] if titles else []  # the titles print side by side
    width = set_print(sheet, (first, first + 1), widths, len(lead), blocks)
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
        signing=header.signing,
    )
    groups: list[Group] = []
    if titles:
        groups.append(("Danh hiệu đăng ký", titles))
    if columns:
        groups.append(("Chỉ tiêu cam kết", [column_title(column) for column in columns]))
    write_two_row_head(sheet, styles, lead, groups, tail)
    looks = (
        lead_looks(lead)
        + [TEXT_CENTER] * len(titles)
        + [_target_look(c) for c in columns]
        + ([TEXT, TEXT] if named else [])
        + [TEXT_CENTER, WHEN, TEXT]
    )
    maker = RowMaker(sheet, styles, looks, fit=True)
    totals = _totals(report, lead, named)
    sheet.append(maker.row(totals, [total_look(look) for look in looks]))
    at = len(lead) + len(titles) + len(columns)  # the column of people, when shown
    for number, row in enumerate(report.rows, 1):
        cells = _cells(number, row, lead, titles, report, named)
        if named:  # neither Excel nor LibreOffice grows a written row to fit its text
            lines = max(_line_count(cells[at + i], widths[at + i]) for i in (0, 1))
            if lines > 1:
                sheet.row_dimensions[first + 2 + number].height = LINE_HEIGHT * lines + 3
        sheet.append(maker.row(cells))


def _named_widths(room: float) -> list[float]:
    """Widths of the columns of people and models: what is left of one printed page's width,
    within bounds (a table already a page wide gets narrow columns of taller rows)."""
    return [min(max(room * 0.55, 22), 44), min(max(room * 0.45, 18), 38)]


LINE_HEIGHT = 14.5
"""Points a line of the table's 11-point text takes."""


def _line_count(text: object, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (a little less
    fits, to be safe)."""
    if not isinstance(text, str):
        return 1
    room = max(int(width) - 3, 10)
    return sum(max(1, -(-len(line) // room)) for line in text.split("\n"))


NAMED = ("Cá nhân đăng ký", "Mô hình, sáng kiến")
"""The headers of the two columns of people and models."""


def _has_named(report: RegistrationReport) -> bool:
    """True when some unit names people or models (the two columns are shown)."""
    return any(row.nominees or row.initiatives for row in report.rows)


def nominee_text(nominee: NomineeLine) -> str:
    """ "Nguyễn Văn An (trưởng thôn) — Lao động tiên tiến"."""
    person = f"{nominee.full_name} ({nominee.position})" if nominee.position else nominee.full_name
    return f"{person} — {nominee.title}" if nominee.title else person


def initiative_text(initiative: InitiativeLine) -> str:
    """ "Dân vận khéo: vận động nhân dân hiến đất làm đường", or the name alone."""
    if initiative.description:
        return f"{initiative.name}: {initiative.description}"
    return initiative.name


def _lines(texts: list[str]) -> str | None:
    """One text a line, numbered when there are several (a wrapped line then still reads as
    the same person); None when there is none."""
    if len(texts) > 1:
        texts = [f"{n}. {text}" for n, text in enumerate(texts, 1)]
    return "\n".join(texts) or None


def _target_look(column: Column) -> Look:
    if column.value_type is ValueType.INTEGER:
        return NUMBER_INT
    return NUMBER_YES_NO if column.value_type is ValueType.BOOLEAN else NUMBER_DEC


def column_title(column: Column) -> str:
    """An element's name with its measure unit: "Sản lượng lúa (tấn)"."""
    return f"{column.name} ({column.measure_unit})" if column.measure_unit else column.name


def _totals(report: RegistrationReport, lead: list[str], named: bool) -> list[object]:
    cells: list[object] = [None] * len(lead)
    cells[-1] = "TỔNG SỐ ĐƠN VỊ"
    cells += [sum(title in row.titles for row in report.rows) for title in report.titles]
    cells += [None] * len(report.columns)
    if named:
        people = sum(len(row.nominees) for row in report.rows)
        models = sum(len(row.initiatives) for row in report.rows)
        cells += [f"{people} cá nhân", f"{models} mô hình, sáng kiến"]
    registered = sum(row.registered_at is not None for row in report.rows)
    return [*cells, f"{registered}/{len(report.rows)} đã đăng ký", None, None]


def _cells(
    number: int,
    row: RegistrationRow,
    lead: list[str],
    titles: list[str],
    report: RegistrationReport,
    named: bool,
) -> list[object]:
    cells = lead_values(number, row.cluster, row.name, lead)
    cells += [MARK if title in row.titles else None for title in titles]
    cells += [row.targets.get(column.code) for column in report.columns]
    if named:
        cells.append(_lines([nominee_text(n) for n in row.nominees]))
        cells.append(_lines([initiative_text(i) for i in row.initiatives]))
    status = REGISTERED if row.registered_at is not None else NOT_REGISTERED
    return [*cells, status, row.registered_at, row.registered_by or None]
