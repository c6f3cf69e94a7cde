"""Reading the scoring sheets of a campaign template: "Tiêu chí" (criteria) and "Sơ kết, tổng
kết" (reviews). Both are optional: a template without them has no criteria and no reviews.

Each "Tiêu chí" row is a :class:`~domain.campaign_spec.CriterionSpec`. Blank cells mean: no
group, "điểm chuẩn", no evidence required, scored by hand. Checked: the maximum is a positive
number of points with at most two decimals; an automatic source and its rule come together, the
rule is one :func:`domain.scoring.parse_auto_rule` understands, and the source is the code of a
numeric row of sheet "Chỉ tiêu" (an entered element or a computed indicator) with a non-zero
target, since the rule scores the share of the target achieved.

Each "Sơ kết, tổng kết" row is a :class:`~domain.campaign_spec.ReviewSpec`. Checked: the period
id is one :func:`domain.periods.period_span` reads ("cả đợt" is ``CADOT``) and overlaps the
campaign; self-scoring starts no earlier than that period's first day (or the campaign's) and
ends no earlier than it starts; a cross-scoring window has both dates, starts no earlier than
self-scoring and ends no earlier than it starts; the meeting comes after both windows; no date
is more than :data:`~domain.campaign_spec.REVIEW_LATE_DAYS` days after the campaign's end; the
final-score rule is understood, adds up to 100%, and gives cross-scoring a share only when there
is a cross-scoring window. The rules themselves live in :mod:`domain.campaign_spec`, which
checks a spec built in code the same way.

Problems are recorded through :class:`~reports.template.tables.Cells`, one per cell, never on
top of a cell already reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from domain.campaign_spec import (
    CampaignSpec,
    CriterionSpec,
    ElementSpec,
    ReviewSpec,
    criterion_problems,
    review_dates_problems,
    source_problem,
    weights_problems,
    window_problems,
)
from domain.scoring import CriterionKind
from domain.template_cells import parse_period_id, parse_weights_text, parse_yes_no
from domain.template_choices import parse_criterion_kind
from reports.template.errors import TemplateError
from reports.template.tables import Cells, Table, or_default, read_list

__all__ = ["read_criteria", "read_reviews"]

POINTS = "điểm"
"""The measure unit points are read in: "10 điểm" is 10."""


def report(cells: Cells, problems: Iterable[tuple[str, str]]) -> None:
    """Record ``(column key, message)`` problems, skipping cells already reported."""
    for key, message in problems:
        if cells.ok(key):
            cells.fail(key, message)


def read_criteria(
    table: Table | None,
    errors: list[TemplateError],
    elements: Iterable[ElementSpec],
    codes: set[str],
) -> list[CriterionSpec]:
    """The valid rows of sheet "Tiêu chí"; ``elements`` are the valid rows of "Chỉ tiêu" and
    ``codes`` every code seen there (a source naming a row with problems of its own is not
    reported again)."""
    items, _ = read_list(table, errors, _read_criterion, None)
    by_code = {element.code: element for element in elements}
    kept = []
    for cells, criterion in items:
        if criterion.source is not None and criterion.source not in by_code:
            if criterion.source not in codes:  # else: that row is reported on its own
                cells.fail("source", source_problem(criterion.source, None) or "")
            continue
        problem = (
            source_problem(criterion.source, by_code[criterion.source])
            if criterion.source
            else None
        )
        if problem:
            cells.fail("source", problem)
            continue
        kept.append(criterion)
    return kept


def _read_criterion(cells: Cells, code: str | None) -> CriterionSpec | None:
    name = cells.text("name")
    group = cells.text("group") or ""
    max_points = cells.number("max_points", POINTS)
    kind = or_default(cells.get("kind", parse_criterion_kind), CriterionKind.STANDARD)
    evidence_required = or_default(cells.get("evidence_required", parse_yes_no), False)
    source = cells.code("source")
    rule = " ".join((cells.text("rule") or "").split())
    problems = criterion_problems(
        Decimal(1) if max_points is None else max_points,
        "?" if source is None and not cells.ok("source") else source,
        rule,
    )
    report(cells, problems)
    if cells.failed or code is None or name is None or max_points is None:
        return None
    return CriterionSpec(
        code, name, group, max_points, kind, evidence_required, source, rule if source else ""
    )


def read_reviews(
    table: Table | None, errors: list[TemplateError], campaign: CampaignSpec | None
) -> list[ReviewSpec]:
    """The valid rows of sheet "Sơ kết, tổng kết"; dates are checked against ``campaign``'s
    when its row of "Phong trào" could be read."""

    def read_row(cells: Cells, code: str | None) -> ReviewSpec | None:
        return _read_review(cells, code, campaign)

    items, _ = read_list(table, errors, read_row, None)
    return [review for _, review in items]


def _read_review(
    cells: Cells, code: str | None, campaign: CampaignSpec | None
) -> ReviewSpec | None:
    name = cells.text("name")
    covers = cells.get("covers", parse_period_id)
    dates: dict[str, date | None] = {
        key: cells.day(key)
        for key in ("self_start", "self_end", "cross_start", "cross_end", "review_date")
    }
    weights = cells.get("weights", parse_weights_text) or ""
    self_start, self_end = dates["self_start"], dates["self_end"]
    cross_start, cross_end = dates["cross_start"], dates["cross_end"]
    if self_start is not None and self_end is not None and cells.ok("cross_start", "cross_end"):
        report(
            cells,
            window_problems(self_start, self_end, cross_start, cross_end, dates["review_date"]),
        )
    if cells.ok("weights", "cross_start"):
        report(cells, weights_problems(weights, cross_start is not None))
    if campaign is not None and covers is not None:
        report(cells, review_dates_problems(covers, campaign.start, campaign.end, dates))
    if (
        cells.failed
        or code is None
        or name is None
        or covers is None
        or self_start is None
        or self_end is None
    ):
        return None
    return ReviewSpec(
        code,
        name,
        covers,
        self_start,
        self_end,
        cross_start,
        cross_end,
        dates["review_date"],
        weights,
    )
