"""Loading the data sheets of a campaign template as tables of raw cells, and typed row access.

:func:`load_tables` opens the workbook (read-only, cached values, never formulas) and, for each
data sheet, finds it by folded name, matches row 1 against the sheet's
:data:`~reports.template.columns.TEMPLATE_COLUMNS` by :func:`header_key` (case, diacritics,
spaces and punctuation do not matter; columns in any order, extra ones ignored), and keeps the
non-blank rows: ``{column key: value}`` with text NFC-normalised and stripped, and numbers in
percentage-formatted cells wrapped in :class:`~domain.template_cells.PercentCell`. Missing
sheets (other than :data:`~reports.template.columns.OPTIONAL_SHEETS`, which are then ``None``
without a problem), missing required columns and repeated columns are reported into
``errors``; a file that is not an .xlsx at all raises
:class:`~reports.template.errors.TemplateInvalid` at once.

:class:`Cells` then reads one row's cells with the parsers of :mod:`domain.template_cells`,
recording each problem with its sheet, row and column instead of raising.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from domain.template_cells import (
    CellProblem,
    PercentCell,
    cell_text,
    parse_code,
    parse_date,
    parse_decimal,
)
from domain.text import fold
from reports.template.columns import (
    DATA_SHEETS,
    OPTIONAL_SHEETS,
    TEMPLATE_COLUMNS,
    Column,
    column_of,
)
from reports.template.errors import TemplateError, file_error

__all__ = [
    "Cells",
    "Row",
    "Table",
    "file_bytes",
    "header_key",
    "load_tables",
    "or_default",
    "read_list",
]

_T = TypeVar("_T")


@dataclass(frozen=True)
class Row:
    """One non-blank data row: its Excel row number and its cells by column key."""

    number: int
    cells: Mapping[str, object]


@dataclass(frozen=True)
class Table:
    """A data sheet as read: which columns were found and the non-blank rows."""

    sheet: str
    present: frozenset[str]
    rows: tuple[Row, ...]

    def column(self, key: str) -> Column:
        """The sheet's column ``key``."""
        return column_of(self.sheet, key)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def file_bytes(source: bytes | Path) -> bytes:
    """The bytes of ``source``; a path that cannot be read raises TemplateInvalid."""
    if not isinstance(source, Path):
        return source
    try:
        return source.read_bytes()
    except OSError:
        raise file_error(f'Không mở được file "{source.name}".') from None


def load_tables(data: bytes, errors: list[TemplateError]) -> dict[str, Table | None]:
    """Read the raw cells of every data sheet; an unreadable file raises TemplateInvalid."""
    if data.startswith(_OLE_MAGIC):
        raise file_error(
            "Đây là file Excel cũ (.xls): hãy mở bằng Excel và lưu lại dạng .xlsx (Excel Workbook)."
        )
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            return {sheet: _read_table(workbook, sheet, errors) for sheet in DATA_SHEETS}
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise file_error(
            "Không đọc được file: file phải là bảng tính Excel .xlsx (không phải .xls, .csv, .ods)."
        ) from None


def _read_table(workbook: Any, sheet: str, errors: list[TemplateError]) -> Table | None:
    ws = next((w for w in workbook.worksheets if header_key(w.title) == header_key(sheet)), None)
    if ws is None:
        if sheet not in OPTIONAL_SHEETS:
            errors.append(TemplateError(sheet, None, None, f'thiếu trang "{sheet}" trong file'))
        return None
    ws.reset_dimensions()  # some writers store a wrong sheet size; read every row there is
    values = (tuple(_cell_value(cell) for cell in row) for row in ws.iter_rows())
    positions = _match_headers(sheet, next(values, ()), errors)
    rows = []
    for number, row in enumerate(values, start=2):
        cells = {key: _clean(row[i]) for key, i in positions.items() if i < len(row)}
        cells = {key: value for key, value in cells.items() if value is not None}
        if cells:
            rows.append(Row(number, cells))
    return Table(sheet, frozenset(positions), tuple(rows))


def _match_headers(
    sheet: str, header: Sequence[object], errors: list[TemplateError]
) -> dict[str, int]:
    """Map column keys to 0-based positions by folded header text; report missing/duplicates."""
    by_key = {header_key(column.header): column for column in TEMPLATE_COLUMNS[sheet]}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        column = by_key.get(header_key(cell_text(value))) if value is not None else None
        if column is None:
            continue
        if column.key in positions:
            first = get_column_letter(positions[column.key] + 1)
            errors.append(
                TemplateError(
                    sheet, 1, column.header, f"cột bị lặp (đã có ở cột {first}) — xóa bớt một cột"
                )
            )
            continue
        positions[column.key] = index
    for column in TEMPLATE_COLUMNS[sheet]:
        if column.required and column.key not in positions:
            errors.append(
                TemplateError(sheet, 1, column.header, "thiếu cột bắt buộc này ở dòng tiêu đề")
            )
    return positions


_QUOTED_FORMAT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent_format(number_format: object) -> bool:
    """True when an Excel number format shows the value ×100 with ``%`` (``0%``, ``0.00%``);
    a ``%`` inside quotes, escaped or in brackets is literal text and does not count."""
    return isinstance(number_format, str) and "%" in _QUOTED_FORMAT.sub("", number_format)


def _cell_value(cell: Any) -> object:
    """A cell's value; numbers in percentage-formatted cells wrapped in :class:`PercentCell`."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _is_percent_format(getattr(cell, "number_format", None))
    ):
        return PercentCell(value)
    return value


def _clean(value: object) -> object:
    """Text NFC-normalised and stripped, empty text as None; other values unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    return value


def header_key(text: str) -> str:
    """Matching key: folded (no case, no diacritics), letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


# --------------------------------------------------------------------------- typed cells


class Cells:
    """Typed access to one row's cells; each problem is recorded in ``errors``, never raised.

    Every getter returns ``None`` for a blank or invalid cell; ``failed`` holds the keys of the
    invalid ones so that later cross-checks do not pile errors on top of them.
    """

    def __init__(self, table: Table, row: Row, errors: list[TemplateError]) -> None:
        self.table = table
        self.row = row
        self.errors = errors
        self.failed: set[str] = set()

    def fail(self, key: str, message: str) -> None:
        self.failed.add(key)
        header = self.table.column(key).header
        self.errors.append(TemplateError(self.table.sheet, self.row.number, header, message))

    def get(self, key: str, parse: Callable[[object], _T]) -> _T | None:
        raw = self.row.cells.get(key)
        if raw is None:
            if self.table.column(key).required and key in self.table.present:
                self.fail(key, "ô bắt buộc đang để trống")
            return None
        try:
            return parse(raw)
        except CellProblem as problem:
            self.fail(key, str(problem))
            return None

    def text(self, key: str) -> str | None:
        return self.get(key, cell_text)

    def code(self, key: str) -> str | None:
        return self.get(key, parse_code)

    def day(self, key: str) -> date | None:
        return self.get(key, parse_date)

    def number(self, key: str, measure_unit: str = "") -> Decimal | None:
        return self.get(key, lambda raw: parse_decimal(raw, measure_unit))

    def ok(self, *keys: str) -> bool:
        return not self.failed.intersection(keys)


def or_default(value: _T | None, default: _T) -> _T:
    """``value``, or ``default`` when it is ``None`` (a blank or invalid optional cell)."""
    return default if value is None else value


def read_list(
    table: Table | None,
    errors: list[TemplateError],
    read_row: Callable[[Cells, str | None], _T | None],
    what: str | None,
) -> tuple[list[tuple[Cells, _T]], set[str]]:
    """Read the rows of a list sheet; check codes are unique and, if ``what``, the list non-empty.

    Returns the valid items with their rows, and every code seen (valid rows or not).
    """
    if table is None:
        return [], set()
    if not table.rows and what:
        errors.append(
            TemplateError(table.sheet, None, None, f"chưa có {what} nào — cần ít nhất một dòng")
        )
    seen: dict[str, int] = {}
    items: list[tuple[Cells, _T]] = []
    for row in table.rows:
        cells = Cells(table, row, errors)
        code = cells.code("code")
        if code is not None and code in seen:
            cells.fail("code", f'mã "{code}" trùng với dòng {seen[code]}')
        elif code is not None:
            seen[code] = row.number
        item = read_row(cells, code)
        if item is not None:
            items.append((cells, item))
    return items, set(seen)
