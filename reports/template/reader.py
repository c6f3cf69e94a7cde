"""Reading a filled campaign template back into a campaign spec, with every problem reported.

:func:`read_template` loads the data sheets (:mod:`reports.template.tables`), reads sheet
"Phong trào" (exactly one row; dates in order, registration deadline not after the end, blank
optional cells meaning :class:`~domain.campaign_spec.CampaignSpec`'s defaults), "Chỉ tiêu"
(:mod:`reports.template.elements`), "Đơn vị" (at least one unit, unique codes, at most one
cluster head per cluster, who must have a cluster), "Danh hiệu" (may be empty; a minimum score
of 0 or more, a share from 0 to 100%) and the optional "Tiêu chí" and "Sơ kết, tổng kết"
(:mod:`reports.template.scoring`), and raises :class:`~reports.template.errors.TemplateInvalid`
with every problem at once, sorted by sheet, row and column as laid out, never the first one
only.

Headers are matched after folding (case, diacritics and punctuation do not matter), so a header
typed ``"Ma phong trao"`` is found; drop-down values must keep their diacritics (``"so"`` is
refused, ``"SỐ"`` is fine), since a value without them can be ambiguous, but either placement of
the tone mark is fine (``"luỹ kế"`` = ``"lũy kế"``). Columns may be in any order and extra
columns are ignored; a column whose cells are required must be present.

Numbers: a number cell formatted as a percentage (Excel shows ``95%`` and stores 0.95) reads as
the percentage, 95; text is read the Vietnamese way (``12.500``, ``95,15%``, ``45 tỷ``) and may
end with the element's own measure unit (``12 hộ``, ``12.500 tấn``); a percentage or a unit
that is not the element's is reported, never dropped (:mod:`domain.template_cells`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from domain.campaign_spec import (
    CampaignSpec,
    SpecProblem,
    TitleKind,
    TitleSpec,
    UnitSpec,
    title_rule_problems,
)
from domain.template_cells import (
    parse_day_count,
    parse_phones,
    parse_reminder_day_count,
    parse_reminder_days,
    parse_yes_no,
    show_date,
    split_list,
)
from domain.template_choices import parse_frequency, parse_title_kind
from reports.template.columns import (
    CAMPAIGN_DEFAULTS,
    CAMPAIGN_SHEET,
    CRITERIA_SHEET,
    DATA_SHEETS,
    ELEMENTS_SHEET,
    REVIEWS_SHEET,
    TEMPLATE_COLUMNS,
    TITLES_SHEET,
    UNITS_SHEET,
)
from reports.template.elements import read_elements
from reports.template.errors import TemplateError, TemplateInvalid
from reports.template.scoring import POINTS, read_criteria, read_reviews, report
from reports.template.tables import Cells, Table, file_bytes, load_tables, or_default, read_list

__all__ = ["read_template"]


def read_template(source: bytes | Path) -> CampaignSpec:
    """Read and validate a whole campaign template (bytes of an .xlsx, or its path).

    Returns the :class:`CampaignSpec` (codes upper-cased, numbers as ``Decimal``, phones as
    typed). Raises :class:`TemplateInvalid` with every problem found when the file cannot be read
    or anything in it is wrong; nothing else is raised for bad input.
    """
    errors: list[TemplateError] = []
    tables = load_tables(file_bytes(source), errors)
    spec = _build_spec(tables, errors)
    if errors or spec is None:
        raise TemplateInvalid(sorted(errors, key=_error_order))
    return spec


def _error_order(error: TemplateError) -> tuple[int, int, int]:
    """Sort key: file problems first, then by sheet, row and column as laid out in the template."""
    sheets = ("", *DATA_SHEETS)
    sheet = sheets.index(error.sheet) if error.sheet in sheets else len(sheets)
    headers = [column.header for column in TEMPLATE_COLUMNS.get(error.sheet, ())]
    column = headers.index(error.column) if error.column in headers else -1
    return sheet, error.row or 0, column


def _build_spec(
    tables: Mapping[str, Table | None], errors: list[TemplateError]
) -> CampaignSpec | None:
    """The whole spec, or ``None`` when the campaign row itself is unusable."""
    head = _read_campaign(tables[CAMPAIGN_SHEET], errors)
    elements, element_codes = read_elements(tables[ELEMENTS_SHEET], errors)
    units = read_list(tables[UNITS_SHEET], errors, _read_unit, "đơn vị")
    _check_cluster_heads(units[0])
    titles = read_list(tables[TITLES_SHEET], errors, _read_title, None)
    criteria = read_criteria(tables[CRITERIA_SHEET], errors, elements, element_codes)
    reviews = read_reviews(tables[REVIEWS_SHEET], errors, head)
    if head is None:
        return None
    try:
        return replace(
            head,
            elements=tuple(elements),
            units=tuple(unit for _, unit in units[0]),
            titles=tuple(title for _, title in titles[0]),
            criteria=tuple(criteria),
            reviews=tuple(reviews),
        )
    except SpecProblem as problem:  # a rule the cell checks missed: reported, never raised
        if not errors:  # else the cells' own problems already explain it
            errors.append(TemplateError("", None, None, problem.user_message))
        return None


def _read_campaign(table: Table | None, errors: list[TemplateError]) -> CampaignSpec | None:
    if table is None:
        return None
    if not table.rows:
        errors.append(TemplateError(table.sheet, 2, None, "chưa điền thông tin phong trào"))
        return None
    for extra in table.rows[1:]:
        errors.append(
            TemplateError(
                table.sheet,
                extra.number,
                None,
                "mỗi file chỉ khai một phong trào (dòng 2) — xóa dòng này",
            )
        )
    cells = Cells(table, table.rows[0], errors)
    code, name = cells.code("code"), cells.text("name")
    start, end = cells.day("start"), cells.day("end")
    frequency = cells.get("frequency", parse_frequency)
    deadline = cells.day("registration_deadline")
    _check_campaign_dates(cells, start, end, deadline)
    theme, issuing_body = cells.text("theme") or "", cells.text("issuing_body") or ""
    document_number = cells.text("document_number") or ""
    parent_body, place = cells.text("parent_body") or "", cells.text("place") or ""
    report_suffix = cells.text("report_suffix") or ""
    signer_title, signer_name = cells.text("signer_title") or "", cells.text("signer_name") or ""
    recipients = tuple(
        part.strip() for part in re.split(r"[;\n]", cells.text("recipients") or "") if part.strip()
    )
    due_days = or_default(cells.get("due_days", parse_day_count), CAMPAIGN_DEFAULTS.due_days)
    lock_days = or_default(cells.get("lock_days", parse_day_count), CAMPAIGN_DEFAULTS.lock_days)
    defaults = CAMPAIGN_DEFAULTS
    days_before = cells.get("remind_days_before", parse_reminder_days)
    on_due = cells.get("remind_on_due", parse_yes_no)
    overdue = cells.get("remind_overdue_days", parse_reminder_day_count)
    office = cells.get("escalate_office_days", parse_reminder_day_count)
    cluster = cells.get("escalate_cluster_days", parse_reminder_day_count)
    is_sample = or_default(cells.get("is_sample", parse_yes_no), False)
    if code is None or name is None or start is None or end is None or frequency is None:
        return None
    return CampaignSpec(
        code=code,
        name=name,
        start=start,
        end=end,
        frequency=frequency,
        theme=theme,
        issuing_body=issuing_body,
        document_number=document_number,
        parent_body=parent_body,
        place=place,
        report_suffix=report_suffix,
        signer_title=signer_title,
        signer_name=signer_name,
        recipients=recipients,
        due_days=due_days,
        lock_days=lock_days,
        registration_deadline=deadline,
        remind_days_before=or_default(days_before, defaults.remind_days_before),
        remind_on_due=or_default(on_due, defaults.remind_on_due),
        remind_overdue_days=or_default(overdue, defaults.remind_overdue_days),
        escalate_office_days=or_default(office, defaults.escalate_office_days),
        escalate_cluster_days=or_default(cluster, defaults.escalate_cluster_days),
        is_sample=is_sample,
    )


def _check_campaign_dates(
    cells: Cells, start: date | None, end: date | None, deadline: date | None
) -> None:
    if start and end and end < start:
        cells.fail("end", f"ngày kết thúc {show_date(end)} trước ngày bắt đầu {show_date(start)}")
    if deadline and end and deadline > end:
        cells.fail(
            "registration_deadline",
            f"hạn đăng ký {show_date(deadline)} sau ngày kết thúc phong trào {show_date(end)}",
        )


def _read_unit(cells: Cells, code: str | None) -> UnitSpec | None:
    name = cells.text("name")
    unit_type = cells.text("unit_type") or ""
    cluster = cells.text("cluster")
    representatives = cells.get("representatives", split_list) or ()
    phones = cells.get("phones", parse_phones) or ()
    is_cluster_head = or_default(cells.get("is_cluster_head", parse_yes_no), False)
    if is_cluster_head and cluster is None:
        cells.fail("is_cluster_head", "đơn vị cụm trưởng phải có cụm/khối thi đua")
    if code is None or name is None:
        return None
    return UnitSpec(code, name, unit_type, cluster, phones, representatives, is_cluster_head)


def _check_cluster_heads(units: Sequence[tuple[Cells, UnitSpec]]) -> None:
    """At most one cluster head per cluster; each further one names the first one's row."""
    heads: dict[str, tuple[int, str]] = {}
    for cells, unit in units:
        if not unit.is_cluster_head or unit.cluster is None:
            continue
        first = heads.setdefault(unit.cluster, (cells.row.number, unit.code))
        if first[0] != cells.row.number:
            cells.fail(
                "is_cluster_head",
                f'cụm "{unit.cluster}" có hai cụm trưởng: dòng {first[0]} ({first[1]}) và '
                f"dòng {cells.row.number} ({unit.code}) — mỗi cụm chỉ một đơn vị cụm trưởng",
            )


def _read_title(cells: Cells, code: str | None) -> TitleSpec | None:
    name = cells.text("name")
    kind = or_default(cells.get("kind", parse_title_kind), TitleKind.COLLECTIVE)
    min_score = cells.number("min_score", POINTS)
    needs_on_time = or_default(cells.get("needs_on_time", parse_yes_no), False)
    max_share = cells.number("max_share", "%")
    report(cells, title_rule_problems(min_score, max_share))
    if code is None or name is None:
        return None
    return TitleSpec(
        code,
        name,
        kind,
        min_score if cells.ok("min_score") else None,
        needs_on_time,
        max_share if cells.ok("max_share") else None,
    )
