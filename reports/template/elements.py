"""Reading sheet "Chỉ tiêu" of a campaign template: data elements and computed indicators.

Each row is an :class:`~domain.campaign_spec.ElementSpec`. Blank cells mean: value type "số",
aggregation "cộng" ("không" for text), direction "cao hơn tốt", required, per period. Rules
checked across the cells of a row and across rows:

* a ratio (aggregation "tỷ lệ từ tử số-mẫu số") needs a numerator and a denominator; a weighted
  mean needs a denominator (its weight); other aggregations take neither; text is never totalled;
* numerator and denominator name another row of the sheet, entered (not an indicator) and
  numeric (not text, not yes/no);
* percentages lie within 0–100, whole-number elements take no fraction, minimum ≤ maximum and
  the target lies between them; a yes/no element's target is "có"/"không" (stored 1/0).

Problems are recorded through :class:`~reports.template.tables.Cells`, one per cell, never on
top of a cell already reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from domain.campaign_spec import Aggregation, Direction, ElementSpec, ValueType, label
from domain.template_cells import parse_yes_no, show_number
from domain.template_choices import (
    parse_aggregation,
    parse_cumulative,
    parse_direction,
    parse_value_type,
)
from reports.template.columns import ELEMENTS_SHEET
from reports.template.errors import TemplateError
from reports.template.tables import Cells, Table, or_default, read_list

__all__ = ["read_elements"]


def read_elements(
    table: Table | None, errors: list[TemplateError]
) -> tuple[list[ElementSpec], set[str]]:
    """The valid rows, and every code seen on the sheet (valid rows or not)."""
    items, codes = read_list(table, errors, _read_element, "chỉ tiêu")
    by_code: dict[str, ElementSpec] = {}
    for _, element in items:
        by_code.setdefault(element.code, element)
    for cells, element in items:
        _check_references(cells, element, by_code, codes)
    return [element for _, element in items], codes


def _read_element(cells: Cells, code: str | None) -> ElementSpec | None:
    name, unit = cells.text("name"), cells.text("measure_unit")
    value_type = or_default(cells.get("value_type", parse_value_type), ValueType.NUMBER)
    default_aggregation = Aggregation.NONE if value_type is ValueType.TEXT else Aggregation.SUM
    aggregation = or_default(cells.get("aggregation", parse_aggregation), default_aggregation)
    numerator, denominator = cells.code("numerator"), cells.code("denominator")
    target = _read_target(cells, value_type, unit or "")
    minimum, maximum = cells.number("minimum", unit or ""), cells.number("maximum", unit or "")
    _check_aggregation(cells, value_type, aggregation, numerator, denominator)
    _check_range(cells, value_type, target, minimum, maximum)
    element = ElementSpec(
        code=code or "",
        name=name or "",
        measure_unit=unit or "",
        value_type=value_type,
        aggregation=aggregation,
        numerator=numerator,
        denominator=denominator,
        target=target,
        direction=or_default(cells.get("direction", parse_direction), Direction.HIGHER_IS_BETTER),
        minimum=minimum,
        maximum=maximum,
        required=or_default(cells.get("required", parse_yes_no), True),
        cumulative=or_default(cells.get("cumulative", parse_cumulative), False),
    )
    return element if code and name and unit else None


def _read_target(cells: Cells, value_type: ValueType, unit: str) -> Decimal | None:
    """The target; for yes/no elements "có"/"không" (or 1/0) read as 1/0."""
    if value_type is not ValueType.BOOLEAN:
        return cells.number("target", unit)
    answer = cells.get("target", parse_yes_no)
    return None if answer is None else Decimal(int(answer))


_RATIO_LABEL = label(Aggregation.RATIO)
_WEIGHTED_LABEL = label(Aggregation.WEIGHTED_MEAN)


def _check_aggregation(
    cells: Cells,
    value_type: ValueType,
    aggregation: Aggregation,
    numerator: str | None,
    denominator: str | None,
) -> None:
    """Numerator/denominator presence against the aggregation; text is never totalled."""
    if not cells.ok("aggregation", "value_type"):
        return
    if value_type is ValueType.TEXT and aggregation is not Aggregation.NONE:
        cells.fail(
            "aggregation",
            f'chỉ tiêu kiểu văn bản không tổng hợp được — chọn "{label(Aggregation.NONE)}"',
        )
    if aggregation is Aggregation.RATIO:
        if numerator is None and cells.ok("numerator"):
            cells.fail("numerator", "chỉ tiêu tỷ lệ cần mã chỉ tiêu tử số")
        if denominator is None and cells.ok("denominator"):
            cells.fail("denominator", "chỉ tiêu tỷ lệ cần mã chỉ tiêu mẫu số")
        return
    if numerator is not None:
        cells.fail("numerator", f'chỉ điền tử số khi cách tổng hợp là "{_RATIO_LABEL}"')
    if aggregation is Aggregation.WEIGHTED_MEAN:
        if denominator is None and cells.ok("denominator"):
            cells.fail(
                "denominator", "bình quân có trọng số cần mã chỉ tiêu làm trọng số ở cột này"
            )
    elif denominator is not None:
        cells.fail(
            "denominator",
            f'chỉ điền mẫu số khi cách tổng hợp là "{_RATIO_LABEL}" hoặc "{_WEIGHTED_LABEL}"',
        )


def _check_range(
    cells: Cells,
    value_type: ValueType,
    target: Decimal | None,
    minimum: Decimal | None,
    maximum: Decimal | None,
) -> None:
    """Percentages within 0–100, whole numbers for integers, min ≤ max, target within them."""
    if not cells.ok("value_type"):
        return
    for key, value in (("minimum", minimum), ("target", target), ("maximum", maximum)):
        if value is None:
            continue
        if value_type is ValueType.PERCENTAGE and not 0 <= value <= 100:
            cells.fail(key, f"kiểu phần trăm phải từ 0 đến 100, không phải {show_number(value)}")
        elif value_type is ValueType.INTEGER and value != value.to_integral_value():
            cells.fail(key, f"kiểu số nguyên không nhận số lẻ {show_number(value)}")
    if minimum is not None and maximum is not None and minimum > maximum:
        cells.fail(
            "minimum", f"tối thiểu {show_number(minimum)} lớn hơn tối đa {show_number(maximum)}"
        )
    elif target is not None and cells.ok("target"):
        if minimum is not None and target < minimum:
            cells.fail(
                "target",
                f"chỉ tiêu kế hoạch {show_number(target)} nhỏ hơn tối thiểu {show_number(minimum)}",
            )
        elif maximum is not None and target > maximum:
            cells.fail(
                "target",
                f"chỉ tiêu kế hoạch {show_number(target)} lớn hơn tối đa {show_number(maximum)}",
            )


def _check_references(
    cells: Cells, element: ElementSpec, by_code: Mapping[str, ElementSpec], codes: set[str]
) -> None:
    """Numerator and denominator must name another entered numeric row of the sheet."""
    for key, reference in (("numerator", element.numerator), ("denominator", element.denominator)):
        if reference is None or not cells.ok(key):
            continue
        problem = _reference_problem(element, reference, by_code, codes)
        if problem:
            cells.fail(key, problem)


def _reference_problem(
    element: ElementSpec, reference: str, by_code: Mapping[str, ElementSpec], codes: set[str]
) -> str | None:
    if reference == element.code:
        return f'"{reference}" là chính dòng này — phải là mã của một chỉ tiêu khác'
    if reference not in codes:
        return f'không có chỉ tiêu nào mã "{reference}" trong trang "{ELEMENTS_SHEET}"'
    other = by_code.get(reference)
    if other is None:  # that row has errors of its own
        return None
    if other.value_type in (ValueType.TEXT, ValueType.BOOLEAN):
        return (
            f'"{reference}" là chỉ tiêu kiểu {label(other.value_type)} — tử số, mẫu số '
            "phải là chỉ tiêu số"
        )
    if other.is_indicator:
        return (
            f'"{reference}" là chỉ tiêu tỷ lệ (tự tính) — tử số, mẫu số phải là chỉ tiêu '
            "đơn vị nhập"
        )
    return None
