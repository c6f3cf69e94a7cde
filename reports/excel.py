"""Workbook plumbing shared by every report: styles, safe cells, the header block, printing.

Workbooks are written with openpyxl's write-only mode, which streams rows to disk, so a
campaign of 10,000 units does not need the whole sheet in memory. A row is serialised the
moment it is appended, which lets a sheet reuse one styled cell per column
(:class:`RowMaker`) instead of building a new styled cell for every value.

Conventions of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I):
Times New Roman, issuing body top left and the national motto top right, the title in
capitals, centred. Print set-up: A4 landscape, fit to the page width, table header rows
repeated on every page, page numbers in the footer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from copy import copy
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from reports.data import Signing

Target = str | os.PathLike[str] | BinaryIO
"""Where a workbook goes: a file path or a binary file object."""

FONT_NAME = "Times New Roman"
FONT_SIZE = 12
TABLE_FONT_SIZE = 11

# Text a spreadsheet would read as a formula (OWASP, "CSV Injection"): =, +, -, @, tab, CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What XML 1.0 cannot hold beyond openpyxl's control characters: U+FFFE, U+FFFF, lone surrogates.
NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")

VIETNAMESE = "[$-42A]"
"""The locale of every number format (LCID 0x042A, Vietnamese): LibreOffice then shows 1.234.567
and 95,15 whatever the reader's system locale (issue 18); without it a PC set to English shows
1,234,567. Excel keeps the system's separators whatever the code says."""
INTEGER = VIETNAMESE + "#,##0"
DECIMAL = VIETNAMESE + "#,##0.00"
PERCENT = VIETNAMESE + "0.0%"  # achievements and rates, stored as fractions (1 = 100%)
YES_NO = '"Có";"Có";"Không"'  # 1 shows "Có", 0 "Không", and the cell stays a number
DATE_TIME = "dd/mm/yyyy hh:mm"
DATE = "dd/mm/yyyy"

_THIN = Side(style="thin", color="808080")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
_SUBTOTAL_FILL = PatternFill("solid", fgColor="EDEDED")


@dataclass(frozen=True)
class Look:
    """How one kind of cell looks: number format, bold, alignment, grid, fill."""

    number_format: str = "General"
    bold: bool = False
    italic: bool = False
    size: int = TABLE_FONT_SIZE
    horizontal: str | None = None
    wrap: bool = False
    grid: bool = True
    fill: PatternFill | None = None
    underline: bool = False


TEXT = Look(wrap=True)
TEXT_CENTER = Look(horizontal="center")
NUMBER_INT = Look(INTEGER)
NUMBER_DEC = Look(DECIMAL)
NUMBER_PCT = Look(PERCENT)
NUMBER_YES_NO = Look(YES_NO, horizontal="center")
WHEN = Look(DATE_TIME, horizontal="center")
HEAD = Look(bold=True, horizontal="center", wrap=True, fill=_HEADER_FILL)


def total_look(look: Look) -> Look:
    """The same look, bold on the totals' yellow (a yes/no column totals as a count)."""
    return Look(
        INTEGER if look.number_format == YES_NO else look.number_format,
        True,
        look.italic,
        look.size,
        look.horizontal,
        look.wrap,
        look.grid,
        _TOTAL_FILL,
    )


def shown_width(value: object, look: Look) -> float:
    """Characters ``value`` takes shown in ``look``'s number format, with a margin (0 for text
    and empty cells, which wrap or stay blank): "12.500.000,00" needs 15."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return 0
    number = float(value)
    if look.number_format == PERCENT:
        text = f"{number * 100:,.1f}%"
    elif look.number_format == DECIMAL:
        text = f"{number:,.2f}"
    else:
        text = f"{number:,.0f}"
    return len(text) + 2


def subtotal_look(look: Look) -> Look:
    """The same look, bold on a light grey: a cluster's subtotal row."""
    return replace(total_look(look), fill=_SUBTOTAL_FILL)


def new_workbook() -> Workbook:
    """A streaming workbook whose default font is Times New Roman 12."""
    book = Workbook(write_only=True)
    base = Font(name=FONT_NAME, sz=FONT_SIZE, family=1)
    book._fonts = IndexedList([base])
    normal = NamedStyle(name="Normal", font=copy(base), builtinId=0)
    book._named_styles = type(book._named_styles)([normal])
    return book


@dataclass(frozen=True)
class CellStyle:
    """A look registered in one workbook: style arrays and ids, plain and quote-prefixed."""

    array: StyleArray
    style_id: int
    quoted: StyleArray
    quoted_id: int


class Styles:
    """Turns :class:`Look` values into registered :class:`CellStyle` values, once each."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._styles: dict[Look, CellStyle] = {}

    def of(self, look: Look) -> CellStyle:
        """The registered style of ``look``."""
        style = self._styles.get(look)
        if style is None:
            plain = self._make(look)
            quoted = copy(plain)
            quoted.quotePrefix = 1
            cells = self._book._cell_styles
            style = CellStyle(plain, cells.add(plain), quoted, cells.add(quoted))
            self._styles[look] = style
        return style

    def _make(self, look: Look) -> StyleArray:
        probe = Cell(None)  # a detached cell, only to register styles
        probe.parent = _Parent(self._book)
        probe.font = Font(
            name=FONT_NAME,
            sz=look.size,
            family=1,
            b=look.bold,
            i=look.italic,
            u="single" if look.underline else None,
        )
        probe.number_format = look.number_format
        probe.alignment = Alignment(
            horizontal=look.horizontal, vertical="center", wrap_text=look.wrap or None
        )
        if look.grid:
            probe.border = _GRID
        if look.fill is not None:
            probe.fill = look.fill
        return copy(probe._style)


@dataclass
class _Parent:
    """What a style-registering cell needs of its worksheet: the workbook."""

    parent: Workbook


class StyledCell(Cell):  # type: ignore[misc]
    """A cell that always carries a registered style and knows its style id.

    openpyxl looks a cell's style up by hashing its style array for every cell written;
    this cell carries the id worked out once per style.
    """

    __slots__ = ("_style_id",)

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        super().__init__(sheet)
        self._style_id = 0

    @property
    def style_id(self) -> int:
        return self._style_id

    @property
    def has_style(self) -> bool:
        return True


class StreamSheet(WriteOnlyWorksheet):  # type: ignore[misc]
    """A write-only sheet that takes rows of ready :class:`StyledCell` objects (or None).

    openpyxl's own ``_values_to_row`` tries each cell as a value first and falls back on an
    exception, which costs more than writing the cell; here the cell is placed and written.
    """

    written = 0
    """Rows appended so far (the next row is ``written + 1``)."""
    widths: Sequence[float] = ()
    """Column widths in characters, from column A (:func:`set_widths`)."""

    def append(self, row: Sequence[Cell | None]) -> None:
        super().append(row)
        self.written += 1
        # the row is on disk with its height: drop the dimension, or a sheet of 360,000 rows
        # that wrap would hold one RowDimension per row until the workbook is saved
        self.row_dimensions.pop(self.written, None)

    def _values_to_row(self, values: Sequence[Cell | None], row_idx: int) -> Iterator[Cell]:
        for col_idx, cell in enumerate(values, 1):
            if cell is not None:
                cell.row = row_idx
                cell.column = col_idx
                yield cell


def add_sheet(book: Workbook, title: str) -> StreamSheet:
    """A new :class:`StreamSheet` at the end of ``book``."""
    sheet = StreamSheet(parent=book, title=title)
    book._sheets.append(sheet)
    return sheet


def put(cell: StyledCell, value: object, style: CellStyle) -> StyledCell:
    """Set ``cell`` to ``value`` in ``style`` and return it.

    Text is always stored as text: characters XML cannot hold are dropped, and text a
    spreadsheet would evaluate (see :data:`FORMULA_STARTS`) gets the quote prefix, so
    ``=1+1`` typed by a reporter stays ``=1+1``. Decimals are written as floats (a spreadsheet
    keeps 15 significant digits anyway); datetimes must be naive (local time).

    Raises TypeError for a value of another kind.
    """
    cell._style, cell._style_id = style.array, style.style_id
    if isinstance(value, str):
        # printable text holds none of the characters to drop (control characters, U+FFFE,
        # U+FFFF and surrogates are all unprintable): the regular expressions are skipped
        text = value if value.isprintable() else clean_text(value)
        cell._value, cell.data_type = text, "s"
        if text.startswith(FORMULA_STARTS):
            cell._style, cell._style_id = style.quoted, style.quoted_id
    elif value is None:
        cell._value, cell.data_type = None, "n"
    elif isinstance(value, Decimal):
        cell._value, cell.data_type = float(value), "n"
    elif isinstance(value, bool):
        cell._value, cell.data_type = value, "b"
    elif isinstance(value, int | float):
        cell._value, cell.data_type = value, "n"
    elif isinstance(value, datetime | date):
        cell._value, cell.data_type = value, "d"
    else:
        raise TypeError(f"cannot write {type(value).__name__} to a workbook")
    return cell


def clean_text(text: str) -> str:
    """``text`` without the characters a workbook's XML cannot hold (control characters other
    than tab, newline and carriage return; U+FFFE, U+FFFF; lone surrogates)."""
    return NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))


class RowMaker:
    """Builds rows of styled cells for one sheet, reusing one cell per column.

    openpyxl's write-only sheet serialises a row when it is appended, so the same cell
    objects can carry the next row's values. ``looks`` gives each column's look.
    """

    def __init__(
        self, sheet: WriteOnlyWorksheet, styles: Styles, looks: Sequence[Look], *, fit: bool = False
    ) -> None:
        self._sheet = sheet
        self._styles = styles
        self._plain = [styles.of(look) for look in looks]
        self._cells = [StyledCell(sheet) for _ in looks]
        widths = getattr(sheet, "widths", ())
        # wrapped text columns whose row must grow: (column index, width in characters)
        self._wrapped = [
            (index, widths[index])
            for index, look in enumerate(looks)
            if fit and look.wrap and index < len(widths)
        ]

    def row(
        self, values: Sequence[object], looks: Sequence[Look] | None = None
    ) -> list[StyledCell]:
        """Cells for ``values`` (shorter rows are padded with blank styled cells).

        With ``fit``, the sheet row these cells will be appended as (the sheet's next row) is
        made tall enough for the wrapped text of its columns (:func:`text_lines`), so text never
        runs over the rows below; append the cells right after asking for them.
        """
        chosen = [self._styles.of(look) for look in looks] if looks else self._plain
        count = len(values)
        if self._wrapped:
            lines = max(
                (
                    text_lines(value, width)
                    for index, width in self._wrapped
                    if index < count and isinstance(value := values[index], str)
                ),
                default=1,
            )
            if lines > 1:
                height = lines * LINE_HEIGHT + 3
                self._sheet.row_dimensions[self._sheet.written + 1].height = height
        return [
            put(cell, values[index] if index < count else None, style)
            for index, (cell, style) in enumerate(zip(self._cells, chosen, strict=True))
        ]


LINE_HEIGHT = 13.0
"""Points one line of 11-point table text takes (a row also gets 3 points of padding)."""

CHARS_PER_WIDTH = 1.22
"""Characters of Vietnamese table text (11 points) one unit of column width holds. The unit is
the width of a digit of the workbook's default font (12-point Times New Roman, or Liberation
Serif, metric-compatible, where Times is missing). Measured on LibreOffice's PDF of the Ngã Năm
sample: a 34-wide column holds 40 to 47 characters of element names; capitals and wide
letters hold fewer, so this stays at the low end."""


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide: its line breaks
    kept, words moved whole to the next line (a word longer than a line is cut)."""
    room = max(1, int((width - 1) * CHARS_PER_WIDTH))
    if len(text) <= room and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > room:
                lines += 1
                used = 0
            used = size + (used + 1 if used else 0)
            while used > room:  # a word longer than a line
                lines += 1
                used -= room
    return lines


def set_widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """Column widths in characters, from column A (set before the first row is written); the
    sheet keeps them for :class:`RowMaker`'s row heights."""
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.widths = tuple(widths)


PRINT_SCALE = 60
"""Print scale (%) of a table too wide for one page: 11-point text prints at about 6.6
points, still readable on A4."""

PAGE_WIDTH = 196
"""Column width (in characters) one A4 landscape page holds at :data:`PRINT_SCALE`: 277 mm
between the margins is 1,046 pixels at 96 dpi and 100%, 1,743 at 60%; a unit of width is a
12-point digit (8 pixels) and each column adds 5 pixels of padding (ECMA-376, §18.3.1.13).
Kept a little under the arithmetic (about 205 for 15 columns) so LibreOffice's own rounding
never pushes a column group over the edge; checked on its PDF (issue 18)."""


def page_breaks(
    widths: Sequence[float], lead: int, blocks: Sequence[int] | None = None
) -> list[int]:
    """Where a table of ``widths`` breaks into printed pages, its first ``lead`` columns
    repeated on every page: the 1-based columns each page after the first starts *after*
    (empty when it fits one page).

    ``blocks``: the sizes (in columns) of the groups after the lead columns that must print on
    one page ("Thực hiện / Chỉ tiêu / % đạt" under one element), in order; columns beyond them
    are groups of one. A group wider than a page gets a page of its own.
    """
    if sum(widths) <= PAGE_WIDTH:
        return []
    sizes = list(blocks or [])
    covered = lead + sum(sizes)
    sizes += [1] * (len(widths) - covered)
    room = max(PAGE_WIDTH - sum(widths[:lead]), PAGE_WIDTH / 4)
    breaks: list[int] = []
    used, column = 0.0, lead
    for size in sizes:
        width = sum(widths[column : column + size])
        if used and used + width > room:
            breaks.append(column)
            used = 0.0
        used += width
        column += size
    return breaks


def pages_wide(widths: Sequence[float], lead: int) -> tuple[int, int]:
    """How many pages wide a table of ``widths`` prints (lead columns repeated), and how many
    columns the first page holds."""
    breaks = page_breaks(widths, lead)
    return len(breaks) + 1, breaks[0] if breaks else len(widths)


def set_print(
    sheet: WriteOnlyWorksheet,
    title_rows: tuple[int, int] | None,
    widths: Sequence[float],
    lead: int = 0,
    blocks: Sequence[int] | None = None,
) -> int:
    """A4 landscape, ``title_rows`` repeated on every page, the sheet's name and its own page
    number below ("Tổng hợp — Trang 2"); returns how many columns the first page holds.

    A table that fits one page is fitted to its width. A wider one prints at
    :data:`PRINT_SCALE` with a manual page break between column groups (:func:`page_breaks`:
    a group's header is never cut in two) and its ``lead`` columns (STT, unit) repeated on
    each page; fitting it to N pages would let the spreadsheet choose where to cut.
    """
    breaks = page_breaks(widths, lead, blocks)
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    if breaks:
        sheet.page_setup.scale = PRINT_SCALE
        sheet.sheet_properties.pageSetUpPr.fitToPage = False
        for column in breaks:
            sheet.col_breaks.append(Break(id=column))
    else:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = 0.6
    sheet.page_margins.bottom = 0.75  # room for the footer below the table
    sheet.page_margins.footer = 0.3
    # numbered per sheet: "&N" would count the whole workbook's pages in LibreOffice (issue 18)
    sheet.page_setup.firstPageNumber = 1
    sheet.page_setup.useFirstPageNumber = True
    sheet.oddFooter.center.text = "&A — Trang &P"
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if breaks and lead:
        sheet.print_title_cols = f"A:{get_column_letter(lead)}"
    return breaks[0] if breaks else len(widths)


def merge(sheet: WriteOnlyWorksheet, row: int, first: int, last: int, rows: int = 1) -> None:
    """Merge columns ``first``..``last`` (1-based) of ``row`` (and ``rows - 1`` rows below)."""
    if last > first or rows > 1:
        start = f"{get_column_letter(first)}{row}"
        end = f"{get_column_letter(last)}{row + rows - 1}"
        sheet.merged_cells.add(f"{start}:{end}")


_BODY = Look(bold=True, horizontal="center", wrap=True, grid=False, size=FONT_SIZE)
_NATION = Look(bold=True, horizontal="center", grid=False, size=FONT_SIZE)
_MOTTO = Look(bold=True, horizontal="center", grid=False, size=FONT_SIZE, underline=True)
_PARENT = Look(horizontal="center", wrap=True, grid=False, size=FONT_SIZE)
_DATE_LINE = Look(italic=True, horizontal="center", grid=False, size=FONT_SIZE)
_TITLE = Look(bold=True, horizontal="center", wrap=True, grid=False, size=14)
_SUBTITLE = Look(bold=True, horizontal="center", wrap=True, grid=False, size=FONT_SIZE)
_LINE = Look(horizontal="center", wrap=True, grid=False, size=FONT_SIZE)
_NOTE = Look(italic=True, horizontal="center", grid=False, size=FONT_SIZE - 1)

HEADER_ROWS = 8
"""Rows taken by :func:`write_header` (the table starts on row ``HEADER_ROWS + 1``)."""


def write_header(
    sheet: WriteOnlyWorksheet,
    styles: Styles,
    width: int,
    *,
    issuing_body: str,
    title: str,
    lines: Sequence[str],
    generated_at: datetime,
    signing: Signing | None = None,
) -> None:
    """The administrative header block over ``width`` columns, in :data:`HEADER_ROWS` rows
    (Decree 30/2020/NĐ-CP's layout).

    Left: the parent body (when ``signing`` names one) above the issuing body in bold, then
    "Số: …/<suffix>"; right: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, the underlined motto, then
    "<place>, ngày dd tháng mm năm yyyy" in italics. Then a blank row, the title, up to two
    ``lines`` (campaign, period) and "Lập lúc hh:mm ngày dd/mm/yyyy (giờ Việt Nam)".
    """
    width = max(width, 4)
    left = max(2, min(4, width // 3))
    right_start = left + 1
    day = generated_at
    parent = signing.parent_body if signing else ""
    suffix = signing.number_suffix if signing else ""
    place = signing.place if signing else ""
    top = (
        [(parent.upper(), _PARENT), (issuing_body.upper(), _BODY)]
        if parent
        else [
            (issuing_body.upper(), _BODY),
            ("", _BODY),
        ]
    )
    number = f"Số: …………/{suffix}" if suffix else ""
    date_line = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    blocks: list[tuple[list[object], list[Look]]] = [
        ([top[0][0]], [top[0][1]]),
        ([top[1][0]] if top[1][0] else [], [top[1][1]]),
        ([number] if number else [], [_PARENT]),
        ([], []),
        ([title.upper()], [_TITLE]),
        ([lines[0] if lines else ""], [_SUBTITLE]),
        ([lines[1] if len(lines) > 1 else ""], [_LINE]),
        ([f"Lập lúc {day:%H:%M} ngày {day:%d/%m/%Y} (giờ Việt Nam)"], [_NOTE]),
    ]
    right = {
        0: ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _NATION),
        1: ("Độc lập - Tự do - Hạnh phúc", _MOTTO),
        2: (f"{place}, {date_line}" if place else date_line, _DATE_LINE),
    }
    sheet.row_dimensions[1].height = 32
    sheet.row_dimensions[2].height = 32 if parent else None
    sheet.row_dimensions[5].height = 36
    for index, (values, looks) in enumerate(blocks):
        cells: list[object] = [None] * width
        row_number = index + 1
        if values:
            cells[0] = put(StyledCell(sheet), values[0], styles.of(looks[0]))
        if index in right:
            text, look = right[index]
            cells[right_start - 1] = put(StyledCell(sheet), text, styles.of(look))
            merge(sheet, row_number, right_start, width)
        if index < 3 and values:
            merge(sheet, row_number, 1, left)
        elif values:
            merge(sheet, row_number, 1, width)
        sheet.append(cells)


_SIGN_TITLE = Look(bold=True, horizontal="center", grid=False, size=FONT_SIZE)
_SIGN_NOTE = Look(italic=True, horizontal="center", grid=False, size=FONT_SIZE - 1)
_RECIPIENTS_HEAD = Look(bold=True, italic=True, grid=False, size=FONT_SIZE - 1)
_RECIPIENT = Look(grid=False, size=FONT_SIZE - 2)
SIGN_COLUMNS = 10
"""At most this many columns carry the signature block."""
SIGN_WIDTH = 60
"""Characters of columns the block wants: three parts of about 20 (the signer's title in bold
capitals, "(Ký tên, đóng dấu)")."""
SIGNATURE_ROWS = 9
"""Rows :func:`write_signature` takes after a blank row (more with many "Nơi nhận" lines)."""


def signature_parts(widths: Sequence[float]) -> tuple[int, int, int]:
    """Where the three parts of the signature block start among columns of ``widths``
    (0-based): "Nơi nhận", the preparer, the signer, each about a third of the width used —
    as few columns as give :data:`SIGN_WIDTH` characters and three parts, at most
    :data:`SIGN_COLUMNS`."""
    count = min(len(widths), SIGN_COLUMNS)
    best = _thirds(widths[:count])
    while count > 3 and sum(widths[: count - 1]) >= SIGN_WIDTH:
        trial = _thirds(widths[: count - 1])
        if len(trial) < 3:
            break
        count, best = count - 1, trial
    if len(best) < 3:  # too few or too uneven columns: one part a column, the last shared
        best = [min(part, max(count - 1, 0)) for part in range(3)]
    return best[0], best[1], best[2]


def _thirds(widths: Sequence[float]) -> list[int]:
    """The columns where each third of ``widths``' total width starts (fewer than three when
    one column spans two thirds)."""
    total = sum(widths)
    starts = [0]
    running = 0.0
    for index, width in enumerate(widths):
        if index and len(starts) < 3 and running >= total * len(starts) / 3:
            starts.append(index)
        running += width
    return starts


def write_signature(
    sheet: WriteOnlyWorksheet,
    styles: Styles,
    widths: Sequence[float],
    signing: Signing | None,
    row: int,
    skip: int = 0,
) -> None:
    """After a table: "Nơi nhận" on the left, then "NGƯỜI LẬP BIỂU" and the signer's title
    ("THỦ TRƯỞNG ĐƠN VỊ" when not given), "(Ký, ghi rõ họ tên)" and "(Ký tên, đóng dấu)", room
    to sign, then the names (the signer's when known). Decree 30/2020/NĐ-CP's layout.

    ``row`` is the sheet row the block starts on (the write-only sheet does not count its
    rows); ``skip``: the columns left free on the left, so that the block sits under the
    columns of the *last* printed page of a wide table (the page a signer signs; the columns
    repeated on every page would print it twice); ``widths``: the widths of the columns from
    there (:func:`signature_parts` splits them in three). "Nơi nhận" lines are not merged, so
    a long one runs on over the empty cells to its right."""
    first, middle, right = (skip + 1 + part for part in signature_parts(widths))
    last = skip + max(min(len(widths), SIGN_COLUMNS), right - skip)
    recipients = list(signing.recipients) if signing else []
    title = signing.signer_title if signing and signing.signer_title else "Thủ trưởng đơn vị"
    name = signing.signer_name if signing else ""
    rows: list[list[tuple[int, str, Look]]] = [
        [],
        [
            (first, "Nơi nhận:", _RECIPIENTS_HEAD),
            (middle, "NGƯỜI LẬP BIỂU", _SIGN_TITLE),
            (right, title.upper(), _SIGN_TITLE),
        ],
        [(middle, "(Ký, ghi rõ họ tên)", _SIGN_NOTE), (right, "(Ký tên, đóng dấu)", _SIGN_NOTE)],
    ]
    lines = [f"- {line};" for line in recipients[:-1]] + [f"- {r}." for r in recipients[-1:]]
    body = max(len(lines), 4)
    for index in range(body):
        cells = [(first, lines[index], _RECIPIENT)] if index < len(lines) else []
        rows.append(cells)
    rows.append([(right, name, _SIGN_TITLE)] if name else [])
    spans = {middle: (middle, right - 1), right: (right, last)}
    for written, cells in enumerate(rows, row):
        line: list[object] = [None] * last
        for column, text, look in cells:
            line[column - 1] = put(StyledCell(sheet), text, styles.of(look))
        sheet.append(line)
        for column, _text, look in cells:
            if column in spans and look is not _RECIPIENT:
                merge(sheet, written, *spans[column])
