"""Writing the campaign template: the blank workbook, or one filled in from a campaign spec.

:func:`write_template` lays out :data:`~reports.template.columns.TEMPLATE_COLUMNS`: a bold frozen
header row whose cells carry the column's help as a comment, drop-down lists (a value typed
outside the list only warns: the reader folds it), data cells pre-formatted (dates dd/mm/yyyy,
whole numbers, phones as text) down to row :data:`~reports.template.columns.VALIDATION_ROWS`,
landscape printing one page wide with the header repeated. Values are written the way
:mod:`domain.template_cells` reads them back, so ``read_template(write_template(spec)) == spec``.
The instructions sheet comes first (:mod:`reports.template.guide`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from domain.campaign_spec import (
    CampaignSpec,
    CriterionSpec,
    ElementSpec,
    ReviewSpec,
    TitleSpec,
    UnitSpec,
    ValueType,
    label,
)
from domain.scoring import KIND_LABELS
from domain.template_cells import NO, YES, number_cell, show_reminder_days, show_yes_no
from domain.template_choices import CUMULATIVE, PER_PERIOD
from reports.template.columns import (
    CAMPAIGN_SHEET,
    CRITERIA_SHEET,
    DATA_SHEETS,
    ELEMENTS_SHEET,
    REVIEWS_SHEET,
    TEMPLATE_COLUMNS,
    TITLES_SHEET,
    UNITS_SHEET,
    VALIDATION_ROWS,
    Column,
)
from reports.template.guide import write_guide
from reports.template.styles import HEADER_FILL, HEADER_FONT

__all__ = ["CellValue", "write_template"]

CellValue = str | int | float | date | None
"""What the writer puts in a cell."""


def write_template(spec: CampaignSpec | None = None) -> bytes:
    """Return an .xlsx workbook: the blank campaign template, or one filled in from ``spec``.

    Sheets: "Hướng dẫn" (instructions), then "Phong trào", "Chỉ tiêu", "Đơn vị", "Danh hiệu",
    "Tiêu chí", "Sơ kết, tổng kết" with a bold frozen header row (each header has a comment explaining it), drop-down lists, dates as
    real dates shown dd/mm/yyyy and numbers as numbers. ``read_template(write_template(spec))``
    equals ``spec``. Never raises for a valid spec.
    """
    workbook = Workbook()
    write_guide(workbook.active)
    for sheet, rows in _sheet_rows(spec).items():
        _write_sheet(workbook.create_sheet(sheet), TEMPLATE_COLUMNS[sheet], rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_rows(spec: CampaignSpec | None) -> dict[str, list[dict[str, CellValue]]]:
    """The data rows of each sheet as ``{column key: cell value}``; empty lists when blank."""
    if spec is None:
        return {sheet: [] for sheet in DATA_SHEETS}
    return {
        CAMPAIGN_SHEET: [_campaign_row(spec)],
        ELEMENTS_SHEET: [_element_row(element) for element in spec.elements],
        UNITS_SHEET: [_unit_row(unit) for unit in spec.units],
        TITLES_SHEET: [_title_row(title) for title in spec.titles],
        CRITERIA_SHEET: [_criterion_row(criterion) for criterion in spec.criteria],
        REVIEWS_SHEET: [_review_row(review) for review in spec.reviews],
    }


def _campaign_row(spec: CampaignSpec) -> dict[str, CellValue]:
    return {
        "code": spec.code,
        "name": spec.name,
        "theme": spec.theme,
        "issuing_body": spec.issuing_body,
        "document_number": spec.document_number,
        "parent_body": spec.parent_body,
        "place": spec.place,
        "report_suffix": spec.report_suffix,
        "signer_title": spec.signer_title,
        "signer_name": spec.signer_name,
        "recipients": "; ".join(spec.recipients),
        "start": spec.start,
        "end": spec.end,
        "frequency": label(spec.frequency),
        "due_days": spec.due_days,
        "lock_days": spec.lock_days,
        "registration_deadline": spec.registration_deadline,
        "remind_days_before": show_reminder_days(spec.remind_days_before),
        "remind_on_due": show_yes_no(spec.remind_on_due),
        "remind_overdue_days": spec.remind_overdue_days,
        "escalate_office_days": spec.escalate_office_days,
        "escalate_cluster_days": spec.escalate_cluster_days,
        "is_sample": show_yes_no(spec.is_sample),
    }


def _element_row(element: ElementSpec) -> dict[str, CellValue]:
    return {
        "code": element.code,
        "name": element.name,
        "measure_unit": element.measure_unit,
        "value_type": label(element.value_type),
        "aggregation": label(element.aggregation),
        "numerator": element.numerator,
        "denominator": element.denominator,
        "target": _target_cell(element),
        "direction": label(element.direction),
        "minimum": number_cell(element.minimum),
        "maximum": number_cell(element.maximum),
        "required": show_yes_no(element.required),
        "cumulative": CUMULATIVE if element.cumulative else PER_PERIOD,
    }


def _unit_row(unit: UnitSpec) -> dict[str, CellValue]:
    return {
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "cluster": unit.cluster,
        "is_cluster_head": show_yes_no(unit.is_cluster_head),
        "representatives": "; ".join(unit.representatives),
        "phones": "; ".join(unit.phones),
    }


def _title_row(title: TitleSpec) -> dict[str, CellValue]:
    return {
        "code": title.code,
        "name": title.name,
        "kind": label(title.kind),
        "min_score": number_cell(title.min_score),
        "needs_on_time": show_yes_no(title.needs_on_time),
        "max_share": number_cell(title.max_share),
    }


def _criterion_row(criterion: CriterionSpec) -> dict[str, CellValue]:
    return {
        "code": criterion.code,
        "name": criterion.name,
        "group": criterion.group,
        "max_points": number_cell(criterion.max_points),
        "kind": KIND_LABELS[criterion.kind],
        "evidence_required": show_yes_no(criterion.evidence_required),
        "source": criterion.source,
        "rule": criterion.rule,
    }


def _review_row(review: ReviewSpec) -> dict[str, CellValue]:
    return {
        "code": review.code,
        "name": review.name,
        "covers": review.covers,
        "self_start": review.self_start,
        "self_end": review.self_end,
        "cross_start": review.cross_start,
        "cross_end": review.cross_end,
        "review_date": review.review_date,
        "weights": review.weights,
    }


def _target_cell(element: ElementSpec) -> CellValue:
    """Targets of yes/no elements are written "có"/"không"; others as numbers."""
    if element.value_type is ValueType.BOOLEAN and element.target in (0, 1):
        return YES if element.target == 1 else NO
    return number_cell(element.target)


def _write_sheet(
    ws: Any, columns: Sequence[Column], rows: Sequence[Mapping[str, CellValue]]
) -> None:
    """Header, data rows, formats, drop-downs and print setup of one data sheet."""
    last_row = max(VALIDATION_ROWS, len(rows) + 1)
    for index, column in enumerate(columns, start=1):
        _write_header(ws.cell(row=1, column=index), column)
        ws.column_dimensions[get_column_letter(index)].width = column.width
        if column.number_format:
            for row in range(2, last_row + 1):
                ws.cell(row=row, column=index).number_format = column.number_format
        if column.choices:
            ws.add_data_validation(_drop_down(column, index, last_row))
    for row_number, values in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            _put(ws.cell(row=row_number, column=index), values.get(column.key))
    ws.freeze_panes = "A2"
    _print_ready(ws)


def _write_header(cell: Any, column: Column) -> None:
    cell.value = column.header
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    note = column.help + (" (Bắt buộc.)" if column.required else "")
    height = 40 + 16 * math.ceil(len(note) / 45)
    cell.comment = Comment(note, "reportbot", width=320, height=height)


def _drop_down(column: Column, index: int, last_row: int) -> DataValidation:
    """A list validation; a typed value outside the list only warns (the reader folds it)."""
    letter = get_column_letter(index)
    choices = ", ".join(column.choices)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(column.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Giá trị không có trong danh sách",
        error=f"Nên chọn một trong: {choices}",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    return validation


def _put(cell: Any, value: CellValue) -> None:
    """Write a value; text that looks like a formula stays text (never evaluated by Excel)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _print_ready(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
